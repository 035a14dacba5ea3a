"""The process entry points pick the settings the README promises: `make demo` starts uvicorn on
config.asgi with no settings variable at all and must get the embedded dev settings, not prod."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["config.asgi", "config.wsgi", "config.celery"])
def test_entry_points_default_to_the_dev_settings(module):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "QUANZI_ENV")}
    code = f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "config.settings.dev"
