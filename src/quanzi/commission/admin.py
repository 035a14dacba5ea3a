"""Operator admin: programme settings, tiers, plans (read-only: merchants own them), commissions with
hold decisions (release / void), and the hold log."""

from __future__ import annotations

import contextvars

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanzi.commission import services
from quanzi.commission.constants import CommissionStatus
from quanzi.commission.models import (
    Commission,
    CommissionHoldLog,
    CommissionSettings,
    DistributionPlan,
    Tier,
    TierChange,
)
from quanzi.commission.states import COMMISSION
from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, ReadOnlyInline, yuan


@admin.register(CommissionSettings)
class CommissionSettingsAdmin(admin.ModelAdmin):
    """One row; the model's clean() applies the legal limits (depth ≤ 3, cap ≤ 30 %)."""

    list_display = ("__str__", "levels", "cap_bps", "self_purchase_rebate", "team_sales_for_tiers", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not CommissionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("rank", "name", "name_en", "level1_share_bps", "min_own_sales", "min_team_sales")
    ordering = ("rank",)


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "from_tier", "to_tier", "own_sales", "team_sales")
    list_select_related = ("user", "from_tier", "to_tier")


@admin.register(DistributionPlan)
class DistributionPlanAdmin(ReadOnlyAdmin):
    list_display = ("id", "shop", "product", "category", "rate_bps", "enabled", "updated_at")
    list_filter = ("enabled",)
    list_select_related = ("shop", "product", "category")


class HoldLogInline(ReadOnlyInline):
    model = CommissionHoldLog
    fields = ("at", "action", "reason", "actor")
    readonly_fields = fields


# The operator deciding, for the hold log (Decision.run only gets the object and the note).
_current_actor: contextvars.ContextVar = contextvars.ContextVar("commission_operator", default=None)


def _release(obj, note):
    return services.commission_release(commission_id=obj.pk, actor=_current_actor.get(), note=note)


def _void(obj, note):
    return services.commission_void(commission_id=obj.pk, actor=_current_actor.get(), note=note)


@admin.register(Commission)
class CommissionAdmin(DecisionAdmin, ReadOnlyAdmin):
    list_display = ("id", "created_at", "beneficiary", "level", "order", "base_yuan", "amount_yuan",
                    "reversed_yuan", "status", "hold_reason")
    list_filter = ("status", "level", "self_purchase")
    search_fields = ("order__number", "beneficiary__phone", "beneficiary__nickname")
    list_select_related = ("beneficiary", "order")
    inlines = [HoldLogInline]
    decisions = (
        Decision("release_commission", _("Release (pay at settlement)"), _release,
                 applies=lambda c: COMMISSION.can(c.status, CommissionStatus.PENDING)),  # held only
        Decision("void_commission", _("Void (money back to the merchant)"), _void,
                 applies=lambda c: COMMISSION.can(c.status, CommissionStatus.VOIDED),
                 note_required=True, danger=True),
    )

    @admin.display(description=_("base"))
    def base_yuan(self, obj):
        return yuan(obj.base)

    @admin.display(description=_("amount"))
    def amount_yuan(self, obj):
        return yuan(obj.amount)

    @admin.display(description=_("reversed"))
    def reversed_yuan(self, obj):
        return yuan(obj.reversed)

    def has_change_permission(self, request, obj=None) -> bool:
        # Read-only rows; decisions need the change permission, so it is checked on the user directly.
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm(
            "commission.change_commission")

    def decide(self, request, objects, decision, **kwargs):
        token = _current_actor.set(request.user)
        try:
            return super().decide(request, objects, decision, **kwargs)
        finally:
            _current_actor.reset(token)


@admin.register(CommissionHoldLog)
class CommissionHoldLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "commission", "action", "reason", "actor")
    list_filter = ("action",)
    list_select_related = ("commission", "actor")
