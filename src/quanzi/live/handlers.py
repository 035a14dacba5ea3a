"""Sweeps of the live app (live publishes events; it subscribes to none)."""

from quanzi.live import tasks  # noqa: F401 - registers the sweeps
