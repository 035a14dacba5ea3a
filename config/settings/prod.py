"""Production: PostgreSQL + Redis + Celery; every secret from the environment.

`QUANZI_ENV=prod python manage.py check --deploy` must print no warning.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment (50+ random characters)")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Outbox events are delivered by Celery workers (a task per committing transaction, beat for retries).
QUANZI = {**QUANZI, "OUTBOX_DISPATCH": os.environ.get("QUANZI_OUTBOX_DISPATCH", "celery")}  # noqa: F405

# Nothing of the sandbox in production (docs/payments.md): no sandbox payment provider, no sandbox carrier,
# so neither the sandbox cashier nor the "advance parcel" route is mounted. A staging site that wants them
# names them itself and opts in with QUANZI_SANDBOX_IN_PRODUCTION=1; `check` fails otherwise
# (payments/checks.py, shipping/checks.py, live/checks.py).
QUANZI = {**QUANZI, "ENV": "prod",
          "PAYMENT_PROVIDERS": os.environ.get("QUANZI_PAYMENT_PROVIDERS", ""),
          "SANDBOX_CARRIER": os.environ.get("QUANZI_SANDBOX_CARRIER", "0") == "1"}
