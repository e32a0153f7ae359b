"""Committee papers a council publishes as they are: cover, contents, "how to read this", the
appendices in the chosen order, measures not due listed once, the risk heat map, words that agree
with their numbers. (PDF/UA is tests/test_pdf_ua.py.)"""

import datetime as dt
import re
from decimal import Decimal

import pikepdf
import pytest
from django.urls import reverse
from markupsafe import escape

from indicators.models import Committee
from indicators.status import ACTION_STATUS_MEANINGS, GROUP_STATUS_MEANING, RAG_MEANINGS, ActionStatus, Rag
from reports.committee.definitions import CommitteeReportForm
from reports.committee.parts import numbering_css
from reports.committee.pdf import (
    appendix_numbers,
    appendix_sequence,
    build_report_data,
    css_string,
    issue_label,
    render_html,
    without_layout_whitespace,
)
from reports.committee.pdfua import continues
from reports.models import IssuedReport
from reports.presentation.numbers import format_number, plural, singular
from reports.presentation.svg import sparkline_alt
from tests.factories import make_performance_user
from tests.test_committee_reports import make_report

ALL = dict.fromkeys(["summary", "actions", "indicators", "exceptions", "risks"], True)


@pytest.mark.parametrize(
    ("order", "included", "expected"),
    [
        ("", ALL, ["summary", "actions", "indicators", "exceptions", "risks"]),
        ("risks, summary", ALL, ["risks", "summary", "actions", "indicators", "exceptions"]),
        ("Indicators actions", ALL, ["indicators", "actions", "summary", "exceptions", "risks"]),
        ("risks,risks, nonsense", ALL, ["risks", "summary", "actions", "indicators", "exceptions"]),
        ("risks, summary", {**ALL, "risks": False}, ["summary", "actions", "indicators", "exceptions"]),
        ("actions", dict.fromkeys(ALL, False), []),
    ],
)
def test_appendix_sequence(order, included, expected):
    assert appendix_sequence(order, included) == expected


@pytest.mark.parametrize(
    ("issuing", "earlier", "expected"),
    [
        (False, [], "Draft – not issued"),
        (False, [dt.date(2022, 11, 1)], "Draft – not issued"),
        (True, [], ""),
        (True, [dt.date(2022, 11, 1)], "Re-issued: replaces version 1 of 1 Nov 2022"),
        (True, [dt.date(2022, 11, 1), dt.date(2022, 11, 14)], "Re-issued: replaces version 2 of 14 Nov 2022"),
    ],
)
def test_issue_label(issuing, earlier, expected):
    assert issue_label(issuing, earlier) == expected


@pytest.mark.parametrize(
    ("unit", "one"),
    [
        ("households", "household"),
        ("days", "day"),
        ("enquiries", "enquiry"),
        ("businesses", "business"),
        ("children", "children"),
        ("per 1,000", "per 1,000"),
        ("hours per case", "hours per case"),
        ("£", "£"),
        ("class", "class"),
        ("", ""),
    ],
)
def test_singular_unit(unit, one):
    assert singular(unit) == one


def test_numbers_agree_with_their_words():
    assert format_number(Decimal("1"), 0, "households") == "1 household"
    assert format_number(Decimal("1.0"), 1, "days") == "1.0 day"
    assert format_number(Decimal("0"), 0, "households") == "0 households"
    assert format_number(Decimal("2"), 0, "households") == "2 households"
    assert format_number(Decimal("1"), 0, "%") == "1%"
    assert [plural("risk", n) for n in (0, 1, 2)] == ["risks", "risk", "risks"]
    assert plural("person", 3, "people") == "people"


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (
            [("Q3 2021/22", Decimal("31"), Decimal("30"), None), ("Q4 2021/22", Decimal("30.2"), Decimal("30"), None)],
            "Values for Q3 2021/22 to Q4 2021/22: 31.0, 30.2; target 30.0",
        ),
        ([("Q1 2022/23", None, None, None), ("Q2 2022/23", Decimal("4"), None, None)], None),
        ([("2021/22", Decimal("5"), Decimal("6"), None)], "Values for 2021/22: 5.0; target 6.0"),
        ([], ""),
    ],
)
def test_sparkline_alt_gives_the_figures(series, expected):
    if expected is None:
        assert sparkline_alt(series, 0) == "Values for Q1 2022/23 to Q2 2022/23: no value, 4; no target"
    else:
        assert sparkline_alt(series, 1) == expected


def test_css_string_escapes_quotes_and_markup():
    assert css_string('Plan "A" </style>') == '"Plan \\22 A\\22  \\3c /style\\3e "'
    assert css_string("Q2 2022/23 – Children & Families") == '"Q2 2022/23 – Children & Families"'


