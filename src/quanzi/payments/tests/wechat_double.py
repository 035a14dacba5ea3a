"""A test double of the WeChat Pay API v3 on 127.0.0.1, for the adapter's tests over real HTTP.

It speaks the documented formats and checks what the real service checks, with its own code (not the
adapter's), so a mistake on one side shows up:
- every merchant request must carry a valid `WECHATPAY2-SHA256-RSA2048` Authorization (merchant id,
  certificate serial, a timestamp within 5 minutes, SHA256withRSA over `METHOD\\nURL\\nts\\nnonce\\nbody\\n`
  with the merchant's key) or is answered 401 SIGN_ERROR;
- every answer is signed (`Wechatpay-Timestamp/-Nonce/-Signature/-Serial`) with the platform
  certificate's key (certificate mode) or the WeChat Pay public key (`PUB_KEY_ID_…` mode);
- orders (JSAPI, H5, Native) with WeChat's rules (same out_trade_no and same request: same answer;
  a different request: 400 INVALID_REQUEST), query, close, refunds (idempotent per out_refund_no, never
  more than paid), the platform certificates (encrypted with the APIv3 key), the daily trade bill (a
  gzip CSV with backtick-prefixed fields, SHA1 of the uncompressed file), and WeChat OAuth's
  code-for-openid exchange;
- the shopper's side: `pay()`, and `notification()` building what WeChat Pay POSTs (encrypted
  resource, signed headers) — with knobs to forge, age, replay or corrupt it — and `deliver()`.

Keys and certificates are generated at run time (`make_keys`); none is ever written to disk.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import http.server
import ipaddress
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLIC_KEY_ID = "PUB_KEY_ID_0116000000002024110100000000"
OUT_NO = re.compile(r"[0-9A-Za-z_\-|*@]{6,32}")
BILL_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
               "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
               "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
BILL_SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"


# ---------------------------------------------------------------- keys made at run time


def _certificate(key: rsa.RSAPrivateKey, common_name: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Keys:
    merchant_key: rsa.RSAPrivateKey
    merchant_cert: x509.Certificate
    platform_key: rsa.RSAPrivateKey
    platform_cert: x509.Certificate
    pubkey_key: rsa.RSAPrivateKey  # the "WeChat Pay public key" pair (PUB_KEY_ID_ mode)
    stranger_key: rsa.RSAPrivateKey  # someone else's: for forged signatures
    apiv3_key: str

    @property
    def merchant_serial(self) -> str:
        return format(self.merchant_cert.serial_number, "X")

    @property
    def platform_serial(self) -> str:
        return format(self.platform_cert.serial_number, "X")

    def merchant_key_pem(self) -> str:
        return self.merchant_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode()

    def wechat_public_key_pem(self) -> str:
        return self.pubkey_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def make_keys() -> Keys:
    merchant, platform = _key(), _key()
    return Keys(merchant_key=merchant, merchant_cert=_certificate(merchant, "1900000109"),
                platform_key=platform, platform_cert=_certificate(platform, "Tenpay.com Root CA test"),
                pubkey_key=_key(), stranger_key=_key(), apiv3_key=secrets.token_hex(16))


def _sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def _encrypt(apiv3_key: str, plaintext: bytes, associated_data: str) -> dict:
    nonce = secrets.token_hex(6)  # WeChat Pay uses 12-character nonces
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated_data, "nonce": nonce}


def _now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI).replace(microsecond=0)


def _yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


# ---------------------------------------------------------------- the provider's books


@dataclass
class Trade:
    out_trade_no: str
    trade_type: str
    total: int
    notify_url: str
    description: str
    request: dict
    answer: dict
    transaction_id: str = ""
    state: str = "NOTPAY"
    openid: str = ""
    success_time: dt.datetime | None = None


@dataclass
class RefundRecord:
    out_refund_no: str
    out_trade_no: str
    refund_id: str
    refund: int
    total: int
    status: str
    create_time: dt.datetime
    notify_url: str = ""
    success_time: dt.datetime | None = None


@dataclass
class Seen:
    method: str
    path: str
    body: dict | None
    auth_ok: bool


@dataclass
class WechatPayDouble:
    keys: Keys
    mchid: str = "1900000109"
    appid: str = "wxd678efh567hg6787"
    app_secret: str = "test-app-secret"
    mode: str = "certificates"  # how it signs: "certificates" (platform certificate) or "public_key"
    refund_status: str = "SUCCESS"  # what a new refund answers: SUCCESS or PROCESSING
    forge_answers: bool = False  # sign answers with a stranger's key (a man in the middle)
    fee_rate_bps: int = 60  # 0.60 %, as the bill shows
    trades: dict[str, Trade] = field(default_factory=dict)
    refunds: dict[str, RefundRecord] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    oauth_codes: dict[str, str] = field(default_factory=dict)  # code -> openid
    bill_extra_rows: list[str] = field(default_factory=list)
    _bills: dict[str, bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: http.server.ThreadingHTTPServer | None = None

    # ---- lifecycle

    def start(self) -> WechatPayDouble:
        double = self

        class Handler(_Handler):
            pass

        Handler.double = double
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self, **overrides) -> dict:
        """QUANZI["WECHATPAY"] for a merchant of this double (what docs/payments-wechat.md asks a merchant for)."""
        conf = {"MCHID": self.mchid, "APPID": self.appid, "APP_SECRET": self.app_secret,
                "APIV3_KEY": self.keys.apiv3_key, "CERT_SERIAL": self.keys.merchant_serial,
                "PRIVATE_KEY": self.keys.merchant_key_pem(), "API_BASE": self.base_url,
                "OAUTH_BASE": self.base_url, "SNS_BASE": self.base_url, "TIMEOUT": 5}
        if self.mode == "public_key":
            conf |= {"PUBLIC_KEY_ID": PUBLIC_KEY_ID, "PUBLIC_KEY": self.keys.wechat_public_key_pem()}
        return conf | overrides

    def reset(self) -> None:
        with self._lock:
            self.trades.clear()
            self.refunds.clear()
            self.seen.clear()
            self.bill_extra_rows.clear()
            self._bills.clear()
        self.mode, self.refund_status, self.forge_answers = "certificates", "SUCCESS", False

    # ---- signing as WeChat Pay

    def signer(self) -> tuple[rsa.RSAPrivateKey, str]:
        if self.mode == "public_key":
            return self.keys.pubkey_key, PUBLIC_KEY_ID
        return self.keys.platform_key, self.keys.platform_serial

    def signed_headers(self, body: bytes, *, timestamp: int | None = None, nonce: str | None = None,
                       serial: str | None = None, key: rsa.RSAPrivateKey | None = None) -> dict[str, str]:
        signing_key, signing_serial = self.signer()
        if self.forge_answers:
            signing_key = self.keys.stranger_key
        ts, nonce = str(int(time.time()) if timestamp is None else timestamp), nonce or secrets.token_hex(16).upper()
        return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
                "Wechatpay-Signature": _sign(key or signing_key, f"{ts}\n{nonce}\n".encode() + body + b"\n"),
                "Wechatpay-Serial": serial or signing_serial, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
                "Request-ID": secrets.token_hex(12)}

    def check_authorization(self, header: str, method: str, url: str, body: bytes) -> str:
        """Why a merchant request is not properly signed, or ""."""
        scheme, _, rest = header.partition(" ")
        if scheme != "WECHATPAY2-SHA256-RSA2048":
            return "Authorization scheme"
        fields = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if fields.get("mchid") != self.mchid:
            return "mchid"
        try:
            if int(fields.get("serial_no", ""), 16) != self.keys.merchant_cert.serial_number:
                return "serial_no"
            if abs(time.time() - int(fields.get("timestamp", ""))) > 300:
                return "timestamp"
            message = f"{method}\n{url}\n{fields['timestamp']}\n{fields.get('nonce_str', '')}\n".encode() + body + b"\n"
            self.keys.merchant_cert.public_key().verify(base64.b64decode(fields.get("signature", "")), message,
                                                        padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 - any failure is a bad signature
            return "signature"
        return ""

    # ---- the shopper

    def pay(self, out_trade_no: str, *, openid: str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            at: dt.datetime | None = None) -> Trade:
        with self._lock:
            trade = self.trades[out_trade_no]
            trade.state, trade.openid = "SUCCESS", trade.openid or openid
            trade.success_time = (at or _now()).astimezone(SHANGHAI).replace(microsecond=0)
            trade.transaction_id = trade.transaction_id or "4200" + secrets.token_hex(12)[:24].translate(
                str.maketrans("abcdef", "123456"))
            return trade

    def finish_refund(self, out_refund_no: str, status: str = "SUCCESS") -> RefundRecord:
        with self._lock:
            record = self.refunds[out_refund_no]
            record.status = status
            if status == "SUCCESS":
                record.success_time = _now()
            return record

    def transaction_json(self, trade: Trade) -> dict:
        data = {"appid": self.appid, "mchid": self.mchid, "out_trade_no": trade.out_trade_no,
                "trade_type": trade.trade_type, "trade_state": trade.state,
                "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付", "CLOSED": "已关闭"}.get(trade.state, ""),
                "attach": "", "amount": {"total": trade.total, "currency": "CNY"}}
        if trade.state in ("SUCCESS", "REFUND"):
            data |= {"transaction_id": trade.transaction_id, "bank_type": "OTHERS",
                     "success_time": trade.success_time.isoformat(), "payer": {"openid": trade.openid},
                     "amount": {"total": trade.total, "payer_total": trade.total, "currency": "CNY",
                                "payer_currency": "CNY"}}
        return data

    def refund_json(self, record: RefundRecord) -> dict:
        trade = self.trades[record.out_trade_no]
        data = {"refund_id": record.refund_id, "out_refund_no": record.out_refund_no,
                "transaction_id": trade.transaction_id, "out_trade_no": record.out_trade_no, "channel": "ORIGINAL",
                "user_received_account": "支付用户零钱", "create_time": record.create_time.isoformat(),
                "status": record.status, "funds_account": "AVAILABLE",
                "amount": {"total": record.total, "refund": record.refund, "payer_total": record.total,
                           "payer_refund": record.refund, "settlement_refund": record.refund,
                           "settlement_total": record.total, "discount_refund": 0, "currency": "CNY"}}
        if record.success_time:
            data["success_time"] = record.success_time.isoformat()
        return data

    def notification(self, out_trade_no: str = "", *, refund: str = "", event_type: str = "",
                     change: dict | None = None, plaintext: bytes | None = None, associated_data: str | None = None,
                     tamper_ciphertext: bool = False, body: bytes | None = None, **signing) -> tuple[dict, bytes]:
        """The (headers, body) WeChat Pay POSTs about a trade (or, with `refund`, a refund): `change`
        overrides decrypted fields, `plaintext` replaces the decrypted JSON, `signing` passes
        timestamp / nonce / serial / key to the signature (to age, replay or forge it)."""
        if refund:
            record = self.refunds[refund]
            data = {"mchid": self.mchid, "out_trade_no": record.out_trade_no,
                    "transaction_id": self.trades[record.out_trade_no].transaction_id,
                    "out_refund_no": record.out_refund_no, "refund_id": record.refund_id,
                    "refund_status": record.status, "user_received_account": "支付用户零钱",
                    "amount": {"total": record.total, "refund": record.refund, "payer_total": record.total,
                               "payer_refund": record.refund}}
            if record.success_time:
                data["success_time"] = record.success_time.isoformat()
            event_type, original, summary = event_type or f"REFUND.{record.status}", "refund", "退款状态变更"
        else:
            data = self.transaction_json(self.trades[out_trade_no])
            event_type, original, summary = event_type or "TRANSACTION.SUCCESS", "transaction", "支付成功"
        data |= change or {}
        associated = original if associated_data is None else associated_data
        resource = _encrypt(self.keys.apiv3_key, plaintext if plaintext is not None else
                            json.dumps(data, ensure_ascii=False).encode(), associated)
        resource |= {"original_type": original, "associated_data": original}  # declared, whatever it was sealed with
        if tamper_ciphertext:
            raw = bytearray(base64.b64decode(resource["ciphertext"]))
            raw[0] ^= 1
            resource["ciphertext"] = base64.b64encode(bytes(raw)).decode()
        if body is None:
            body = json.dumps({"id": "EV-" + secrets.token_hex(10), "create_time": _now().isoformat(),
                               "resource_type": "encrypt-resource", "event_type": event_type, "summary": summary,
                               "resource": resource}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Mozilla/4.0",
                   **self.signed_headers(body, **signing)}
        return headers, body

    def deliver(self, url: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        """POST a notification over HTTP, as WeChat Pay does; returns (status, body)."""
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, answer.read()

    # ---- the bill

    def bill_rows(self, day: dt.date) -> list[str]:
        rows = []
        rate = f"{self.fee_rate_bps / 100:.2f}%"
        for trade in self.trades.values():
            if trade.success_time and trade.success_time.date() == day:
                fee = f"{trade.total * self.fee_rate_bps / 10000 / 100:.5f}"
                rows.append(",".join("`" + v for v in (
                    trade.success_time.strftime("%Y-%m-%d %H:%M:%S"), self.appid, self.mchid, "0", "",
                    trade.transaction_id, trade.out_trade_no, trade.openid, trade.trade_type, "SUCCESS", "OTHERS",
                    "CNY", _yuan(trade.total), "0.00", "0", "0", "0.00", "0.00", "", "", trade.description, "",
                    fee, rate, _yuan(trade.total), "0.00", "")))
        for record in self.refunds.values():
            if record.create_time.date() == day:
                trade = self.trades[record.out_trade_no]
                fee = f"-{record.refund * self.fee_rate_bps / 10000 / 100:.5f}"
                rows.append(",".join("`" + v for v in (
                    record.create_time.strftime("%Y-%m-%d %H:%M:%S"), self.appid, self.mchid, "0", "",
                    trade.transaction_id, trade.out_trade_no, trade.openid, trade.trade_type, "REFUND", "OTHERS",
                    "CNY", "0.00", "0.00", record.refund_id, record.out_refund_no, _yuan(record.refund), "0.00",
                    "ORIGINAL", record.status, trade.description, "", fee, rate, "0.00", _yuan(record.refund), "")))
        return rows + list(self.bill_extra_rows)

    def bill_text(self, day: dt.date) -> str:
        rows = self.bill_rows(day)
        summary = "`" + ",`".join([str(len(rows)), "0.00", "0.00", "0.00", "0.00000", "0.00", "0.00"])
        return "\r\n".join([BILL_HEADER, *rows, BILL_SUMMARY, summary]) + "\r\n"

    # ---- the API

    def route(self, method: str, path: str, query: dict, body: bytes) -> tuple[int, dict | None]:
        if path == "/sns/oauth2/access_token":
            return self._oauth(query)
        if path.startswith("/v3/billdownload/file"):
            return 200, None  # the handler streams the file
        payload = None
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, {"code": "PARAM_ERROR", "message": "body is not JSON"}
        with self._lock:
            return self._api(method, path, query, payload or {})

    def _api(self, method: str, path: str, query: dict, data: dict) -> tuple[int, dict | None]:
        if method == "POST" and (m := re.fullmatch(r"/v3/pay/transactions/(jsapi|h5|native)", path)):
            return self._order(m.group(1), data)
        if m := re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)", path):
            if query.get("mchid") != self.mchid:
                return 400, {"code": "PARAM_ERROR", "message": "mchid"}
            trade = self.trades.get(urllib.parse.unquote(m.group(1)))
            return (200, self.transaction_json(trade)) if trade else (404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        if method == "POST" and (m := re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)/close", path)):
            return self._close(urllib.parse.unquote(m.group(1)), data)
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return self._refund(data)
        if m := re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", path):
            record = self.refunds.get(urllib.parse.unquote(m.group(1)))
            return (200, self.refund_json(record)) if record else (404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"})
        if path == "/v3/certificates":
            return self._certificates()
        if path == "/v3/bill/tradebill":
            return self._tradebill(query)
        return 404, {"code": "NOT_FOUND", "message": "no such API"}

    def _order(self, kind: str, data: dict) -> tuple[int, dict]:
        problem = _order_problem(self, kind, data)
        if problem:
            return 400, {"code": "PARAM_ERROR", "message": problem}
        existing = self.trades.get(data["out_trade_no"])
        if existing is not None:
            if existing.state in ("SUCCESS", "REFUND"):
                return 400, {"code": "ORDERPAID", "message": "该订单已支付"}
            if existing.request != data:
                return 400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}
            return 200, existing.answer
        token = secrets.token_hex(12)
        answer = {"jsapi": {"prepay_id": f"wx{token}"},
                  "h5": {"h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx{token}&package=2760"},
                  "native": {"code_url": f"weixin://wxpay/bizpayurl?pr={token[:9]}"}}[kind]
        self.trades[data["out_trade_no"]] = Trade(
            out_trade_no=data["out_trade_no"], trade_type={"jsapi": "JSAPI", "h5": "MWEB", "native": "NATIVE"}[kind],
            total=data["amount"]["total"], notify_url=data["notify_url"], description=data["description"],
            request=data, answer=answer, openid=data.get("payer", {}).get("openid", ""))
        return 200, answer

    def _close(self, out_trade_no: str, data: dict) -> tuple[int, dict | None]:
        trade = self.trades.get(out_trade_no)
        if data.get("mchid") != self.mchid:
            return 400, {"code": "PARAM_ERROR", "message": "mchid"}
        if trade is None:
            return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
        if trade.state in ("SUCCESS", "REFUND"):
            return 400, {"code": "ORDERPAID", "message": "订单已支付"}
        trade.state = "CLOSED"
        return 204, None

    def _refund(self, data: dict) -> tuple[int, dict]:
        amount = data.get("amount") or {}
        refund, total = amount.get("refund"), amount.get("total")
        if not (OUT_NO.fullmatch(str(data.get("out_refund_no", ""))) and isinstance(refund, int)
                and isinstance(total, int) and refund > 0 and amount.get("currency") == "CNY"):
            return 400, {"code": "PARAM_ERROR", "message": "out_refund_no / amount"}
        trade = self.trades.get(str(data.get("out_trade_no", "")))
        if trade is None:
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"}
        if trade.state not in ("SUCCESS", "REFUND"):
            return 400, {"code": "INVALID_REQUEST", "message": "订单未支付"}
        if total != trade.total:
            return 400, {"code": "PARAM_ERROR", "message": "订单金额与原订单不一致"}
        existing = self.refunds.get(data["out_refund_no"])
        if existing is not None:
            if existing.refund != refund or existing.out_trade_no != trade.out_trade_no:
                return 400, {"code": "INVALID_REQUEST", "message": "退款单号重复"}
            return 200, self.refund_json(existing)
        refunded = sum(r.refund for r in self.refunds.values() if r.out_trade_no == trade.out_trade_no)
        if refunded + refund > trade.total:
            return 400, {"code": "INVALID_REQUEST", "message": "申请退款金额超过订单可退金额"}
        record = RefundRecord(out_refund_no=data["out_refund_no"], out_trade_no=trade.out_trade_no,
                              refund_id="50" + secrets.token_hex(14)[:27].translate(str.maketrans("abcdef", "123456")),
                              refund=refund, total=total, status=self.refund_status, create_time=_now(),
                              notify_url=str(data.get("notify_url", "")))
        if record.status == "SUCCESS":
            record.success_time = record.create_time
        self.refunds[record.out_refund_no] = record
        trade.state = "REFUND"
        return 200, self.refund_json(record)

    def _certificates(self) -> tuple[int, dict]:
        if self.mode == "public_key":
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "商户已切换为微信支付公钥"}
        cert = self.keys.platform_cert
        pem = cert.public_bytes(serialization.Encoding.PEM)
        return 200, {"data": [{"serial_no": self.keys.platform_serial,
                               "effective_time": cert.not_valid_before_utc.astimezone(SHANGHAI).isoformat(),
                               "expire_time": cert.not_valid_after_utc.astimezone(SHANGHAI).isoformat(),
                               "encrypt_certificate": _encrypt(self.keys.apiv3_key, pem, "certificate")}]}

    def _tradebill(self, query: dict) -> tuple[int, dict]:
        try:
            day = dt.date.fromisoformat(query.get("bill_date", ""))
        except ValueError:
            return 400, {"code": "PARAM_ERROR", "message": "bill_date"}
        if query.get("bill_type", "ALL") != "ALL":
            return 400, {"code": "PARAM_ERROR", "message": "bill_type"}
        if not self.bill_rows(day):
            return 400, {"code": "NO_STATEMENT_EXIST", "message": "账单文件不存在"}
        raw = self.bill_text(day).encode()
        token = secrets.token_urlsafe(16)
        self._bills[token] = gzip.compress(raw) if query.get("tar_type") == "GZIP" else raw
        return 200, {"hash_type": "SHA1", "hash_value": hashlib.sha1(raw).hexdigest(),  # noqa: S324 - WeChat's
                     "download_url": f"{self.base_url}/v3/billdownload/file?token={token}"}

    def bill_file(self, token: str) -> bytes | None:
        return self._bills.get(token)

    def _oauth(self, query: dict) -> tuple[int, dict]:
        if query.get("appid") != self.appid or query.get("secret") != self.app_secret:
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        openid = self.oauth_codes.pop(query.get("code", ""), None)
        if openid is None or query.get("grant_type") != "authorization_code":
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {"access_token": secrets.token_hex(16), "expires_in": 7200, "refresh_token": secrets.token_hex(16),
                     "openid": openid, "scope": "snsapi_base"}

    def oauth_code_for(self, openid: str) -> str:
        """What WeChat's browser brings back to the redirect_uri after snsapi_base consent."""
        code = secrets.token_hex(16)
        self.oauth_codes[code] = openid
        return code


