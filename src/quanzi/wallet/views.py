"""Wallet pages: /me/wallet/ (balances, the withdraw form, history) and one withdrawal's timeline.

The form takes yuan ("12.34") and the service takes fen; errors come back on the form with the
domain error's message and fields, with the error's status (400/422/429), and change nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError, NotFound, ValidationFailed
from quanzi.core.money import yuan_to_fen
from quanzi.core.ratelimit import hit
from quanzi.wallet import selectors, services
from quanzi.wallet.constants import AccountType, WithdrawalStatus
from quanzi.web.helpers import login_required

FORM_FIELDS = ("amount", "account_type", "account_number", "account_name")


def _parse_amount(text: str) -> int:
    try:
        fen = yuan_to_fen(text or "")
    except ValueError:
        raise ValidationFailed(_("Enter an amount in yuan, like 50 or 12.30."),
                               fields={"amount": _("an amount in yuan")}) from None
    return fen


def _page(request, *, form=None, error: str = "", field_errors=None, status: int = 200):
    items, next_cursor = selectors.withdrawals_for(user=request.user, cursor=request.GET.get("cursor"), limit=20)
    return TemplateResponse(request, "wallet/wallet.html", {
        "balances": selectors.balances(user_id=request.user.pk), "limits": selectors.withdrawal_limits(user_id=request.user.pk),
        "items": items, "next_cursor": next_cursor, "account_types": AccountType.choices,
        "form": form or {"account_type": AccountType.ALIPAY}, "error": error, "field_errors": field_errors or {},
        "open_statuses": (WithdrawalStatus.REQUESTED, WithdrawalStatus.APPROVED),
    }, status=status)


@login_required
def wallet(request):
    try:
        return _page(request)
    except DomainError:  # a tampered ?cursor= shows the first page instead of an error
        request.GET = request.GET.copy()
        request.GET.pop("cursor", None)
        return _page(request)


@login_required
@require_POST
def withdraw(request):
    form = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    try:
        hit("wallet-withdraw", request.user.pk, **services.WITHDRAW_RATE)
        w = services.withdrawal_request(user=request.user, amount=_parse_amount(form["amount"]),
                                        account_type=form["account_type"], account_number=form["account_number"],
                                        account_name=form["account_name"])
    except DomainError as exc:
        return _page(request, form=form, error=exc.message, status=exc.status,
                     field_errors={k: str(v) for k, v in exc.fields.items()})
    if w.status == WithdrawalStatus.REQUESTED:
        messages.success(request, _("Withdrawal requested. Amounts above the approval threshold are checked by "
                                    "our team, usually within one working day."))
    else:
        messages.success(request, _("Withdrawal requested. It is on its way to your account."))
    return HttpResponseRedirect(reverse("wallet:withdrawal", args=[w.number]))


@login_required
def withdrawal(request, number: str):
    try:
        w = selectors.withdrawal_for(user=request.user, number=number)
    except NotFound:
        raise Http404 from None
    return TemplateResponse(request, "wallet/withdrawal.html", {"w": w, "events": list(w.events.all())})
