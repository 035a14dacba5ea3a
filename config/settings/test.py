"""Test settings: fast hashing only where tests do not check Argon2, eager timers."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASES, QUANZI, env

DEBUG = False
# Tests assert English copy; tests of the zh-Hans default set LANGUAGE_CODE = "zh-hans" themselves.
LANGUAGE_CODE = "en"
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and not env("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "quanzi.core.db.sqlite3", "NAME": BASE_DIR / "var" / "test.sqlite3",
                            "TEST": {"NAME": None}, "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"}}
# Argon2id stays first (a test checks it), at its lightest cost (light_hashers.py: the production cost would
# add minutes to the suite); tests create users with the fast MD5 hasher below only when they ask for it
# explicitly through `make_password(..., hasher="md5")`.
PASSWORD_HASHERS = [
    "config.settings.light_hashers.LightArgon2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No A/B holdout by default (which arm a test's user falls in would depend on its id); the A/B tests set it.
QUANZI = {**QUANZI, "SITE_URL": "http://testserver", "SANDBOX_TRANSPORT": "inprocess", "RECOMMEND_HOLDOUT_PERCENT": 0}
