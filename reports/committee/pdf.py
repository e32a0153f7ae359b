"""Committee report PDFs: gather the report data once, render it with the print templates (which
share their macros with the web pages), and lay it out with WeasyPrint as a tagged PDF/UA file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import engines
from django.utils import timezone
from weasyprint import HTML

from indicators.models import ComparatorCouncil, Risk, Service
from indicators.periods import Period
from indicators.risk_register import Register, build_register
from indicators.status import ACTION_STATUS_MEANINGS, GROUP_STATUS_MEANING, RAG_MEANINGS, Rag
from reports.models import CommitteeReport
from reports.scorecards.build import ACTION_STATUS_ORDER, INDICATOR_STATUS_ORDER, Scorecard, build_scorecard
from reports.scorecards.rows import IndicatorRow

from .definitions import APPENDIX_TITLES, report_scope, title_with_period
from .pdfua import repair

PDF_VARIANT = "pdf/ua-1"
HISTORY_PERIODS = 6


@dataclass
class ReportData:
    title: str
    committee: str
    meeting_date: dt.date
    period: Period
    appendices: dict[str, bool]
    order: list[str]  # the included appendices, in the order the performance team chose
    council: str
    logo: str  # path of the council's logo ("" for none), from settings.COUNCIL_LOGO
    version: int  # 1 for the first issue, 2 when re-issued after a withdrawal …
    issue_label: str  # "Draft – not issued", "Re-issued: replaces version 1 of 30 Nov 2022", or ""
    issued_on: dt.date
    scorecard: Scorecard
    red_indicators: list[IndicatorRow]  # the exception reports appendix, in the scorecard's order
    risks: Register | None  # the same register as the web page, with direction of travel and overdue reviews
    generated_at: dt.datetime


def appendix_sequence(order: str, included: dict[str, bool]) -> list[str]:
    """The included appendices in the chosen `order` (names separated by commas or spaces, e.g.
    "summary, risks, indicators"); included ones the order leaves out follow in the usual order.
    Unknown, repeated or excluded names are ignored (the report form rejects them)."""
    chosen = [name for name in re.split(r"[\s,]+", order.lower()) if name]
    sequence = [name for name in dict.fromkeys(chosen) if included.get(name)]
    return sequence + [name for name in APPENDICES if included.get(name) and name not in sequence]


def issue_label(issuing: bool, earlier: Sequence[dt.date]) -> str:
    """What the cover says about this version: a draft is marked as one; an issue after earlier
    issues (withdrawn or not) says which version it replaces; a first issue says nothing more."""
    if not issuing:
        return "Draft – not issued"
    if earlier:
        return f"Re-issued: replaces version {len(earlier)} of {earlier[-1].day} {earlier[-1]:%b %Y}"
    return ""


def council_name() -> str:
    """The council on the cover: settings.COUNCIL_NAME, else the benchmarking "own" council."""
    if settings.COUNCIL_NAME:
        return settings.COUNCIL_NAME
    own = ComparatorCouncil.objects.filter(is_own=True).values_list("name", flat=True).first()
    return own or ""


def build_report_data(
    report: CommitteeReport, issuing: bool = False, services: list[Service] | None = None
) -> ReportData:
    """Everything the report shows, read in a fixed number of queries. `issuing`: the version
    being issued to committee (else a draft); `services`: the services it covers, if already read
    (`definitions.report_services`)."""
    scope = report_scope(report, services)
    included = {
        "summary": report.include_summary,
        "actions": report.include_actions,
        "indicators": report.include_indicators,
        "exceptions": report.include_exceptions,
        "risks": report.include_risks,
    }
    earlier = [issued.date() for issued in report.issues.order_by("issued_at").values_list("issued_at", flat=True)]
    today = timezone.localdate()
    scorecard = build_scorecard(scope, report.period, history=HISTORY_PERIODS, with_exceptions=True)
    risks = None
    if report.include_risks:
        in_scope = Risk.objects.filter(service__in=scope.plans.values("service")).select_related("owner")
        risks = build_register(in_scope, today)
    return ReportData(
        title=report.title,
        committee=report.committee.name,
        meeting_date=report.meeting_date,
        period=report.period,
        appendices=included,
        order=appendix_sequence(report.appendix_order, included),
        council=council_name(),
        logo=settings.COUNCIL_LOGO,
        version=len(earlier) + 1,
        issue_label=issue_label(issuing, earlier),
        issued_on=today,
        scorecard=scorecard,
        red_indicators=[row for row in scorecard.indicator_rows() if row.rag == Rag.RED],
        risks=risks,
        generated_at=dt.datetime.now(dt.UTC),
    )


APPENDICES = tuple(APPENDIX_TITLES)
# The appendices long enough to be laid out on their own when a report is rendered in parts,
# in runs of whole plans of about PART_ROWS rows (a part of 250 rows takes ~300 MB to lay out).
LONG_APPENDICES = ("actions", "indicators")
PART_ROWS = 250


def appendix_numbers(data: ReportData) -> dict[str, int]:
    """Each included appendix's number, in the chosen order."""
    return {key: number for number, key in enumerate(data.order, start=1)}


