"""A test double of Alipay's open platform gateway on 127.0.0.1, for the adapter's tests over real HTTP.

It speaks the documented formats and checks what the real gateway checks, with its own code (not the
adapter's), so a mistake on one side shows up:
- every call is a form POST whose RSA2 signature (SHA256withRSA over the sorted `k=v&…` string of every
  non-empty parameter but `sign`) must verify with the merchant's public key, with our `app_id` — in
  certificate mode also the `app_cert_sn` and `alipay_root_cert_sn` the double computes itself from the
  certificates — or the answer is an unsigned `40002 isv.invalid-signature`;
- answers are `{"<method>_response": {...}, "sign": "..."}` with the signature over the exact text of the
  `*_response` member (plus `alipay_cert_sn` in certificate mode);
- page and WAP pay: `open(url)` is the shopper's browser at the gateway (the signed URL is checked, the
  trade is created); `pay()` is the shopper paying; `notification()` builds the form Alipay POSTs to the
  notify URL, signed with Alipay's key, with knobs to forge or alter it;
- trade query, close, refund (idempotent per out_request_no, never more than paid), refund query, and the
  bill: `alipay.data.dataservice.bill.downloadurl.query` answers a URL on the double serving a zip of GBK
  CSV files (file names in GBK, like Alipay's);
- `fail_next(...)` makes the next call answer an error, an unsigned or forged success, or HTTP 502.

Keys and certificates are generated at run time (`make_keys`); none is ever written to disk.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.server
import io
import json
import secrets
import threading
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

SHANGHAI = ZoneInfo("Asia/Shanghai")
APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"
BILL_HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
               "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
               "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")


# ---------------------------------------------------------------- keys and certificates made at run time


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, unit: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ant Financial"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _cert(subject: x509.Name, public_key, issuer: x509.Name, issuer_key, *, ca: bool,
          algorithm=None) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, algorithm or hashes.SHA256()))


@dataclass
class Keys:
    app_key: rsa.RSAPrivateKey  # the merchant's application key (ours)
    alipay_key: rsa.RSAPrivateKey  # Alipay's: signs answers and notifications
    stranger_key: rsa.RSAPrivateKey  # someone else's: for forged signatures
    root_cert: x509.Certificate  # Alipay's RSA root
    ec_root_cert: x509.Certificate  # an ECC root in the same bundle: not counted in alipay_root_cert_sn
    ca_cert: x509.Certificate  # the intermediate that issues application and Alipay public-key certificates
    app_cert: x509.Certificate
    alipay_cert: x509.Certificate

    @staticmethod
    def pem(obj) -> str:
        if isinstance(obj, rsa.RSAPrivateKey):
            return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        if isinstance(obj, x509.Certificate):
            return obj.public_bytes(serialization.Encoding.PEM).decode()
        return obj.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def alipay_public_key_base64(self) -> str:
        """Alipay's public key as the open platform shows it: bare base64 of the DER, no PEM armour."""
        der = self.alipay_key.public_key().public_bytes(serialization.Encoding.DER,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode()


def make_keys() -> Keys:
    root_key, ca_key, app_key, alipay_key = _key(), _key(), _key(), _key()
    ec_root_key = ec.generate_private_key(ec.SECP256R1())
    root_name, ca_name = _name("Ant Financial Certification Authority R1", "Certification Authority"), \
        _name("Ant Financial Certification Authority Class 1 R1", "Certification Authority")
    ec_name = _name("Ant Financial Certification Authority E1", "Certification Authority")
    root = _cert(root_name, root_key.public_key(), root_name, root_key, ca=True)
    ec_root = _cert(ec_name, ec_root_key.public_key(), ec_name, ec_root_key, ca=True)
    ca = _cert(ca_name, ca_key.public_key(), root_name, root_key, ca=True)
    app = _cert(_name(APP_ID, "Alipay"), app_key.public_key(), ca_name, ca_key, ca=False)
    alipay = _cert(_name("支付宝(中国)网络技术有限公司", "Alipay"), alipay_key.public_key(), ca_name, ca_key, ca=False)
    return Keys(app_key=app_key, alipay_key=alipay_key, stranger_key=_key(), root_cert=root, ec_root_cert=ec_root,
                ca_cert=ca, app_cert=app, alipay_cert=alipay)


def issuer_sn(cert: x509.Certificate) -> str:
    """Alipay's certificate SN, computed the way its SDKs do: md5 of `CN=…,OU=…,O=…,C=…` + the serial in decimal."""
    parts = {a.oid: a.value for a in cert.issuer}
    name = ",".join(f"{label}={parts[oid]}" for label, oid in (
        ("CN", NameOID.COMMON_NAME), ("OU", NameOID.ORGANIZATIONAL_UNIT_NAME), ("O", NameOID.ORGANIZATION_NAME),
        ("C", NameOID.COUNTRY_NAME)) if oid in parts)
    return hashlib.md5((name + str(cert.serial_number)).encode()).hexdigest()  # noqa: S324 - Alipay's definition


def signed_text(params: dict, *, drop: tuple[str, ...]) -> str:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in drop and params[k] != "")


