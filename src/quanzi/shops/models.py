from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.shops.constants import ShopStatus


class Shop(models.Model):
    """A merchant's shop. Only approved shops sell."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shop")
    name = models.CharField(_("shop name"), max_length=60, unique=True)
    logo = models.ImageField(_("logo"), upload_to="shops/", blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    licence_number = models.CharField(_("business licence number"), max_length=40)
    contact_name = models.CharField(_("contact name"), max_length=40)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    status = models.CharField(_("status"), max_length=12, choices=ShopStatus.choices, default=ShopStatus.APPLIED)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    take_rate_bps = models.PositiveIntegerField(
        _("take rate override (bps)"), null=True, blank=True,
        help_text=_("Leave empty to use the category or platform default. 500 = 5%."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return self.name

    @property
    def is_selling(self) -> bool:
        return self.status == ShopStatus.APPROVED
