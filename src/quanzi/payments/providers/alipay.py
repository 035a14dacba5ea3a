"""Alipay open platform adapter (RSA2), on the `cryptography` package (docs/payments.md, "Alipay").

- Paying: page pay (`alipay.trade.page.pay`, a desktop browser) and WAP pay (`alipay.trade.wap.pay`, a
  phone) are signed gateway URLs the shopper is sent to; the trade's `time_expire` is the payment's
  deadline, so an old link cannot be paid later.
- Every call (`alipay.trade.query`, `.close`, `.refund`, `.fastpay.refund.query`, the bill's
  `alipay.data.dataservice.bill.downloadurl.query`) is a signed POST to the gateway; the answer's
  `*_response` member must carry Alipay's valid signature, or the call fails with ProviderError:
  nothing unsigned is believed, except an error (which changes nothing).
- Notifications: RSA2 over the sorted `k=v` string without `sign` and `sign_type`; then our app_id and
  seller_id, a well-formed out_trade_no and a total_amount in yuan. The platform checks the number and
  the amount against the payment. Refund notifications (out_biz_no) complete the refund.
- Keys: public-key mode (Alipay's public key) or certificate mode (app_cert_sn and alipay_root_cert_sn
  computed from the certificates, Alipay's public key taken from its certificate, whose chain must lead
  to the root). Yuan strings exist only here (core.money), never floats.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.core.money import format_yuan, yuan_to_fen
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

logger = logging.getLogger("quanzi.payments.alipay")
SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SUCCESS = "10000"
PAY_METHODS = {"page": ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
               "wap": ("alipay.trade.wap.pay", "QUICK_WAP_WAY")}
TRADE_STATUS = {"WAIT_BUYER_PAY": "unpaid", "TRADE_SUCCESS": "paid", "TRADE_FINISHED": "paid",
                "TRADE_CLOSED": "closed"}
OUT_NO = re.compile(r"[0-9A-Za-z_]{1,64}")  # out_trade_no / out_request_no as Alipay allows them
RSA_SIGNATURES = "1.2.840.113549.1.1."  # sha1/sha256WithRSAEncryption…: the root certificates that count
MAX_ANSWER_BYTES = 1024 * 1024
MAX_BILL_ZIP_BYTES = 32 * 1024 * 1024
MAX_BILL_TEXT_BYTES = 256 * 1024 * 1024  # uncompressed, all files together: a zip bomb stops here
MAX_NOTIFICATION_FIELDS = 100


class AlipayError(ProviderError):
    """Alipay answered a business or system error (`code` other than 10000)."""

    def __init__(self, code: str, sub_code: str = "", message: str = ""):
        super().__init__(f"{code} {sub_code} {message}".strip()[:300])
        self.code, self.sub_code = code, sub_code


class AlipayConfigError(ProviderError):
    """Quanzi's Alipay settings are missing or wrong (docs/payments.md lists them)."""


