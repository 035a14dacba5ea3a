"""Operator pages: withdrawals to approve or reject (each decision recorded with actor and note), the
withdrawal settings (one row), and the decision log."""

from __future__ import annotations

import dataclasses
import functools

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, ReadOnlyInline, yuan
from quanzi.wallet import services
from quanzi.wallet.constants import WithdrawalStatus
from quanzi.wallet.models import Withdrawal, WithdrawalEvent, WithdrawalSettings
from quanzi.wallet.states import WITHDRAWAL

PILL = {WithdrawalStatus.REQUESTED: "warn", WithdrawalStatus.APPROVED: "warn", WithdrawalStatus.PAID: "ok",
        WithdrawalStatus.FAILED: "bad", WithdrawalStatus.REJECTED: "bad"}


@admin.register(WithdrawalSettings)
class WithdrawalSettingsAdmin(admin.ModelAdmin):
    """One row; the list page opens it directly (or the add form while the defaults apply)."""

    list_display = ("min_amount", "daily_limit", "fee_bps", "fee_min", "approval_threshold", "updated_at")
    fields = ("min_amount", "daily_limit", "fee_bps", "fee_min", "approval_threshold", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request) -> bool:
        return not WithdrawalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row = WithdrawalSettings.objects.order_by("id").first()
        if row is not None:
            return HttpResponseRedirect(reverse("admin:wallet_withdrawalsettings_change", args=[row.pk]))
        return HttpResponseRedirect(reverse("admin:wallet_withdrawalsettings_add"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        def clean(self):
            data = super(form, self).clean()
            if data.get("min_amount") is not None and data["min_amount"] <= 0:
                self.add_error("min_amount", _("The minimum must be positive."))
            if data.get("daily_limit") is not None and data.get("min_amount") and data["daily_limit"] < data["min_amount"]:
                self.add_error("daily_limit", _("The daily limit must be at least the minimum."))
            if data.get("fee_bps") is not None and data["fee_bps"] > 10_000:
                self.add_error("fee_bps", _("At most 10000 bps (100 %)."))
            for name in ("fee_min", "approval_threshold"):
                if data.get(name) is not None and data[name] < 0:
                    self.add_error(name, ValidationError(_("Must not be negative.")))
            return data

        form.clean = clean
        return form


class EventInline(ReadOnlyInline):
    model = WithdrawalEvent
    fields = ("at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = _("decisions and transfers")


@admin.register(Withdrawal)
class WithdrawalAdmin(DecisionAdmin, ReadOnlyAdmin):
    list_display = ("number", "user", "amount_display", "fee_display", "status_pill", "account_type",
                    "masked_account", "created_at", "paid_at")
    list_filter = ("status", "account_type")
    search_fields = ("number", "user__phone", "user__email", "user__nickname", "provider_reference")
    list_select_related = ("user",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    fields = ("number", "user", "amount_display", "fee_display", "net_display", "status_pill", "account_type",
              "account_number", "account_name", "created_at", "decided_at", "paid_at", "failed_at",
              "operator_note", "failure_reason", "provider", "provider_reference", "submitted_at", "next_check_at")
    readonly_fields = fields
    inlines = [EventInline]
    decisions = (
        Decision("approve", _("Approve and pay"),
                 lambda w, note, actor=None: services.withdrawal_approve(withdrawal_id=w.pk, actor=actor, note=note),
                 applies=lambda w: WITHDRAWAL.can(w.status, WithdrawalStatus.APPROVED),
                 help=_("The transfer is sent to the user's account through the payout provider.")),
        Decision("reject", _("Reject"),
                 lambda w, note, actor=None: services.withdrawal_reject(withdrawal_id=w.pk, actor=actor, note=note),
                 applies=lambda w: WITHDRAWAL.can(w.status, WithdrawalStatus.REJECTED), note_required=True, danger=True,
                 help=_("The amount returns to the user's wallet; the note is shown to the user.")),
        Decision("send_now", _("Send or check the transfer now"),
                 lambda w, note, actor=None: services.withdrawal_pay(withdrawal_id=w.pk),
                 applies=lambda w: WITHDRAWAL.can(w.status, WithdrawalStatus.PAID), ask_note=False,
                 help=_("Asks the payout provider again instead of waiting for the sweep.")),
    )

    def decide(self, request, objects, decision, **kwargs):
        """Pass the operator to the service, so the withdrawal's own log names who decided."""
        decision = dataclasses.replace(decision, run=functools.partial(decision.run, actor=request.user))
        return super().decide(request, objects, decision, **kwargs)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, w):
        return format_html('<span class="qz-num">{}</span>', yuan(w.amount))

    @admin.display(description=_("fee"), ordering="fee")
    def fee_display(self, w):
        return yuan(w.fee)

    @admin.display(description=_("net"), ordering="net")
    def net_display(self, w):
        return yuan(w.net)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, w):
        return format_html('<span class="qz-pill {}">{}</span>', PILL.get(w.status, ""), w.get_status_display())

    @admin.display(description=_("account"))
    def masked_account(self, w):
        return w.masked_account


@admin.register(WithdrawalEvent)
class WithdrawalEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "withdrawal", "from_status", "to_status", "actor", "note")
    list_filter = ("to_status",)
    search_fields = ("withdrawal__number", "note")
    list_select_related = ("withdrawal", "actor")
    ordering = ("-id",)
