from quanzi.core.sweeps import sweeps
from quanzi.orders.selectors import orders_due_for_settlement
from quanzi.settlement.services import order_settle


@sweeps.register(key="settlement")
def settle_due_orders() -> int:
    """Settle finished orders whose return window closed (`return_window_closes_at`: delivered +
    QUANZI_RETURN_WINDOW_DAYS, 7 days) and fully refunded ones, with no open after-sale."""
    done = 0
    for order_id in orders_due_for_settlement():
        order_settle(order_id=order_id)
        done += 1
    return done
