"""WeChat Pay API v3 adapter (docs/payments-wechat.md), on the `cryptography` package.

- Orders: JSAPI (inside WeChat's browser, needs the payer's openid; answers the signed parameters
  of `WeixinJSBridge.invoke('getBrandWCPayRequest', …)`), H5 (a mobile browser: our hand-off page,
  then WeChat's `h5_url` with the Referer it insists on) and Native (a `weixin://` code URL shown as a QR code). Amounts are fen on both sides.
- Every request is signed with the merchant's key (wechat_crypto.authorization); every 2xx answer
  must carry a valid WeChat Pay signature (platform certificate by serial, or the WeChat Pay public
  key by its `PUB_KEY_ID_…`), or the call fails with ProviderError: nothing unsigned is believed.
- Notifications: signature, a ±5-minute timestamp window, a nonce seen once (the Django cache, so it
  holds across processes with Redis), AEAD_AES_256_GCM decryption of `resource`, then the merchant,
  app, number and amount formats. Payments (TRANSACTION.SUCCESS) and refunds (REFUND.SUCCESS /
  ABNORMAL / CLOSED) become `Notification`s; anything wrong is a BadNotification.
- Platform certificates (certificate mode) are downloaded from `/v3/certificates` when a serial is
  unknown — at most once per five minutes, so forged serials cannot make us hammer WeChat — and
  kept in the Django cache for 12 hours.
- `statement(day)` downloads the day's trade bill (wechat_bill.parse_trade_bill).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography import x509
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.payments.providers import (
    Answer,
    BadNotification,
    Client,
    Notification,
    PayAction,
    ProviderError,
    QueryResult,
    RefundResult,
    StatementLine,
)
from quanzi.payments.providers import wechat_crypto as crypto
from quanzi.payments.providers.wechat_bill import BillError, parse_trade_bill

logger = logging.getLogger("quanzi.payments.wechat")
SHANGHAI = ZoneInfo("Asia/Shanghai")
OUT_NO = re.compile(r"[0-9A-Za-z_\-|*@]{6,32}")  # out_trade_no / out_refund_no, as WeChat Pay allows
PROVIDER_NO = re.compile(r"[0-9A-Za-z_\-]{1,64}")  # transaction_id, refund_id
OPENID = re.compile(r"[0-9A-Za-z_\-]{6,64}")
WINDOW_SECONDS = 300  # a notification or an answer signed more than 5 minutes away from now is refused
NONCE_TTL_SECONDS = 3 * WINDOW_SECONDS  # longer than the window, so a replay inside it is always caught
MAX_NOTIFICATION_BYTES = 64 * 1024  # real ones are about 1 KB
MAX_ANSWER_BYTES = 1024 * 1024
MAX_BILL_BYTES = 64 * 1024 * 1024  # one day's bill, uncompressed
CERTS_TTL_SECONDS = 12 * 3600
CERTS_REFRESH_SECONDS = 300  # at most one download per 5 minutes when unknown serials come in…
CERTS_RETRY_SECONDS = 30  # …or 30 s after a download that failed
MAX_AMOUNT = 10**12  # fen; anything bigger is not a real payment
TRADE_STATES = {"SUCCESS": "paid", "REFUND": "paid", "NOTPAY": "unpaid", "USERPAYING": "unpaid",
                "CLOSED": "closed", "REVOKED": "closed", "PAYERROR": "closed"}
REFUND_EVENTS = {"REFUND.SUCCESS": "SUCCESS", "REFUND.ABNORMAL": "ABNORMAL", "REFUND.CLOSED": "CLOSED"}
ALL_METHODS = ("jsapi", "h5", "native")
OAUTH_BAD_CODE = {40029, 40163, 41008}  # invalid, already used, missing code: the shopper's side, not ours


class OAuthRefused(ProviderError):
    """WeChat OAuth refused the `code` the shopper's browser brought back (malformed, made up, used or
    expired): the shopper's request was bad, not WeChat's answer (a 400, where unreachable is a 502)."""


class OpenidRequired(ProviderError):
    """JSAPI needs the payer's openid: `redirect_url` is the WeChat page of the payment (wechat_views),
    which learns it through WeChat OAuth (snsapi_base) and opens the trade again."""

    def __init__(self, message: str, *, redirect_url: str = ""):
        super().__init__(message)
        self.redirect_url = redirect_url


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class WechatConfig:
    mchid: str
    appid: str
    app_secret: str  # the official account's AppSecret, for the snsapi_base OAuth (JSAPI)
    apiv3_key: str
    cert_serial: str  # the merchant API certificate's serial number
    private_key: str  # the merchant API certificate's private key, PEM
    public_key_id: str  # PUB_KEY_ID_… (WeChat Pay public key mode)
    public_key: str  # the WeChat Pay public key, PEM
    verify_with: str  # "certificates", "public_key" or "both" (while a merchant switches over)
    api_base: str
    oauth_base: str
    sns_base: str
    notify_url: str
    methods: tuple[str, ...]
    timeout: float

    def missing(self) -> list[str]:
        """The settings a live merchant must give (docs/payments-wechat.md), by environment variable."""
        need = {"MCHID": self.mchid, "APPID": self.appid, "APIV3_KEY": self.apiv3_key,
                "CERT_SERIAL": self.cert_serial, "PRIVATE_KEY_PATH": self.private_key}
        if self.verify_with in ("public_key", "both"):
            need |= {"PUBLIC_KEY_ID": self.public_key_id, "PUBLIC_KEY_PATH": self.public_key}
        if "jsapi" in self.methods:
            need["APP_SECRET"] = self.app_secret
        return [f"QUANZI_WECHATPAY_{name}" for name, value in need.items() if not value]


def _secret(conf: Mapping, name: str) -> str:
    """A key given inline (tests, a secrets manager's variable) or as the path of a mounted file."""
    if conf.get(name):
        return str(conf[name])
    path = conf.get(f"{name}_PATH") or ""
    return Path(path).read_text() if path else ""


def config() -> WechatConfig:
    conf = settings.QUANZI.get("WECHATPAY", {})
    public_key_id = str(conf.get("PUBLIC_KEY_ID") or "")
    methods = tuple(m for m in str(conf.get("METHODS") or ",".join(ALL_METHODS)).split(",") if m in ALL_METHODS)
    site = settings.QUANZI["SITE_URL"].rstrip("/")
    return WechatConfig(
        mchid=str(conf.get("MCHID") or ""), appid=str(conf.get("APPID") or ""),
        app_secret=str(conf.get("APP_SECRET") or ""), apiv3_key=str(conf.get("APIV3_KEY") or ""),
        cert_serial=str(conf.get("CERT_SERIAL") or ""), private_key=_secret(conf, "PRIVATE_KEY"),
        public_key_id=public_key_id, public_key=_secret(conf, "PUBLIC_KEY"),
        verify_with=str(conf.get("VERIFY_WITH") or ("public_key" if public_key_id else "certificates")),
        api_base=str(conf.get("API_BASE") or "https://api.mch.weixin.qq.com").rstrip("/"),
        oauth_base=str(conf.get("OAUTH_BASE") or "https://open.weixin.qq.com").rstrip("/"),
        sns_base=str(conf.get("SNS_BASE") or "https://api.weixin.qq.com").rstrip("/"),
        notify_url=str(conf.get("NOTIFY_URL") or site + reverse("api:payment_notify", kwargs={"provider": "wechat"})),
        methods=methods, timeout=float(conf.get("TIMEOUT") or 10))


# ---------------------------------------------------------------- HTTP with signatures both ways


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> dict:
        try:
            data = json.loads(self.body or b"{}", parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise ProviderError(f"WeChat Pay answered {self.status} with a body that is not JSON") from None
        if not isinstance(data, dict):
            raise ProviderError(f"WeChat Pay answered {self.status} with JSON that is not an object")
        return data

    def error(self) -> str:
        """`CODE: message` of an error answer, for logs and RefundResult.error."""
        try:
            data = self.json()
        except ProviderError:
            return f"HTTP {self.status}"
        return f"{str(data.get('code') or 'HTTP ' + str(self.status))[:40]}: {str(data.get('message') or '')[:120]}"

    def code(self) -> str:
        try:
            return str(self.json().get("code") or "")
        except ProviderError:
            return ""


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number WeChat Pay sends")


class WechatPayClient:
    """Signed calls to the API (and unsigned downloads of bill files, checked by their hash)."""

    def __init__(self, conf: WechatConfig):
        self.conf = conf

    def call(self, method: str, path: str, payload: dict | None = None, *, verify: bool = True) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
        response = self._send(method, self.conf.api_base + path, body)
        if verify and 200 <= response.status < 300:
            problem = check_signature(self.conf, response.headers, response.body, fetch_certificates=True)
            if problem:
                logger.error("WeChat Pay answer to %s %s refused: %s", method, path, problem)
                raise ProviderError(f"answer to {method} {path} refused: {problem}")
        return response

    def download(self, url: str, *, limit: int) -> bytes:
        response = self._send("GET", url, "", limit=limit)
        if response.status != 200:
            raise ProviderError(f"bill download answered {response.error()}")
        return response.body

    def _send(self, method: str, url: str, body: str, *, limit: int = MAX_ANSWER_BYTES) -> Response:
        parts = urllib.parse.urlsplit(url)
        signed_url = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Authorization": crypto.authorization(
                method=method, url=signed_url, body=body, mchid=self.conf.mchid, serial=self.conf.cert_serial,
                key=self._key(), timestamp=int(clock.epoch())),
            "Accept": "application/json", "User-Agent": "Quanzi/1.0 (WeChat Pay API v3)",
            "Accept-Language": "zh-CN"}
        if body:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=body.encode() if body else None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.conf.timeout) as answer:  # noqa: S310 - https API base
                return Response(answer.status, _lower(answer.headers), _read(answer, limit))
        except urllib.error.HTTPError as answer:
            with answer:
                return Response(answer.code, _lower(answer.headers), _read(answer, limit))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("WeChat Pay %s %s unreachable: %s", method, signed_url, exc)
            raise ProviderError(f"WeChat Pay unreachable: {exc}") from None

    def _key(self):
        try:
            return crypto.load_private_key(self.conf.private_key)
        except crypto.CryptoError as exc:
            raise ProviderError(str(exc)) from None


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()} if headers else {}


