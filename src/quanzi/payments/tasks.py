from quanzi.core.sweeps import sweeps
from quanzi.payments.providers.sandbox import retry_due_notifications
from quanzi.payments.services import notifications_prune, payments_expire, payments_poll, refunds_retry

sweeps.register(payments_poll, key="payments_poll")
sweeps.register(payments_expire, key="payments_expire")
sweeps.register(refunds_retry, key="refunds_retry")
sweeps.register(retry_due_notifications, key="sandbox_notify_retry")
sweeps.register(notifications_prune, key="payment_notifications_prune")
