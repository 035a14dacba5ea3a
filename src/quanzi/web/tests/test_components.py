"""The design system's template tags (`{% load components %}`): the markup each one writes, and a wrong
option failing loudly."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def render(source: str, **context) -> str:
    with translation.override("en"):
        return Template("{% load components %}" + source).render(Context(context)).strip()


# ---------------------------------------------------------------------------------------------- button
def test_a_button_is_a_button_or_a_link():
    assert render('{% button "Pay" type="submit" %}') == '<button class="btn btn-primary" type="submit">Pay</button>'
    assert render('{% button "Shop" href="/s/" variant="outline" size="sm" block=True %}') == (
        '<a class="btn btn-outline btn-sm btn-block" href="/s/">Shop</a>')


def test_a_disabled_button_cannot_be_used():
    assert render('{% button "Sold out" disabled=True %}') == (
        '<button class="btn btn-primary" type="button" disabled>Sold out</button>')
    link = render('{% button "Sold out" href="/x/" disabled=True %}')
    assert 'aria-disabled="true"' in link and "href" not in link


def test_a_button_can_open_a_sheet_or_show_a_toast_and_escapes_its_label():
    html = render('{% button label sheet="invite" toast="Copied" variant="ghost" size="xs" %}', label="<b>Invite</b>")
    assert 'data-sheet-open="invite" aria-haspopup="dialog"' in html and 'data-toast="Copied"' in html
    assert "&lt;b&gt;Invite&lt;/b&gt;" in html and "btn btn-ghost btn-xs" in html


@pytest.mark.parametrize("source", ['{% button "x" variant="pink" %}', '{% button "x" size="huge" %}',
                                    '{% button "x" type="image" %}', '{% badge "x" tone="purple" %}',
                                    '{% price 1 size="huge" %}', '{% avatar name="x" size="huge" %}',
                                    '{% progress 1 2 tone="blue" %}', '{% skeleton "table" %}',
                                    '{% card tag="span" %}x{% endcard %}', '{% card colour="red" %}x{% endcard %}',
                                    '{% sheet title="x" %}x{% endsheet %}', '{% sheet "" %}x{% endsheet %}',
                                    '{% sheet "s" side=True width=3 %}x{% endsheet %}'])
def test_a_wrong_option_is_a_template_error(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)


# ---------------------------------------------------------------------------------------------- price, badge
def test_a_price_shows_yuan_with_small_cents_and_the_higher_original_struck_through():
    html = render("{% price 1990 original=3900 size='lg' %}")
    assert html == ('<span class="price price-lg"><span class="price-cur">¥</span>19<span class="price-dec">.90</span></span>'
                    '<s class="price-was"><span class="sr-only">Original price </span>¥39.00</s>')


def test_a_price_range_and_the_cases_that_show_less():
    assert '<span class="price-sep">–</span><span class="price-cur">¥</span>30' in render("{% price 1200 high=3000 %}")
    assert "price-was" not in render("{% price 1990 original=1990 %}")     # not cheaper: nothing struck through
    assert "price-sep" not in render("{% price 1990 high=1000 %}")         # a "range" downwards is no range
    assert render("{% price none %}", none=None) == ""
    assert render("{% price 'abc' %}") == ""
    assert "-<span" in render("{% price -150 %}")


@pytest.mark.parametrize(("tone", "css"), [("", "tag"), ("red", "tag tag-red"), ("ok", "tag tag-ok"),
                                           ("solid", "tag tag-solid")])
def test_a_badge_has_its_tone(tone, css):
    assert render('{% badge "Hot" tone=tone %}', tone=tone) == f'<span class="{css}">Hot</span>'


# ---------------------------------------------------------------------------------------------- avatars
def test_an_avatar_is_a_picture_or_an_initial():
    assert render('{% avatar name="lin" %}') == '<span class="avatar avatar-md" role="img" aria-label="lin">L</span>'
    html = render('{% avatar name="Lin" src="/media/a.png" size="lg" %}')
    assert html.startswith('<img class="avatar avatar-lg" src="/media/a.png" alt="Lin"')


def test_an_avatar_of_a_user(make_user):
    user = make_user(nickname="Chen")
    assert '>C</span>' in render("{% avatar user %}", user=user)


def test_an_avatar_stack_shows_the_members_the_overflow_and_the_empty_seats():
    people = [{"name": n} for n in ("A", "B", "C", "D")]
    html = render("{% avatar_stack people seats=2 limit=3 %}", people=people)
    assert html.count('class="avatar avatar-sm"') == 3
    assert 'avatar-more" role="img" aria-label="1 more">+1<' in html
    assert html.count("avatar-seat") == 2
    assert 'aria-label="4 joined, 2 seats left"' in html
    assert "avatar-stack-overlap" in html


def test_an_avatar_stack_with_names_and_no_one_yet():
    html = render("{% avatar_stack people seats=3 names=True %}", people=[{"name": "Lin", "role": "Leader"}])
    assert '<span class="avatar-name">Lin</span><span class="avatar-role">Leader</span>' in html
    assert html.count("Waiting") == 3 and "avatar-stack-row" in html
    empty = render("{% avatar_stack nobody seats=-1 %}", nobody=None)
    assert "<li>" not in empty and 'aria-label="0 joined, 0 seats left"' in empty


# ---------------------------------------------------------------------------------------------- progress, tabs
def test_progress_is_a_progress_element_clamped_to_its_range():
    html = render('{% progress 7 5 label="Joined" tone="ok" size="sm" %}')
    assert '<progress class="progress progress-ok progress-sm" value="5" max="5" aria-label="Joined">100%</progress>' in html
    assert "<b>5/5</b>" in html
    assert 'value="0" max="1"' in render("{% progress -3 0 legend=False %}")
    assert "progress-legend" not in render("{% progress 1 2 legend=False %}")


def test_tabs_mark_the_current_page_and_show_counts():
    links = [{"url": "/a/", "label": "All", "active": True}, {"url": "/p/", "label": "To pay", "count": 2},
             ("/s/", "Shipped", False)]
    html = render('{% tabs links label="Orders" line=True %}', links=links)
    assert html.startswith('<nav class="tabs tabs-line" aria-label="Orders">')
    assert '<a href="/a/" class="active" aria-current="page">All</a>' in html
    assert '<a href="/p/">To pay<span class="tab-count">2</span></a>' in html
    assert '<a href="/s/">Shipped</a>' in html


# ---------------------------------------------------------------------------------------------- card, sheet
def test_a_card_wraps_its_content_under_a_title():
    html = render('{% card title="Hot" more_url="/hot/" icon="🔥" flat=True %}<p>{{ x }}</p>{% endcard %}', x="<i>")
    assert html.startswith('<section class="card card-flat"><div class="card-head"><h2><span aria-hidden="true">🔥</span>Hot</h2>')
    assert '<a class="card-more" href="/hot/">More ›</a>' in html
    assert "<p>&lt;i&gt;</p></section>" in html
    assert render("{% card tag='div' %}x{% endcard %}") == '<div class="card">x</div>'


def test_a_sheet_is_a_labelled_dialog_with_a_close_button():
    html = render('{% sheet sheet_id title="Invite" %}<p>Body</p>{% endsheet %}', sheet_id="invite")
    assert '<dialog class="sheet" id="invite" aria-labelledby="invite-title">' in html
    assert '<h2 id="invite-title">Invite</h2>' in html
    assert 'data-sheet-close aria-label="Close"' in html
    assert '<div class="sheet-body"><p>Body</p></div>' in html
    assert 'class="sheet sheet-side"' in render('{% sheet "f" side=True %}x{% endsheet %}')


# ---------------------------------------------------------------------------------------------- empty, skeleton
def test_an_empty_state_says_what_to_do_next():
    html = render('{% empty_state "Cart is empty" title="Nothing yet" icon="🛒" link="/" %}')
    assert 'data-testid="empty-state"' in html and '<h2 class="empty-title">Nothing yet</h2>' in html
    assert '<a class="btn btn-primary btn-sm" href="/">Go shopping</a>' in html
    assert "empty-compact" in render('{% empty_state "None" compact=True %}')
    assert "<a " not in render('{% empty_state "None" %}')


@pytest.mark.parametrize(("kind", "marker", "count"), [("lines", "sk sk-line", 4), ("list", "sk-row", 4),
                                                       ("grid", "sk sk-img", 4), ("card", "sk sk-img", 1)])
def test_a_skeleton_draws_placeholder_shapes(kind, marker, count):
    html = render("{% skeleton kind count=4 %}", kind=kind)
    assert 'aria-busy="true"' in html and "Loading…" in html
    assert html.count(marker) == count


def test_a_skeleton_count_is_bounded():
    assert render('{% skeleton "lines" count=500 %}').count("sk-line") == 12
    assert render('{% skeleton "lines" count=0 %}').count("sk-line") == 1