def _read(answer, limit: int) -> bytes:
    data = answer.read(limit + 1)
    if len(data) > limit:
        raise ProviderError(f"WeChat Pay answered more than {limit} bytes")
    return data


# ---------------------------------------------------------------- WeChat Pay's signatures


def check_signature(conf: WechatConfig, headers: Mapping[str, str], body: bytes, *,
                    fetch_certificates: bool) -> str:
    """Why an answer or a notification is not genuinely WeChat Pay's (lower-case header names), or ""."""
    timestamp, nonce = headers.get("wechatpay-timestamp", ""), headers.get("wechatpay-nonce", "")
    signature, serial = headers.get("wechatpay-signature", ""), headers.get("wechatpay-serial", "")
    if not (timestamp and nonce and signature and serial):
        return "missing Wechatpay-* signature headers"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "malformed timestamp"
    if abs(clock.epoch() - int(timestamp)) > WINDOW_SECONDS:
        return "stale timestamp"
    if len(nonce) > 64 or len(serial) > 64:
        return "malformed nonce or serial"
    key = verification_key(conf, serial, fetch=fetch_certificates)
    if key is None:
        return f"unknown serial {serial[:64]!r}"
    if not crypto.rsa_verify(key, crypto.signed_message(timestamp, nonce, body), signature):
        return "bad signature"
    return ""