def rsa2(key: rsa.RSAPrivateKey, text: str) -> str:
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_ok(public_key, text: str, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature), text.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - any failure is a bad signature to the gateway
        return False
    return True


def yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def fen(text: str) -> int:
    whole, _sep, part = text.partition(".")
    return int(whole) * 100 + int((part + "00")[:2])


def _shanghai(at: dt.datetime | None = None) -> str:
    return (at or dt.datetime.now(dt.UTC)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------- the double's records


@dataclass
class Trade:
    out_trade_no: str
    amount: int  # fen
    subject: str
    method: str  # alipay.trade.page.pay / alipay.trade.wap.pay
    notify_url: str
    return_url: str
    status: str = "WAIT_BUYER_PAY"
    trade_no: str = field(default_factory=lambda: "2026" + secrets.token_hex(12)[:24])
    buyer_id: str = "2088102177846880"
    paid_at: dt.datetime | None = None
    refunds: dict[str, int] = field(default_factory=dict)  # out_request_no → fen


@dataclass
class Seen:
    method: str
    params: dict
    biz: dict


class AlipayDouble:
    def __init__(self, keys: Keys, *, cert_mode: bool = False):
        self.keys, self.cert_mode = keys, cert_mode
        self.trades: dict[str, Trade] = {}
        self.seen: list[Seen] = []
        self.bills: dict[str, bytes] = {}
        self.failures: list[str] = []
        self.server: http.server.ThreadingHTTPServer | None = None

    # ---- lifecycle and settings

    def start(self) -> AlipayDouble:
        double = self

        class Handler(_Handler):
            owner = double

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def gateway(self) -> str:
        return f"{self.base_url}/gateway.do"

    def settings(self, **overrides) -> dict:
        """QUANZI["ALIPAY"] for this double: public-key mode, or certificate mode."""
        keys = self.keys
        conf = {"APP_ID": APP_ID, "SELLER_ID": SELLER_ID, "GATEWAY": self.gateway, "METHODS": "page,wap",
                "PRIVATE_KEY": keys.pem(keys.app_key), "TIMEOUT": "5"}
        if self.cert_mode:
            conf.update(APP_CERT=keys.pem(keys.app_cert) + keys.pem(keys.ca_cert),
                        ALIPAY_CERT=keys.pem(keys.alipay_cert) + keys.pem(keys.ca_cert),
                        ROOT_CERT=keys.pem(keys.root_cert) + keys.pem(keys.ec_root_cert))
        else:
            conf["PUBLIC_KEY"] = keys.alipay_public_key_base64()
        return {**conf, **overrides}

    @property
    def root_cert_sn(self) -> str:
        return issuer_sn(self.keys.root_cert)  # the ECC root does not count

    def fail_next(self, kind: str) -> None:
        """The next gateway call answers: "error:<code>:<sub_code>", "unsigned", "forged" (signed by a
        stranger), "http502" or "not_json"."""
        self.failures.append(kind)

    # ---- the shopper's side

    def check_request(self, params: dict) -> str:
        """What the gateway finds wrong with a signed request ('' when nothing)."""
        if params.get("app_id") != APP_ID:
            return "isv.invalid-app-id"
        if params.get("sign_type") != "RSA2" or params.get("charset") != "utf-8":
            return "isv.invalid-signature-type"
        if self.cert_mode and (params.get("app_cert_sn") != issuer_sn(self.keys.app_cert)
                               or params.get("alipay_root_cert_sn") != self.root_cert_sn):
            return "isv.app-cert-sn-not-match"
        if not rsa2_ok(self.keys.app_key.public_key(), signed_text(params, drop=("sign",)), params.get("sign", "")):
            return "isv.invalid-signature"
        return ""

    def open(self, url: str) -> Trade:
        """The shopper's browser at the signed pay URL: the trade exists at Alipay from now on."""
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))
        problem = self.check_request(query)
        if problem:
            raise AssertionError(problem)
        biz = json.loads(query["biz_content"])
        trade = self.trades.get(biz["out_trade_no"])
        if trade is None:
            trade = self.trades[biz["out_trade_no"]] = Trade(
                out_trade_no=biz["out_trade_no"], amount=fen(biz["total_amount"]), subject=biz["subject"],
                method=query["method"], notify_url=query.get("notify_url", ""), return_url=query.get("return_url", ""))
        return trade

    def pay(self, out_trade_no: str) -> Trade:
        trade = self.trades[out_trade_no]
        trade.status, trade.paid_at = "TRADE_SUCCESS", dt.datetime.now(dt.UTC)
        return trade

    def notification(self, out_trade_no: str, /, *, key: rsa.RSAPrivateKey | None = None, after_signing: dict | None = None,
                     **overrides) -> dict:
        """The form Alipay POSTs to the notify URL for the trade (`overrides` signed in; `after_signing`
        changed after the signature, as a forger would)."""
        trade = self.trades.get(out_trade_no)
        amount, trade_no = (trade.amount, trade.trade_no) if trade else (100, "2026000000000000000000000000")
        status = trade.status if trade else "TRADE_SUCCESS"
        params = {
            "gmt_create": _shanghai(), "charset": "utf-8", "gmt_payment": _shanghai(), "notify_time": _shanghai(),
            "subject": trade.subject if trade else "x", "buyer_id": trade.buyer_id if trade else "2088102177846880",
            "invoice_amount": yuan(amount), "version": "1.0", "notify_id": secrets.token_hex(16),
            "fund_bill_list": json.dumps([{"amount": yuan(amount), "fundChannel": "ALIPAYACCOUNT"}]),
            "notify_type": "trade_status_sync", "out_trade_no": out_trade_no, "total_amount": yuan(amount),
            "trade_status": status, "trade_no": trade_no, "auth_app_id": APP_ID, "receipt_amount": yuan(amount),
            "point_amount": "0.00", "app_id": APP_ID, "buyer_pay_amount": yuan(amount), "seller_id": SELLER_ID,
            "sign_type": "RSA2",
        }
        params.update(overrides)
        params["sign"] = rsa2(key or self.keys.alipay_key, signed_text(params, drop=("sign", "sign_type")))
        params.update(after_signing or {})
        return params

    # ---- the gateway

    def answer(self, method: str, data: dict, *, key: rsa.RSAPrivateKey | None = None, signed: bool = True) -> bytes:
        """Alipay's answer text: the `*_response` member is signed exactly as written."""
        name = method.replace(".", "_") + "_response"
        member = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        text = f'{{"{name}":{member}'
        if signed:
            text += f',"sign":"{rsa2(key or self.keys.alipay_key, member)}"'
            if self.cert_mode:
                text += f',"alipay_cert_sn":"{issuer_sn(self.keys.alipay_cert)}"'
        return (text + "}").encode()

    def gateway_call(self, params: dict) -> tuple[int, bytes]:
        method = params.get("method", "")
        problem = self.check_request(params)
        if problem:  # Alipay does not sign these
            return 200, self.answer(method or "error", {"code": "40002", "msg": "Invalid Arguments",
                                                        "sub_code": problem, "sub_msg": problem}, signed=False)
        biz = json.loads(params.get("biz_content") or "{}")
        self.seen.append(Seen(method=method, params=params, biz=biz))
        failure = self.failures.pop(0) if self.failures else ""
        if failure == "http502":
            return 502, b"<html>Bad Gateway</html>"
        if failure == "not_json":
            return 200, b"<html>busy</html>"
        if failure.startswith("error:"):
            _kind, code, sub_code = failure.split(":", 2)
            return 200, self.answer(method, {"code": code, "msg": "Business Failed", "sub_code": sub_code,
                                             "sub_msg": "the double says no"})
        handler = {"alipay.trade.query": self._query, "alipay.trade.close": self._close,
                   "alipay.trade.refund": self._refund, "alipay.trade.fastpay.refund.query": self._refund_query,
                   "alipay.data.dataservice.bill.downloadurl.query": self._bill_url}.get(method)
        if handler is None:
            return 200, self.answer(method, {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method"})
        data = handler(biz)
        if failure == "unsigned":
            return 200, self.answer(method, data, signed=False)
        if failure == "forged":
            return 200, self.answer(method, data, key=self.keys.stranger_key)
        return 200, self.answer(method, data)

    @staticmethod
    def _no_trade() -> dict:
        return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}

    def _query(self, biz: dict) -> dict:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return self._no_trade()
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no,
                "buyer_logon_id": "159****5620", "trade_status": trade.status, "total_amount": yuan(trade.amount),
                "buyer_user_id": trade.buyer_id}

    def _close(self, biz: dict) -> dict:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return self._no_trade()
        if trade.status != "WAIT_BUYER_PAY":
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
        trade.status = "TRADE_CLOSED"
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no}

    def _refund(self, biz: dict) -> dict:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return self._no_trade()
        if trade.status not in ("TRADE_SUCCESS", "TRADE_FINISHED"):
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
        request_no, amount = biz.get("out_request_no") or trade.out_trade_no, fen(biz["refund_amount"])
        fund_change = "N"
        if request_no not in trade.refunds:
            if sum(trade.refunds.values()) + amount > trade.amount:
                return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                        "sub_msg": "退款金额超限"}
            trade.refunds[request_no], fund_change = amount, "Y"
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no,
                "buyer_logon_id": "159****5620", "fund_change": fund_change,
                "refund_fee": yuan(sum(trade.refunds.values()))}

    def _refund_query(self, biz: dict) -> dict:
        trade = self.trades.get(biz.get("out_trade_no", ""))
        request_no = biz.get("out_request_no", "")
        if trade is None or request_no not in trade.refunds:  # Alipay answers success with no refund in it
            return {"code": "10000", "msg": "Success"}
        return {"code": "10000", "msg": "Success", "trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no,
                "out_request_no": request_no, "total_amount": yuan(trade.amount),
                "refund_amount": yuan(trade.refunds[request_no]), "refund_status": "REFUND_SUCCESS"}

    def _bill_url(self, biz: dict) -> dict:
        day = biz.get("bill_date", "")
        if day not in self.bills:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "isp.bill_not_exist", "sub_msg": "账单不存在"}
        return {"code": "10000", "msg": "Success", "bill_download_url": f"{self.base_url}/bill/{day}.zip?sign=x"}

    # ---- the bill

    def add_bill(self, day: dt.date, rows: list[tuple], *, raw: bytes | None = None) -> None:
        """The day's bill: `rows` of (kind 交易/退款, out_trade_no, trade_no, fen, fee fen, request_no)."""
        if raw is not None:
            self.bills[day.isoformat()] = raw
            return
        stamp = day.strftime("%Y%m%d")
        lines = ["#支付宝业务明细查询", f"#账号：[{SELLER_ID}0156]",
                 f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   终止日期：[{day:%Y年%m月%d日} 23:59:59]",
                 "#-----------------------------------------业务明细列表----------------------------------------",
                 BILL_HEADER]
        for kind, out_trade_no, trade_no, amount, fee, request_no in rows:
            cells = [trade_no, out_trade_no, kind, "商品", f"{day} 10:00:00", f"{day} 10:00:05", "", "", "", "",
                     "buyer@example.com", yuan(amount), yuan(amount - fee), "0.00", "0.00", "0.00", "0.00", "0.00",
                     "", "0.00", "0.00", request_no, yuan(-fee), "0.00", ""]
            lines.append(",".join(f"{cell}\t" for cell in cells))
        lines += ["#-----------------------------------------业务明细列表结束------------------------------------",
                  f"#交易合计：{sum(r[0] == '交易' for r in rows)}笔，退款合计：{sum(r[0] == '退款' for r in rows)}笔",
                  f"#导出时间：[{day:%Y年%m月%d日} 09:12:34]"]
        summary = "#支付宝业务汇总查询\n业务类型,交易笔数,退款笔数\n交易,1,0\n"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_GbkName(f"{SELLER_ID}0156_{stamp}_业务明细.csv"), "\r\n".join(lines).encode("gbk"))
            archive.writestr(_GbkName(f"{SELLER_ID}0156_{stamp}_业务明细(汇总).csv"), summary.encode("gbk"))
        self.bills[day.isoformat()] = buffer.getvalue()


