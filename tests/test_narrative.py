"""Narrative text: officers write plain text with paragraphs and bullets; it is stored as
sanitised HTML, shown the same on pages, exports and PDFs, and a draft reopens exactly as typed."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from indicators.html import html_to_text, sanitise, text_to_html
from indicators.models import ActionUpdate, ReviewState
from indicators.periods import Period
from reports.committee.pdf import build_report_data, render_html
from reports.models import CommitteeReport
from reports.scorecards.build import build_scorecard
from reports.scorecards.exports import scorecard_sheets
from reports.scorecards.scope import plan_scope
from tests.factories import make_action, make_committee, make_plan, make_round, make_service, make_update, personas

Q2 = Period.parse("Q2 2022/23")
TYPED = "Kinship: <5 children & families\n\nNext steps:\n- recruit carers\n- train staff"
TYPED_HTML = (
    "<p>Kinship: &lt;5 children &amp; families</p><p>Next steps:</p>"
    "<ul><li>recruit carers</li><li>train staff</li></ul>"
)

# The conversions, as a table ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("   \n \n", ""),
        ("One line", "<p>One line</p>"),
        ("<5 children & families", "<p>&lt;5 children &amp; families</p>"),
        ('He said "yes" and it\'s done', '<p>He said "yes" and it\'s done</p>'),
        ("First\nsecond line", "<p>First<br>second line</p>"),
        ("One\n\nTwo", "<p>One</p><p>Two</p>"),
        ("One\n\n\n\nTwo", "<p>One</p><p>Two</p>"),
        ("One\r\n\r\nTwo", "<p>One</p><p>Two</p>"),
        ("- a\n- b", "<ul><li>a</li><li>b</li></ul>"),
        ("* a\n* b", "<ul><li>a</li><li>b</li></ul>"),
        ("• a\n• b", "<ul><li>a</li><li>b</li></ul>"),
        ("Intro:\n- a\n- b\nAfter", "<p>Intro:</p><ul><li>a</li><li>b</li></ul><p>After</p>"),
        ("- a long item\n  that wraps\n- b", "<ul><li>a long item<br>that wraps</li><li>b</li></ul>"),
        ("-5 degrees", "<p>-5 degrees</p>"),  # a minus sign, not a bullet
        ("3 * 4 = 12", "<p>3 * 4 = 12</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<b>not bold</b>", "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"),
        (
            "See https://example.org/a?b=1&c=2.",
            '<p>See <a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">'
            "https://example.org/a?b=1&amp;c=2</a>.</p>",
        ),
        ("javascript:alert(1)", "<p>javascript:alert(1)</p>"),
    ],
)
def test_text_to_html(typed, stored):
    assert text_to_html(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "<5 children & families",
        "&lt;5 is written &amp;lt;5 in HTML",
        "First\nsecond line",
        "One\n\nTwo",
        "Intro:\n\n- a\n- b\n\nAfter",
        "- a long item\n  that wraps\n- b",
        "See https://example.org/a?b=1&c=2.",
        "Quotes \" and ' and > and <",
        "Ünïcödé — “curly” – £5",
    ],
)
def test_text_in_the_forms_conventions_comes_back_exactly(typed):
    assert html_to_text(text_to_html(typed)) == typed


def test_runs_of_spaces_come_back_as_the_page_shows_them():
    # Only the typed text itself (kept beside the HTML) remembers them; see the form round trip.
    assert html_to_text(text_to_html("Tabs\tand  two spaces")) == "Tabs and two spaces"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Of five actions, one is complete.</p>", "Of five actions, one is complete."),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<p><b>Alcohol:</b> 11 of 43</p>", "Alcohol: 11 of 43"),
        ("<p>Intro</p><ul><li>a</li><li>b</li></ul>", "Intro\n\n- a\n- b"),
        ("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second"),
        ("<ul><li>a<ul><li>inner</li></ul></li></ul>", "- a\n  - inner"),
        ('<p><a href="https://x.org">the site</a></p>', "the site (https://x.org)"),
        ('<p><a href="https://x.org">https://x.org</a></p>', "https://x.org"),
        ('<p><a href="mailto:a@x.org">a@x.org</a></p>', "a@x.org"),
        ("<p>Spread\n   over   lines</p>", "Spread over lines"),
        ("Bare text &amp; more", "Bare text & more"),
        ("", ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "html",
    [
        TYPED_HTML,
        "<p><b>Alcohol:</b> 11 of 43</p><p><b>Drugs:</b> 12</p>",
        "<p>Intro</p><ul><li>one</li><li>two</li></ul>",
        "<p>First<br>second</p>",
    ],
)
def test_stored_html_read_back_and_saved_again_shows_the_same(html):
    back = text_to_html(html_to_text(html))
    assert _words_and_structure(back) == _words_and_structure(html)


def _words_and_structure(html: str) -> str:
    """What a reader sees: the words, paragraphs, breaks and list items (not bold or italics)."""
    for tag in ("<b>", "</b>", "<strong>", "</strong>", "<i>", "</i>", "<em>", "</em>"):
        html = html.replace(tag, "")
    return html


@pytest.mark.parametrize(
    ("stored", "cleaned"),
    [
        ("Line one\nLine two\n\n- a\n- b", "<p>Line one<br>Line two</p><ul><li>a</li><li>b</li></ul>"),
        ("Kept <b>bold</b>\n\nnext", "<p>Kept <b>bold</b></p><p>next</p>"),
        ("One line, no markup", "One line, no markup"),  # nothing to structure: left as it was
        ("<p>Already</p>\n<p>paragraphs</p>", "<p>Already</p>\n<p>paragraphs</p>"),
        ("a<br>\nb", "a<br>\nb"),
        ('<p onclick="x()">Hi<script>y()</script></p>', "<p>Hi</p>"),
    ],
)
def test_sanitise_keeps_line_structure_of_text_without_markup(stored, cleaned):
    assert sanitise(stored) == cleaned
    assert sanitise(cleaned) == cleaned  # sanitising twice changes nothing


@pytest.mark.parametrize("typed", [TYPED, "x", "- a\n\n\n* b", "https://a.org/x"])
def test_sanitising_the_html_of_typed_text_changes_nothing(typed):
    assert sanitise(text_to_html(typed)) == text_to_html(typed)


# Through the pages ------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    service = make_service("Children's services")
    people = personas(service)
    plan = make_plan(service, first_year=2020, last_year=2022)
    committee = make_committee(service)
    action = make_action(plan, code="STRAT1.1", assigned_to=people["officer"], due_date=dt.date(2023, 3, 31))
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {"service": service, "plan": plan, "committee": committee, "action": action, **people}


def action_url(action):
    return reverse("action_update", args=[Q2.slug, action.pk])


def save_draft(client, action, narrative, version=0):
    return client.post(
        action_url(action), {"progress": "40", "narrative": narrative, "version": str(version), "save": "1"}
    )


def textarea_text(body: str) -> str:
    import html as html_module

    start = body.index('name="narrative"')
    start = body.index(">", start) + 1
    end = body.index("</textarea>", start)
    return html_module.unescape(body[start:end]).removeprefix("\n")


@pytest.mark.parametrize(
    "typed",
    [
        TYPED,
        "&lt;5 children &amp; families",  # someone writing about HTML entities keeps them too
        "* star bullets\n* stay stars\n\n\nafter three blank lines",
        "Intro:\n- no blank line before the list",
    ],
)
def test_a_draft_reopens_exactly_as_typed(client, world, typed):
    client.force_login(world["officer"])
    assert save_draft(client, world["action"], typed.replace("\n", "\r\n")).status_code == 302
    update = ActionUpdate.objects.get()
    assert update.narrative == text_to_html(typed)
    body = client.get(action_url(world["action"])).content.decode()
    assert textarea_text(body) == typed


def test_the_typed_text_is_kept_only_while_it_still_makes_the_stored_html(world):
    update = make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.DRAFT)
    update.narrative, update.narrative_source = text_to_html("* typed"), "* typed"
    update.save()
    assert update.narrative_text == "* typed"
    update.narrative = "<p>Changed in Set-up</p>"  # the HTML changed another way
    update.save()
    update.refresh_from_db()
    assert update.narrative_source == ""
    assert update.narrative_text == "Changed in Set-up"


def test_an_imported_or_demo_narrative_reopens_as_text(client, world):
    make_update(
        world["action"],
        "Q2 2022/23",
        40,
        state=ReviewState.RETURNED,
        narrative="<p><b>Alcohol:</b> 11 of 43</p><ul><li>one</li><li>two</li></ul>",
    )
    client.force_login(world["officer"])
    body = client.get(action_url(world["action"])).content.decode()
    assert textarea_text(body) == "Alcohol: 11 of 43\n\n- one\n- two"


def test_paragraphs_and_bullets_show_on_pages_exports_and_pdfs(client, world):
    make_update(world["action"], "Q2 2022/23", 40, narrative=text_to_html(TYPED))
    client.force_login(world["member"])
    # The scorecard page and the action's own page.
    for url in (
        reverse("reports:plan_scorecard", args=[world["plan"].pk]) + f"?period={Q2.key}",
        reverse("reports:action", args=[world["action"].pk]),
    ):
        body = client.get(url).content.decode()
        assert TYPED_HTML in body, url
    # The export: the whole update, paragraphs and bullets as written.
    _, actions = scorecard_sheets(build_scorecard(plan_scope(world["plan"]), Q2))
    exported = "Kinship: <5 children & families\n\nNext steps:\n\n- recruit carers\n- train staff"
    column = [c.name for c in actions.columns].index("latest_update")
    assert actions.rows[0][column] == exported
    # The committee report's PDF is laid out from this HTML.
    report = CommitteeReport.objects.create(
        title="Q2", committee=world["committee"], meeting_date=dt.date(2022, 11, 30), period=Q2
    )
    assert TYPED_HTML in render_html(build_report_data(report))


def test_the_review_queue_shows_the_paragraphs(client, world):
    make_update(world["action"], "Q2 2022/23", 40, state=ReviewState.SUBMITTED, narrative=text_to_html(TYPED))
    client.force_login(world["approver"])
    assert TYPED_HTML in client.get(reverse("review_queue")).content.decode()


def test_the_form_says_how_to_write_paragraphs_and_lists(client, world):
    client.force_login(world["officer"])
    body = client.get(action_url(world["action"])).content.decode()
    assert "Leave a blank line between paragraphs" in body and "bullet point" in body


# Narratives saved before paragraphs were kept ---------------------------------------------------


def test_the_data_migration_gives_old_narratives_their_paragraphs_with_history(world):
    migration = importlib.import_module("indicators.migrations.0006_review_rules_and_narrative_text")
    old = make_update(world["action"], "Q1 2022/23", 20)
    ActionUpdate.objects.filter(pk=old.pk).update(narrative="Para one\n\n- a\n- b")  # as stored before
    kept = make_update(make_action(world["plan"]), "Q1 2022/23", 20, narrative="<p>Demo HTML</p>")
    before = kept.history.count()
    migration.keep_paragraphs(django_apps, None)
    old.refresh_from_db()
    assert old.narrative == "<p>Para one</p><ul><li>a</li><li>b</li></ul>"
    assert old.history.first().history_change_reason == migration.REASON
    kept.refresh_from_db()
    assert kept.narrative == "<p>Demo HTML</p>" and kept.history.count() == before
