"""Benchmark settings (`QUANZI_ENV=bench`, used by bench/*.py): production-like, plain HTTP.

Like `prod` it runs with DEBUG off on PostgreSQL (DATABASE_URL, persistent connections via
`?conn_max_age=`, default 60 s), but it needs no SECRET_KEY, TLS or Redis, so it can be started on
a laptop or in CI next to the load generator. Never deploy with it.
"""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "quanzi.privacy.masking.PhoneMaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]}},
    "loggers": {
        "quanzi": {"handlers": ["console"], "level": env("QUANZI_LOG_LEVEL", "WARNING")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