def verification_key(conf: WechatConfig, serial: str, *, fetch: bool = True):
    """The key WeChat Pay signs with under `serial`: its public key by id, or a platform certificate's."""
    if serial.startswith(crypto.PUBLIC_KEY_ID_PREFIX):
        if conf.verify_with in ("public_key", "both") and conf.public_key and serial == conf.public_key_id:
            return crypto.load_public_key(conf.public_key)
        return None
    if conf.verify_with not in ("certificates", "both"):
        return None
    number = _serial_key(serial)
    if number is None:
        return None
    pem = platform_certificates(conf).get(number)
    if pem is None and fetch and cache.add(_cache_key(conf, "certs-refresh"), 1, CERTS_REFRESH_SECONDS):
        pem = platform_certificates(conf, refresh=True).get(number)
    if pem is None:
        return None
    certificate = _certificate(pem)
    now = clock.now()
    if not (certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc):
        return None
    return certificate.public_key()


def _serial_key(serial: str) -> str | None:
    try:
        return format(int(serial, 16), "X")
    except ValueError:
        return None


def _cache_key(conf: WechatConfig, what: str) -> str:
    return f"quanzi:wechatpay:{conf.mchid}:{what}"


def _certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def platform_certificates(conf: WechatConfig, *, refresh: bool = False) -> dict[str, str]:
    """{serial: PEM} of WeChat Pay's platform certificates (downloaded, decrypted, then checked: the
    list must be signed by one of its own certificates — the ciphertexts prove they come from whoever
    holds our APIv3 key, the signature that the list is whole)."""
    key = _cache_key(conf, "certs")
    if not refresh:
        return cache.get(key) or {}
    try:
        certificates = _download_certificates(conf)
    except ProviderError as exc:
        logger.error("WeChat Pay platform certificates not refreshed: %s", exc)
        cache.set(_cache_key(conf, "certs-refresh"), 1, CERTS_RETRY_SECONDS)
        return cache.get(key) or {}
    cache.set(key, certificates, CERTS_TTL_SECONDS)
    return certificates


