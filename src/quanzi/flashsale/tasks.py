"""Sweeps of flash sales (run by `manage.py run_sweeps` embedded, Celery beat in production)."""

from __future__ import annotations

from quanzi.core.sweeps import sweeps
from quanzi.flashsale import gate, services


@sweeps.register(key="flashsale_expire")
def expire() -> int:
    """Reservations won but never ordered before their deadline give their units back."""
    return services.expire_reservations()


@sweeps.register(key="flashsale_orders")
def write_orders() -> int:
    """Orders of won reservations not written yet. A dedicated writer process at scale:
    `manage.py run_sweeps --loop --interval 0.5 flashsale_orders` (as many as you like)."""
    return services.write_missing_orders()


@sweeps.register(key="flashsale_close")
def close() -> int:
    """Sessions past their end close (pools back to the SKUs), and units cancelled orders bring back later follow."""
    return services.close_due_sales() + services.return_leftovers()


@sweeps.register(key="flashsale_gate")
def reconcile_gate() -> int:
    """Redis: give back what a killed worker was admitted for and never reserved."""
    return gate.current_gate().reconcile()
