from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.utils import check_csrf

from quanzi.accounts import selectors, services
from quanzi.accounts.auth import auth
from quanzi.accounts.models import Address, User
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
    user: MeOut


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


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@router.post("/register", response={201: TokenOut}, auth=None, summary="Register with a phone number or e-mail")
def register(request, payload: RegisterIn):
    user = services.user_register(identifier=payload.identifier, password=payload.password, nickname=payload.nickname)
    return 201, {"token": services.api_token_create(user=user, name="register"), "user": me_out(user)}


@router.post("/token", response=TokenOut, auth=None, summary="Log in and get a bearer token (throttled)")
def token(request, payload: LoginIn):
    user = services.user_login_check(identifier=payload.identifier, password=payload.password, ip=_ip(request))
    return {"token": services.api_token_create(user=user, name="api"), "user": me_out(user)}


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
    user = services.user_login_check(identifier=payload.identifier, password=payload.password, ip=_ip(request))
    login(request, user, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
    return me_out(user)


@router.delete("/session", response=OkOut, auth=auth, summary="Log out")
def session_logout(request):
    logout(request)
    return {"ok": True}


@router.get("/me", response=MeOut, auth=auth)
def me(request):
    return me_out(request.auth)


@router.post("/me/password", response=OkOut, auth=auth)
def change_password(request, payload: PasswordIn):
    services.user_change_password(user=request.auth, old_password=payload.old_password,
                                  new_password=payload.new_password)
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
