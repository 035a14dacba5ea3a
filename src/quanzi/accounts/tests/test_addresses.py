"""A shopper's addresses: the first is the default, one default at a time, strangers see nothing."""

import pytest

from quanzi.accounts.models import Address
from quanzi.accounts.services import (
    MAX_ADDRESSES,
    address_create,
    address_delete,
    address_set_default,
    address_update,
)
from quanzi.core.errors import BusinessRuleViolation, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db
HOME = {"recipient": "张三", "phone": "13800138000", "province": "上海", "city": "上海", "district": "黄浦区",
        "detail": "人民路 1 号"}


def _defaults(user):
    return list(Address.objects.filter(user=user, is_default=True).values_list("pk", flat=True))


def test_the_first_address_is_the_default_and_there_is_only_ever_one(make_user):
    user = make_user()
    home = address_create(user=user, data=HOME)
    work = address_create(user=user, data={**HOME, "detail": "南京西路 2 号"})
    assert _defaults(user) == [home.pk]

    address_set_default(user=user, address_id=work.pk)
    assert _defaults(user) == [work.pk]
    third = address_create(user=user, data={**HOME, "detail": "x"}, is_default=True)
    assert _defaults(user) == [third.pk]


def test_deleting_the_default_promotes_another_address(make_user):
    user = make_user()
    home = address_create(user=user, data=HOME)
    work = address_create(user=user, data={**HOME, "detail": "南京西路 2 号"})
    address_delete(user=user, address_id=home.pk)
    assert _defaults(user) == [work.pk]


def test_another_users_address_is_not_found(make_user):
    owner, stranger = make_user(), make_user()
    home = address_create(user=owner, data=HOME)
    for call in (lambda: address_update(user=stranger, address_id=home.pk, data={**HOME, "detail": "mine now"}),
                 lambda: address_set_default(user=stranger, address_id=home.pk),
                 lambda: address_delete(user=stranger, address_id=home.pk)):
        with pytest.raises(NotFound):
            call()
    home.refresh_from_db()
    assert home.detail == "人民路 1 号"


@pytest.mark.parametrize("field,value", [("recipient", ""), ("phone", "12345"), ("detail", ""), ("detail", "x" * 201)])
def test_invalid_addresses_are_refused_with_the_field(make_user, field, value):
    with pytest.raises(ValidationFailed) as exc:
        address_create(user=make_user(), data={**HOME, field: value})
    assert field in exc.value.fields
    assert not Address.objects.exists()


def test_at_most_twenty_addresses(make_user):
    user = make_user()
    for i in range(MAX_ADDRESSES):
        address_create(user=user, data={**HOME, "detail": f"{i} 号"})
    with pytest.raises(BusinessRuleViolation) as exc:
        address_create(user=user, data=HOME)
    assert exc.value.code == "too_many_addresses"