def _download_certificates(conf: WechatConfig) -> dict[str, str]:
    response = WechatPayClient(conf).call("GET", "/v3/certificates", verify=False)
    if response.status != 200:
        raise ProviderError(f"/v3/certificates answered {response.error()}")
    items = response.json().get("data")
    if not isinstance(items, list):
        raise ProviderError("/v3/certificates: no data")
    found = {}
    for item in items[:20]:
        encrypted = item.get("encrypt_certificate") if isinstance(item, dict) else None
        if not isinstance(encrypted, dict) or encrypted.get("algorithm") != "AEAD_AES_256_GCM":
            continue
        try:
            pem = crypto.aead_decrypt(key=conf.apiv3_key, nonce=str(encrypted.get("nonce", "")),
                                      ciphertext=str(encrypted.get("ciphertext", "")),
                                      associated_data=str(encrypted.get("associated_data", ""))).decode()
            certificate = _certificate(pem)
        except (crypto.CryptoError, ValueError) as exc:
            raise ProviderError(f"/v3/certificates: {exc}") from None
        if crypto.same_serial(crypto.serial_of(certificate), str(item.get("serial_no", ""))):
            found[crypto.serial_of(certificate)] = pem
    headers = response.headers
    number = _serial_key(headers.get("wechatpay-serial", ""))
    signer = found.get(number or "")
    timestamp, nonce = headers.get("wechatpay-timestamp", ""), headers.get("wechatpay-nonce", "")
    if signer is None or not crypto.rsa_verify(_certificate(signer).public_key(),
                                               crypto.signed_message(timestamp, nonce, response.body),
                                               headers.get("wechatpay-signature", "")):
        raise ProviderError("/v3/certificates: the list is not signed by one of its certificates")
    return found


# ---------------------------------------------------------------- notifications


def _consume_nonce(conf: WechatConfig, nonce: str) -> bool:
    """True the first time a nonce is seen within NONCE_TTL_SECONDS (in every process sharing the cache)."""
    digest = hashlib.sha256(nonce.encode("utf-8", "surrogatepass")).hexdigest()
    return cache.add(_cache_key(conf, f"nonce:{digest}"), 1, NONCE_TTL_SECONDS)


