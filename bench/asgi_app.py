"""config.asgi's application with the in-flight bound set from QUANZI_ASGI_MAX_INFLIGHT (bench only).

    QUANZI_ASGI_MAX_INFLIGHT=16 uvicorn bench.asgi_app:application --workers 2   # what harness.asgi_server does

The bound itself lives in config/asgi.py (`limit_inflight`, default 32 per process); this module only
exists so bench scripts can name an app that reads the variable they set.
"""

from config.asgi import application  # noqa: F401
