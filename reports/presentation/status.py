"""How a status looks: a distinct icon shape for each kind of status (so status is never told
by colour alone), the tone that colours it, and which badge an outlook is shown with.

Used by the `status_badge` macro (templates/macros/status.html) on web pages and in PDFs.
Indicator status words are the council's own (`status_words`: set up on the status wording
page, defaults from `indicators/status.py`); every page, legend, export and PDF takes them from
here, by the stored status code, which never changes.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

from markupsafe import Markup

from indicators.risks import RiskBand
from indicators.status import RAG_LABELS, ActionStatus, Outlook, Rag, Trend

from .arrows import trend_arrow_html
from .colours import TONE_COLOURS

_OPEN = '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
_CLOSE = "</svg>"
_TICK = (
    '<circle cx="8" cy="8" r="7" fill="currentColor"/>'
    '<path d="M4.5 8.2l2.3 2.3 4.7-5" stroke="#fff" stroke-width="2" fill="none"/>'
)
_TRIANGLE = (
    '<path d="M8 1l7.5 13.5h-15z" fill="currentColor"/>'
    '<path d="M8 5.5v4.5M8 11.5v1.5" stroke="#fff" stroke-width="1.8"/>'
)
_OCTAGON = (
    '<path d="M5 1h6l4 4v6l-4 4H5l-4-4V5z" fill="currentColor"/>'
    '<path d="M5.5 5.5l5 5M10.5 5.5l-5 5" stroke="#fff" stroke-width="1.8"/>'
)
_RING = '<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5"/>'
_HALF = _RING + '<path d="M8 1.5a6.5 6.5 0 0 1 0 13z" fill="currentColor"/>'
_SLASH = _RING + '<path d="M3.5 12.5l9-9" stroke="currentColor" stroke-width="1.5"/>'
_INFO = '<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 7v5M8 4v1.6" stroke="#fff" stroke-width="1.8"/>'
_DASH = _RING + '<path d="M4.5 8h7" stroke="currentColor" stroke-width="1.8"/>'
_GAP = '<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2.5 2"/>'
_CLOCK = _RING + '<path d="M8 4v4.3l2.8 1.7" stroke="currentColor" stroke-width="1.5" fill="none"/>'

SHAPES = {
    "green": _TICK,
    "completed": _TICK,
    "amber": _TRIANGLE,
    "check_progress": _TRIANGLE,
    "unassigned": _TRIANGLE,
    "red": _OCTAGON,
    "overdue": _OCTAGON,
    "neglected": _OCTAGON,
    "in_progress": _HALF,
    "not_started": _RING,
    "cancelled": _SLASH,
    "data_only": _INFO,
    "not_measured": _DASH,
    "not_available": _CLOCK,
    "missing": _GAP,
}
# Constant markup written here, never user input.
ICONS = {code: Markup(_OPEN + shape + _CLOSE) for code, shape in SHAPES.items()}  # noqa: S704
TONES = {
    "green": "good",
    "completed": "good",
    "amber": "warn",
    "check_progress": "warn",
    "unassigned": "warn",
    "red": "bad",
    "overdue": "bad",
    "neglected": "bad",
    "in_progress": "info",
    "not_started": "info",
    "missing": "warn",
}
# An outlook is shown with the badge of the status the projected figure would have.
OUTLOOK_STATUS_CODES = {
    Outlook.LIKELY: "green",
    Outlook.MAY: "amber",
    Outlook.UNLIKELY: "red",
    Outlook.UNKNOWN: "not_measured",
}

# A risk band is shown with the badge of the indicator status of the same urgency.
RISK_BAND_STATUS_CODES = {
    RiskBand.LOW: "green",
    RiskBand.MEDIUM: "amber",
    RiskBand.HIGH: "red",
    RiskBand.VERY_HIGH: "red",
}


@dataclass(frozen=True)
class StatusWords:
    """The council's words for each indicator status category, and the categories summaries list."""

    labels: dict[str, str]
    listed: frozenset[str]

    def __getitem__(self, code: str) -> str:
        return self.labels.get(code) or RAG_LABELS.get(code, code)

    def label(self, rag: Rag | str) -> str:
        return self[str(rag)]


