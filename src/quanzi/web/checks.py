"""System checks of the web layer."""

from django.core.checks import Error, register

from quanzi.web.slots import LINKS, TEMPLATE, declaration, slots


@register()
def slot_entries_fit_their_slots(app_configs, **kwargs):
    errors = []
    for entry in slots:
        declared = declaration(entry.slot)
        if declared is None:
            errors.append(Error(f"slot entry {entry.key!r} fills {entry.slot!r}, which no app declares",
                                hint="declare_slot() in the page owner's AppConfig.ready(), or fix the name",
                                id="web.E001"))
        elif declared.kind == TEMPLATE and not entry.template:
            errors.append(Error(f"slot entry {entry.key!r} in template slot {entry.slot!r} has no template",
                                id="web.E002"))
        elif declared.kind == LINKS and not (entry.url and entry.label):
            errors.append(Error(f"slot entry {entry.key!r} in link slot {entry.slot!r} needs a label and a url",
                                id="web.E003"))
    return errors