def test_contents_of_other_parts_get_their_page_numbers():
    css = numbering_css(1, 40, {"appendix-actions": 5, 'bad"name': 9})
    assert "counter-reset: page 1" in css and '"Page " counter(page) " of 40"' in css
    assert '.toc a[href$="#appendix-actions"]::after { content: leader(". ") "5"; }' in css
    assert "bad" not in css


def _element(pdf, role, page, *kids):
    element = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(role), Pg=page))
    element.K = pikepdf.Array(list(kids))
    return element


@pytest.mark.parametrize(
    ("role", "first_kid", "same_page", "expected"),
    [
        ("/Table", "/TBody", False, True),  # a table's next piece: no caption
        ("/Table", "/Caption", False, False),  # a new table
        ("/Table", "/TBody", True, False),  # two tables on one page
        ("/Sect", "/Table", False, True),
        ("/Sect", "/H2", False, False),  # a new appendix
        ("/Sect", "/H3", False, False),
        ("/P", "/Span", False, False),  # paragraphs are never joined
        ("/TBody", "/TR", False, True),
    ],
)
def test_which_pieces_continue_across_a_page_break(role, first_kid, same_page, expected):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    one, two = pdf.pages[0].obj, pdf.pages[1].obj
    before = _element(pdf, role, one, _element(pdf, "/TR" if role == "/TBody" else "/Caption", one))
    piece = _element(pdf, role, one if same_page else two, _element(pdf, first_kid, one if same_page else two))
    assert continues(before, piece) is expected
    assert not continues(_element(pdf, "/Div", one), piece) or role == "/Div"