def render_html(
    data: ReportData,
    shown: Sequence[str] | None = None,
    front: bool = True,
    plan_range: tuple[int | None, int | None] = (None, None),
    continued: bool = False,
) -> str:
    """The report as one HTML document.

    For rendering in parts: `shown` limits it to some appendices, `plan_range` to some of the
    plans of a long appendix, and `continued` says the appendix began in an earlier part.
    """
    numbers = appendix_numbers(data)
    template = engines["jinja2"].get_template("print/report.html")
    running_title = title_with_period(data.title, data.period.label)
    page_css = f"@page {{ @top-left {{ content: {css_string(running_title)}; }} }}"
    if continued and shown:
        # The part goes on with an appendix begun in an earlier part: its running header names it.
        [key] = shown
        heading = f"Appendix {numbers[key]}: {APPENDIX_TITLES[key]}"
        page_css += f"@page {{ @top-right {{ content: {css_string(heading)}; }} }}"
    return without_layout_whitespace(
        template.render(
            {
                "data": data,
                "titles": APPENDIX_TITLES,
                "page_css": page_css,
                "logo_uri": _logo_uri(data.logo),
                "card": data.scorecard,
                "for_print": True,
                "numbers": numbers,
                "shown": set(numbers) if shown is None else set(shown) & set(numbers),
                "front": front,
                "plan_range": plan_range,
                "continued": continued,
                "document_title": running_title,
                "action_statuses": ACTION_STATUS_ORDER,
                "indicator_statuses": INDICATOR_STATUS_ORDER,
                "action_meanings": ACTION_STATUS_MEANINGS,
                "rag_meanings": RAG_MEANINGS,
                "group_meaning": GROUP_STATUS_MEANING,
            }
        )
    )


# Elements laid out as blocks or table parts in the print stylesheet: the white space between
# them and next to them is collapsed away by CSS, yet each run of it is a text box WeasyPrint
# makes, styles and lays out (about a tenth of a report's layout time).
_BLOCK_TAGS = (
    "html|head|body|meta|link|style|title|section|header|footer|div|p|h[1-6]|ul|ol|li|dl|dt|dd|figure|figcaption"
    "|table|caption|colgroup|col|thead|tbody|tfoot|tr|th|td"
)
# CSS collapses these (not a no-break space or other Unicode spaces, which show).
_COLLAPSED = "[ \t\n\r\f]+"
_SPACE_BEFORE_BLOCK = re.compile(rf"{_COLLAPSED}(?=</?(?:{_BLOCK_TAGS})\b)", re.IGNORECASE)
_SPACE_AFTER_BLOCK = re.compile(rf"(<(?:{_BLOCK_TAGS})\b[^>]*>|</(?:{_BLOCK_TAGS})>){_COLLAPSED}", re.IGNORECASE)


def without_layout_whitespace(html: str) -> str:
    """`html` without the white space next to block and table tags, which CSS collapses away:
    the same pages, laid out with fewer boxes. Spaces between inline elements and words stay."""
    return _SPACE_AFTER_BLOCK.sub(r"\1", _SPACE_BEFORE_BLOCK.sub("", html))


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (for generated content)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;–-()&'/" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def _logo_uri(path: str) -> str:
    if not path:
        return ""
    logo = Path(path) if Path(path).is_absolute() else Path(settings.BASE_DIR) / path
    return logo.resolve().as_uri() if logo.is_file() else ""


def _plan_chunks(data: ReportData, key: str) -> list[tuple[int, int]]:
    """Runs of whole plans holding about PART_ROWS rows of a long appendix."""
    chunks, start, rows = [], 0, 0
    plans = data.scorecard.plans
    for index, plan in enumerate(plans):
        rows += sum(len(section.actions if key == "actions" else section.indicators) for section in plan.sections)
        if rows >= PART_ROWS and index + 1 < len(plans):
            chunks.append((start, index + 1))
            start, rows = index + 1, 0
    if rows == 0 and chunks:
        chunks[-1] = (chunks[-1][0], len(plans))  # trailing plans with no rows: no empty part
    else:
        chunks.append((start, len(plans)))
    return chunks


def render_parts(data: ReportData) -> list[str]:
    """The report as separate documents, in order: the front matter with the short appendices
    before the first long one; then each long appendix in runs of whole plans; short appendices
    after a long one share a part."""
    parts: list[str] = []
    pending: list[str] = []
    front = True
    for key in appendix_numbers(data):
        if key not in LONG_APPENDICES:
            pending.append(key)
            continue
        if pending or front:
            parts.append(render_html(data, pending, front))
            pending, front = [], False
        for number, plan_range in enumerate(_plan_chunks(data, key)):
            parts.append(render_html(data, [key], False, plan_range, continued=number > 0))
    if pending or front:
        parts.append(render_html(data, pending, front))
    return parts


def write_pdf(html: str) -> tuple[bytes, int]:
    """The PDF bytes (tagged, PDF/UA-1) and the number of pages."""
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant=PDF_VARIANT)
    return repair(document.write_pdf(pdf_variant=PDF_VARIANT)), len(document.pages)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Period):
        return value.key
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(data: ReportData) -> dict:
    """The report data as JSON-ready values, to be stored with an issued report."""
    return json.loads(json.dumps(_plain(data)))
