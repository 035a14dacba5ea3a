"""The personal-data registry (PIPL): what every app holds about a person, and how it exports and erases it.

Each app that stores anything personal declares it in its own `<app>/personal_data.py`, found by the
privacy app's `ready()` (`autodiscover_modules("personal_data")`):

    from quanzi.core.personal_data import declare

    declare(
        app="wallet",
        personal={"wallet.Withdrawal.account_name": "financial", "wallet.Withdrawal.user": "link"},
        not_personal={"wallet.Withdrawal.operator_note": "written by staff about the payout, not about a person"},
        export=export, erase=erase, blockers=blockers,
    )

* `personal` is the app's **PII inventory**: field → category (CATEGORIES). `link` is a foreign key to the
  user that stays pointing at the pseudonymised user row after deletion (orders, ledger-backed rows:
  accounting law keeps them), so it names no one once the account row is scrubbed;
* `not_personal` names fields that look personal but are not, with the reason;
* `export(user) -> dict` is the app's part of "export my data"; `erase(user)` deletes or pseudonymises
  the app's personal data of the user (rows with money meaning are kept, linked to the pseudonym);
  `blockers(user) -> [reason]` says why deletion must wait (money pending, open orders…).

`looks_personal(field)` is the rule the CI inventory test applies to every model field of every app: a
field it flags and nobody declared fails the test with its name. Core imports no app: the registry
only holds callables.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from quanzi.core.registry import Registry

CATEGORIES = {
    "contact": "phone numbers, e-mail addresses, contact names",
    "identity": "names, nicknames, avatars, birth dates, identity documents",
    "address": "postal addresses and their recipients",
    "device": "device ids, IP addresses, user agents, fingerprints",
    "content": "free text and pictures a person wrote or uploaded",
    "financial": "payee accounts and names on them",
    "activity": "what a person did (follows, likes, views, reminders)",
    "link": "a foreign key to the user, kept pointing at the pseudonymised user row",
}


@dataclass(frozen=True)
class Declaration:
    app: str
    personal: dict[str, str]
    not_personal: dict[str, str] = field(default_factory=dict)
    export: Callable | None = None
    erase: Callable | None = None
    blockers: Callable | None = None
    order: int = 100  # erase order: accounts (the user row itself) goes last


personal_data: Registry[Declaration] = Registry(
    "core.personal_data", keyed=True, owner="core",
    doc="PIPL: each app's PII inventory with `export(user)`, `erase(user)` and `blockers(user)` "
        "(`<app>/personal_data.py`, found by the privacy app).")


def declare(*, app: str, personal: dict[str, str], not_personal: dict[str, str] | None = None,
            export: Callable | None = None, erase: Callable | None = None, blockers: Callable | None = None,
            order: int = 100) -> Declaration:
    for name, category in personal.items():
        if category not in CATEGORIES:
            raise ValueError(f"{app}: {name} has unknown personal-data category {category!r}")
    for name, reason in (not_personal or {}).items():
        if not str(reason).strip():
            raise ValueError(f"{app}: {name} is declared not personal without a reason")
    if personal and (export is None or erase is None):
        raise ValueError(f"{app}: personal fields need an exporter and an eraser")
    decl = Declaration(app=app, personal=dict(personal), not_personal=dict(not_personal or {}), export=export,
                       erase=erase, blockers=blockers, order=order)
    personal_data.register(decl, key=app, order=order)
    return decl


def declarations() -> list[Declaration]:
    return list(personal_data)


def inventory() -> dict[str, tuple[str, str]]:
    """Every declared field: "app.Model.field" → ("personal", category) or ("not_personal", reason)."""
    out: dict[str, tuple[str, str]] = {}
    for decl in declarations():
        out.update({k: ("personal", v) for k, v in decl.personal.items()})
        out.update({k: ("not_personal", v) for k, v in decl.not_personal.items()})
    return out


# ---------------------------------------------------------------- the "looks personal" rule

LOOKS_PERSONAL = re.compile(
    r"(phone|mobile|e_?mail|address|(^|_)name$|nickname|real_name|id_card|(^|_)ip($|_)|device|fingerprint|birth"
    r"|(^|_)(lat|lng|latitude|longitude)$|location|avatar|(^|_)bio$|recipient|user_agent|payer|real_name"
    r"|(^|_)(body|text|comment|note|detail|description|message|reason|title|props|data|payload)$)")
TRANSLATION_SUFFIX = re.compile(r"_(zh_hans|en)$")  # modeltranslation copies follow their base field


def looks_personal(model, f, *, user_model) -> bool:
    """The CI rule: a foreign key to the user, a field named like personal data, or free text / JSON."""
    from django.db import models

    if f.is_relation:
        return f.related_model is user_model
    base = TRANSLATION_SUFFIX.sub("", f.name)
    if base != f.name and base in {x.name for x in model._meta.concrete_fields}:
        return False
    return bool(LOOKS_PERSONAL.search(f.name)) or isinstance(f, (models.TextField, models.JSONField))


def undeclared_fields(models: Iterable, *, user_model) -> list[str]:
    declared = inventory()
    missing = []
    for model in models:
        for f in model._meta.concrete_fields:
            name = f"{model._meta.label}.{f.name}"
            if looks_personal(model, f, user_model=user_model) and name not in declared:
                missing.append(name)
    return missing


# ---------------------------------------------------------------- helpers for exporters

def plain(value):
    """A JSON-safe copy of a field value (dates as ISO-8601, decimals and UUIDs as strings, files as names)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return value


def rows(queryset, *fields: str, limit: int = 10_000) -> list[dict]:
    """The rows of `queryset` as plain dicts of `fields` (for an app's exporter)."""
    return [{k: plain(v) for k, v in r.items()} for r in queryset.values(*fields)[:limit]]


# ---------------------------------------------------------------- the kernel's own tables

def _core_export(user) -> dict:
    from quanzi.core.models import IdempotencyRecord

    return {"idempotent_requests": IdempotencyRecord.objects.filter(scope__endswith=f":{user.pk}").count()}


def _core_erase(user) -> None:
    """Stored API answers replayed for a retried request (they can repeat what the user sent)."""
    from quanzi.core.models import IdempotencyRecord

    IdempotencyRecord.objects.filter(scope__endswith=f":{user.pk}").delete()


declare(
    app="core",
    personal={"core.IdempotencyRecord.response_body": "content"},
    not_personal={
        "core.OutboxEvent.name": "the event's class name",
        "core.OutboxEvent.payload": "an event's ids and amounts (events carry ids, never names or contacts); "
                                    "purged after QUANZI_OUTBOX_RETENTION_DAYS",
        "core.OutboxEvent.last_error": "a subscriber's exception text",
        "core.OutboxDelivery.last_error": "a subscriber's exception text",
    },
    export=_core_export, erase=_core_erase,
)
