import pytest


@pytest.fixture
def policy(db):
    from quanzi.privacy import services

    return services.policy_publish(version=2, body_zh_hans="隐私政策", body_en="Privacy policy")


@pytest.fixture
def rich_user(make_shopper, make_user, product, sku, policy):
    """A person with something personal in many apps: account, address, a cancelled order (its address
    snapshot and note), a note and a comment, a bio, follows both ways, a consent with a guardian."""
    from quanzi.content import services as content
    from quanzi.content.testing import make_note
    from quanzi.orders.services import order_cancel
    from quanzi.orders.testing import place_order
    from quanzi.privacy import services as privacy
    from quanzi.social import services as social

    user = make_shopper(phone="13912345678", email="wang.secret@example.com", nickname="王秘密")
    from quanzi.accounts.services import address_create

    address_create(user=user, data={"recipient": "王小秘", "phone": "13712345678", "province": "浙江", "city": "杭州",
                                    "district": "西湖区", "detail": "秘密路 88 号"}, is_default=True)
    orders, _payment = place_order(user=user, items=[(sku, 1)])
    order_cancel(order_id=orders[0].pk, reason="changed my mind", user=user)
    content.note_create_draft(author=user, title="我的秘密笔记", body="只属于我的秘密正文", location="杭州西湖")
    other = make_user(nickname="friend")
    other_note = make_note(author=other)
    content.comment_create(user=user, note_id=other_note.pk, body="秘密评论内容")
    content.like(user=user, note_id=other_note.pk)
    social.profile_update(user=user, bio="秘密简介")
    social.follow_user(user=user, target=other)
    social.follow_user(user=other, target=user)
    privacy.consent_grant(user=user, purpose="carriers")
    privacy.guardian_consent_record(user=user, guardian_name="王监护", guardian_phone="13612345678")
    return user


SECRETS = ("13912345678", "wang.secret@example.com", "王秘密", "王小秘", "13712345678", "秘密路", "我的秘密笔记",
           "只属于我的秘密正文", "杭州西湖", "秘密评论内容", "秘密简介", "王监护", "13612345678", "changed my mind")
