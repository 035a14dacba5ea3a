from datetime import datetime

from django.contrib.auth import login, logout, update_session_auth_hash
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.utils import check_csrf

from quanzi.accounts import selectors, services
from quanzi.accounts.auth import auth, bearer_only
from quanzi.accounts.models import Address, ApiToken, User
from quanzi.core.client_address import client_ip
from quanzi.core.errors import Forbidden

router = Router(tags=["accounts"])


class RegisterIn(Schema):
    identifier: str  # phone number or e-mail
    password: str
    nickname: str = ""


class LoginIn(Schema):
    identifier: str
    password: str


class MeOut(Schema):
    uid: str
    nickname: str
    phone: str | None  # the owner sees the full number
    email: str | None
    is_operator: bool
    shop_id: int | None


class TokenOut(Schema):
    token: str
    expires_at: datetime  # log in again, or refresh (POST /accounts/token/refresh), before then
    user: MeOut


class RefreshOut(Schema):
    token: str
    expires_at: datetime


class TokenInfoOut(Schema):
    id: int
    name: str
    hint: str  # the first characters of the key, to tell tokens apart
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool  # the token this request was made with


class TokenListOut(Schema):
    items: list[TokenInfoOut]


class RevokedOut(Schema):
    revoked: int


class PasswordChangedOut(Schema):
    ok: bool = True
    # Every bearer token was revoked; a bearer client gets a new one here (null for a browser session,
    # which stays logged in).
    token: str | None = None
    expires_at: datetime | None = None


class PasswordIn(Schema):
    old_password: str
    new_password: str


class AddressIn(Schema):
    recipient: str
    phone: str
    province: str
    city: str
    district: str = ""
    detail: str
    postal_code: str = ""
    is_default: bool = False


class AddressOut(Schema):
    id: int
    recipient: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    postal_code: str
    is_default: bool


class OkOut(Schema):
    ok: bool = True


def me_out(user: User) -> dict:
    shop = getattr(user, "shop", None) if hasattr(user, "shop") else None
    return {"uid": user.uid, "nickname": user.display_name, "phone": user.phone, "email": user.email,
            "is_operator": user.is_staff, "shop_id": shop.pk if shop else None}


def token_out(issued: services.IssuedToken, user: User) -> dict:
    return {"token": issued.key, "expires_at": issued.token.expires_at, "user": me_out(user)}


@router.post("/register", response={201: TokenOut}, auth=None,
             summary="Register with a phone number or e-mail (an existing account with this password is "
                     "signed in; otherwise `registration_refused`, whoever owns the number)")
def register(request, payload: RegisterIn):
    user = services.user_register(identifier=payload.identifier, password=payload.password,
                                  nickname=payload.nickname, ip=client_ip(request))
    return 201, token_out(services.api_token_issue(user=user, name="register"), user)


@router.post("/token", response=TokenOut, auth=None,
             summary="Log in and get a bearer token (throttled; it expires, see `expires_at`)")
def token(request, payload: LoginIn):
    user = services.user_login_check(identifier=payload.identifier, password=payload.password,
                                     ip=client_ip(request))
    return token_out(services.api_token_issue(user=user, name="api"), user)


@router.post("/token/refresh", response=RefreshOut, auth=bearer_only,
             summary="Rotate the bearer token: a new one with a fresh lifetime; the one sent is revoked")
def token_refresh(request):
    issued = services.api_token_refresh(token=request.api_token)
    return {"token": issued.key, "expires_at": issued.token.expires_at}


@router.delete("/token", response=OkOut, auth=bearer_only, summary="Log out: revoke the bearer token sent")
def token_revoke_current(request):
    services.api_token_revoke(user=request.auth, token_id=request.api_token.pk)
    return {"ok": True}


def _token_info(token: ApiToken, current_id: int | None) -> dict:
    return {"id": token.pk, "name": token.name, "hint": token.hint, "created_at": token.created_at,
            "last_used_at": token.last_used_at, "expires_at": token.expires_at, "current": token.pk == current_id}


