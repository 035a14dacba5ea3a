"""Embedded default: SQLite (WAL), in-memory cache and channel layer, no servers needed."""

from .base import *  # noqa: F401,F403
from .base import QUANZI, env, env_int

DEBUG = True
ALLOWED_HOSTS = ["*"]
# ALLOWED_HOSTS=* never counts for WebSocket origins: the demo's live rooms accept pages served from
# this machine under any of its local names (QUANZI_WS_ALLOWED_ORIGINS replaces the list).
QUANZI = {**QUANZI, "WS_ALLOWED_ORIGINS": QUANZI["WS_ALLOWED_ORIGINS"] or ["localhost", "127.0.0.1", "[::1]"]}
# The demo (`make demo`): the sweep loop re-arms its time-bound scenes (flash sale, open group, bargain,
# live room) every DEMO_REARM_SECONDS (quanzi.demo.rearm); QUANZI_DEMO=0 turns that off.
QUANZI = {**QUANZI, "DEMO": env("QUANZI_DEMO", "1") == "1",
          "DEMO_REARM_SECONDS": env_int("QUANZI_DEMO_REARM_SECONDS", 180)}
