from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircleConfig(AppConfig):
    name = "quanzi.circle"
    label = "circle"
    verbose_name = _("Circle")

    def ready(self) -> None:
        from quanzi.circle import handlers  # noqa: F401 - subscribe to order.paid

        # Page slots (quanzi.web.slots; docs/web-and-slots.md)
        from quanzi.web.slots import SlotEntry, slots

        slots.register(SlotEntry(slot="product.buy_box", key="circle.friends_bought",
                                 template="circle/partials/friends_bought.html", order=40))
        slots.register(SlotEntry(slot="checkout.notices", key="circle.notice",
                                 template="circle/partials/checkout_notice.html"))
        slots.register(SlotEntry(slot="order.panels", key="circle.visibility",
                                 template="circle/partials/order_panel.html"))
        slots.register(SlotEntry(slot="me.menu", key="circle", label=_("Friends' purchases"), url="circle:friends",
                                 icon="👥", testid="friends-circle", order=20))
