"""Operator admin building blocks shared by every app's admin.py.

- `ReadOnlyAdmin` / `ReadOnlyInline`: the operator sees the rows, never edits or deletes them.
- `Decision` + `DecisionAdmin`: a state change done by a service (approve a shop, pay a payout,
  decide a dispute). Each decision is both a changelist action and a button on the object's page;
  when it needs a note, an intermediate page asks for it. Services raise `DomainError`; the
  message is shown to the operator, never a 500.
- `yuan()`: fen → "¥12.34" for list columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan

SITE_HEADER = gettext_lazy("Quanzi operator console")


def yuan(fen: int | None) -> str:
    if fen is None:
        return "—"
    fen = int(fen)
    return f"-¥{format_yuan(-fen)}" if fen < 0 else f"¥{format_yuan(fen)}"


def admin_url(model_label: str, pk: Any) -> str:
    """Change-page URL of another admin row ("orders.order", 12)."""
    app_label, model = model_label.split(".")
    return reverse(f"admin:{app_label}_{model}_change", args=[pk])


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the operator may look at but never add, edit or delete (money, ledger, audit data)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@dataclass(frozen=True)
class Decision:
    """One service-backed state change offered to the operator.

    `run(obj, note)` calls the service. `applies(obj)` says whether the button shows on the
    object's page. `ask_note` shows an intermediate page (which also serves as a confirmation);
    `note_required` refuses an empty note there.
    """

    name: str
    label: str
    run: Callable[[Any, str], Any]
    applies: Callable[[Any], bool] = lambda obj: True
    ask_note: bool = True
    note_required: bool = False
    danger: bool = False
    help: str = ""


class DecisionAdmin(admin.ModelAdmin):
    """A ModelAdmin whose `decisions` become changelist actions and object-page buttons."""

    decisions: tuple[Decision, ...] = ()
    change_form_template = "admin/quanzi/change_form_decisions.html"

    # ---------------------------------------------------------------- permissions
    def has_decide_permission(self, request) -> bool:
        opts = self.opts
        return request.user.is_active and request.user.is_staff and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}")

    # ---------------------------------------------------------------- actions
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_decide_permission(request):
            return actions
        for decision in self.decisions:
            actions[decision.name] = (self._make_action(decision), decision.name, decision.label)
        return actions

    def _make_action(self, decision: Decision):
        def action(modeladmin, request, queryset):
            return modeladmin.decide(request, list(queryset), decision,
                                     form_url=request.get_full_path(), as_action=True)

        action.__name__ = decision.name
        return action

    # ---------------------------------------------------------------- per-object view
    def get_urls(self):
        opts = self.opts
        extra = [path("<path:object_id>/decide/<str:name>/", self.admin_site.admin_view(self.decide_view),
                      name=f"{opts.app_label}_{opts.model_name}_decide")]
        return extra + super().get_urls()

    def decide_view(self, request, object_id, name):
        decision = next((d for d in self.decisions if d.name == name), None)
        if decision is None or not self.has_decide_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, admin.utils.unquote(object_id))  # None for "abc", 40 digits, unknown
        if obj is None:
            raise Http404
        return self.decide(request, [obj], decision, form_url=request.get_full_path(), as_action=False,
                           done_url=reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                            args=[obj.pk]))

    def decision_buttons(self, obj) -> list[dict]:
        opts = self.opts
        return [{"label": d.label, "danger": d.danger,
                 "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_decide", args=[obj.pk, d.name])}
                for d in self.decisions if d.applies(obj)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is not None and self.has_decide_permission(request):
            extra_context["decision_buttons"] = self.decision_buttons(obj)
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    # ---------------------------------------------------------------- the decision itself
    def decide(self, request, objects: list, decision: Decision, *, form_url: str, as_action: bool,
               done_url: str | None = None):
        confirmed = request.method == "POST" and "apply" in request.POST
        note = (request.POST.get("note") or "").strip() if confirmed else ""
        error = ""
        if decision.ask_note and not confirmed:
            return self._note_page(request, objects, decision, form_url=form_url, as_action=as_action)
        if decision.ask_note and decision.note_required and not note:
            error = _("Write a note: it is recorded and shown to the people affected.")
            return self._note_page(request, objects, decision, form_url=form_url, as_action=as_action, error=error)
        if not decision.ask_note and not as_action and request.method != "POST":
            # A button on the object page: confirm with a POST, never change state on GET.
            return self._note_page(request, objects, decision, form_url=form_url, as_action=False)
        done, failed = 0, []
        for obj in objects:
            try:
                decision.run(obj, note)
                done += 1
                self.log_change(request, obj, f"{decision.label}{': ' + note if note else ''}")
            except DomainError as exc:
                failed.append(f"{obj}: {exc.message}")
        if done:
            self.message_user(request, _("%(action)s: %(n)d done.") % {"action": decision.label, "n": done},
                              messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)
        if as_action:
            return None  # back to the changelist, filters kept
        return HttpResponseRedirect(done_url or "..")

    def _note_page(self, request, objects, decision, *, form_url, as_action, error=""):
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": decision.label,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "objects": objects,
            "decision": decision,
            "form_url": form_url,
            "as_action": as_action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "error": error,
            "note": (request.POST.get("note") or "") if request.method == "POST" else "",
            "cancel_url": (reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") if as_action else
                           reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[objects[0].pk])),
        }
        return TemplateResponse(request, "admin/quanzi/decision.html", context, status=400 if error else 200)

