"""Celery wiring for production: `celery -A config.celery worker -B`."""

import os
import sys
from pathlib import Path

from celery import Celery

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('QUANZI_ENV', 'prod')}")

app = Celery("quanzi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["quanzi.core"])
