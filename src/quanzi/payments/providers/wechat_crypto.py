"""The cryptography of WeChat Pay API v3, on the `cryptography` package (docs/payments-wechat.md).

- Our requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,timestamp=…,
  serial_no=…,signature=…`, the signature being SHA256withRSA (PKCS#1 v1.5) with the merchant's
  private key over `METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n` (URL = path and query).
- WeChat Pay signs its answers and notifications the same way over `timestamp\\nnonce\\nbody\\n`
  with its platform certificate's key or, for merchants registered since late 2024, with the
  "WeChat Pay public key" whose id (`PUB_KEY_ID_…`) stands in the `Wechatpay-Serial` header.
- Notification resources and downloaded platform certificates are AEAD_AES_256_GCM ciphertexts
  under the merchant's 32-byte APIv3 key.
"""

from __future__ import annotations

import base64
import binascii
import functools
import secrets

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AUTH_SCHEME = "WECHATPAY2-SHA256-RSA2048"
PUBLIC_KEY_ID_PREFIX = "PUB_KEY_ID_"


class CryptoError(ValueError):
    """A key, signature or ciphertext that cannot be used (the message is for logs)."""


def new_nonce() -> str:
    return secrets.token_hex(16).upper()


def _pem(value: str | bytes) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return data.replace(b"\\n", b"\n").strip() + b"\n"  # a PEM pasted into one environment line


@functools.lru_cache(maxsize=16)
def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(_pem(pem), password=None)
    except (ValueError, TypeError) as exc:
        raise CryptoError(f"unreadable merchant private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CryptoError("the merchant private key is not an RSA key")
    return key


@functools.lru_cache(maxsize=64)
def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    """An RSA public key from a `PUBLIC KEY` PEM (WeChat Pay public key) or a `CERTIFICATE` PEM."""
    data = _pem(pem)
    try:
        key = (x509.load_pem_x509_certificate(data).public_key() if b"CERTIFICATE" in data
               else serialization.load_pem_public_key(data))
    except (ValueError, TypeError) as exc:
        raise CryptoError(f"unreadable public key: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise CryptoError("not an RSA public key")
    return key


def serial_of(certificate: x509.Certificate) -> str:
    """A certificate's serial number as WeChat Pay writes it (upper-case hex)."""
    return format(certificate.serial_number, "X")


def same_serial(a: str, b: str) -> bool:
    """Serials compare as numbers (leading zeros and case differ between tools)."""
    try:
        return int(a, 16) == int(b, 16)
    except ValueError:
        return False


def rsa_sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: rsa.RSAPublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64.encode("ascii"), validate=True)
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return True


def signed_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What WeChat Pay signs in an answer or a notification: `timestamp\\nnonce\\nbody\\n`."""
    return timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"


def authorization(*, method: str, url: str, body: str, mchid: str, serial: str, key: rsa.RSAPrivateKey,
                  timestamp: int, nonce: str | None = None) -> str:
    """The Authorization header of one request; `url` is the path with its query string."""
    nonce = nonce or new_nonce()
    signature = rsa_sign(key, f"{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n")
    return (f'{AUTH_SCHEME} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{serial}"')


def aead_decrypt(*, key: str, nonce: str, ciphertext: str, associated_data: str) -> bytes:
    """Decrypt an AEAD_AES_256_GCM resource (base64 ciphertext with its 16-byte tag at the end)."""
    raw_key = key.encode()
    if len(raw_key) != 32:
        raise CryptoError("the APIv3 key must be 32 bytes")
    try:
        data = base64.b64decode(ciphertext.encode("ascii"), validate=True)
        return AESGCM(raw_key).decrypt(nonce.encode(), data, associated_data.encode() or None)
    except (InvalidTag, binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise CryptoError(f"undecryptable resource ({type(exc).__name__})") from None

