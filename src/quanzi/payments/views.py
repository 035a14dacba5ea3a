"""The sandbox provider's hosted cashier page, and the page the shopper returns to."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from quanzi.core.money import yuan_to_fen
from quanzi.payments.models import SandboxTrade
from quanzi.payments.providers.sandbox import SandboxProvider
from quanzi.payments.returns import return_url_for
from quanzi.payments.services import payment_for, payment_sync


@require_http_methods(["GET", "POST"])
def sandbox_cashier(request, out_trade_no: str):
    """Plays the role of Alipay's cashier: shows the amount, the shopper pays or leaves."""
    trade = get_object_or_404(SandboxTrade, out_trade_no=out_trade_no)
    if request.method == "POST":
        if request.POST.get("action") == "pay" and trade.status == "WAIT_BUYER_PAY":
            SandboxProvider().pay(out_trade_no=trade.out_trade_no)
        return HttpResponseRedirect(trade.return_url)
    return TemplateResponse(request, "payments/sandbox_cashier.html",
                            {"trade": trade, "amount_fen": yuan_to_fen(trade.total_amount)})


@login_required
def payment_return(request, number: str):
    """The shopper is back from the provider: ask it directly (the notification may be late)."""
    try:
        payment = payment_for(user=request.user, payment_number=number)
    except Exception:
        raise Http404
    payment = payment_sync(payment_number=payment.number)
    return HttpResponseRedirect(return_url_for(payment))
