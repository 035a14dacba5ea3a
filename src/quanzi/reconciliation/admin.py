"""Operator pages: reconciliation runs with both sides' totals and their mismatch counts, and each
mismatch with both sides and a "resolve with a note" decision. Runs can be run again from their page."""

from __future__ import annotations

import dataclasses
import functools
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, ReadOnlyInline, admin_url, yuan
from quanzi.core.errors import BusinessRuleViolation
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.reconciliation import services
from quanzi.reconciliation.constants import MismatchKind, MismatchStatus, MismatchSubject, RunStatus
from quanzi.reconciliation.models import Mismatch, ReconciliationRun
from quanzi.reconciliation.states import MISMATCH

RUN_PILL = {RunStatus.DONE: "ok", RunStatus.RUNNING: "warn", RunStatus.FAILED: "bad"}
MISMATCH_PILL = {MismatchStatus.OPEN: "bad", MismatchStatus.RESOLVED: "ok"}


def _money(fen: int | None) -> str:
    return format_html('<span class="qz-num">{}</span>', yuan(fen))


def _count_total(count: int, total: int) -> str:
    return format_html('<span class="qz-num">{} · {}</span>', count, yuan(total))


def quanzi_status_label(subject: str, status: str) -> str:
    """A payment's or refund's status as the operator reads it (`closed` → "Closed"; `paid@alipay` stays)."""
    labels = dict(PaymentStatus.choices if subject == MismatchSubject.PAYMENT else RefundStatus.choices)
    return str(labels.get(status, status)) if status else "—"


def _rerun(run: ReconciliationRun, note: str) -> None:
    run = services.reconcile(provider=run.provider, day=run.day, force=True)
    if run is not None and run.status == RunStatus.FAILED:
        raise BusinessRuleViolation(gettext("The provider's bill could not be fetched: %(error)s")
                                    % {"error": run.last_error}, code="statement_unavailable")


class MismatchInline(ReadOnlyInline):
    model = Mismatch
    fields = ("subject", "kind", "number_display", "provider_amount_display", "quanzi_amount_display",
              "ledger_amount_display", "status_pill")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("mismatches")

    @admin.display(description=_("number"))
    def number_display(self, m):
        return m.number

    @admin.display(description=_("provider"))
    def provider_amount_display(self, m):
        return _money(m.provider_amount)

    @admin.display(description=_("Quanzi"))
    def quanzi_amount_display(self, m):
        return _money(m.quanzi_amount)

    @admin.display(description=_("ledger"))
    def ledger_amount_display(self, m):
        return _money(m.ledger_amount)

    @admin.display(description=_("status"))
    def status_pill(self, m):
        return format_html('<span class="qz-pill {}">{}</span>', MISMATCH_PILL.get(m.status, ""),
                           m.get_status_display())


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(DecisionAdmin, ReadOnlyAdmin):
    list_display = ("day", "provider", "status_pill", "provider_payments_display", "quanzi_payments_display",
                    "provider_refunds_display", "quanzi_refunds_display", "fees_display", "open_display",
                    "mismatch_count_display", "finished_at")
    list_filter = ("status", "provider")
    ordering = ("-day", "provider")
    date_hierarchy = "day"
    fields = ("provider", "day", "status_pill", "sides_display", "fees_display", "open_display",
              "mismatch_count_display", "attempts", "last_error", "started_at", "finished_at", "next_attempt_at")
    readonly_fields = fields
    inlines = [MismatchInline]
    decisions = (
        Decision("rerun", _("Reconcile this day again"), _rerun, ask_note=False,
                 help=_("Fetches the provider's bill again and compares it with Quanzi's books now. Open "
                        "mismatches are replaced; resolved ones stay resolved.")),
    )

    def get_queryset(self, request):
        # Both counts in the list query: no per-row count queries.
        return super().get_queryset(request).annotate(
            open_count=Count("mismatches", filter=Q(mismatches__status=MismatchStatus.OPEN)),
            mismatch_count=Count("mismatches"))

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, run):
        return format_html('<span class="qz-pill {}" title="{}">{}</span>', RUN_PILL.get(run.status, ""),
                           run.last_error, run.get_status_display())

    @admin.display(description=_("provider's payments"))
    def provider_payments_display(self, run):
        return _count_total(run.provider_payments, run.provider_payment_total)

    @admin.display(description=_("Quanzi's payments"))
    def quanzi_payments_display(self, run):
        return _count_total(run.quanzi_payments, run.quanzi_payment_total)

    @admin.display(description=_("provider's refunds"))
    def provider_refunds_display(self, run):
        return _count_total(run.provider_refunds, run.provider_refund_total)

    @admin.display(description=_("Quanzi's refunds"))
    def quanzi_refunds_display(self, run):
        return _count_total(run.quanzi_refunds, run.quanzi_refund_total)

    @admin.display(description=_("provider fees"))
    def fees_display(self, run):
        return _money(run.net_fees)

    @admin.display(description=_("open mismatches"), ordering="open_count")
    def open_display(self, run):
        url = reverse("admin:reconciliation_mismatch_changelist") + \
            f"?run__id__exact={run.pk}&status__exact={MismatchStatus.OPEN}"
        return format_html('<a class="qz-pill {}" href="{}" data-testid="run-open-mismatches">{}</a>',
                           "bad" if run.open_count else "ok", url, run.open_count)

    @admin.display(description=_("mismatches found"), ordering="mismatch_count")
    def mismatch_count_display(self, run):
        return run.mismatch_count

    @admin.display(description=_("both sides"))
    def sides_display(self, run):
        rows = [
            (gettext("Payments"), run.provider_payments, yuan(run.provider_payment_total), run.quanzi_payments,
             yuan(run.quanzi_payment_total)),
            (gettext("Refunds"), run.provider_refunds, yuan(run.provider_refund_total), run.quanzi_refunds,
             yuan(run.quanzi_refund_total)),
        ]
        return format_html(
            '<table class="qz-sides"><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext("provider's bill"), gettext("Quanzi"),
            format_html_join("", '<tr><th>{}</th><td class="qz-num">{} · {}</td><td class="qz-num">{} · {}</td></tr>',
                             rows))


