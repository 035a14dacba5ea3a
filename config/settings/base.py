"""Settings shared by every environment.

Environment selects the module: QUANZI_ENV=dev|test|prod (see manage.py). Secrets and
service addresses come only from the environment.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SRC_DIR = BASE_DIR / "src" / "quanzi"


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def database_from_url(url: str | None) -> dict:
    """Parse DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path)."""
    # SQLite: transactions take the write lock when they begin (IMMEDIATE), so concurrent writers queue
    # for it (timeout 20 s) instead of failing with "database is locked" when one upgrades a read.
    if not url:
        return {
            "ENGINE": "quanzi.core.db.sqlite3",
            "NAME": BASE_DIR / "var" / "quanzi.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "quanzi.core.db.sqlite3", "NAME": parts.path[1:] or ":memory:",
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"}}
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "quanzi.core.db.postgresql",
            "NAME": unquote(parts.path[1:]),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(query.pop("conn_max_age", 60)),
            # A health check costs a `SELECT 1` per request; turn it on where connections can die
            # under you (a proxy or failover without PgBouncer): DB_HEALTH_CHECKS=1.
            "CONN_HEALTH_CHECKS": os.environ.get("DB_HEALTH_CHECKS", "0") == "1",
            "OPTIONS": query,
        }
    raise ValueError(f"unsupported DATABASE_URL scheme: {parts.scheme}")


SECRET_KEY = env("SECRET_KEY", "dev-insecure-key-change-me-0123456789-quanzi-abcdefghijklmnop")
DEBUG = False
ALLOWED_HOSTS = [h for h in (env("ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h]

INSTALLED_APPS = [
    "modeltranslation",  # per-language catalog fields (docs/i18n.md); must come before the admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "ninja",  # serves Swagger UI from its own static files (no CDN)
    "quanzi.core",
    "quanzi.web",
    "quanzi.accounts",
    "quanzi.shops",
    "quanzi.catalog",
    "quanzi.search",
    "quanzi.ledger",
    "quanzi.orders",
    "quanzi.payments",
    "quanzi.shipping",
    "quanzi.settlement",
    "quanzi.reconciliation",
    "quanzi.social",
    "quanzi.content",
    "quanzi.reviews",
    "quanzi.feed",
    "quanzi.circle",
    "quanzi.notifications",
    "quanzi.sharing",
    "quanzi.commission",
    "quanzi.wallet",
    "quanzi.groupbuy",
    "quanzi.flashsale",
    "quanzi.bargain",
    "quanzi.live",
    "quanzi.livesales",
    "quanzi.ads",
    "quanzi.analytics",
    "quanzi.trust",
    "quanzi.guarantees",
    "quanzi.coupons",
    "quanzi.privacy",
    "quanzi.recommend",
    "quanzi.storefront",
    "quanzi.console",
    "quanzi.demo",
]

MIDDLEWARE = [
    # first: every /api/ error in the one JSON shape, bodies above their limit refused with 413 unread
    "quanzi.core.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "quanzi.core.middleware.ContentSecurityPolicyMiddleware",  # core.csp; QUANZI_CSP_MODE
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # forms, query strings and upload names through core.text's rules; too many fields → 400 (quanzi.web.input)
    "quanzi.web.input.HostileInputMiddleware",
    "quanzi.core.middleware.RejectNulCharactersMiddleware",
    "quanzi.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quanzi.sharing.middleware.ShareCodeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, so it sees a view's exception first: a DomainError or an out-of-range number → 4xx (quanzi.web.errors)
    "quanzi.web.errors.ViewErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        # Django's templates; every rendered page scrubbed of what UTF-8 cannot encode (quanzi.web.templating)
        "BACKEND": "quanzi.web.templating.ScrubbingDjangoTemplates",
        "NAME": "django",  # the name django-template-partials looks for
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quanzi.storefront.context.site",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["quanzi.accounts.backends.PhoneOrEmailBackend"]
LOGIN_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # At most 128 characters (a passphrase fits; a 100 000-character "password" does not), and not only
    # spaces or invisible characters (quanzi.accounts.validators).
    {"NAME": "quanzi.accounts.validators.MaximumLengthValidator",
     "OPTIONS": {"max_length": env_int("QUANZI_PASSWORD_MAX_LENGTH", 128)}},
    {"NAME": "quanzi.accounts.validators.VisibleCharactersValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
# Shop-written texts (product titles, shop names, campaign titles …) are stored once per language
# (title_zh_hans, title_en) by django-modeltranslation; reading `product.title` gives the active
# language's text and falls back to the other one when the shop wrote only one (docs/i18n.md).
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_AUTO_POPULATE = False
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# E-mail (merchants' weekly data reports). Embedded default: each message is a file in var/mail/ (nothing
# leaves the machine); production sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and
# EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(BASE_DIR / "var" / "mail")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Quanzi <reports@quanzi.local>")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "quanzi"}}
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Channels (live rooms): the in-memory layer embedded (one process), Redis in production.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if env("REDIS_URL"):
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                                  "CONFIG": {"hosts": [env("REDIS_URL")]}}}

# Celery (production). The embedded default runs sweeps with `manage.py run_sweeps --loop`.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", env("REDIS_URL") or "memory://")
CELERY_TASK_ALWAYS_EAGER = not bool(env("CELERY_BROKER_URL") or env("REDIS_URL"))
CELERY_BEAT_SCHEDULE = {
    "run-sweeps": {"task": "quanzi.core.tasks.run_sweeps", "schedule": 30.0},
    # Outbox retries and leftovers between the per-commit tasks (QUANZI_OUTBOX_DISPATCH=celery).
    "dispatch-outbox": {"task": "quanzi.core.tasks.dispatch_outbox", "schedule": 5.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # PIPL: phone numbers in log records are masked (138****8000) before any handler writes them
    "filters": {"mask_pii": {"()": "quanzi.privacy.masking.PhoneMaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]}},
    "loggers": {
        "quanzi": {"handlers": ["console"], "level": env("QUANZI_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

# Business settings (every one configurable through the environment).
QUANZI = {
    "CURRENCY": "CNY",
    # analytics at scale (docs/analytics.md): "" = none; "chdb:<path>" in-process; "http://user:pw@host:8123/db"
    "ANALYTICS_CLICKHOUSE": env("QUANZI_ANALYTICS_CLICKHOUSE", ""),
    "PAYMENT_TIMEOUT_SECONDS": env_int("QUANZI_PAYMENT_TIMEOUT_SECONDS", 15 * 60),
    "AUTO_CONFIRM_DAYS": env_int("QUANZI_AUTO_CONFIRM_DAYS", 10),
    "RETURN_WINDOW_DAYS": env_int("QUANZI_RETURN_WINDOW_DAYS", 7),
    "DEFAULT_TAKE_RATE_BPS": env_int("QUANZI_DEFAULT_TAKE_RATE_BPS", 500),
    "MAX_QUANTITY_PER_LINE": env_int("QUANZI_MAX_QUANTITY_PER_LINE", 99),
    "MAX_CART_LINES": env_int("QUANZI_MAX_CART_LINES", 50),
    "LOW_STOCK_THRESHOLD": env_int("QUANZI_LOW_STOCK_THRESHOLD", 5),
    "FREE_SHIPPING_THRESHOLD": env_int("QUANZI_FREE_SHIPPING_THRESHOLD", 9900),
    "MIN_PAYOUT": env_int("QUANZI_MIN_PAYOUT", 100),
    "SANDBOX_PAY_SECRET": env("QUANZI_SANDBOX_PAY_SECRET", "sandbox-pay-secret-dev"),
    "SANDBOX_CARRIER_SECRET": env("QUANZI_SANDBOX_CARRIER_SECRET", "sandbox-carrier-secret-dev"),
    "SITE_URL": env("QUANZI_SITE_URL", "http://127.0.0.1:8000"),
    "LOGIN_THROTTLE_ATTEMPTS": env_int("QUANZI_LOGIN_THROTTLE_ATTEMPTS", 5),
    "LOGIN_THROTTLE_WINDOW_SECONDS": env_int("QUANZI_LOGIN_THROTTLE_WINDOW_SECONDS", 300),
    # Registrations per client address and hour (accounts.services.user_register).
    "REGISTER_ATTEMPTS_PER_HOUR": env_int("QUANZI_REGISTER_ATTEMPTS_PER_HOUR", 60),
    # The reverse proxies in front of Quanzi (core.client_address): addresses or networks, comma-separated,
    # `unix` for a Unix socket; their CLIENT_IP_HEADER names the client. Empty: trust no header.
    "TRUSTED_PROXIES": [p.strip() for p in (env("QUANZI_TRUSTED_PROXIES", "") or "").split(",") if p.strip()],
    "CLIENT_IP_HEADER": env("QUANZI_CLIENT_IP_HEADER", "X-Forwarded-For"),
    # Bearer tokens of the JSON API (accounts): lifetime, and how many a user may hold (oldest go first).
    "API_TOKEN_TTL_SECONDS": env_int("QUANZI_API_TOKEN_TTL_SECONDS", 30 * 24 * 3600),
    "API_TOKEN_MAX_PER_USER": env_int("QUANZI_API_TOKEN_MAX_PER_USER", 10),
    "MAX_UPLOAD_BYTES": env_int("QUANZI_MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
    # Declared width × height above this is refused before decoding (core.images): 24 MP is a 6000×4000 photo.
    "MAX_IMAGE_PIXELS": env_int("QUANZI_MAX_IMAGE_PIXELS", 24_000_000),
    # A request body above this is answered 413 before anything reads it (core.middleware.ApiErrorMiddleware);
    # non-file bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE as well.
    "MAX_REQUEST_BYTES": env_int("QUANZI_MAX_REQUEST_BYTES", 60 * 1024 * 1024),
    # WebSocket handshakes are accepted only from these origins (core.middleware.WebSocketOriginCheck), always
    # with SITE_URL's: full origins (`https://shop.example.com`) or host names (`shop.example.com`,
    # `.example.com` for its subdomains). Empty: SITE_URL's origin and the ALLOWED_HOSTS names ("*" never counts).
    "WS_ALLOWED_ORIGINS": [o.strip() for o in (env("QUANZI_WS_ALLOWED_ORIGINS", "") or "").split(",") if o.strip()],
    # Content-Security-Policy (core.csp, docs/deployment.md): "enforce", "report-only" or "off"; where
    # violation reports go; extra sources ("img-src https://cdn.example.com; connect-src wss://ws.example.com").
    "CSP_MODE": env("QUANZI_CSP_MODE", "enforce"),
    "CSP_REPORT_URI": env("QUANZI_CSP_REPORT_URI", ""),
    "CSP_EXTRA": env("QUANZI_CSP_EXTRA", ""),
    "SHIPPING_FEE": env_int("QUANZI_SHIPPING_FEE", 800),
    # Sandbox provider and carrier: "http" posts to SITE_URL like the real thing; "inprocess" calls
    # the same URL through Django's test client (tests). CHAOS adds duplicate and stale notifications.
    "SANDBOX_TRANSPORT": env("QUANZI_SANDBOX_TRANSPORT", "http"),
    "SANDBOX_CHAOS": env("QUANZI_SANDBOX_CHAOS", "0") == "1",
    "SANDBOX_CARRIER_STEP_SECONDS": env_int("QUANZI_SANDBOX_CARRIER_STEP_SECONDS", 60),
    # Payment providers offered at the cashier and accepted at the notify URL (docs/payments.md), comma-
    # separated: "alipay,wechat" in production; the sandbox in dev and test. The sandbox carrier (and its
    # "advance parcel" button) likewise. Production settings turn both sandboxes off; turning one on there
    # needs the explicit opt-in QUANZI_SANDBOX_IN_PRODUCTION=1 (a staging site), or `check` fails.
    "PAYMENT_PROVIDERS": env("QUANZI_PAYMENT_PROVIDERS", "sandbox"),
    "SANDBOX_CARRIER": env("QUANZI_SANDBOX_CARRIER", "1") == "1",
    "SANDBOX_IN_PRODUCTION": env("QUANZI_SANDBOX_IN_PRODUCTION", "0") == "1",
    # The notify endpoint: requests per client address and minute; bodies above NOTIFY_MAX_BYTES are refused.
    "NOTIFY_RATE_PER_MINUTE": env_int("QUANZI_NOTIFY_RATE_PER_MINUTE", 600),
    "NOTIFY_MAX_BYTES": env_int("QUANZI_NOTIFY_MAX_BYTES", 64 * 1024),
    "NOTIFICATION_RETENTION_DAYS": env_int("QUANZI_NOTIFICATION_RETENTION_DAYS", 400),
    # Alipay open platform (payments/providers/alipay.py, docs/payments.md "Going live with Alipay"). Keys
    # and certificates come from the environment: the PEM (or Alipay's bare base64) inline, or the path of a
    # mounted file in the *_PATH variable. Public-key mode: PUBLIC_KEY; certificate mode: the three CERTs.
    "ALIPAY": {
        "APP_ID": env("QUANZI_ALIPAY_APP_ID", ""),
        "SELLER_ID": env("QUANZI_ALIPAY_SELLER_ID", ""),
        "GATEWAY": env("QUANZI_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"),
        "METHODS": env("QUANZI_ALIPAY_METHODS", "page,wap"),
        "PRIVATE_KEY": env("QUANZI_ALIPAY_PRIVATE_KEY", ""),
        "PRIVATE_KEY_PATH": env("QUANZI_ALIPAY_PRIVATE_KEY_PATH", ""),
        "PUBLIC_KEY": env("QUANZI_ALIPAY_PUBLIC_KEY", ""),
        "PUBLIC_KEY_PATH": env("QUANZI_ALIPAY_PUBLIC_KEY_PATH", ""),
        "APP_CERT": env("QUANZI_ALIPAY_APP_CERT", ""),
        "APP_CERT_PATH": env("QUANZI_ALIPAY_APP_CERT_PATH", ""),
        "ALIPAY_CERT": env("QUANZI_ALIPAY_ALIPAY_CERT", ""),
        "ALIPAY_CERT_PATH": env("QUANZI_ALIPAY_ALIPAY_CERT_PATH", ""),
        "ROOT_CERT": env("QUANZI_ALIPAY_ROOT_CERT", ""),
        "ROOT_CERT_PATH": env("QUANZI_ALIPAY_ROOT_CERT_PATH", ""),
        "TIMEOUT": env("QUANZI_ALIPAY_TIMEOUT", "10"),
    },
    # WeChat Pay API v3 (payments/providers/wechat.py, docs/payments-wechat.md). Keys from the
    # environment: the PEM inline or the path of a mounted file (*_PATH). WeChat Pay signs with its public key
    # (PUBLIC_KEY_ID "PUB_KEY_ID_…", merchants since late 2024) or with platform certificates downloaded
    # from the API; VERIFY_WITH=both while a merchant switches over. APP_SECRET: the official account's, for
    # the openid JSAPI needs (snsapi_base OAuth).
    "WECHATPAY": {
        "MCHID": env("QUANZI_WECHATPAY_MCHID", ""),
        "APPID": env("QUANZI_WECHATPAY_APPID", ""),
        "APP_SECRET": env("QUANZI_WECHATPAY_APP_SECRET", ""),
        "APIV3_KEY": env("QUANZI_WECHATPAY_APIV3_KEY", ""),
        "CERT_SERIAL": env("QUANZI_WECHATPAY_CERT_SERIAL", ""),
        "PRIVATE_KEY": env("QUANZI_WECHATPAY_PRIVATE_KEY", ""),
        "PRIVATE_KEY_PATH": env("QUANZI_WECHATPAY_PRIVATE_KEY_PATH", ""),
        "PUBLIC_KEY_ID": env("QUANZI_WECHATPAY_PUBLIC_KEY_ID", ""),
        "PUBLIC_KEY": env("QUANZI_WECHATPAY_PUBLIC_KEY", ""),
        "PUBLIC_KEY_PATH": env("QUANZI_WECHATPAY_PUBLIC_KEY_PATH", ""),
        "VERIFY_WITH": env("QUANZI_WECHATPAY_VERIFY_WITH", ""),  # default: public_key with a key id, else certificates
        "METHODS": env("QUANZI_WECHATPAY_METHODS", "jsapi,h5,native"),
        "NOTIFY_URL": env("QUANZI_WECHATPAY_NOTIFY_URL", ""),  # default: SITE_URL + /api/v1/payments/notify/wechat
        "API_BASE": env("QUANZI_WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com"),
        "TIMEOUT": env("QUANZI_WECHATPAY_TIMEOUT", "10"),
    },
    # Where user withdrawals are paid out (wallet.payouts): "sandbox" until a real provider is registered.
    "PAYOUT_PROVIDER": env("QUANZI_PAYOUT_PROVIDER", "sandbox"),
    # Flash sales (docs/flash-sale.md): the gate in front of the database is a Redis Lua script when
    # Redis is configured, else the database's conditional UPDATE alone. Rates are per second.
    "FLASH_GATE": env("QUANZI_FLASH_GATE", "redis" if env("REDIS_URL") else "db"),
    "FLASH_REDIS_PREFIX": env("QUANZI_FLASH_REDIS_PREFIX", "qz:flash"),
    "FLASH_TOKEN_TTL": env_int("QUANZI_FLASH_TOKEN_TTL", 600),
    "FLASH_USER_RATE": env_int("QUANZI_FLASH_USER_RATE", 5),
    "FLASH_IP_RATE": env_int("QUANZI_FLASH_IP_RATE", 200),
    "FLASH_RESERVATION_SECONDS": env_int("QUANZI_FLASH_RESERVATION_SECONDS", 300),
    "FLASH_DB_WRITERS": env_int("QUANZI_FLASH_DB_WRITERS", 16),  # per process
    # The transactional outbox (core/outbox.py, docs/events.md): who delivers after-commit events
    # ("inline" right after each commit in the same process; "celery" workers; "worker" processes of
    # `manage.py outbox_dispatch --loop`), retries with exponential backoff, then a dead letter.
    "OUTBOX_DISPATCH": env("QUANZI_OUTBOX_DISPATCH", "inline"),
    "OUTBOX_MAX_ATTEMPTS": env_int("QUANZI_OUTBOX_MAX_ATTEMPTS", 8),
    "OUTBOX_RETRY_BASE_SECONDS": env_int("QUANZI_OUTBOX_RETRY_BASE_SECONDS", 10),
    "OUTBOX_RETRY_MAX_SECONDS": env_int("QUANZI_OUTBOX_RETRY_MAX_SECONDS", 3600),
    "OUTBOX_RETENTION_DAYS": env_int("QUANZI_OUTBOX_RETENTION_DAYS", 7),
    # Reconciliation (docs/reconciliation.md): the hour (Asia/Shanghai) from which yesterday's bills are
    # fetched, and how long after the provider's time Quanzi may record a payment or refund (late captures).
    "RECONCILE_HOUR": env_int("QUANZI_RECONCILE_HOUR", 10),
    "RECONCILE_LATE_MINUTES": env_int("QUANZI_RECONCILE_LATE_MINUTES", 30),
    # how long one provider-day may take before the next sweep takes it over (raise it for huge bills)
    "RECONCILE_LEASE_MINUTES": env_int("QUANZI_RECONCILE_LEASE_MINUTES", 15),
    # Recommendation's A/B switch (docs/recommend.md): this % of signed-in shoppers get the non-personalised
    # ranking in 猜你喜欢, so the lift of personalisation is measured; 0 turns the experiment off.
    "RECOMMEND_HOLDOUT_PERCENT": env_int("QUANZI_RECOMMEND_HOLDOUT_PERCENT", 10),
}

# The media server's callbacks (live/hooks.py) must carry ?token=<this>; production refuses to start
# without one (live/checks.py).
LIVE_HOOK_TOKEN = env("LIVE_HOOK_TOKEN", "") or ""

# Covering indexes (`Index(include=...)`) are a PostgreSQL optimisation of the feed's card reads; on the
# embedded SQLite default the key columns are indexed and the included columns are simply ignored.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
