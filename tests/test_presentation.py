"""How statuses, trends and numbers look: one source in reports/presentation/, and no package cycle."""

import ast
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from indicators.risks import Direction
from indicators.status import ActionStatus, Outlook, Rag, Trend
from reports.presentation import colours
from reports.presentation.arrows import direction_glyph, trend_glyph, trend_tone
from reports.presentation.numbers import format_number, plain_number, tolerance_text
from reports.presentation.status import OUTLOOK_STATUS_CODES, SHAPES, TONES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "places", "unit", "expected"),
    [
        (D("1234.5"), 1, "", "1,234.5"),
        (D("41.75"), 1, "%", "41.8%"),  # half up, as people round
        (D("2.5"), 0, "days", "3 days"),
        (12, 0, "", "12"),
        (None, 1, "%", "–"),
    ],
)
def test_format_number(value, places, unit, expected):
    assert format_number(value, places, unit) == expected


def test_plain_numbers_keep_every_digit_and_no_grouping():
    assert [plain_number(D("1234.50")), plain_number(D("1E+3")), plain_number(None)] == ["1234.5", "1000", ""]


def test_every_trend_direction_and_outlook_has_its_look():
    assert all(trend_glyph(t) and trend_tone(t) for t in Trend)
    assert all(direction_glyph(d) for d in Direction)
    assert set(OUTLOOK_STATUS_CODES) == set(Outlook) and set(OUTLOOK_STATUS_CODES.values()) <= set(SHAPES)
    assert set(TONES.values()) <= set(colours.TONE_COLOURS)


def test_the_web_palette_is_the_python_palette():
    """The CSS variables of static/css/perfdash.css are the only colours kept apart from colours.py."""
    css = (ROOT / "static/css/perfdash.css").read_text()
    root = re.search(r":root\s*\{([^}]*)\}", css).group(1)
    web = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", root))
    python = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", str(colours.print_palette_css())))
    shared = set(web) & set(python)
    assert shared >= {"ink", "muted", "line", "green", "amber", "red", "info"}
    assert {name: web[name] for name in shared} == {name: python[name] for name in shared}


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("app", ["indicators", "reports"])
def test_apps_never_import_the_project_package(app):
    """perfdash/ (settings, urls, the Jinja environment) uses the apps, never the other way round."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imported_modules(path) if m.split(".")[0] == "perfdash")
        for path in (ROOT / app).rglob("*.py")
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_indicators_domain_never_imports_reports():
    """Reports build on the domain (models, rules, workflow, imports), never the other way round.
    Views are the top layer, reached only from URLconfs: a page of the indicators app may show
    what reports/ builds (the review queue with the scorecard's targets and words)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "indicators").rglob("*.py")
        if "views" not in path.relative_to(ROOT).parts
        and any(m.split(".")[0] == "reports" for m in _imported_modules(path))
    ]
    assert offenders == []


def test_reports_never_import_the_indicators_views():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "reports").rglob("*.py")
        if any(m.startswith("indicators.views") for m in _imported_modules(path))
    ]
    assert offenders == []


def _macro(source: str, **context) -> str:
    from django.template import engines  # noqa: PLC0415

    env = engines["jinja2"].env
    return env.from_string(
        '{% from "macros/status.html" import status_badge, progress_bar, trend_arrow, outlook_badge %}' + source
    ).render(**context)


@pytest.mark.parametrize("code", [*SHAPES, "unknown"])
def test_the_precomputed_badges_are_the_macros_markup(code):
    """Large scorecards render badges, arrows and bars from `*_html` strings made once per status;
    they must be exactly what the macros (shared with PDFs) make on the web, label escaped."""
    from reports.presentation.status import status_badge_html  # noqa: PLC0415

    label = 'Off "target" <b>&</b>'
    assert str(status_badge_html(code, label)) == _macro("{{ status_badge(code, label) }}", code=code, label=label)


def test_the_precomputed_arrows_outlooks_and_bars_are_the_macros_markup():
    from reports.presentation.arrows import trend_arrow_html  # noqa: PLC0415
    from reports.presentation.status import outlook_badge_html, progress_bar_html  # noqa: PLC0415

    for trend in Trend:
        for compared in ("", "the previous period", 'a "quoted" <period>'):
            expected = _macro("{{ trend_arrow(trend, compared) }}", trend=trend, compared=compared)
            assert str(trend_arrow_html(trend, compared)) == expected
    for outlook in Outlook:
        assert str(outlook_badge_html(outlook)) == _macro("{{ outlook_badge(outlook) }}", outlook=outlook)
    for percent in (None, 0, 7, 100):
        assert str(progress_bar_html(percent)) == _macro("{{ progress_bar(percent) }}", percent=percent)


def test_the_precomputed_action_badges_and_indicator_status_cells_are_the_macros_markup():
    from reports.presentation.status import action_badge_html, indicator_status_cells  # noqa: PLC0415

    for status in ActionStatus:
        assert str(action_badge_html(status)) == _macro("{{ status_badge(s.value, s.label) }}", s=status)
    assert action_badge_html(None) == ""
    label = 'Off "target" <b>&</b>'
    cells = indicator_status_cells(Rag.RED, label, Trend.IMPROVING, Trend.NO_COMPARISON, Outlook.MAY)
    expected = _macro(
        "<td>{{ status_badge('red', label) }}</td>\n        <td>{{ trend_arrow(short, 'the previous period') }}</td>"
        "\n        <td>{{ trend_arrow(long, 'the same period last year') }}</td>"
        "\n        <td>{{ outlook_badge(outlook) }}</td>",
        label=label,
        short=Trend.IMPROVING,
        long=Trend.NO_COMPARISON,
        outlook=Outlook.MAY,
    )
    assert str(cells) == expected


@pytest.mark.parametrize(
    ("tolerance", "kind", "places", "unit", "text"),
    [
        (D(5), "absolute", 1, "%", "5.0 points"),  # not "5.0%": that reads as 5% of the target
        (D(1), "absolute", 0, "%", "1 point"),
        (D(5), "percent", 0, "%", "5% of the target"),
        (D(10), "percent", 1, "days", "10.0% of the target"),
        (D(3), "absolute", 0, "days", "3 days"),
        (D(1), "absolute", 0, "days", "1 day"),
        (D(0), "absolute", 1, "%", "None"),
        (None, "absolute", 1, "%", "None"),
    ],
)
def test_tolerance_in_words(tolerance, kind, places, unit, text):
    assert tolerance_text(tolerance, kind, places, unit) == text
