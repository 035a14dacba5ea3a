"""Friends' purchases circle (拼小圈): what your friends (mutual follows) bought.

A row is written per order line when an order is paid. Visibility is decided at read time:
only the buyer's friends see it, never strangers or anyone in a block with the buyer, and only
while the buyer shares (CircleSettings.share_purchases) and has not hidden that order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock

COMMENT_MAX = 100


class CirclePurchase(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.CASCADE,
                             related_name="circle_purchases")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="+")
    order_line = models.OneToOneField("orders.OrderLine", verbose_name=_("order line"), on_delete=models.CASCADE,
                                      related_name="+")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="+")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("circle purchase")
        verbose_name_plural = _("circle purchases")
        indexes = [
            models.Index(fields=["user", "hidden", "-id"], name="circle_user_idx"),
            models.Index(fields=["product", "user"], name="circle_product_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} bought {self.product_id}"


class CircleSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_settings")
    share_purchases = models.BooleanField(_("share my purchases with friends"), default=True)

    class Meta:
        verbose_name = _("circle settings")
        verbose_name_plural = _("circle settings")

    def __str__(self) -> str:
        return f"circle settings of {self.user_id}"
