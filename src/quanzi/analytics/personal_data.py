"""Personal data held by analytics: the event log keyed by a pseudonymous actor (a keyed hash of the user
id). Erasure is `services.forget_user`: the events stay in the totals under a random actor."""

from quanzi.analytics.models import DataPlan, Event
from quanzi.analytics.services import actor_of_user, forget_user
from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    actor = actor_of_user(user.pk)
    return {
        "events": rows(Event.objects.filter(actor=actor).order_by("-occurred_at"), "name", "occurred_at",
                       "object_type", "object_id", "amount", "channel", limit=5000),
        "data_plans": rows(DataPlan.objects.filter(user=user), "number", "period", "amount", "status"),
    }


def erase(user) -> None:
    forget_user(user_id=user.pk)


declare(
    app="analytics",
    personal={"analytics.DataPlan.user": "link", "analytics.Event.actor": "activity"},
    not_personal={
        "analytics.Event.name": "the kind of event (page_view, order_paid)",
        "analytics.Event.props": "the event's properties: ids, paths and referrers of Quanzi's own pages",
        "analytics.DailyRollup.name": "the kind of event rolled up",
    },
    export=export, erase=erase,
)
