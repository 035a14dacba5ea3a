"""WeChat Pay's pages (docs/payments-wechat.md): what the cashier hands over to for WeChat.

- JSAPI, inside WeChat's own browser: the payer's openid is learnt once per session through WeChat
  OAuth (`snsapi_base`: silent, no consent screen) and kept in the session; the page then opens the
  trade and calls `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` with the signed parameters, and
  asks the platform whether the money arrived (the bridge's "ok" is no proof: the notification or a
  query is).
- Native, in a desktop browser: the `weixin://` code URL as a QR code to scan with WeChat, and the
  page polls the payment until it is paid (then on to the order) or expires.
- H5, in a phone's browser: the cashier redirects to a hand-off page here, which sends the browser on
  to WeChat's `h5_url` with `Referrer-Policy: strict-origin-when-cross-origin` — WeChat Pay refuses
  the page without a Referer from the merchant's registered H5 domain, and the site's default policy
  (`same-origin`) sends none across origins. WeChat comes back to the payment's return URL.

The pages read payments through the payments services (the shopper's own payment only: another's
answers 404) and are served only while WeChat Pay is enabled.
"""

from __future__ import annotations

import json
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quanzi.core import clock
from quanzi.core.client_address import client_ip
from quanzi.core.errors import DomainError, NotFound
from quanzi.payments import cashier
from quanzi.payments.constants import PaymentStatus
from quanzi.payments.providers import Client, ProviderError
from quanzi.payments.providers import wechat as wechatpay
from quanzi.payments.services import payment_for, payment_start, payment_sync

SESSION_OPENID = "wechat_openid"  # the cashier (payments.views) reads it too
SESSION_OAUTH = "wechatpay_oauth"  # {"state": …, "next": …} while WeChat OAuth is under way
SYNC_EVERY_SECONDS = 5  # a status poll asks WeChat Pay itself at most this often per payment


def _payment(request, number: str):
    if not cashier.is_enabled("wechat"):
        raise Http404
    try:
        return payment_for(user=request.user, payment_number=number[:40])
    except NotFound:
        raise Http404 from None


def _client(request, *, openid: str = "") -> Client:
    return Client(ip=client_ip(request), user_agent=request.headers.get("User-Agent", "")[:400], openid=openid)


def _return_url(payment) -> str:
    return reverse("payments:return", args=[payment.number])


def _message(request, payment, *, title: str, text: str, status: int = 200, retry: str = ""):
    return TemplateResponse(request, "payments/wechat_message.html",
                            {"payment": payment, "title": title, "text": text, "retry": retry,
                             "return_url": _return_url(payment) if payment else "/"}, status=status)


def _start(request, payment, method: str, *, openid: str = ""):
    """Open (or reopen) the payment's WeChat trade for `method`: the payment, or a page explaining why not."""
    try:
        return payment_start(user=request.user, payment_number=payment.number, provider="wechat", method=method,
                             client=_client(request, openid=openid)), None
    except DomainError as exc:
        status = getattr(exc, "status", 400)
        return None, _message(request, payment, title=_("WeChat Pay is not available"), text=str(exc),
                              status=status, retry=request.get_full_path())


# ---------------------------------------------------------------- JSAPI


@login_required
@require_GET
def jsapi(request, number: str):
    payment = _payment(request, number)
    if payment.status != PaymentStatus.CREATED:
        return HttpResponseRedirect(_return_url(payment))
    if cashier.device_of(request.headers.get("User-Agent", "")) != cashier.WECHAT:
        return _message(request, payment, title=_("Open this page in WeChat"),
                        text=_("Paying inside WeChat works only in WeChat's own browser. Choose another way "
                               "to pay, or open this page from a WeChat chat."))
    openid = request.session.get(SESSION_OPENID, "")
    if not openid:
        return _oauth_redirect(request, next_url=request.get_full_path())
    payment, problem = _start(request, payment, "jsapi", openid=openid)
    if problem is not None:
        request.session.pop(SESSION_OPENID, None)  # perhaps another app id's: learnt again on the retry
        return problem
    if payment.status != PaymentStatus.CREATED:  # an earlier trade was paid meanwhile
        return HttpResponseRedirect(_return_url(payment))
    return TemplateResponse(request, "payments/wechat_jsapi.html", _page_context(payment, mode="jsapi"))


def _oauth_redirect(request, *, next_url: str):
    state = secrets.token_urlsafe(16)
    request.session[SESSION_OAUTH] = {"state": state, "next": next_url}
    callback = settings.QUANZI["SITE_URL"].rstrip("/") + reverse("wechatpay:oauth")
    return HttpResponseRedirect(wechatpay.oauth_authorize_url(redirect_uri=callback, state=state))


