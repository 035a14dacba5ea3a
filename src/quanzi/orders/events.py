"""Names of the facts orders publishes (see core.events). Payloads carry ids, never objects."""

ORDER_CREATED = "order.created"          # order_id, checkout_id, user_id, shop_id
ORDER_PAID = "order.paid"                # order_id, held (bool)
ORDER_RELEASED = "order.released"        # order_id (a held order may now ship)
ORDER_SHIPPED = "order.shipped"          # order_id, carrier, tracking_number
ORDER_DELIVERED = "order.delivered"      # order_id
ORDER_COMPLETED = "order.completed"      # order_id
ORDER_CANCELLED = "order.cancelled"      # order_id, reason
ORDER_REFUNDED = "order.refunded"        # order_id, line_id (or None), amount, after_sale_id (or None), key
ORDER_SETTLED = "order.settled"          # order_id