class _GbkName(zipfile.ZipInfo):
    """A zip member named in GBK without the UTF-8 flag, as Alipay's bills are."""

    def __init__(self, name: str):
        super().__init__(name, date_time=(2026, 1, 1, 0, 0, 0))
        self.compress_type = zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


class _Handler(http.server.BaseHTTPRequestHandler):
    owner: AlipayDouble
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet tests
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/bill/") and path.endswith(".zip"):
            raw = self.owner.bills.get(path[len("/bill/"):-len(".zip")])
            if raw is not None:
                return self._send(200, raw, "application/zip")
        if path == "/gateway.do":  # the shopper's browser at a pay URL
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query, keep_blank_values=True))
            problem = self.owner.check_request(query)
            if problem:
                return self._send(400, problem.encode(), "text/plain")
            self.owner.open(self.path)
            return self._send(200, "<html><title>支付宝 - 网上支付 安全快速！</title></html>".encode(), "text/html")
        return self._send(404, b"not found", "text/plain")

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if urllib.parse.urlsplit(self.path).path != "/gateway.do":
            return self._send(404, b"not found", "text/plain")
        params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        status, answer = self.owner.gateway_call(params)
        self._send(status, answer, "text/html;charset=utf-8")  # Alipay's gateway says text/html

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def alipay_keys():
    return make_keys()


@pytest.fixture
def alipay(settings, alipay_keys):
    """The double on 127.0.0.1 (public-key mode), and the merchant's settings pointing at it (Alipay enabled)."""
    double = AlipayDouble(alipay_keys).start()
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": double.settings(), "PAYMENT_PROVIDERS": "sandbox,alipay"}
    yield double
    double.stop()


@pytest.fixture
def alipay_cert(settings, alipay_keys):
    """The double in certificate mode, and settings with the three certificates instead of a public key."""
    double = AlipayDouble(alipay_keys, cert_mode=True).start()
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": double.settings(), "PAYMENT_PROVIDERS": "sandbox,alipay"}
    yield double
    double.stop()
