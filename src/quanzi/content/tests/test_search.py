"""Note, user and topic search: jieba index kept in step with publish/update/hide/delete."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quanzi.content import services
from quanzi.content.models import NoteSearchTerm, NoteStatus
from quanzi.content.search import note_reindex, search_notes, search_topics, search_users

pytestmark = pytest.mark.django_db


def ids(notes):
    return [n.pk for n in notes]


def test_chinese_title_body_and_single_character_queries(make_note):
    dress = make_note(title="夏日连衣裙穿搭", body="真丝面料很凉快 #穿搭")
    tea = make_note(title="春茶品鉴", body="西湖龙井的清香")
    assert ids(search_notes(query="连衣裙")) == [dress.pk]
    assert ids(search_notes(query="真丝")) == [dress.pk]            # a body word
    assert ids(search_notes(query="龙井")) == [tea.pk]
    assert ids(search_notes(query="茶")) == [tea.pk]                # a single character
    assert ids(search_notes(query="连衣裙 真丝")) == [dress.pk]      # every term must match
    assert search_notes(query="连衣裙 龙井") == []
    assert search_notes(query="") == [] and search_notes(query="   ") == []


def test_english_queries_are_case_insensitive(make_note):
    note = make_note(title="Matcha Latte recipe", body="Whisk the matcha with oat milk #Cafe")
    assert ids(search_notes(query="matcha")) == [note.pk]
    assert ids(search_notes(query="OAT milk")) == [note.pk]
    assert ids(search_notes(query="cafe")) == [note.pk]             # a topic
    assert search_notes(query="espresso") == []


def test_title_matches_rank_above_body_matches_then_newest(make_note):
    body_hit = make_note(title="周末日常", body="喝了一杯咖啡")
    title_hit = make_note(title="咖啡店探店", body="环境不错")
    newer_body_hit = make_note(title="读书笔记", body="配一杯咖啡")
    assert ids(search_notes(query="咖啡")) == [title_hit.pk, newer_body_hit.pk, body_hit.pk]
    assert ids(search_notes(query="咖啡", limit=1, offset=1)) == [newer_body_hit.pk]


def test_drafts_hidden_and_deleted_notes_are_never_found(make_note, author, make_user):
    draft = make_note(title="草稿连衣裙", publish=False)
    assert search_notes(query="草稿") == []
    assert not NoteSearchTerm.objects.filter(note=draft).exists()
    hidden = make_note(title="隐藏的笔记", body="内容")
    deleted = make_note(title="删除的笔记", body="内容")
    operator = make_user(is_staff=True)
    services.moderate_hide(operator=operator, note_id=hidden.pk, reason="spam")
    services.note_delete(user=author, note_id=deleted.pk)
    assert search_notes(query="隐藏") == [] and search_notes(query="删除") == []
    assert not NoteSearchTerm.objects.filter(note__in=[hidden, deleted]).exists()
    services.moderate_restore(operator=operator, note_id=hidden.pk, reason="ok")
    assert ids(search_notes(query="隐藏")) == [hidden.pk]


def test_a_note_whose_status_changed_behind_the_index_is_not_returned(make_note):
    note = make_note(title="绕过索引")
    type(note).objects.filter(pk=note.pk).update(status=NoteStatus.HIDDEN)
    assert search_notes(query="绕过") == []


def test_editing_a_published_note_reindexes_it(make_note, author):
    note = make_note(title="旧标题", body="旧内容")
    services.note_update(user=author, note_id=note.pk, title="新款帆布包", body="通勤好用")
    assert search_notes(query="旧标题") == []
    assert ids(search_notes(query="帆布包")) == [note.pk]
    assert ids(search_notes(query="通勤")) == [note.pk]


def test_editing_a_draft_does_not_index_it(make_note, author):
    note = make_note(title="草稿", publish=False)
    services.note_update(user=author, note_id=note.pk, title="仍是草稿的帆布包")
    assert search_notes(query="帆布包") == []
    note_reindex(note)  # reindexing a draft is harmless: it stays out
    assert search_notes(query="帆布包") == []


def test_blocked_authors_are_left_out_both_ways(make_note, author, reader, block, make_user):
    note = make_note(title="露营装备清单")
    assert ids(search_notes(query="露营", viewer=reader)) == [note.pk]
    block(reader, author)
    assert search_notes(query="露营", viewer=reader) == []
    other = make_user()
    block(author, other)
    assert search_notes(query="露营", viewer=other) == []
    assert ids(search_notes(query="露营")) == [note.pk]  # anonymous visitors still find it


def test_search_notes_query_count_does_not_grow(make_note, reader, make_user):
    make_note(title="火锅 第一篇")
    with CaptureQueriesContext(connection) as few:
        assert len(search_notes(query="火锅", viewer=reader)) == 1
    for i in range(5):
        make_note(title=f"火锅 第{i + 2}篇")
    with CaptureQueriesContext(connection) as many:
        assert len(search_notes(query="火锅", viewer=reader)) == 6
    assert len(many) == len(few) <= 4


def test_search_users_by_nickname(make_user, reader, block):
    from quanzi.social.testing import make_follow

    tea = make_user(nickname="爱喝茶的小王")
    tea2 = make_user(nickname="Tea Lover")
    make_user(nickname="咖啡控")
    make_follow(follower=reader, followee=tea)
    found = search_users(query="茶", viewer=reader)
    assert [u.pk for u in found] == [tea.pk]
    assert found[0].follower_count == 1 and found[0].avatar_url == "" and found[0].uid == tea.uid
    assert [u.pk for u in search_users(query="tea")] == [tea2.pk]
    assert search_users(query="") == []
    block(tea, reader)
    assert search_users(query="茶", viewer=reader) == []


def test_search_topics_with_published_note_counts(make_note):
    make_note(title="一", body="#穿搭 分享")
    make_note(title="二", body="#穿搭日记 记录")
    make_note(title="三", body="#穿搭", publish=False)
    topics = search_topics(query="穿搭")
    assert [(t.name, t.note_count) for t in topics] == [("穿搭", 1), ("穿搭日记", 1)]
    assert [t.name for t in search_topics(query="#日记")] == ["穿搭日记"]
    assert search_topics(query="") == []


def test_search_api(client, make_note, author, reader, api, block):
    note = make_note(title="Matcha 抹茶拿铁", body="自制 #饮品")
    page = client.get("/api/v1/content/search", {"q": "抹茶"}).json()
    assert page["type"] == "notes" and [n["id"] for n in page["notes"]] == [note.pk]
    assert page["notes"][0]["url"] == f"/n/{note.pk}/" and page["next_offset"] is None
    users = client.get("/api/v1/content/search", {"q": "小红", "type": "users"}).json()["users"]
    assert [u["uid"] for u in users] == [author.uid] and users[0]["url"] == f"/u/{author.uid}/"
    topics = client.get("/api/v1/content/search", {"q": "饮品", "type": "topics"}).json()["topics"]
    assert topics == [{"name": "饮品", "note_count": 1, "url": "/t/%E9%A5%AE%E5%93%81/"}]
    assert client.get("/api/v1/content/search", {"q": "x", "type": "bogus"}).status_code == 400
    block(reader, author)
    assert api(reader).get("/api/v1/content/search", {"q": "抹茶"}).json()["notes"] == []


def test_search_api_offset_paging(client, make_note):
    notes = [make_note(title=f"饺子 {i}") for i in range(3)]
    first = client.get("/api/v1/content/search", {"q": "饺子", "limit": 2}).json()
    assert [n["id"] for n in first["notes"]] == [notes[2].pk, notes[1].pk] and first["next_offset"] == 2
    rest = client.get("/api/v1/content/search", {"q": "饺子", "limit": 2, "offset": 2}).json()
    assert [n["id"] for n in rest["notes"]] == [notes[0].pk] and rest["next_offset"] is None


def test_the_reindex_command_rebuilds_a_lost_index(make_note):
    from django.core.management import call_command

    tea = make_note(title="春茶品鉴", body="西湖龙井的清香")
    NoteSearchTerm.objects.all().delete()  # e.g. notes published before search existed
    assert search_notes(query="龙井") == []

    call_command("content_reindex", verbosity=0)

    assert ids(search_notes(query="龙井")) == [tea.pk]