# ---------------------------------------------------------------- keys, certificates, signatures


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """The app's private key: PEM (PKCS#8 or PKCS#1), or the bare base64 Alipay's key tool shows."""
    text = (text or "").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = serialization.load_der_private_key(base64.b64decode("".join(text.split())), password=None)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise AlipayConfigError(f"the app private key cannot be read: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise AlipayConfigError("the app private key is not an RSA key (RSA2 needs one)")
    return key


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """Alipay's public key (public-key mode): PEM, or the bare base64 the open platform shows."""
    text = (text or "").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = serialization.load_der_public_key(base64.b64decode("".join(text.split())))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise AlipayConfigError(f"Alipay's public key cannot be read: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise AlipayConfigError("Alipay's public key is not an RSA key")
    return key


def load_certificates(text: str, what: str) -> list[x509.Certificate]:
    try:
        certs = x509.load_pem_x509_certificates((text or "").strip().encode())
    except ValueError as exc:
        raise AlipayConfigError(f"{what} cannot be read: {exc}") from None
    if not certs:
        raise AlipayConfigError(f"{what} holds no certificate")
    return certs


def cert_sn(cert: x509.Certificate) -> str:
    """Alipay's certificate serial: md5 of the issuer's name (RFC 2253 order) and the serial in decimal."""
    return hashlib.md5((cert.issuer.rfc4514_string() + str(cert.serial_number)).encode()).hexdigest()  # noqa: S324


def root_cert_sn(certs: list[x509.Certificate]) -> str:
    """alipay_root_cert_sn: the serials of the RSA-signed roots in Alipay's root bundle, joined by `_`."""
    return "_".join(cert_sn(c) for c in certs if c.signature_algorithm_oid.dotted_string.startswith(RSA_SIGNATURES))


def _check_chain(chain: list[x509.Certificate], roots: list[x509.Certificate], what: str) -> None:
    """`chain[0]` must be in date and lead, through the rest of `chain`, to one of `roots`."""
    now = clock.now()
    cert, pool = chain[0], chain[1:] + roots
    for _step in range(len(pool) + 1):
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise AlipayConfigError(f"{what}: a certificate of its chain is expired or not yet valid")
        if any(cert == root for root in roots):
            return
        issuer = next((c for c in pool if c.subject == cert.issuer and c is not cert), None)
        if issuer is None:
            raise AlipayConfigError(f"{what} does not lead to Alipay's root certificate")
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            raise AlipayConfigError(f"{what} is not signed by its issuer") from None
        cert = issuer
    raise AlipayConfigError(f"{what} does not lead to Alipay's root certificate")


def canonical(params: Mapping[str, str], *, drop: tuple[str, ...] = ("sign",)) -> str:
    """Alipay's signed string: every non-empty parameter but `drop`, sorted by name, as `k=v&…`."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in drop and params[k] not in ("", None))


def rsa2_sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_verify(key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        raw = base64.b64decode("".join(str(signature).split()), validate=True)
        key.verify(raw, message.encode("utf-8", errors="strict"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError, binascii.Error, UnicodeEncodeError):
        return False
    return True


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    seller_id: str
    gateway: str
    methods: tuple[str, ...]
    private_key: rsa.RSAPrivateKey
    public_key: rsa.RSAPublicKey  # Alipay's: verifies its answers and notifications
    cert_mode: bool
    app_cert_sn: str = ""
    root_cert_sn: str = ""
    alipay_cert_sn: str = ""
    timeout: float = 10.0


def _material(conf: Mapping, name: str) -> str:
    """A key or certificate given inline (a secrets manager's variable) or as the path of a mounted file."""
    if conf.get(name):
        return str(conf[name])
    path = str(conf.get(f"{name}_PATH") or "")
    if not path:
        return ""
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise AlipayConfigError(f"QUANZI_ALIPAY_{name}_PATH cannot be read: {exc.strerror}") from None


def methods_setting(conf: Mapping | None = None) -> tuple[str, ...]:
    conf = settings.QUANZI.get("ALIPAY") or {} if conf is None else conf
    names = str(conf.get("METHODS") or "page,wap").split(",")
    return tuple(m.strip() for m in names if m.strip() in PAY_METHODS)


def config() -> AlipayConfig:
    """The Alipay settings, keys parsed (cached while the settings and key files stay the same)."""
    conf = settings.QUANZI.get("ALIPAY") or {}
    materials = tuple(_material(conf, name) for name in ("PRIVATE_KEY", "PUBLIC_KEY", "APP_CERT", "ALIPAY_CERT",
                                                          "ROOT_CERT"))
    plain = tuple(str(conf.get(name) or "").strip() for name in ("APP_ID", "SELLER_ID", "GATEWAY", "TIMEOUT"))
    return _build(plain, methods_setting(conf), materials)


@functools.lru_cache(maxsize=8)
def _build(plain: tuple[str, ...], methods: tuple[str, ...], materials: tuple[str, ...]) -> AlipayConfig:
    app_id, seller_id, gateway, timeout = plain
    private_pem, public_text, app_cert, alipay_cert, root_cert = materials
    missing = [name for name, value in (("APP_ID", app_id), ("SELLER_ID", seller_id), ("PRIVATE_KEY", private_pem))
               if not value]
    if not public_text and not (app_cert and alipay_cert and root_cert):
        missing.append("PUBLIC_KEY (or APP_CERT, ALIPAY_CERT and ROOT_CERT)")
    if missing:
        raise AlipayConfigError("missing settings: " + ", ".join(f"QUANZI_ALIPAY_{m}" for m in missing))
    if not gateway.startswith(("https://", "http://")):
        raise AlipayConfigError("QUANZI_ALIPAY_GATEWAY must be an http(s) URL")
    private_key = load_private_key(private_pem)
    common = {"app_id": app_id, "seller_id": seller_id, "gateway": gateway, "methods": methods,
              "private_key": private_key, "timeout": float(timeout or 10)}
    if public_text:  # public-key mode wins when both are given
        return AlipayConfig(public_key=load_public_key(public_text), cert_mode=False, **common)
    app_chain = load_certificates(app_cert, "QUANZI_ALIPAY_APP_CERT")
    alipay_chain = load_certificates(alipay_cert, "QUANZI_ALIPAY_ALIPAY_CERT")
    roots = load_certificates(root_cert, "QUANZI_ALIPAY_ROOT_CERT")
    if app_chain[0].public_key().public_numbers() != private_key.public_key().public_numbers():
        raise AlipayConfigError("QUANZI_ALIPAY_APP_CERT is not the certificate of QUANZI_ALIPAY_PRIVATE_KEY")
    _check_chain(alipay_chain, roots, "QUANZI_ALIPAY_ALIPAY_CERT")
    public_key = alipay_chain[0].public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise AlipayConfigError("Alipay's certificate does not hold an RSA key")
    return AlipayConfig(public_key=public_key, cert_mode=True, app_cert_sn=cert_sn(app_chain[0]),
                        root_cert_sn=root_cert_sn(roots), alipay_cert_sn=cert_sn(alipay_chain[0]), **common)


def configuration_problems() -> list[str]:
    """What is wrong with the settings (for `manage.py check`), or nothing."""
    try:
        config()
    except ProviderError as exc:
        return [str(exc)]
    return []


# ---------------------------------------------------------------- the gateway


def _subject(text: str) -> str:
    """Alipay refuses `/`, `=` and `&` in a subject; at most 256 characters."""
    cleaned = re.sub(r"[/=&\x00-\x1f]", " ", str(text or "")).strip()
    return cleaned[:256] or "Quanzi"


def _now_text() -> str:
    return clock.now().astimezone(SHANGHAI).strftime(TIME_FORMAT)


def _signed_params(conf: AlipayConfig, method: str, biz: dict, **extra: str) -> dict[str, str]:
    params = {"app_id": conf.app_id, "method": method, "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
              "timestamp": _now_text(), "version": "1.0",
              "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":"))}
    params.update({k: v for k, v in extra.items() if v})
    if conf.cert_mode:
        params["app_cert_sn"], params["alipay_root_cert_sn"] = conf.app_cert_sn, conf.root_cert_sn
    params["sign"] = rsa2_sign(conf.private_key, canonical(params))
    return params


def _read(answer, limit: int) -> bytes:
    data = answer.read(limit + 1)
    if len(data) > limit:
        raise ProviderError(f"the answer is larger than {limit} bytes")
    return data


def _raw_member(text: str, name: str) -> str:
    """The exact text of the top-level member `name` of a JSON object: what Alipay signed."""
    decoder, needle = json.JSONDecoder(), f'"{name}"'
    at = text.find(needle)
    while at != -1:
        i = at + len(needle)
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i < len(text) and text[i] == ":":
            i += 1
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            try:
                _value, end = decoder.raw_decode(text, i)
            except ValueError:
                break
            return text[i:end]
        at = text.find(needle, at + 1)
    raise ProviderError(f"Alipay's answer has no {name}")


def verified_answer(conf: AlipayConfig, method: str, text: str) -> dict:
    """The `<method>_response` of Alipay's answer, its signature checked; AlipayError if not a success."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise ProviderError(f"{method}: Alipay answered something that is not JSON") from None
    name = method.replace(".", "_") + "_response"
    if not isinstance(doc, dict) or not isinstance(doc.get(name, doc.get("error_response")), dict):
        raise ProviderError(f"{method}: Alipay's answer has no {name}")
    name = name if name in doc else "error_response"
    data, sign = doc[name], doc.get("sign")
    code = str(data.get("code", ""))
    if sign:
        if conf.cert_mode and doc.get("alipay_cert_sn") not in (None, "", conf.alipay_cert_sn):
            raise ProviderError(f"{method}: Alipay signed with certificate {str(doc['alipay_cert_sn'])[:40]}, not "
                                "the one configured: install Alipay's new public-key certificate")
        if not rsa2_verify(conf.public_key, _raw_member(text, name), str(sign)):
            raise ProviderError(f"{method}: the signature of Alipay's answer is wrong")
    elif code == SUCCESS:
        raise ProviderError(f"{method}: Alipay's answer is not signed")
    if code != SUCCESS:
        raise AlipayError(code, str(data.get("sub_code", "")), str(data.get("sub_msg") or data.get("msg") or ""))
    return data


def _fen(value, what: str) -> int:
    try:
        return yuan_to_fen(str(value))
    except ValueError:
        raise ProviderError(f"{what}: not an amount in yuan") from None


# ---------------------------------------------------------------- the bill


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the name is UTF-8 and says so
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")  # Alipay's zips name their files in GBK
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def parse_bill_zip(raw: bytes) -> list[StatementLine]:
    """The trade lines of Alipay's daily bill: a zip of GBK CSV files, of which the detail file
    (`…业务明细.csv`, not its `(汇总)` summary) lists each trade and refund."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ProviderError("Alipay's bill is not a zip file") from None
    if sum(info.file_size for info in infos) > MAX_BILL_TEXT_BYTES or len(infos) > 100:
        raise ProviderError("Alipay's bill is too large")
    details = [info for info in infos if "业务明细" in _zip_name(info) and "汇总" not in _zip_name(info)]
    if not details:
        raise ProviderError("Alipay's bill has no detail file (业务明细)")
    lines: list[StatementLine] = []
    for info in details:
        try:
            with archive.open(info) as member:
                data = member.read(MAX_BILL_TEXT_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            raise ProviderError("Alipay's bill cannot be unpacked") from None
        if len(data) > MAX_BILL_TEXT_BYTES:
            raise ProviderError("Alipay's bill is too large")
        lines += parse_trade_bill(data.decode("gbk", errors="replace"))
    return lines


BILL_COLUMNS = {"trade_no": "支付宝交易号", "out_trade_no": "商户订单号", "kind": "业务类型", "finished": "完成时间",
                "amount": "订单金额", "fee": "服务费", "request_no": "退款批次号/请求号"}
BILL_KINDS = {"交易": "payment", "退款": "refund"}


def _bill_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def parse_trade_bill(text: str) -> list[StatementLine]:
    """The lines of a `业务明细` CSV (comment lines start with `#`; cells are padded with tabs)."""
    rows = csv.reader(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    header: dict[str, int] | None = None
    lines = []
    for row in rows:
        cells = [cell.strip() for cell in row]
        if header is None:
            names = [re.sub(r"[（(]元[）)]$", "", cell) for cell in cells]
            if BILL_COLUMNS["trade_no"] in names:
                missing = [c for c in BILL_COLUMNS.values() if c not in names]
                if missing:
                    raise ProviderError(f"Alipay's bill lacks the columns {', '.join(missing)}")
                header = {key: names.index(name) for key, name in BILL_COLUMNS.items()}
            continue
        if len(cells) <= max(header.values()):
            continue
        kind = BILL_KINDS.get(cells[header["kind"]])
        if kind is None:
            logger.info("Alipay bill line of kind %r skipped", cells[header["kind"]][:20])
            continue
        lines.append(StatementLine(
            kind=kind, payment_number=cells[header["out_trade_no"]][:64], provider_trade_no=cells[header["trade_no"]][:64],
            amount=abs(_fen(cells[header["amount"]], "bill amount")), at=_bill_time(cells[header["finished"]]),
            refund_number=cells[header["request_no"]][:64] if kind == "refund" else "",
            fee=abs(_fen(cells[header["fee"]] or "0", "bill fee"))))
    if header is None:
        raise ProviderError("Alipay's bill has no header line")
    return lines


# ---------------------------------------------------------------- the adapter


class AlipayProvider:
    code = "alipay"
    label = _("Alipay")

    @property
    def methods(self) -> tuple[str, ...]:
        return methods_setting()

    def configuration_problems(self) -> list[str]:
        return configuration_problems()

    def csp_origins(self) -> list[str]:
        """The gateway's origin: the cashier's form leads there (payments.cashier.csp_sources)."""
        parts = urllib.parse.urlsplit(str((settings.QUANZI.get("ALIPAY") or {}).get("GATEWAY") or ""))
        return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("https", "http") and parts.netloc else []

    def _call(self, method: str, biz: dict) -> dict:
        conf = config()
        body = urllib.parse.urlencode(_signed_params(conf, method, biz)).encode()
        request = urllib.request.Request(f"{conf.gateway}?charset=utf-8", data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded;charset=utf-8", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=conf.timeout) as answer:  # noqa: S310 - the gateway
                raw = _read(answer, MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as exc:
            raise ProviderError(f"{method}: Alipay answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise ProviderError(f"{method}: Alipay cannot be reached ({exc})") from None
        return verified_answer(conf, method, raw.decode("utf-8", errors="replace"))

    # ---- paying

    def create(self, *, payment_number: str, amount: int, subject: str, notify_url: str, return_url: str,
               method: str, expires_at: dt.datetime, client: Client) -> PayAction:
        conf = config()
        if method not in PAY_METHODS or method not in conf.methods:
            raise ProviderError(f"Alipay method {method!r} is not enabled")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ProviderError("amount must be a positive number of fen")
        api_method, product_code = PAY_METHODS[method]
        biz = {"out_trade_no": payment_number, "total_amount": format_yuan(amount), "subject": _subject(subject),
               "product_code": product_code, "time_expire": expires_at.astimezone(SHANGHAI).strftime(TIME_FORMAT)}
        if method == "wap":
            biz["quit_url"] = return_url
        params = _signed_params(conf, api_method, biz, notify_url=notify_url, return_url=return_url)
        return PayAction(kind="redirect", url=f"{conf.gateway}?{urllib.parse.urlencode(params)}")

    def query(self, *, payment_number: str) -> QueryResult:
        try:
            data = self._call("alipay.trade.query", {"out_trade_no": payment_number})
        except AlipayError as exc:
            if exc.sub_code == "ACQ.TRADE_NOT_EXIST":  # the shopper never opened the page
                return QueryResult(status="unknown")
            raise
        if str(data.get("out_trade_no", payment_number)) != payment_number:
            raise ProviderError(f"query {payment_number}: the answer is about another trade")
        status = TRADE_STATUS.get(str(data.get("trade_status", "")), "unknown")
        return QueryResult(status=status, amount=_fen(data.get("total_amount", "0"), "query"),
                           trade_no=str(data.get("trade_no", ""))[:64])

    def close(self, *, payment_number: str) -> None:
        try:
            self._call("alipay.trade.close", {"out_trade_no": payment_number})
        except AlipayError as exc:
            if exc.sub_code != "ACQ.TRADE_NOT_EXIST":  # never opened: nothing to close (and time_expire holds)
                raise

    # ---- refunds

    def refund(self, *, payment_number: str, refund_number: str, amount: int, total: int,
               reason: str = "") -> RefundResult:
        biz = {"out_trade_no": payment_number, "refund_amount": format_yuan(amount), "out_request_no": refund_number}
        if reason.strip():
            biz["refund_reason"] = _subject(reason)
        try:
            data = self._call("alipay.trade.refund", biz)
        except ProviderError as exc:
            return RefundResult(ok=False, error=str(exc))
        if data.get("fund_change") == "Y":
            return RefundResult(ok=True, provider_refund_no=str(data.get("trade_no", ""))[:64])
        # "N": no money moved by this call — refunded before under this number, or still processing
        return RefundResult(ok=True, pending=True, provider_refund_no=str(data.get("trade_no", ""))[:64])

    def refund_query(self, *, payment_number: str, refund_number: str) -> RefundResult:
        biz = {"out_trade_no": payment_number, "out_request_no": refund_number, "query_options": ["gmt_refund_pay"]}
        try:
            data = self._call("alipay.trade.fastpay.refund.query", biz)
        except ProviderError as exc:
            return RefundResult(ok=False, error=str(exc))
        if str(data.get("out_request_no", refund_number)) != refund_number:
            return RefundResult(ok=False, error="the answer is about another refund")
        status = str(data.get("refund_status", ""))
        if status == "REFUND_SUCCESS" or (not status and data.get("refund_amount")):
            return RefundResult(ok=True, provider_refund_no=str(data.get("trade_no", ""))[:64])
        return RefundResult(ok=False, error="Alipay has no successful refund under this number")

    # ---- notifications

    def verify_notification(self, *, body: bytes, headers: Mapping[str, str],
                            form: Mapping[str, str]) -> Notification:
        try:
            conf = config()
        except ProviderError as exc:
            raise BadNotification(f"Alipay is not configured: {exc}"[:120]) from None
        params = {str(k): str(v) for k, v in form.items()}
        if params.get("charset", "").lower() in ("gbk", "gb2312"):  # an app set to GBK: read the body so
            try:
                params = dict(urllib.parse.parse_qsl(body.decode("ascii", errors="replace"), keep_blank_values=True,
                                                     encoding="gbk", errors="replace",
                                                     max_num_fields=MAX_NOTIFICATION_FIELDS))
            except ValueError:
                raise BadNotification("too many fields") from None
        if not params.get("sign"):
            raise BadNotification("missing signature")
        if params.get("sign_type", "RSA2") != "RSA2":
            raise BadNotification("sign_type is not RSA2")
        if not rsa2_verify(conf.public_key, canonical(params, drop=("sign", "sign_type")), params["sign"]):
            raise BadNotification("bad signature")
        if params.get("app_id") != conf.app_id:
            raise BadNotification("wrong app_id")
        if params.get("seller_id") != conf.seller_id:
            raise BadNotification("wrong seller_id")
        number = params.get("out_trade_no", "")
        if not OUT_NO.fullmatch(number):
            raise BadNotification("malformed out_trade_no")
        try:
            amount = yuan_to_fen(params.get("total_amount", ""))
        except ValueError:
            raise BadNotification("malformed total_amount") from None
        trade_no, payer = params.get("trade_no", "")[:64], params.get("buyer_id", "")[:64]
        refund_number = params.get("out_biz_no", "")
        if refund_number and (params.get("refund_fee") or params.get("gmt_refund")):
            if not OUT_NO.fullmatch(refund_number):
                raise BadNotification("malformed out_biz_no")
            return Notification(payment_number=number, trade_no=trade_no, amount=0, paid=False, kind="refund",
                                refund_number=refund_number, refund_ok=True, payer=payer)
        return Notification(payment_number=number, trade_no=trade_no, amount=amount, payer=payer,
                            paid=params.get("trade_status") in ("TRADE_SUCCESS", "TRADE_FINISHED"))

    def notification_answer(self, *, ok: bool) -> Answer:
        return Answer(status=200, body="success" if ok else "failure")

    # ---- reconciliation

    def statement(self, *, day: dt.date) -> list[StatementLine]:
        try:
            data = self._call("alipay.data.dataservice.bill.downloadurl.query",
                              {"bill_type": "trade", "bill_date": day.isoformat()})
        except AlipayError as exc:
            if exc.sub_code == "isp.bill_not_exist":  # no trade that day
                return []
            raise
        url = str(data.get("bill_download_url", ""))
        gateway = urllib.parse.urlsplit(config().gateway)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" and (parts.scheme, parts.netloc) != (gateway.scheme, gateway.netloc):
            raise ProviderError("Alipay's bill_download_url is not https")
        try:
            with urllib.request.urlopen(url, timeout=max(config().timeout, 30)) as answer:  # noqa: S310 - https
                raw = _read(answer, MAX_BILL_ZIP_BYTES)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise ProviderError(f"Alipay's bill cannot be downloaded ({exc})") from None
        return parse_bill_zip(raw)


__all__ = ["AlipayProvider", "AlipayConfig", "AlipayError", "AlipayConfigError", "config", "cert_sn",
           "root_cert_sn", "canonical", "rsa2_sign", "rsa2_verify", "parse_bill_zip", "parse_trade_bill"]