@login_required
@require_GET
def oauth_callback(request):
    """WeChat's browser comes back from snsapi_base with `code` and our `state`: learn the openid."""
    if not cashier.is_enabled("wechat"):
        raise Http404
    saved = request.session.pop(SESSION_OAUTH, None) or {}
    next_url = str(saved.get("next") or "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    state, code = request.GET.get("state", "")[:64], request.GET.get("code", "")[:128]
    if not saved.get("state") or not constant_time_compare(state, saved["state"]):
        return _message(request, None, title=_("WeChat sign-in expired"), status=400, retry=next_url,
                        text=_("The WeChat sign-in did not come back as expected. Please try again."))
    if not code:  # the shopper declined
        return _message(request, None, title=_("WeChat sign-in cancelled"), status=400, retry=next_url,
                        text=_("Paying inside WeChat needs WeChat to tell the shop who is paying."))
    try:
        request.session[SESSION_OPENID] = wechatpay.oauth_openid(code=code)
    except wechatpay.OAuthRefused:
        return _message(request, None, title=_("WeChat sign-in expired"), status=400, retry=next_url,
                        text=_("The WeChat sign-in did not come back as expected. Please try again."))
    except ProviderError:
        return _message(request, None, title=_("WeChat sign-in failed"), status=502, retry=next_url,
                        text=_("WeChat did not confirm the sign-in. Please try again in a moment."))
    return HttpResponseRedirect(next_url)


# ---------------------------------------------------------------- Native


@login_required
@require_GET
def native(request, number: str):
    payment = _payment(request, number)
    if payment.status != PaymentStatus.CREATED:
        return HttpResponseRedirect(_return_url(payment))
    action = payment.action or {}
    if (payment.provider, payment.method, action.get("kind")) != ("wechat", "native", "qr"):
        payment, problem = _start(request, payment, "native")
        if problem is not None:
            return problem
        if payment.status != PaymentStatus.CREATED:
            return HttpResponseRedirect(_return_url(payment))
        action = payment.action or {}
    context = _page_context(payment, mode="native")
    context["qr_svg"] = qr_svg(str(action.get("url", "")))
    return TemplateResponse(request, "payments/wechat_native.html", context)


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline SVG (paths only: nothing of `text` appears as markup)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - generated geometry, no user text


# ---------------------------------------------------------------- H5


@login_required
@require_GET
def h5(request, number: str):
    """Hand the shopper over to WeChat's h5_url with a Referer of our origin (see the module's doc)."""
    payment = _payment(request, number)
    if payment.status != PaymentStatus.CREATED:
        return HttpResponseRedirect(_return_url(payment))
    action = payment.action or {}
    h5_url = str((action.get("params") or {}).get("h5_url") or "")
    if (payment.provider, payment.method) != ("wechat", "h5") or not h5_url.startswith("https://"):
        return HttpResponseRedirect(reverse("payments:cashier", args=[payment.number]))
    context = _page_context(payment, mode="h5")
    context["h5_url"] = h5_url
    response = TemplateResponse(request, "payments/wechat_h5.html", context)
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"  # the origin only, never the path
    return response


# ---------------------------------------------------------------- status, for the pages


@login_required
@require_GET
def status(request, number: str):
    """{"status", "paid", "open", "next"} — with `sync=1`, WeChat Pay is asked too (at most every 5 s).
    `open` turns false once the time to pay is over, even before the expiry sweep closes the payment."""
    payment = _payment(request, number)
    if payment.status == PaymentStatus.CREATED and request.GET.get("sync") == "1" \
            and cache.add(f"quanzi:wechatpay:sync:{payment.number}", 1, SYNC_EVERY_SECONDS):
        payment = payment_sync(payment_number=payment.number)
    is_open = payment.status == PaymentStatus.CREATED and payment.expires_at > clock.now()
    return JsonResponse({"status": payment.status, "paid": payment.status == PaymentStatus.PAID,
                         "open": is_open, "next": _return_url(payment)})


def _page_context(payment, *, mode: str) -> dict:
    action = payment.action or {}
    return {"payment": payment, "mode": mode, "action": action,
            "status_url": reverse("wechatpay:status", args=[payment.number]), "return_url": _return_url(payment),
            # the signed getBrandWCPayRequest parameters, for wechat_pay.js (a data- attribute: CSP, no inline script)
            "bridge_params": json.dumps(action.get("params") or {}, separators=(",", ":")) if mode == "jsapi" else ""}
