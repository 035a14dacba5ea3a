"""Gunicorn settings for Quanzi (docs/deployment.md): `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Threaded sync workers (gthread): Django's ORM is synchronous and most of a request's time is spent
waiting on PostgreSQL, so a few processes with a few threads each keep the cores busy without
the memory of many processes. Every value can be overridden through the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes: about 1.5 per core (at least 2); threads per process: 4. On the 2-core reference
# machine that is 3 × 4 = 12 requests in flight, which is what bench/checkout.py measures.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count() * 3 // 2)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