DEFAULT_WORDS = StatusWords({rag.value: label for rag, label in RAG_LABELS.items()}, frozenset(RAG_LABELS))


def status_words() -> StatusWords:
    """The council's current words (one query; the scorecard cache keeps its pages cheap)."""
    from indicators.models import StatusWording  # noqa: PLC0415 - the models need the app registry

    current = StatusWording.current()
    return StatusWords(
        {code: words.label for code, words in current.items()},
        frozenset(code for code, words in current.items() if words.listed),
    )


def status_icon(code: str) -> Markup:
    return ICONS.get(code, ICONS["not_available"])


def status_tone(code: str) -> str:
    """good, warn, bad, info or neutral: the CSS class `tone-...` that colours the status."""
    return TONES.get(code, "neutral")


@functools.lru_cache(maxsize=512)
def status_badge_html(code: str, label: str) -> Markup:
    """The web `status_badge` macro's markup, made once per (status, words) and reused: a large
    scorecard shows thousands of badges, and a macro call per badge was a third of its render.
    The label is escaped as the macro escapes it."""
    return Markup('<span class="status tone-{}">{}<span>{}</span></span>').format(
        status_tone(code), status_icon(code), label
    )


@functools.lru_cache(maxsize=128)
def progress_bar_html(percent: int | None) -> Markup:
    """The web `progress_bar` macro's markup, made once per percentage and reused."""
    if percent is None:
        return Markup('<span class="muted">No update</span>')
    return Markup(
        '<span class="progress"><span class="progress-track" aria-hidden="true"><svg class="progress-fill" '
        'viewBox="0 0 100 1" preserveAspectRatio="none" focusable="false"><rect width="{0}" height="1"/></svg>'
        '</span><span class="progress-text">{0}%</span></span>'
    ).format(percent)


@functools.lru_cache(maxsize=16)
def outlook_badge_html(outlook: Outlook) -> Markup:
    """The web `outlook_badge` macro's markup (`status_badge_html` of its status)."""
    return status_badge_html(OUTLOOK_STATUS_CODES[outlook], outlook.label)


@functools.lru_cache(maxsize=1024)
def indicator_status_cells(rag: Rag, label: str, short_trend: Trend, long_trend: Trend, outlook: Outlook) -> Markup:
    """A scorecard indicator row's status, short trend, long trend and outlook cells, made once per
    combination (as one filter call and one escape in Jinja rather than four of each, on every
    indicator row), indented as the rows around them in `templates/reports/scorecard_body.html`."""
    return Markup("<td>{}</td>\n        <td>{}</td>\n        <td>{}</td>\n        <td>{}</td>").format(
        status_badge_html(rag, label),
        trend_arrow_html(short_trend, "the previous period"),
        trend_arrow_html(long_trend, "the same period last year"),
        outlook_badge_html(outlook),
    )


@functools.lru_cache(maxsize=32)
def action_badge_html(status: ActionStatus | None) -> Markup:
    """An action status's badge (`status_badge_html` with the status's own words); nothing for
    an action without one."""
    if status is None:
        return Markup()
    return status_badge_html(status.value, status.label)


def icon_data_uri(code: str) -> str:
    """The icon as an SVG image in its tone's colour, for PDFs.

    In a PDF each status icon is a CSS background image rather than inline SVG: WeasyPrint
    parses each distinct image once, where it builds a tree for every inline SVG (about 3,000 in
    a large report), and a background is not tagged as a figure that would need alternative
    text (the status word beside it says it all).
    """
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
        + SHAPES.get(code, SHAPES["not_available"])
        + "</svg>"
    ).replace("currentColor", TONE_COLOURS[status_tone(code)])
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@functools.cache
def print_icon_css() -> Markup:
    """One rule per status code giving its icon, for the print stylesheet."""
    rules = [f'.icon-{code}::before {{ background-image: url("{icon_data_uri(code)}"); }}' for code in SHAPES]
    return Markup("\n".join(rules))  # noqa: S704 - constant shapes, no user input
