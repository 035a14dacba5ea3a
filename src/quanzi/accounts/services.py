"""Account use cases: register, log in (throttled), change password, addresses, API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.events import UserRegistered
from quanzi.accounts.models import Address, ApiToken, User
from quanzi.accounts.validators import has_unusable_characters
from quanzi.core import ratelimit
from quanzi.core.errors import (
    BusinessRuleViolation,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from quanzi.core.events import publish
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
MAX_LOGIN_PASSWORD = 1024  # longer "passwords" are never hashed at login (none can have been set)
IGNORED_IN_IDENTIFIERS = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # controls, zero-width and other invisible characters


def canonical_identifier(identifier) -> str:
    """One spelling per login, computed once before throttling and lookup: NFKC (full-width digits and
    letters become ASCII), invisible characters and whitespace anywhere removed (a leading space or a tab
    is the same login), e-mail addresses case-folded, phone numbers without `+86`, spaces or dashes.
    Anything else (an operator's uid) is lower-cased as it is."""
    text = unicodedata.normalize("NFKC", str(identifier or ""))[:320]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in IGNORED_IN_IDENTIFIERS)
    if "@" in text:
        return text.casefold()
    phone = text.replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    return phone if PHONE_RE.match(phone) else text.lower()


def normalize_identifier(identifier: str) -> tuple[str | None, str | None]:
    """Split a login identifier into (phone, email); raise if it is neither."""
    canonical = canonical_identifier(identifier)
    if "@" in canonical:
        try:
            validate_email(canonical)
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid e-mail address."), fields={"identifier": "invalid email"})
        return None, canonical
    if not PHONE_RE.match(canonical):
        raise ValidationFailed(_("Enter a mainland China mobile number (11 digits) or an e-mail address."),
                               fields={"identifier": "invalid phone"})
    return canonical, None


def _check_password_strength(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), fields={field: " ".join(exc.messages)})


def _registration_refused() -> ValidationFailed:
    # The same words whether or not the account exists and whatever made it fail: registration must not
    # tell a stranger which phone numbers and e-mail addresses have an account.
    return ValidationFailed(_("This phone number or e-mail cannot be used to create an account. "
                              "If you already have an account, log in instead."),
                            code="registration_refused", fields={"identifier": "unavailable"})


@transaction.atomic
def user_register(*, identifier: str, password: str, nickname: str = "", ip: str = "") -> User:
    """Create an account — or, when the phone/e-mail already has one and the password is its password,
    sign that person in: the answer is then the same as for a new account, so registering never reveals
    who has an account. A wrong password for an existing account is a failed login (throttled, counted)
    answered with the generic `registration_refused`. `user.was_created` says which happened."""
    phone, email = normalize_identifier(identifier)
    _check_password_strength(password)
    if ip:
        ratelimit.hit("register", ip, limit=settings.QUANZI["REGISTER_ATTEMPTS_PER_HOUR"], window=3600)
    canonical = phone or email or ""
    _raise_if_throttled(canonical, ip)
    nickname = (nickname or "").strip()[:40]
    lookup = {"phone": phone} if phone else {"email__iexact": email}
    if User.objects.filter(**lookup).exists():
        return _register_existing(canonical, password, ip)
    try:
        with transaction.atomic():
            user = User.objects.create_user(phone=phone, email=email, password=password, nickname=nickname)
            publish(UserRegistered(user_id=user.pk))
    except IntegrityError:  # registered by a concurrent request a moment ago
        return _register_existing(canonical, password, ip)
    user.was_created = True
    return user


def _register_existing(canonical: str, password: str, ip: str) -> User:
    try:
        user = user_login_check(identifier=canonical, password=password, ip=ip)
    except NotAuthenticated:
        raise _registration_refused()
    user.was_created = False
    return user


def _throttle_keys(canonical: str, ip: str) -> list[tuple[str, int]]:
    """(cache key, limit) of the per-account counter and, when the address is known, the per-address one."""
    limit = settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"]
    digest = hashlib.sha256(canonical.encode("utf-8", "replace")).hexdigest()[:40]
    keys = [(f"login-fail:id:{digest}", limit)]
    if ip:
        keys.append((f"login-fail:ip:{ip}", limit * 4))
    return keys


def _raise_if_throttled(canonical: str, ip: str) -> None:
    if any((cache.get(key) or 0) >= limit for key, limit in _throttle_keys(canonical, ip)):
        raise RateLimited(_("Too many failed attempts. Try again in a few minutes."), code="login_throttled")


def _count_failure(canonical: str, ip: str) -> None:
    window = settings.QUANZI["LOGIN_THROTTLE_WINDOW_SECONDS"]
    for key, _limit in _throttle_keys(canonical, ip):
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)