@admin.register(Mismatch)
class MismatchAdmin(DecisionAdmin, ReadOnlyAdmin):
    list_display = ("run_link", "subject", "kind", "number_display", "provider_amount_display",
                    "quanzi_amount_display", "ledger_amount_display", "quanzi_status_display", "status_pill",
                    "found_at")
    list_filter = ("status", "kind", "subject", "run__provider")
    search_fields = ("payment_number", "trade_number", "refund_number", "provider_trade_no", "provider_refund_no")
    list_select_related = ("run",)
    ordering = ("-run__day", "subject", "kind", "id")
    fields = ("run_link", "subject", "kind", "status_pill", "sides_display", "payment_link", "found_at", "seen_at",
              "resolved_at", "resolved_by", "resolution_note")
    readonly_fields = fields
    decisions = (
        Decision("resolve", _("Resolve with a note"),
                 lambda m, note, actor=None: services.mismatch_resolve(mismatch_id=m.pk, actor=actor, note=note),
                 applies=lambda m: MISMATCH.can(m.status, MismatchStatus.RESOLVED), note_required=True,
                 help=_("Say what was done (refunded by hand, captured late, the provider corrected its bill…). "
                        "The mismatch stays resolved when the day is reconciled again and shows the same "
                        "difference.")),
    )

    def decide(self, request, objects, decision, **kwargs):
        """Pass the operator to the service, so the mismatch records who resolved it."""
        decision = dataclasses.replace(decision, run=functools.partial(decision.run, actor=request.user))
        return super().decide(request, objects, decision, **kwargs)

    @admin.display(description=_("run"), ordering="run__day")
    def run_link(self, m):
        return format_html('<a href="{}">{}</a>', admin_url("reconciliation.reconciliationrun", m.run_id), m.run)

    @admin.display(description=_("number"))
    def number_display(self, m):
        return m.number

    @admin.display(description=_("provider"), ordering="provider_amount")
    def provider_amount_display(self, m):
        return _money(m.provider_amount)

    @admin.display(description=_("Quanzi"), ordering="quanzi_amount")
    def quanzi_amount_display(self, m):
        return _money(m.quanzi_amount)

    @admin.display(description=_("ledger"), ordering="ledger_amount")
    def ledger_amount_display(self, m):
        return _money(m.ledger_amount)

    @admin.display(description=_("Quanzi status"))
    def quanzi_status_display(self, m):
        return quanzi_status_label(m.subject, m.quanzi_status)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, m):
        return format_html('<span class="qz-pill {}" data-testid="mismatch-status">{}</span>',
                           MISMATCH_PILL.get(m.status, ""), m.get_status_display())

    @admin.display(description=_("payment"))
    def payment_link(self, m):
        if not m.payment_number:
            return "—"
        return format_html('<a href="{}?{}">{}</a>', reverse("admin:payments_payment_changelist"),
                           urlencode({"q": m.payment_number}), gettext("Find the payment"))

    @admin.display(description=_("both sides"))
    def sides_display(self, m):
        dash = "—"
        rows = [
            (gettext("payment number"), m.payment_number or dash, m.payment_number or dash),
            (gettext("trade number"), m.trade_number or dash, m.trade_number or dash),
            (gettext("trade no."), m.provider_trade_no or dash, dash),
        ]
        if m.subject == MismatchSubject.REFUND:
            rows += [(gettext("refund number"), m.refund_number or dash, m.refund_number or dash),
                     (gettext("refund no."), m.provider_refund_no or dash, dash)]
        rows += [
            (gettext("amount"), yuan(m.provider_amount), yuan(m.quanzi_amount)),
            (gettext("status"), gettext("in the bill") if m.provider_amount is not None else gettext("not in the bill"),
             quanzi_status_label(m.subject, m.quanzi_status)),
            (gettext("time"), _when(m.provider_at), _when(m.quanzi_at)),
        ]
        if m.kind == MismatchKind.LEDGER_DIFFERS:
            rows.append((gettext("ledger (provider cash)"), dash,
                         yuan(m.ledger_amount) if m.ledger_amount is not None else gettext("no transaction")))
        return format_html(
            '<table class="qz-sides" data-testid="mismatch-sides"><thead><tr><th></th><th>{}</th><th>{}</th></tr>'
            '</thead><tbody>{}</tbody></table>', gettext("provider's bill"), gettext("Quanzi"),
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows))


def _when(value) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(value), "Y-m-d H:i:s") if value else "—"