def _load_json(data: bytes | str, what: str) -> dict:
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise BadNotification(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise BadNotification(f"{what} is not a JSON object")
    return value


def _text(data: Mapping, name: str, pattern: re.Pattern | None = None) -> str:
    value = data.get(name)
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        raise BadNotification(f"malformed {name}")
    return value


def _fen(data: Mapping, name: str) -> int:
    amount = data.get("amount")
    value = amount.get(name) if isinstance(amount, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < MAX_AMOUNT:
        raise BadNotification(f"malformed amount.{name}")
    currency = amount.get("currency", "CNY")
    if currency != "CNY":
        raise BadNotification("not CNY")
    return value


def _decrypt_resource(conf: WechatConfig, event: Mapping) -> dict:
    resource = event.get("resource")
    if event.get("resource_type", "encrypt-resource") != "encrypt-resource" or not isinstance(resource, dict):
        raise BadNotification("no encrypted resource")
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise BadNotification("unsupported resource algorithm")
    try:
        plaintext = crypto.aead_decrypt(
            key=conf.apiv3_key, nonce=_text(resource, "nonce"), ciphertext=_text(resource, "ciphertext"),
            associated_data=str(resource.get("associated_data") or ""))
    except crypto.CryptoError as exc:
        raise BadNotification(str(exc)) from None
    return _load_json(plaintext, "the decrypted resource")


def _payment_notification(conf: WechatConfig, data: Mapping, event_type: str) -> Notification:
    if data.get("mchid") != conf.mchid:
        raise BadNotification("not our merchant id")
    if data.get("appid") != conf.appid:
        raise BadNotification("not our app id")
    state = _text(data, "trade_state")
    trade_no = str(data.get("transaction_id") or "")
    if trade_no and not PROVIDER_NO.fullmatch(trade_no):
        raise BadNotification("malformed transaction_id")
    payer = data.get("payer") if isinstance(data.get("payer"), dict) else {}
    openid = payer.get("openid") if isinstance(payer.get("openid"), str) and OPENID.fullmatch(payer["openid"]) else ""
    return Notification(payment_number=_text(data, "out_trade_no", OUT_NO), trade_no=trade_no,
                        amount=_fen(data, "total"), paid=event_type == "TRANSACTION.SUCCESS" and state == "SUCCESS",
                        payer=openid)


def _refund_notification(conf: WechatConfig, data: Mapping, event_type: str) -> Notification:
    if data.get("mchid") != conf.mchid:
        raise BadNotification("not our merchant id")
    status = _text(data, "refund_status")
    if status != REFUND_EVENTS[event_type]:
        raise BadNotification("refund_status does not match the event type")
    _text(data, "transaction_id", PROVIDER_NO)
    return Notification(payment_number=_text(data, "out_trade_no", OUT_NO),  # the trade refunded
                        trade_no=_text(data, "refund_id", PROVIDER_NO), amount=_fen(data, "refund"),  # WeChat's refund no
                        paid=False, kind="refund", refund_number=_text(data, "out_refund_no", OUT_NO),
                        refund_ok=status == "SUCCESS")


# ---------------------------------------------------------------- the provider


def _description(subject: str) -> str:
    """WeChat Pay takes at most 127 bytes of description; cut on a character boundary."""
    text = "".join(ch for ch in subject if ch.isprintable()).strip() or "Quanzi"
    return text.encode("utf-8", "ignore")[:127].decode("utf-8", "ignore")


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def _refund_result(response: Response, payment_number: str) -> RefundResult:
    if response.status >= 500 or response.status == 429:
        raise ProviderError(f"refund: WeChat Pay answered {response.error()}")
    if response.status >= 400:
        return RefundResult(ok=False, error=response.error())
    data = response.json()
    if data.get("out_trade_no", payment_number) != payment_number:
        raise ProviderError("refund: the answer is about another payment")
    status, refund_id = str(data.get("status") or ""), str(data.get("refund_id") or "")[:64]
    if status == "SUCCESS":
        return RefundResult(ok=True, provider_refund_no=refund_id)
    if status == "PROCESSING":
        return RefundResult(ok=True, provider_refund_no=refund_id, pending=True)
    return RefundResult(ok=False, provider_refund_no=refund_id, error=f"refund {status or 'unknown'}")


class WechatPayProvider:
    code = "wechat"
    label = _("WeChat Pay")

    @property
    def methods(self) -> tuple[str, ...]:
        return config().methods

    def _client(self) -> tuple[WechatConfig, WechatPayClient]:
        conf = config()
        return conf, WechatPayClient(conf)

    # ---- paying

    def create(self, *, payment_number: str, amount: int, subject: str, notify_url: str, return_url: str,
               method: str, expires_at: dt.datetime, client: Client) -> PayAction:
        conf, api = self._client()
        if method not in conf.methods:
            raise ProviderError(f"WeChat Pay method {method!r} is not enabled")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount < MAX_AMOUNT:
            raise ProviderError("amount must be a positive number of fen")
        payload = {"appid": conf.appid, "mchid": conf.mchid, "description": _description(subject),
                   "out_trade_no": payment_number, "time_expire": _rfc3339(expires_at), "notify_url": notify_url,
                   "amount": {"total": amount, "currency": "CNY"}}
        if method == "jsapi":
            if not OPENID.fullmatch(client.openid or ""):
                raise OpenidRequired("JSAPI needs the payer's openid", redirect_url=jsapi_page(payment_number))
            payload["payer"] = {"openid": client.openid}
        elif method == "h5":
            payload["scene_info"] = {"payer_client_ip": _client_ip(client.ip), "h5_info": {"type": "Wap"}}
        response = api.call("POST", f"/v3/pay/transactions/{method}", payload)
        if response.status != 200:
            raise ProviderError(f"{method} order {payment_number}: {response.error()}")
        data = response.json()
        if method == "native":
            return PayAction(kind="qr", url=_answer_text(data, "code_url", "weixin://"))
        if method == "h5":
            url = _answer_text(data, "h5_url", "https://")
            separator = "&" if "?" in url else "?"
            h5_url = f"{url}{separator}redirect_url={urllib.parse.quote(return_url, safe='')}"
            # WeChat Pay opens h5_url only with a Referer from the merchant's registered H5 domain, which
            # the site's `Referrer-Policy: same-origin` withholds: our hand-off page sends the shopper on.
            return PayAction(kind="redirect", url=h5_page(payment_number) or h5_url, params={"h5_url": h5_url})
        return PayAction(kind="jsapi", url=return_url,
                         params=bridge_params(conf, _answer_text(data, "prepay_id", "")))

    def query(self, *, payment_number: str) -> QueryResult:
        conf, api = self._client()
        path = f"/v3/pay/transactions/out-trade-no/{urllib.parse.quote(payment_number)}?mchid={conf.mchid}"
        response = api.call("GET", path)
        if response.status == 404:
            return QueryResult(status="unknown")
        if response.status != 200:
            raise ProviderError(f"query {payment_number}: {response.error()}")
        data = response.json()
        if data.get("out_trade_no") != payment_number or data.get("mchid", conf.mchid) != conf.mchid:
            raise ProviderError(f"query {payment_number}: the answer is about another payment")
        status = TRADE_STATES.get(str(data.get("trade_state")), "unknown")
        total = data.get("amount", {}).get("total", 0) if isinstance(data.get("amount"), dict) else 0
        if isinstance(total, bool) or not isinstance(total, int):
            raise ProviderError(f"query {payment_number}: malformed amount")
        return QueryResult(status=status, amount=total, trade_no=str(data.get("transaction_id") or "")[:64])

    def close(self, *, payment_number: str) -> None:
        conf, api = self._client()
        response = api.call("POST", f"/v3/pay/transactions/out-trade-no/{urllib.parse.quote(payment_number)}/close",
                            {"mchid": conf.mchid})
        if response.status not in (200, 204) and response.code() != "ORDER_CLOSED":
            raise ProviderError(f"close {payment_number}: {response.error()}")

    # ---- refunds

    def refund(self, *, payment_number: str, refund_number: str, amount: int, total: int,
               reason: str = "") -> RefundResult:
        conf, api = self._client()
        payload = {"out_trade_no": payment_number, "out_refund_no": refund_number, "notify_url": conf.notify_url,
                   "amount": {"refund": amount, "total": total, "currency": "CNY"}}
        if reason.strip():
            payload["reason"] = _description(reason)[:80]
        return _refund_result(api.call("POST", "/v3/refund/domestic/refunds", payload), payment_number)

    def refund_query(self, *, payment_number: str, refund_number: str) -> RefundResult:
        _conf, api = self._client()
        return _refund_result(api.call("GET", f"/v3/refund/domestic/refunds/{urllib.parse.quote(refund_number)}"),
                              payment_number)

    # ---- notifications

    def verify_notification(self, *, body: bytes, headers: Mapping[str, str],
                            form: Mapping[str, str]) -> Notification:
        conf = config()
        if len(body) > MAX_NOTIFICATION_BYTES:
            raise BadNotification("body too large")
        lowered = {str(name).lower(): str(value) for name, value in headers.items()}
        problem = check_signature(conf, lowered, body, fetch_certificates=True)
        if problem:
            raise BadNotification(problem)
        if not _consume_nonce(conf, lowered["wechatpay-nonce"]):
            raise BadNotification("replayed nonce")
        event = _load_json(body, "the body")
        event_type = str(event.get("event_type") or "")
        data = _decrypt_resource(conf, event)
        if event_type.startswith("TRANSACTION."):
            return _payment_notification(conf, data, event_type)
        if event_type in REFUND_EVENTS:
            return _refund_notification(conf, data, event_type)
        raise BadNotification(f"unsupported event type {event_type[:40]!r}")

    def notification_answer(self, *, ok: bool) -> Answer:
        if ok:
            return Answer(status=200, body='{"code": "SUCCESS"}', content_type="application/json")
        return Answer(status=400, body='{"code": "FAIL", "message": "rejected"}', content_type="application/json")

    # ---- reconciliation

    def statement(self, *, day: dt.date) -> list[StatementLine]:
        conf, api = self._client()
        response = api.call("GET", f"/v3/bill/tradebill?bill_date={day:%Y-%m-%d}&bill_type=ALL&tar_type=GZIP")
        if response.status == 400 and response.code() == "NO_STATEMENT_EXIST":
            return []  # no trade that day
        if response.status != 200:
            raise ProviderError(f"trade bill {day}: {response.error()}")
        info = response.json()
        url = str(info.get("download_url") or "")
        if _origin(url) != _origin(conf.api_base):
            raise ProviderError(f"trade bill {day}: download_url outside the API")
        text = _bill_text(api.download(url, limit=MAX_BILL_BYTES), info)
        try:
            return parse_trade_bill(text)
        except BillError as exc:
            raise ProviderError(f"trade bill {day}: {exc}") from None


def bridge_params(conf: WechatConfig, prepay_id: str) -> dict:
    """The parameters of getBrandWCPayRequest, signed with the merchant's key (signType RSA)."""
    params = {"appId": conf.appid, "timeStamp": str(int(clock.epoch())), "nonceStr": crypto.new_nonce(),
              "package": f"prepay_id={prepay_id}", "signType": "RSA"}
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    return {**params, "paySign": crypto.rsa_sign(crypto.load_private_key(conf.private_key), message)}


def _client_ip(ip: str) -> str:
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        raise ProviderError("H5 needs the payer's IP address") from None


def _answer_text(data: Mapping, name: str, prefix: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.startswith(prefix) or len(value) > 2048 or not value.isprintable():
        raise ProviderError(f"WeChat Pay answered without a usable {name}")
    return value


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc


def _bill_text(raw: bytes, info: Mapping) -> str:
    if raw[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(raw, MAX_BILL_BYTES + 1)
        except zlib.error:
            raise ProviderError("trade bill: not a gzip file") from None
        if len(raw) > MAX_BILL_BYTES or inflater.unconsumed_tail:
            raise ProviderError("trade bill: too large")
    hash_type, expected = str(info.get("hash_type") or "SHA1").lower(), str(info.get("hash_value") or "").lower()
    if hash_type not in ("sha1", "sha256") or hashlib.new(hash_type, raw).hexdigest() != expected:
        raise ProviderError("trade bill: the file's hash does not match")
    return raw.decode("utf-8-sig", errors="replace")


def _page(name: str, trade_number: str) -> str:
    from quanzi.payments.services import payment_number_of

    try:
        return reverse(f"wechatpay:{name}", args=[payment_number_of(trade_number)])
    except NoReverseMatch:
        return ""


def jsapi_page(trade_number: str) -> str:
    """The WeChat page of the payment a trade belongs to (wechat_views.jsapi), "" where it is not mounted."""
    return _page("jsapi", trade_number)


def h5_page(trade_number: str) -> str:
    """The hand-off page to WeChat's h5_url (wechat_views.h5), "" where it is not mounted."""
    return _page("h5", trade_number)


# ---------------------------------------------------------------- WeChat OAuth (snsapi_base) for JSAPI


def oauth_authorize_url(*, redirect_uri: str, state: str) -> str:
    """Where WeChat's browser asks the (silent) snsapi_base consent and comes back with `code`."""
    conf = config()
    query = urllib.parse.urlencode({"appid": conf.appid, "redirect_uri": redirect_uri, "response_type": "code",
                                    "scope": "snsapi_base", "state": state})
    return f"{conf.oauth_base}/connect/oauth2/authorize?{query}#wechat_redirect"


def oauth_openid(*, code: str) -> str:
    """Exchange an OAuth `code` for the payer's openid under our app id; ProviderError otherwise."""
    conf = config()
    if not re.fullmatch(r"[0-9A-Za-z_\-]{1,128}", code or ""):
        raise OAuthRefused("malformed OAuth code")
    query = urllib.parse.urlencode({"appid": conf.appid, "secret": conf.app_secret, "code": code,
                                    "grant_type": "authorization_code"})
    request = urllib.request.Request(f"{conf.sns_base}/sns/oauth2/access_token?{query}",
                                     headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=conf.timeout) as answer:  # noqa: S310 - https API base
            data = json.loads(_read(answer, 64 * 1024))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, RecursionError) as exc:
        raise ProviderError(f"WeChat OAuth failed: {exc}") from None
    openid = data.get("openid") if isinstance(data, dict) else None
    if not isinstance(openid, str) or not OPENID.fullmatch(openid):
        errcode = data.get("errcode") if isinstance(data, dict) else None
        if errcode in OAUTH_BAD_CODE:
            raise OAuthRefused(f"WeChat OAuth refused the code (errcode {errcode})")
        logger.error("WeChat OAuth answered errcode %s: check QUANZI_WECHATPAY_APPID / APP_SECRET", str(errcode)[:20])
        raise ProviderError(f"WeChat OAuth failed (errcode {str(errcode)[:20]})")
    return openid


# ---------------------------------------------------------------- going live


@checks.register(checks.Tags.security, deploy=False)
def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With WeChat Pay enabled (QUANZI_PAYMENT_PROVIDERS), every key it needs is there and readable."""
    from quanzi.payments import cashier

    if "wechat" not in cashier.enabled_codes():
        return []
    try:
        conf = config()
    except OSError as exc:
        return [checks.Error(f"WeChat Pay: a key file cannot be read: {exc}", id="wechatpay.E001")]
    problems = []
    if conf.missing():
        problems.append(checks.Error("WeChat Pay is enabled but not configured: set " + ", ".join(conf.missing()),
                                     hint="docs/payments-wechat.md, 'Going live'", id="wechatpay.E002"))
    if conf.apiv3_key and len(conf.apiv3_key.encode()) != 32:
        problems.append(checks.Error("QUANZI_WECHATPAY_APIV3_KEY must be the 32-character APIv3 key",
                                     id="wechatpay.E003"))
    for name, value, load in (("PRIVATE_KEY", conf.private_key, crypto.load_private_key),
                              ("PUBLIC_KEY", conf.public_key, crypto.load_public_key)):
        try:
            if value:
                load(value)
        except crypto.CryptoError as exc:
            problems.append(checks.Error(f"QUANZI_WECHATPAY_{name}: {exc}", id="wechatpay.E004"))
    if conf.verify_with not in ("certificates", "public_key", "both"):
        problems.append(checks.Error("QUANZI_WECHATPAY_VERIFY_WITH must be certificates, public_key or both",
                                     id="wechatpay.E005"))
    if settings.QUANZI.get("ENV") == "prod" and not conf.api_base.startswith("https://"):
        problems.append(checks.Error("WeChat Pay's API must be reached over https in production", id="wechatpay.E006"))
    problems += _check_cache()
    return problems


def _check_cache() -> list[checks.CheckMessage]:
    """The nonce store against replays (and the platform certificates) live in the default cache."""
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if backend.endswith("DummyCache"):
        return [checks.Error("WeChat Pay needs a working cache: with DummyCache every replayed notification "
                             "nonce looks new", hint="set REDIS_URL (docs/payments-wechat.md)", id="wechatpay.E007")]
    if backend.endswith("LocMemCache") and settings.QUANZI.get("ENV") == "prod":
        return [checks.Warning("WeChat Pay's nonce store is per process with this cache: a notification replayed "
                               "to another worker within 15 minutes is not recognised", hint="set REDIS_URL",
                               id="wechatpay.W001")]
    return []
