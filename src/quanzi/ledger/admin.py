"""The ledger, read-only: accounts with balances (one aggregate query), transactions with their
postings, and a "Check ledger" page that runs the same checks as `manage.py ledger_check`."""

import io

from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin, ReadOnlyInline, yuan
from quanzi.ledger.models import Account, Posting, Transaction
from quanzi.ledger.selectors import trial_balance


def _money(fen: int) -> str:
    return format_html('<span class="qz-num{}">{}</span>', " qz-neg" if fen < 0 else "", yuan(fen))


def run_ledger_check() -> tuple[bool, str]:
    """Run `manage.py ledger_check` itself, so the page and the command can never disagree."""
    out = io.StringIO()
    try:
        call_command("ledger_check", stdout=out, stderr=out, verbosity=1, no_color=True)
    except CommandError as exc:
        return False, f"{out.getvalue()}{exc}".strip()
    return True, out.getvalue().strip()


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "currency", "balance_display", "raw_display", "postings_link")
    list_filter = ("kind", "currency")
    search_fields = ("code", "name")
    ordering = ("code",)
    fields = ("code", "name", "kind", "currency", "balance_display", "raw_display", "created_at", "postings_link")
    readonly_fields = fields
    change_list_template = "admin/ledger/account/change_list.html"

    def get_queryset(self, request):
        # One aggregate in the list query: no per-row balance lookups.
        return super().get_queryset(request).annotate(raw_balance=Coalesce(Sum("postings__amount"), 0))

    def get_urls(self):
        return [path("check/", self.admin_site.admin_view(self.check_view), name="ledger_check"),
                *super().get_urls()]

    def check_view(self, request):
        ok, output = run_ledger_check()
        context = {**self.admin_site.each_context(request), "title": _("Check ledger"), "opts": self.opts,
                   "ok": ok, "output": output, "trial_balance": trial_balance()}
        return TemplateResponse(request, "admin/ledger/check.html", context)

    @admin.display(description=_("balance"), ordering="raw_balance")
    def balance_display(self, account):
        """Shown on the account's normal side: liabilities and revenue positive when credited."""
        raw = account.raw_balance
        return _money(-raw if account.credit_normal else raw)

    @admin.display(description=_("debit − credit"), ordering="raw_balance")
    def raw_display(self, account):
        return _money(account.raw_balance)

    @admin.display(description=_("postings"))
    def postings_link(self, account):
        return format_html('<a href="{}?account={}">{}</a>',
                           reverse("admin:ledger_posting_changelist"), account.pk, _("postings"))


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = ("account", "amount_display", "currency")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")

    @admin.display(description=_("amount (+ debit / − credit)"))
    def amount_display(self, posting):
        return _money(posting.amount)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "idempotency_key", "ref", "created_at", "total_display", "balanced")
    list_filter = ("kind", "ref_type")
    search_fields = ("idempotency_key", "ref_id", "memo")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    inlines = [PostingInline]
    fields = ("kind", "idempotency_key", "memo", "ref", "reverses", "created_at", "total_display", "balanced")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            debits=Coalesce(Sum("postings__amount", filter=Q(postings__amount__gt=0)), 0),
            net=Coalesce(Sum("postings__amount"), 0))

    @admin.display(description=_("reference"), ordering="ref_id")
    def ref(self, txn):
        return f"{txn.ref_type}:{txn.ref_id}" if txn.ref_type else "—"

    @admin.display(description=_("total"), ordering="debits")
    def total_display(self, txn):
        return _money(txn.debits)

    @admin.display(description=_("balanced"), boolean=True)
    def balanced(self, txn):
        return txn.net == 0


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("id", "transaction_link", "kind", "account", "amount_display", "created")
    list_filter = ("account__kind", "transaction__kind")
    search_fields = ("account__code", "transaction__idempotency_key", "transaction__ref_id")
    list_select_related = ("account", "transaction")
    ordering = ("-id",)
    fields = ("transaction", "account", "amount_display", "currency")
    readonly_fields = fields

    @admin.display(description=_("transaction"), ordering="transaction_id")
    def transaction_link(self, posting):
        return format_html('<a href="{}">{}</a>', reverse("admin:ledger_transaction_change",
                                                          args=[posting.transaction_id]),
                           posting.transaction.idempotency_key)

    @admin.display(description=_("kind"))
    def kind(self, posting):
        return posting.transaction.kind

    @admin.display(description=_("created"), ordering="transaction__created_at")
    def created(self, posting):
        return posting.transaction.created_at

    @admin.display(description=_("amount (+ debit / − credit)"), ordering="amount")
    def amount_display(self, posting):
        return _money(posting.amount)
