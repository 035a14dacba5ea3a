from quanzi.core.sweeps import register_sweep
from quanzi.payments.providers.sandbox import retry_due_notifications
from quanzi.payments.services import payments_expire, payments_poll, refunds_retry

register_sweep("payments_poll")(payments_poll)
register_sweep("payments_expire")(payments_expire)
register_sweep("refunds_retry")(refunds_retry)
register_sweep("sandbox_notify_retry")(retry_due_notifications)
