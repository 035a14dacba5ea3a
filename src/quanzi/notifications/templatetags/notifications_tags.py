from django import template

from quanzi.notifications import selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return selectors.unread_count(user=user)
