"""The template backend of every page: Django's, plus one guarantee on the way out.

A page is encoded to UTF-8 after it is rendered. Text that cannot be encoded — a lone UTF-16 surrogate
that some JSON column kept from before the input edge refused them (core.text) — would make the whole
page a 500 for everyone who opens it. Each rendered page is therefore scrubbed: such characters become
U+FFFD (�). The check is one regular-expression search over the page; nothing is copied when (as
always, for new data) there is nothing to replace.
"""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates, Template, reraise

from quanzi.core.text import scrub


class ScrubbedTemplate(Template):
    def render(self, context=None, request=None):
        return scrub(super().render(context, request))


class ScrubbingDjangoTemplates(DjangoTemplates):
    def from_string(self, template_code):
        return ScrubbedTemplate(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return ScrubbedTemplate(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