def _order_problem(double: WechatPayDouble, kind: str, data: dict) -> str:
    amount = data.get("amount") or {}
    total = amount.get("total")
    if data.get("appid") != double.appid or data.get("mchid") != double.mchid:
        return "appid / mchid"
    description = data.get("description")
    if not isinstance(description, str) or not 1 <= len(description.encode()) <= 127:
        return "description"
    if not OUT_NO.fullmatch(str(data.get("out_trade_no", ""))):
        return "out_trade_no"
    try:
        expire = dt.datetime.fromisoformat(str(data.get("time_expire", "")))
        if expire.utcoffset() is None:
            return "time_expire without time zone"
    except ValueError:
        return "time_expire"
    if not str(data.get("notify_url", "")).startswith(("https://", "http://")):
        return "notify_url"
    if isinstance(total, bool) or not isinstance(total, int) or total <= 0 or amount.get("currency", "CNY") != "CNY":
        return "amount"
    if kind == "jsapi" and not (data.get("payer") or {}).get("openid"):
        return "payer.openid"
    if kind == "h5":
        scene = data.get("scene_info") or {}
        try:
            ipaddress.ip_address(scene.get("payer_client_ip", ""))
        except ValueError:
            return "scene_info.payer_client_ip"
        if (scene.get("h5_info") or {}).get("type") not in ("Wap", "iOS", "Android"):
            return "scene_info.h5_info.type"
    return ""


