"""Embedded default: SQLite (WAL), in-memory cache and channel layer, no servers needed."""

from .base import *  # noqa: F401,F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
