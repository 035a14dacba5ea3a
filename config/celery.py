"""Celery wiring for production: `QUANZI_ENV=prod celery -A config.celery worker -B`.

Imported with the `config` package (config/__init__.py), so its settings default must be the same
as manage.py, wsgi.py and asgi.py (`dev`): production sets QUANZI_ENV=prod for every process."""

import os
import sys
from pathlib import Path

from celery import Celery

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('QUANZI_ENV', 'dev')}")

app = Celery("quanzi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["quanzi.core"])