class _Handler(http.server.BaseHTTPRequestHandler):
    double: WechatPayDouble
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet tests
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        double = self.double
        if parts.path == "/connect/oauth2/authorize":  # WeChat's browser: consent, then back with a code
            target = query.get("redirect_uri", "")
            code = double.oauth_code_for("oWechatUser" + secrets.token_hex(6))
            separator = "&" if "?" in target else "?"
            self._send(302, b"", {"Location": f"{target}{separator}code={code}&state={query.get('state', '')}"})
            return
        if parts.path.startswith("/sns/"):
            status, data = double.route(method, parts.path, query, body)
            self._send(status, json.dumps(data).encode(), {"Content-Type": "application/json"})
            return
        problem = double.check_authorization(self.headers.get("Authorization", ""), method, self.path, body)
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        double.seen.append(Seen(method=method, path=parts.path, body=payload, auth_ok=not problem))
        if problem:
            self._answer(401, {"code": "SIGN_ERROR", "message": f"签名错误: {problem}"})
            return
        if parts.path == "/v3/billdownload/file":
            data = double.bill_file(query.get("token", ""))
            if data is None:
                self._answer(404, {"code": "RESOURCE_NOT_EXISTS", "message": "token"})
            else:
                self._send(200, data, {"Content-Type": "application/octet-stream"})
            return
        status, data = double.route(method, parts.path, query, body)
        self._answer(status, data)

    def _answer(self, status: int, data: dict | None) -> None:
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else b""
        headers = {"Content-Type": "application/json", **self.double.signed_headers(body)}
        self._send(status, body, headers)

    def _send(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


# ---------------------------------------------------------------- pytest fixtures (imported by the tests)


@pytest.fixture(scope="session")
def wechat_keys():
    return make_keys()


@pytest.fixture
def wechat(settings, wechat_keys):
    """The double on 127.0.0.1, and the merchant's settings pointing at it (WeChat Pay enabled)."""
    double = WechatPayDouble(keys=wechat_keys).start()
    settings.QUANZI = {**settings.QUANZI, "WECHATPAY": double.settings(), "PAYMENT_PROVIDERS": "sandbox,wechat"}
    yield double
    double.stop()
