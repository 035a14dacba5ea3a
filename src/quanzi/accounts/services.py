"""Account use cases: register, log in (throttled), change password, addresses, API tokens."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanzi.accounts.models import Address, ApiToken, User
from quanzi.core.errors import (
    BusinessRuleViolation,
    Conflict,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from quanzi.core.registry import Registry

login_hooks: Registry = Registry(
    "accounts.login_hooks", keyed=True, owner=__name__,
    doc="Run when a user logs in or signs up through a session: `fn(request=, user=)` (sharing moves session bindings).")


def run_login_hooks(*, request, user) -> None:
    """Connected to Django's `user_logged_in` in AccountsConfig.ready (the only signal Quanzi uses)."""
    for hook in login_hooks:
        hook(request=request, user=user)


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_ADDRESSES = 20


def normalize_identifier(identifier: str) -> tuple[str | None, str | None]:
    """Split a login identifier into (phone, email); raise if it is neither."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        try:
            validate_email(identifier)
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), fields={"identifier": "invalid email"})
        return None, identifier.lower()
    phone = identifier.replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise ValidationFailed(_("Enter a mainland China mobile number (11 digits) or an e-mail address."),
                               fields={"identifier": "invalid phone"})
    return phone, None


def _check_password_strength(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), fields={field: " ".join(exc.messages)})


@transaction.atomic
def user_register(*, identifier: str, password: str, nickname: str = "") -> User:
    phone, email = normalize_identifier(identifier)
    _check_password_strength(password)
    nickname = (nickname or "").strip()[:40]
    lookup = {"phone": phone} if phone else {"email__iexact": email}
    if User.objects.filter(**lookup).exists():
        raise Conflict(_("An account with this phone number or e-mail already exists."),
                       code="account_exists", fields={"identifier": "taken"})
    try:
        with transaction.atomic():
            return User.objects.create_user(phone=phone, email=email, password=password, nickname=nickname)
    except IntegrityError:
        raise Conflict(_("An account with this phone number or e-mail already exists."),
                       code="account_exists", fields={"identifier": "taken"})


def _throttle_keys(identifier: str, ip: str) -> list[str]:
    return [f"login-fail:id:{identifier.lower()}", f"login-fail:ip:{ip}"]


def user_login_check(*, identifier: str, password: str, ip: str = "") -> User:
    """Authenticate, counting failures per identifier and per IP; lock out after too many."""
    conf = settings.QUANZI
    limit, window = conf["LOGIN_THROTTLE_ATTEMPTS"], conf["LOGIN_THROTTLE_WINDOW_SECONDS"]
    keys = _throttle_keys(identifier or "", ip or "")
    if any((cache.get(k) or 0) >= limit * (4 if ":ip:" in k else 1) for k in keys):
        raise RateLimited(_("Too many failed attempts. Try again in a few minutes."), code="login_throttled")
    user = authenticate(None, identifier=identifier, password=password)
    if user is None:
        for k in keys:
            cache.add(k, 0, window)
            try:
                cache.incr(k)
            except ValueError:
                cache.set(k, 1, window)
        raise NotAuthenticated(_("The phone/e-mail or password is wrong."), code="invalid_credentials")
    cache.delete(keys[0])
    return user


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationFailed(_("The current password is wrong."), fields={"old_password": "wrong"})
    _check_password_strength(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])


@transaction.atomic
def user_update_profile(*, user: User, nickname: str | None = None) -> User:
    if nickname is not None:
        nickname = nickname.strip()
        if not nickname or len(nickname) > 40:
            raise ValidationFailed(_("A nickname has 1 to 40 characters."), fields={"nickname": "length"})
        user.nickname = nickname
        user.save(update_fields=["nickname"])
    return user


ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "detail", "postal_code")
ADDRESS_LIMITS = {"recipient": 40, "phone": 20, "province": 40, "city": 40, "district": 40, "detail": 200,
                  "postal_code": 10}
ADDRESS_REQUIRED = ("recipient", "phone", "province", "city", "detail")


def _clean_address(data: dict) -> dict:
    cleaned, errors = {}, {}
    for name in ADDRESS_FIELDS:
        value = str(data.get(name) or "").strip()
        if name in ADDRESS_REQUIRED and not value:
            errors[name] = _("This field is required.")
        elif len(value) > ADDRESS_LIMITS[name]:
            errors[name] = _("Too long.")
        cleaned[name] = value
    if cleaned.get("phone") and not PHONE_RE.match(cleaned["phone"]) and "phone" not in errors:
        errors["phone"] = _("Enter an 11-digit mobile number.")
    if errors:
        raise ValidationFailed(_("Some address fields are invalid."), fields=errors)
    return cleaned


@transaction.atomic
def address_create(*, user: User, data: dict, is_default: bool = False) -> Address:
    if Address.objects.filter(user=user).count() >= MAX_ADDRESSES:
        raise BusinessRuleViolation(_("You can keep at most %(n)d addresses.") % {"n": MAX_ADDRESSES},
                                    code="too_many_addresses")
    cleaned = _clean_address(data)
    first = not Address.objects.filter(user=user).exists()
    address = Address.objects.create(user=user, **cleaned, is_default=False)
    if is_default or first:
        address_set_default(user=user, address_id=address.pk)
        address.is_default = True
    return address


def _own_address(user: User, address_id: int) -> Address:
    address = Address.objects.select_for_update().filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound(_("Address not found."))
    return address


@transaction.atomic
def address_update(*, user: User, address_id: int, data: dict, is_default: bool = False) -> Address:
    address = _own_address(user, address_id)
    for name, value in _clean_address(data).items():
        setattr(address, name, value)
    address.save()
    if is_default:
        address_set_default(user=user, address_id=address.pk)
        address.is_default = True
    return address


@transaction.atomic
def address_set_default(*, user: User, address_id: int) -> None:
    _own_address(user, address_id)
    Address.objects.filter(user=user, is_default=True).exclude(pk=address_id).update(is_default=False)
    Address.objects.filter(user=user, pk=address_id).update(is_default=True)


@transaction.atomic
def address_delete(*, user: User, address_id: int) -> None:
    address = _own_address(user, address_id)
    was_default = address.is_default
    address.delete()
    if was_default:
        nxt = Address.objects.filter(user=user).order_by("-id").first()
        if nxt:
            Address.objects.filter(pk=nxt.pk).update(is_default=True)


def api_token_create(*, user: User, name: str = "") -> str:
    """Create a bearer token and return the clear key (shown once)."""
    key = "qz_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), name=name[:60])
    return key


def api_token_user(*, key: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user
