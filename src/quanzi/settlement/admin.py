from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, admin_url, yuan
from quanzi.orders.selectors import order_number_subquery
from quanzi.settlement import services
from quanzi.settlement.constants import PayoutStatus
from quanzi.settlement.models import Payout, Settlement, TakeRatePolicy

PILL = {PayoutStatus.REQUESTED: "warn", PayoutStatus.APPROVED: "warn", PayoutStatus.PAID: "ok",
        PayoutStatus.REJECTED: "bad"}


@admin.register(TakeRatePolicy)
class TakeRatePolicyAdmin(admin.ModelAdmin):
    """One row: the platform default. The list page opens that row directly."""

    list_display = ("default_bps", "percent", "updated_at")
    fields = ("default_bps", "percent", "updated_at")
    readonly_fields = ("percent", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not TakeRatePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        policy = TakeRatePolicy.objects.order_by("id").first()
        if policy is not None:
            return HttpResponseRedirect(reverse("admin:settlement_takeratepolicy_change", args=[policy.pk]))
        return HttpResponseRedirect(reverse("admin:settlement_takeratepolicy_add"))

    @admin.display(description=_("percent"))
    def percent(self, policy):
        if policy is None or policy.default_bps is None:
            return "—"
        return f"{policy.default_bps / 100:.2f}%"


@admin.register(Payout)
class PayoutAdmin(DecisionAdmin, ReadOnlyAdmin):
    list_display = ("number", "shop", "amount_display", "status_pill", "bank_account", "created_at", "paid_at",
                    "note")
    list_filter = ("status",)
    search_fields = ("number", "shop__name", "bank_account")
    list_select_related = ("shop",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    fields = ("number", "shop", "amount_display", "status_pill", "bank_account", "note", "created_at",
              "decided_at", "paid_at")
    readonly_fields = fields
    decisions = (
        Decision("approve_and_pay", _("Approve and pay"),
                 lambda p, note: services.payout_approve_and_pay(payout_id=p.pk, note=note),
                 applies=lambda p: p.status == PayoutStatus.REQUESTED,
                 help=_("The transfer is sent to the merchant's bank account and leaves the books.")),
        Decision("reject", _("Reject"), lambda p, note: services.payout_reject(payout_id=p.pk, note=note),
                 applies=lambda p: p.status == PayoutStatus.REQUESTED, note_required=True, danger=True,
                 help=_("The amount returns to the merchant's available balance.")),
    )

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, payout):
        return format_html('<span class="qz-num">{}</span>', yuan(payout.amount))

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, payout):
        return format_html('<span class="qz-pill {}">{}</span>', PILL.get(payout.status, ""),
                           payout.get_status_display())


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ("id", "order_link", "shop", "gross_display", "fee_display", "net_display", "created_at")
    list_filter = ("shop",)
    search_fields = ("shop__name", "order_id")
    list_select_related = ("shop",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    fields = ("order_link", "shop", "gross_display", "fee_display", "net_display", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(order_number=order_number_subquery(order_id_field="order_id"))

    @admin.display(description=_("order"), ordering="order_id")
    def order_link(self, s):
        return format_html('<a href="{}">{}</a>', admin_url("orders.order", s.order_id), s.order_number or s.order_id)

    @admin.display(description=_("gross"), ordering="gross")
    def gross_display(self, s):
        return yuan(s.gross)

    @admin.display(description=_("take rate"), ordering="fee")
    def fee_display(self, s):
        return yuan(s.fee)

    @admin.display(description=_("net to merchant"), ordering="net")
    def net_display(self, s):
        return yuan(s.net)
