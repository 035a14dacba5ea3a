from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def sharer(make_user):
    return make_user(nickname="小红 Alice")


@pytest.fixture
def share_link(sharer, product):
    from quanzi.sharing.services import share_link_for

    link, _target = share_link_for(sharer=sharer, target_type="product", target_id=product.pk)
    return link


@pytest.fixture
def logged_in():
    """`logged_in(user)` → a browser client with a session for the user."""

    def make(user, **headers):
        client = Client(**headers)
        client.force_login(user, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
        return client

    return make


@pytest.fixture
def share_settings():
    """`share_settings(**fields)` saves the singleton (clearing its cache)."""
    from quanzi.sharing.models import SharingSettings

    def update(**fields):
        conf = SharingSettings.objects.filter(pk=1).first() or SharingSettings(pk=1)
        for name, value in fields.items():
            setattr(conf, name, value)
        conf.save()
        return conf

    return update
