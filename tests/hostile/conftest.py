"""One world for the whole package, built once inside a transaction that is rolled back at the end;
each test runs in a savepoint of it (pytest-django's `db`), and each hostile request in a savepoint of
its own (`hostile_kit.isolated`), so one request's effects (a logout, a cancelled order) never reach the next.

Passwords are hashed with the fast MD5 hasher here: the corpus sends hundreds of logins, and what it tests
is the handling of their junk, not Argon2 (which accounts' own tests check)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings

from .hostile_kit import World, build


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker) -> World:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with django_db_blocker.unblock():
            with transaction.atomic():
                built = build()
                yield built
                transaction.set_rollback(True)
    # The rows are gone and their ids will be handed out again (SQLite reuses them after a rollback):
    # nothing cached about them (room sequence numbers, rate limits, counters) may outlive them.
    cache.clear()
