import io

import pytest
from django.test import Client, override_settings
from PIL import Image


@pytest.fixture
def web():
    """`web(user)` → a logged-in browser client (or anonymous)."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def png_bytes(size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (255, 36, 66)).save(buf, "PNG")
    return buf.getvalue()