def user_login_check(*, identifier: str, password: str, ip: str = "") -> User:
    """Authenticate, counting failures per account (its canonical identifier: no spelling variant gets a
    fresh count) and per client address (the real one behind a trusted proxy); lock out after too many."""
    canonical = canonical_identifier(identifier)
    _raise_if_throttled(canonical, ip)
    user = None
    if isinstance(password, str) and 0 < len(password) <= MAX_LOGIN_PASSWORD \
            and not has_unusable_characters(password):
        user = authenticate(None, identifier=canonical, password=password)
    if user is None:
        _count_failure(canonical, ip)
        raise NotAuthenticated(_("The phone/e-mail or password is wrong."), code="invalid_credentials")
    cache.delete(_throttle_keys(canonical, ip)[0][0])
    return user


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Change the password; every bearer token of the user is revoked and every session but the one that
    asks ends (Django ties sessions to the password hash; views keep theirs with update_session_auth_hash)."""
    if not isinstance(old_password, str) or len(old_password) > MAX_LOGIN_PASSWORD \
            or has_unusable_characters(old_password) or not user.check_password(old_password):
        ratelimit.hit("password-change", user.pk, limit=settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"],
                      window=settings.QUANZI["LOGIN_THROTTLE_WINDOW_SECONDS"])
        raise ValidationFailed(_("The current password is wrong."), fields={"old_password": "wrong"})
    _check_password_strength(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user).delete()


@transaction.atomic
def user_logout_other_sessions(*, user: User, keep_token_id: int | None = None) -> int:
    """Log out everywhere else: every other browser session ends (session_epoch) and every bearer token
    but `keep_token_id` is revoked. Returns how many tokens were revoked. The calling view keeps its own
    session with update_session_auth_hash."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    return api_tokens_revoke_all(user=user, except_id=keep_token_id)


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


# ---------------------------------------------------------------- bearer tokens

TOKEN_PREFIX = "qz_"
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often per token


@dataclass(frozen=True)
class IssuedToken:
    key: str  # the clear key, shown once
    token: ApiToken


def api_token_issue(*, user: User, name: str = "") -> IssuedToken:
    """Create a bearer token (only its hash is stored) that expires after QUANZI_API_TOKEN_TTL_SECONDS.
    A user holds at most QUANZI_API_TOKEN_MAX_PER_USER live tokens: issuing one more revokes the oldest,
    and the user's expired ones are deleted on the way."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), name=(name or "")[:60],
                                        hint=key[:8], last_used_at=now)
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        cap = max(1, settings.QUANZI["API_TOKEN_MAX_PER_USER"])
        beyond = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
                      .values_list("pk", flat=True)[cap:])
        if beyond:
            ApiToken.objects.filter(pk__in=beyond).delete()
    return IssuedToken(key=key, token=token)


def api_token_create(*, user: User, name: str = "") -> str:
    """Create a bearer token and return the clear key (shown once)."""
    return api_token_issue(user=user, name=name).key


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token with this key (its user loaded), or None: unknown, revoked, expired, or its user
    deactivated. Records when it was last used (at most every few minutes, so reads stay reads)."""
    if not key or len(key) > 200:
        return None
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key),
                                                           expires_at__gt=now).first()
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_user(*, key: str) -> User | None:
    token = api_token_authenticate(key=key)
    return token.user if token else None


@transaction.atomic
def api_token_refresh(*, token: ApiToken) -> IssuedToken:
    """Rotate: issue a new token (same name, a fresh lifetime) and revoke the one presented. Two refreshes
    of one token at once: the second finds it gone and gets 401, so a token never turns into two."""
    current = ApiToken.objects.select_for_update().filter(pk=token.pk, expires_at__gt=timezone.now()).first()
    if current is None:
        raise NotAuthenticated(_("This token is no longer valid; log in again."), code="token_revoked")
    current.delete()
    return api_token_issue(user=token.user, name=current.name)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's tokens (another user's answers 404)."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound(_("Token not found."), code="token_not_found")


def api_tokens_revoke_all(*, user: User, except_id: int | None = None) -> int:
    """Revoke every token of the user (but `except_id`); how many were revoked."""
    qs = ApiToken.objects.filter(user=user)
    if except_id is not None:
        qs = qs.exclude(pk=except_id)
    deleted, _rows = qs.delete()
    return deleted


def api_tokens_delete_expired(*, limit: int = 5000) -> int:
    """Delete expired tokens (the `accounts_expired_tokens` sweep); how many went."""
    ids = list(ApiToken.objects.filter(expires_at__lte=timezone.now()).values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    deleted, _rows = ApiToken.objects.filter(pk__in=ids).delete()
    return deleted
