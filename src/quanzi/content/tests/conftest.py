import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name="a.png", size=(40, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def author(make_user):
    return make_user(nickname="小红")


@pytest.fixture
def reader(make_user):
    return make_user(nickname="reader")


@pytest.fixture
def make_note(author):
    from quanzi.content import services

    def make(*, user=None, title="夏日穿搭", body="今天的 #穿搭 分享", images=1, publish=True, products=()):
        user = user or author
        note = services.note_create_draft(author=user, title=title, body=body)
        for _ in range(images):
            services.note_add_image(user=user, note_id=note.pk, upload=png_upload())
        for p in products:
            services.note_tag_product(user=user, note_id=note.pk, product_id=p.pk)
        if publish:
            services.note_publish(user=user, note_id=note.pk)
        note.refresh_from_db()
        return note

    return make


@pytest.fixture
def note(make_note):
    return make_note()


@pytest.fixture
def block():
    def make(blocker, blocked):
        from quanzi.social.testing import make_block

        return make_block(blocker=blocker, blocked=blocked)

    return make
