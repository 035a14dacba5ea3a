"""The operator's risk review queue (/ops/trust/, staff only; anyone else gets a 404): cases by score, a case
with why each rule fired, its accounts and attributes drawn as a small graph, and the decision. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.trust import selectors, services
from quanzi.trust.constants import CaseState
from quanzi.web.helpers import staff_required


@staff_required
def queue(request):
    state = request.GET.get("state", CaseState.OPEN)
    state = state if state in CaseState.values else CaseState.OPEN
    counts = selectors.case_counts()
    tabs = [{"url": f"?state={s}", "label": label, "active": s == state, "count": counts.get(s) or "",
             "testid": f"trust-tab-{s}"} for s, label in CaseState.choices]
    return TemplateResponse(request, "trust/queue.html", {"cases": selectors.cases_queue(state=state), "tabs": tabs,
                                                          "state": state})


@staff_required
@require_POST
def run(request):
    try:
        counts = services.detection_run()
        messages.success(request, _("Detection ran: %(o)d cases opened, %(u)d updated.")
                         % {"o": counts["opened"], "u": counts["updated"]})
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("trust:queue"))


@staff_required
def case(request, number: str):
    found = selectors.case_get(number=number)
    if found is None:
        raise Http404
    if request.method == "POST":
        try:
            services.case_decide(actor=request.user, number=found.number,
                                 decision=str(request.POST.get("decision", ""))[:10],
                                 note=str(request.POST.get("note", ""))[:400],
                                 void_commissions=request.POST.get("void") == "1")
            messages.success(request, _("Decision recorded."))
            return HttpResponseRedirect(reverse("trust:case", args=[found.number]))
        except DomainError as exc:
            messages.error(request, exc.message)
            found = selectors.case_get(number=number)
    members = selectors.case_members(case=found)
    evidence = selectors.evidence_summary(case=found)
    return TemplateResponse(request, "trust/case.html", {
        "case": found, "members": members, "evidence": evidence, "events": selectors.case_events(case=found),
        "picture": selectors.case_picture(case=found, members=members), "is_open": found.state == CaseState.OPEN})