def _current_token_id(request) -> int | None:
    token = getattr(request, "api_token", None)
    return token.pk if token is not None else None


@router.get("/tokens", response=TokenListOut, auth=auth, summary="My live bearer tokens (newest first)")
def token_list(request):
    current = _current_token_id(request)
    return {"items": [_token_info(t, current) for t in selectors.api_tokens_of(user=request.auth)]}


@router.delete("/tokens/{token_id}", response=OkOut, auth=auth, summary="Revoke one of my bearer tokens")
def token_revoke(request, token_id: int):
    services.api_token_revoke(user=request.auth, token_id=token_id)
    return {"ok": True}


@router.delete("/tokens", response=RevokedOut, auth=auth,
               summary="Log out everywhere else: revoke my other tokens and end my other browser sessions")
def token_revoke_others(request):
    revoked = services.user_logout_other_sessions(user=request.auth, keep_token_id=_current_token_id(request))
    if _current_token_id(request) is None and request.user.is_authenticated:
        update_session_auth_hash(request, request.auth)  # this session stays
    return {"revoked": revoked}


class CsrfOut(Schema):
    csrf_token: str


@router.get("/csrf", response=CsrfOut, auth=None,
            summary="Get a CSRF token (and cookie) for cookie-session clients; send it as X-CSRFToken")
def csrf(request):
    return {"csrf_token": get_token(request)}


@router.post("/session", response=MeOut, auth=None,
             summary="Log in with a browser session (throttled; needs the X-CSRFToken from /csrf)")
def session_login(request, payload: LoginIn):
    if check_csrf(request) is not None:  # login CSRF: nobody logs you into their account
        raise Forbidden(_("The CSRF token is missing or wrong; fetch /accounts/csrf first."), code="csrf_failed")
    user = services.user_login_check(identifier=payload.identifier, password=payload.password,
                                     ip=client_ip(request))
    login(request, user, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
    return me_out(user)


@router.delete("/session", response=OkOut, auth=auth,
               summary="Log out: end the browser session (and revoke the bearer token, if one was sent)")
def session_logout(request):
    token_id = _current_token_id(request)
    if token_id is not None:
        services.api_token_revoke(user=request.auth, token_id=token_id)
    logout(request)
    return {"ok": True}


@router.get("/me", response=MeOut, auth=auth)
def me(request):
    return me_out(request.auth)


@router.post("/me/password", response=PasswordChangedOut, auth=auth,
             summary="Change my password: revokes every bearer token and ends my other sessions")
def change_password(request, payload: PasswordIn):
    user = request.auth
    services.user_change_password(user=user, old_password=payload.old_password, new_password=payload.new_password)
    if _current_token_id(request) is not None:
        issued = services.api_token_issue(user=user, name=request.api_token.name or "api")
        return {"ok": True, "token": issued.key, "expires_at": issued.token.expires_at}
    update_session_auth_hash(request, user)  # this browser session stays logged in
    return {"ok": True}


@router.get("/addresses", response=list[AddressOut], auth=auth)
def address_list(request):
    return selectors.address_list(user=request.auth)


@router.post("/addresses", response={201: AddressOut}, auth=auth)
def address_create(request, payload: AddressIn):
    data = payload.dict()
    return 201, services.address_create(user=request.auth, data=data, is_default=data.pop("is_default"))


@router.put("/addresses/{address_id}", response=AddressOut, auth=auth)
def address_update(request, address_id: int, payload: AddressIn):
    data = payload.dict()
    return services.address_update(user=request.auth, address_id=address_id, data=data,
                                   is_default=data.pop("is_default"))


@router.post("/addresses/{address_id}/default", response=OkOut, auth=auth)
def address_default(request, address_id: int):
    services.address_set_default(user=request.auth, address_id=address_id)
    return {"ok": True}


@router.delete("/addresses/{address_id}", response=OkOut, auth=auth)
def address_delete(request, address_id: int):
    services.address_delete(user=request.auth, address_id=address_id)
    return {"ok": True}


__all__ = ["router", "Address"]
