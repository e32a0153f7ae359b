"""How statuses, trends and numbers look: one source in reports/presentation/, and no package cycle."""

import ast
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from indicators.risks import Direction
from indicators.status import Outlook, Trend
from reports.presentation import colours
from reports.presentation.arrows import direction_glyph, trend_glyph, trend_tone
from reports.presentation.numbers import format_number, plain_number
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