@pytest.mark.django_db
def test_form_keeps_a_mistyped_order_and_says_why(demo_db):
    data = {
        "title": "Q2",
        "committee": Committee.objects.get(slug="ecod").pk,
        "meeting_date": "30/11/2022",
        "period": "Q2 2022/23",
        "appendix_order": "risks, apendix",
    }
    form = CommitteeReportForm(data)
    assert not form.is_valid()
    assert "Unknown appendix apendix" in form.errors["appendix_order"][0]
    assert form["appendix_order"].value() == "risks, apendix"
    form = CommitteeReportForm({**data, "appendix_order": "Risks summary"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["appendix_order"] == "risks, summary"


@pytest.mark.django_db
def test_the_period_is_named_once_where_the_title_names_it(demo_db):
    from reports.committee.definitions import title_with_period

    assert title_with_period("ECOD performance report Q2 2022/23", "Q2 2022/23") == "ECOD performance report Q2 2022/23"
    assert title_with_period("ECOD performance report", "Q2 2022/23") == "ECOD performance report – Q2 2022/23"
    report = make_report()
    report.title = "ECOD performance report Q2 2022/23"
    html = render_html(build_report_data(report))
    assert "<title>ECOD performance report Q2 2022/23</title>" in html
    assert '"ECOD performance report Q2 2022/23"' in html and "Q2 2022/23 – Q2 2022/23" not in html


@pytest.mark.django_db
def test_cover_contents_and_legend(demo_db, settings, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    settings.COUNCIL_NAME, settings.COUNCIL_LOGO = "Anytown Council", str(logo)
    report = make_report(include_risks=True, appendix_order="risks, indicators")
    data = build_report_data(report)
    html = render_html(data)
    cover = html[html.index('class="cover"') : html.index('class="contents"')]
    assert "Anytown Council" in cover and f'src="{logo.as_uri()}"' in cover and 'alt="Anytown Council logo"' in cover
    for words in [data.committee, "Meeting of 30 November 2022", report.title, data.period.long_label]:
        assert str(escape(words)) in cover
    assert "<dt>Version</dt><dd>1</dd>" in cover
    assert "Draft – not issued" in cover and "Draft of" in cover
    contents = html[html.index('class="contents"') : html.index('class="how-to-read"')]
    assert re.findall(r"Appendix (\d): ([\w ]+)</a>", contents) == [
        ("1", "Risk register"),
        ("2", "Indicator scorecard"),
        ("3", "Status summary"),
        ("4", "Action progress"),
        ("5", "Exception reports"),
    ]
    assert appendix_numbers(data) == {"risks": 1, "indicators": 2, "summary": 3, "actions": 4, "exceptions": 5}
    assert html.index("<h2>Appendix 1: Risk register") < html.index("<h2>Appendix 2: Indicator scorecard")
    assert "How to read this report" in html and "Not measured this period" in html
    legend = html[html.index('class="how-to-read"') : html.index('class="appendix"')]
    for status in ActionStatus:  # every status the summary counts, as the rules decide it
        assert f">{status.label}</span>: {escape(ACTION_STATUS_MEANINGS[status])}</li>" in legend
    for rag in Rag:
        assert str(escape(RAG_MEANINGS[rag])) in legend and str(escape(data.scorecard.words[rag.value])) in legend
    assert str(escape(GROUP_STATUS_MEANING)) in legend


@pytest.mark.django_db
def test_a_re_issued_version_says_what_it_replaces(demo_db):
    report = make_report()
    IssuedReport.objects.create(
        report=report, issued_by=make_performance_user("papers-p1"), data={}, pdf=b"%PDF", page_count=1
    ).withdraw(make_performance_user("papers-p2"), "Wrong period")
    data = build_report_data(report, issuing=True)
    assert data.version == 2 and data.issue_label.startswith("Re-issued: replaces version 1 of ")
    html = render_html(data)
    assert "Re-issued: replaces version 1" in html and ">Issued<" in html


@pytest.mark.django_db
def test_measures_not_due_are_listed_once_in_their_own_table(demo_db):
    data = build_report_data(make_report())
    html = render_html(data)
    resting = [row for row in data.scorecard.indicator_rows() if row.rag == Rag.NOT_MEASURED]
    assert resting, "the demo has indicators not measured in Q2"
    table = html[html.index('class="fixed not-measured"') :]
    table = table[: table.index("</table>")]
    main = html[html.index("Appendix 3: Indicator scorecard") : html.index('class="fixed not-measured"')]
    for row in resting:
        assert f">{row.code}<" in table and f">{row.code}<" not in main
    assert f"({len(resting)} {plural('indicator', len(resting))})" in table
    measured = [row for row in data.scorecard.indicator_rows() if row.rag != Rag.NOT_MEASURED]
    for row in measured:
        assert f">{row.code}<" in main


@pytest.mark.django_db
def test_risk_appendix_has_the_heat_map_with_numbers_and_bands(demo_db):
    data = build_report_data(make_report(include_risks=True))
    html = render_html(data)
    heat = html[html.index('class="heat-map"') :]
    heat = heat[: heat.index("</table>")]
    cells = re.findall(r'<td class="band-(\w+)"><span class="count">([^<]*)</span>', heat)
    assert len(cells) == 25
    assert re.findall(r'<tr><th scope="row">(\d)</th>', heat) == ["5", "4", "3", "2", "1"]  # likeliest at the top
    counts = [0 if count == "–" else int(count) for _, count in cells]
    assert sum(counts) == len(data.risks.rows)
    assert f"({len(data.risks.rows)} {plural('risk', len(data.risks.rows))})" in heat
    assert ">Very high</span>" in heat and ">Low</span>" in heat  # bands in words, not colour alone
    assert not re.search(r"\b1 risks\b", html)


@pytest.mark.django_db
def test_continued_parts_name_their_appendix_in_the_running_header(demo_db):
    data = build_report_data(make_report())
    first = render_html(data, ["actions"], front=False, plan_range=(0, None))
    assert "<h2>Appendix 2: Action progress" in first and '@top-right { content: "Appendix' not in first
    continued = [render_html(data, ["actions"], front=False, plan_range=(0, None), continued=True)]
    for part in continued:
        assert "<h2>Appendix 2" not in part and 'class="fixed actions"' in part
        assert '@top-right { content: "Appendix 2: Action progress"; }' in part
        assert "running-section" not in part and 'aria-hidden="true">Appendix' not in part


@pytest.mark.django_db
def test_report_form_offers_the_order(client, demo_db):
    client.force_login(make_performance_user("papers-perf"))
    page = client.get(reverse("reports:committee_reports")).content.decode()
    assert 'name="appendix_order"' in page and "Order of appendices" in page


@pytest.mark.parametrize(
    ("html", "laid_out"),
    [
        (
            '<table>\n  <tr>\n    <td class="num">\n      1\n    </td>\n  </tr>\n</table>',
            '<table><tr><td class="num">1</td></tr></table>',
        ),
        (
            "<p>Two <strong>bold</strong> <em>words</em>\n and more</p>\n<ul>\n <li>one</li>\n</ul>",
            "<p>Two <strong>bold</strong> <em>words</em>\n and more</p><ul><li>one</li></ul>",
        ),
        (
            '<span class="status">On <b>target</b></span> <span class="trend">up</span>',
            '<span class="status">On <b>target</b></span> <span class="trend">up</span>',
        ),
        (
            "<h2>Title</h2>\n<path d='M 0 0'/> <thead> <th>Code</th> </thead>",
            "<h2>Title</h2><path d='M 0 0'/><thead><th>Code</th></thead>",
        ),
    ],
)
def test_white_space_that_css_collapses_is_left_out_of_the_print_html(html, laid_out):
    """Runs of white space next to block and table tags are boxes WeasyPrint lays out for nothing;
    spaces between words and inline elements are kept, as they show."""
    assert without_layout_whitespace(html) == laid_out
