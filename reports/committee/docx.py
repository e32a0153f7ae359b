"""A committee report as a Word document, for councils whose committee system takes Word.

Made from the report's data as `pdf.snapshot` stores it with an issued report (plain JSON
values), so an issued report's .docx is made from exactly what was issued, years later, and a
draft's from the data now. The same appendices, in the same chosen order, as the PDF; real
headings (the Navigation pane and contents follow them) and real tables whose header rows repeat
on every page. Statuses are words (with the arrow of a trend), never colour alone.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.run import Run

from indicators.html import plain_text
from indicators.periods import period_from_key
from indicators.risks import Direction, RiskBand
from indicators.status import (
    ACTION_STATUS_MEANINGS,
    GROUP_STATUS_MEANING,
    RAG_MEANINGS,
    ActionStatus,
    Outlook,
    Trend,
    target_note,
)
from reports.presentation.arrows import DIRECTION_ARROWS, TREND_ARROWS
from reports.presentation.colours import MUTED
from reports.presentation.numbers import format_number, plural
from reports.presentation.status import DEFAULT_WORDS
from reports.scorecards.build import ACTION_STATUS_ORDER, INDICATOR_STATUS_ORDER

from .definitions import APPENDIX_TITLES, title_with_period

Snapshot = dict[str, Any]
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "en-GB"


def write_docx(data: Snapshot, notice: str = "") -> bytes:
    """The report (`pdf.snapshot(build_report_data(...))` or an issued report's `data`) as .docx;
    `notice` (e.g. a withdrawal) is printed on the cover and in every footer."""
    data = with_defaults(data)
    document = Document()
    _set_up(document, data, notice)
    _cover(document, data, notice)
    _how_to_read(document, data)
    for number, key in enumerate(data["order"], start=1):
        document.add_page_break()
        _heading(document, f"Appendix {number}: {APPENDIX_TITLES[key]}", 1)
        APPENDICES[key](document, data)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Snapshots of every age ------------------------------------------------------------------------

# What each level of a snapshot holds when an older format left it out: a report issued years ago
# is read with today's code.
_REPORT = {"council": "", "version": 1, "issue_label": "", "red_indicators": [], "risks": None}
_CARD = {"indicator_summary": [], "action_summary": [], "plans": []}
_PLAN = {"id": None, "status": None, "progress": None, "sections": []}
_SECTION = {"category": "", "actions": [], "indicators": []}
_ACTION = {"depth": 0, "is_group": False, "owner": "", "due_date": None, "revised_due_date": None,
           "update_period": None, "narrative_html": "", "progress": None, "status": None}  # fmt: skip
_INDICATOR = {"unit": "", "decimal_places": 0, "frequency": "quarterly", "reported_period": None, "value": None,
              "target": None, "last_year_value": None, "short_trend": "no_comparison", "long_trend": "no_comparison",
              "outlook": "unknown", "commentary": "", "not_available_reason": "", "target_year": None,
              "target_share": "1", "series": [], "exception": None}  # fmt: skip


def with_defaults(data: Snapshot) -> Snapshot:
    """A copy of `data` with every key this module reads, whatever format it was stored in."""
    data = {**_REPORT, **data}
    data.setdefault("issued_on", str(data.get("generated_at", ""))[:10] or None)
    data.setdefault("order", [key for key, included in data.get("appendices", {}).items() if included])
    card = {**_CARD, **data["scorecard"]}
    card.setdefault("last_year_period", period_from_key(card["period"]).same_period_last_year().key)
    card.setdefault("words", {"labels": dict(DEFAULT_WORDS.labels)})
    card["words"] = {**card["words"], "labels": {**DEFAULT_WORDS.labels, **card["words"].get("labels", {})}}
    card.setdefault("indicators_covered", sum(int(row["count"]) for row in card["indicator_summary"]))
    card.setdefault(
        "indicators_covered_last_year", sum(int(row.get("last_year") or 0) for row in card["indicator_summary"])
    )
    card["plans"] = [
        {
            **_PLAN,
            **plan,
            "sections": [
                {
                    **_SECTION,
                    **section,
                    "actions": [{**_ACTION, **a} for a in section.get("actions", [])],
                    "indicators": [_indicator(i) for i in section.get("indicators", [])],
                }
                for section in plan.get("sections", [])
            ],
        }
        for plan in card["plans"]
    ]
    data["scorecard"] = card
    data["red_indicators"] = [_indicator(i) for i in data["red_indicators"]]
    return data


def _indicator(indicator: dict) -> dict:
    found = {**_INDICATOR, **indicator}
    found.setdefault("status", {"rag": found.get("rag", "missing")})
    return found


# The document ---------------------------------------------------------------------------------


def _set_up(document, data: Snapshot, notice: str) -> None:
    properties = document.core_properties
    properties.title = title_with_period(data["title"], _period(data["period"]))
    properties.author = data["committee"]
    properties.subject = f"Performance report to {data['committee']}, meeting of {_date(data['meeting_date'])}"
    properties.language = LANGUAGE
    section = document.sections[0]
    # Landscape, as the PDF's appendices: the scorecard tables have many columns.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    document.styles["Table Grid"].font.size = Pt(9)
    # The language screen readers and spell checkers use, on the default run style.
    defaults = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    defaults.append(lang)
    footer = section.footer.paragraphs[0]
    footer.text = title_with_period(data["title"], _period(data["period"]))
    for label in (data.get("issue_label"), notice):
        if label:
            footer.text += f" – {label}"


def _cover(document, data: Snapshot, notice: str) -> None:
    if data.get("council"):
        document.add_paragraph(data["council"]).runs[0].font.size = Pt(14)
    _heading(document, data["title"], 0)
    facts = [
        ("Committee", data["committee"]),
        ("Meeting", _date(data["meeting_date"])),
        ("Period", _period(data["period"], long=True)),
        ("Issued" if "Draft" not in (data.get("issue_label") or "") else "Made", _date(data["issued_on"])),
        ("Version", str(data["version"])),
    ]
    table = _table(document, ["", ""], [Cm(4), Cm(18)], header=False)
    for name, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, value
        cells[0].paragraphs[0].runs[0].bold = True
    for text in (data.get("issue_label"), notice):
        if text:
            label = document.add_paragraph().add_run(text)
            label.bold, label.font.size = True, Pt(14)
    _heading(document, "Contents", 2)
    for number, key in enumerate(data["order"], start=1):
        _paragraph(document, f"Appendix {number}: {APPENDIX_TITLES[key]}", "List Number")


def _how_to_read(document, data: Snapshot) -> None:
    """The statuses explained as the PDF explains them (`status.ACTION_STATUS_MEANINGS`,
    `RAG_MEANINGS`), in the council's words for indicator statuses."""
    _heading(document, "How to read this report", 2)
    words = data["scorecard"]["words"]["labels"]
    document.add_paragraph(
        f"Each appendix covers {_period(data['period'], long=True)}. Every status is given in words."
    )
    _heading(document, "Actions", 3)
    for status in ACTION_STATUS_ORDER:
        _paragraph(document, f"{status.label}: {ACTION_STATUS_MEANINGS[status]}", "List Bullet")
    document.add_paragraph(GROUP_STATUS_MEANING)
    _heading(document, "Indicators", 3)
    for rag in INDICATOR_STATUS_ORDER:
        _paragraph(document, f"{words.get(rag.value, rag.label)}: {RAG_MEANINGS[rag]}", "List Bullet")
    trends = ", ".join(f"{TREND_ARROWS[t]} {t.label}" for t in (Trend.IMPROVING, Trend.SUSTAINED, Trend.DECLINING))
    document.add_paragraph(
        f"Trends compare the value with the previous period (short) and the same period last year (long): {trends}."
    )


# Appendices -----------------------------------------------------------------------------------


def _summary(document, data: Snapshot) -> None:
    card = data["scorecard"]
    now, then = _period(card["period"]), _period(card["last_year_period"])
    for caption, rows, total_label, total, total_then in (
        ("Indicators by status", card["indicator_summary"], "Measures covered", card["indicators_covered"],
         card["indicators_covered_last_year"]),
        ("Actions by status", card["action_summary"], "Total", sum(int(r["count"]) for r in card["action_summary"]),
         sum(int(r["last_year"] or 0) for r in card["action_summary"])),
    ):  # fmt: skip
        _caption(document, caption)
        table = _table(document, ["Status", now, then], [Cm(8), Cm(3), Cm(3)])
        for row in rows:
            _row(table, [row["label"], str(row["count"]), _text(row["last_year"])])
        _row(table, [total_label, str(total), str(total_then)], bold=True)


def _actions(document, data: Snapshot) -> None:
    headers = ["Code", "Action", "Owner", "Due", "Latest update", "Progress", "Status"]
    widths = [Cm(2.4), Cm(5.4), Cm(2.6), Cm(2.4), Cm(9.2), Cm(2.0), Cm(2.7)]
    for plan in data["scorecard"]["plans"]:
        sections = [s for s in plan["sections"] if s["actions"]]
        if not plan["id"] or not sections:
            continue
        _heading(document, plan["title"], 2)
        status = ActionStatus(plan["status"]).label if plan["status"] else "No actions"
        document.add_paragraph(f"Overall plan progress: {_percent(plan['progress'])} – {status}")
        for section in sections:
            _caption(document, _section_title(section))
            table = _table(document, headers, widths)
            for action in section["actions"]:
                due = _date(action["due_date"], short=True)
                if action["revised_due_date"]:
                    due += f"\nRevised {_date(action['revised_due_date'], short=True)}"
                update = plain_text(action["narrative_html"], sanitised=True)
                if action["update_period"]:
                    update = (
                        f"{_period(action['update_period'])}: {update}" if update else _period(action["update_period"])
                    )
                status = ActionStatus(action["status"]).label if action["status"] else ""
                indent = "    " * int(action["depth"])
                _row(table, [action["code"], indent + action["title"], action["owner"], due, update,
                             _percent(action["progress"]), status], bold=action["is_group"], named=True)  # fmt: skip


def _indicators(document, data: Snapshot) -> None:
    card = data["scorecard"]
    words = card["words"]["labels"]
    headers = ["Code", "Indicator", "Value", "Target", "Status", "Short trend", "Long trend", "Outlook", "Last year",
               "Commentary"]  # fmt: skip
    widths = [Cm(2.4), Cm(4.6), Cm(2.2), Cm(2.2), Cm(2.4), Cm(2.3), Cm(2.3), Cm(2.3), Cm(2), Cm(4)]
    resting: list[tuple[dict, dict]] = []
    for plan in card["plans"]:
        for section in plan["sections"]:
            measured = [i for i in section["indicators"] if i["status"]["rag"] != "not_measured"]
            resting += [(plan, i) for i in section["indicators"] if i["status"]["rag"] == "not_measured"]
            if not measured:
                continue
            _caption(document, f"{plan['title']} – {section['title']}")
            table = _table(document, headers, widths)
            for i in measured:
                title = i["title"]
                if i["reported_period"] and i["reported_period"] != card["period"]:
                    title += f" ({_period(i['reported_period'])})"
                value = _figure(i, "value") if i["value"] is not None else (i["not_available_reason"] or "–")
                target = _figure(i, "target")
                if i.get("target_year"):
                    target += f"\n{_target_note(i)}"
                _row(table, [
                    i["code"], title, value, target, words[i["status"]["rag"]], _trend(i["short_trend"]),
                    _trend(i["long_trend"]), Outlook(i["outlook"]).label, _figure(i, "last_year_value"),
                    i["commentary"],
                ], named=True)  # fmt: skip
    if resting:
        count = len(resting)
        _caption(document, f"{words['not_measured']} ({count} {plural('indicator', count)})")
        table = _table(document, ["Code", "Indicator", "Plan", "Reported", "Latest value"],
                       [Cm(2.5), Cm(10), Cm(8), Cm(2.5), Cm(3.7)])  # fmt: skip
        for plan, i in resting:
            known = [point for point in i["series"] if point[1] is not None]
            latest = f"{_number(known[-1][1], i)} ({known[-1][0]})" if known else "None yet"
            frequency = i["frequency"].replace("_", "-").capitalize()
            _row(table, [i["code"], i["title"], plan["title"], frequency, latest], named=True)


def _exceptions(document, data: Snapshot) -> None:
    if not data["red_indicators"]:
        red = data["scorecard"]["words"]["labels"]["red"]
        document.add_paragraph(f"No indicator is “{red}” this period.")
    for i in data["red_indicators"]:
        _heading(
            document, f"{i['code']} {i['title']}: {_figure(i, 'value')} against a target of {_figure(i, 'target')}", 2
        )
        report = i.get("exception")
        if not report:
            document.add_paragraph().add_run("No exception report has been provided.").bold = True
            continue
        for name, key in (
            ("How we are performing", "performance"),
            ("Improvement actions", "improvement_actions"),
            ("Timescale", "timescale"),
            ("Resource implications", "resource_implications"),
        ):
            _heading(document, name, 3)
            document.add_paragraph(report.get(key) or "None")


def _risks(document, data: Snapshot) -> None:
    register = data.get("risks")
    if not register or not register["rows"]:
        document.add_paragraph("No risks are recorded for these services.")
        return
    _caption(document, "Risks by likelihood (rows) and impact (columns): the number of risks in each cell")
    table = _table(document, ["Likelihood", *(f"Impact {n}" for n in range(1, 6))], [Cm(3)] + [Cm(2.2)] * 5)
    for line in register["grid"]:
        _row(table, [f"Likelihood {line[0]['likelihood']}", *(_text(cell["count"] or "") for cell in line)], named=True)
    count = len(register["rows"])
    _caption(document, f"Risk register ({count} {plural('risk', count)})")
    headers = ["Reference", "Risk", "Owner", "Score now", "Band", "Direction", "Target score", "Controls",
               "Latest position", "Review"]  # fmt: skip
    widths = [Cm(2.4), Cm(4.4), Cm(2.4), Cm(1.8), Cm(2), Cm(2.4), Cm(1.6), Cm(4.3), Cm(4.3), Cm(2.4)]
    table = _table(document, headers, widths)
    for risk in register["rows"]:
        direction = Direction(risk["direction"])
        review = _date(risk["review_date"], short=True) + ("\nOverdue" if risk["overdue"] else "")
        _row(table, [
            risk["reference"], risk["title"], risk["owner"],
            f"{risk['score']} ({risk['likelihood']} × {risk['impact']})", RiskBand(risk["band"]).label,
            f"{DIRECTION_ARROWS[direction]} {direction.label}", _text(risk["target_score"]), risk["controls"],
            risk["latest_position"], review,
        ], named=True)  # fmt: skip


APPENDICES = {
    "summary": _summary,
    "actions": _actions,
    "indicators": _indicators,
    "exceptions": _exceptions,
    "risks": _risks,
}


# Tables ---------------------------------------------------------------------------------------


def _table(document, headers: Sequence[str], widths: Sequence[Cm], header: bool = True) -> Table:
    """A table with fixed column widths and, if `header`, a header row repeated on every page
    (and read as the table's header by screen readers). Made through python-docx once per
    document for each set of headers and widths, then copied: a large report has a hundred
    tables of a few kinds, and python-docx takes milliseconds to set each column's width."""
    kind = (tuple(headers), tuple(widths), header)
    made = _made_once(document.part, "tables")
    if kind in made:
        element = copy.deepcopy(made[kind])
        document.element.body._insert_tbl(element)  # noqa: SLF001 - as python-docx's add_table
        table = Table(element, document._body)  # noqa: SLF001
    else:
        table = _new_table(document, headers, widths, header)
        made[kind] = copy.deepcopy(table._tbl)  # noqa: SLF001
    table._widths = widths  # noqa: SLF001 - rows added later take the same widths
    return table


def _new_table(document, headers: Sequence[str], widths: Sequence[Cm], header: bool) -> Table:
    table = document.add_table(rows=0, cols=len(headers))
    table._tbl.tblStyle_val = _style_id(document, "Table Grid", WD_STYLE_TYPE.TABLE)  # noqa: SLF001
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True if text else None
        properties = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def _row(table: Table, texts: Sequence[str], bold: bool = False, named: bool = False) -> None:
    """A row of `texts`: every cell's in bold if `bold`, and the second's (the row's name, as the
    PDF's row headers) if `named`.

    The row is a copy of a blank row of its kind (made through python-docx once per document),
    with each cell's text written in: python-docx's API takes about 2 ms a row, as it finds each
    element's place in the schema again, and a large report has thousands of rows."""
    kind = (tuple(table._widths), bold, named)  # noqa: SLF001
    blank = _made_once(table.part, "rows")
    if kind not in blank:
        blank[kind] = _blank_row(table, bold, named)
    row = copy.deepcopy(blank[kind])
    table._tbl.append(row)  # noqa: SLF001 - rows are the table's last elements
    for cell, text in zip(row.tc_lst, texts, strict=True):
        if text:
            _write(cell.p_lst[0].r_lst[0], text)


def _blank_row(table, bold: bool, named: bool):
    """A row of empty cells as python-docx makes it (`cell.text = ""`), taken out of the table."""
    cells = table.add_row().cells
    for number, (cell, width) in enumerate(zip(cells, table._widths, strict=True)):  # noqa: SLF001
        cell.width = width
        cell.text = ""
        if bold or (named and number == 1):
            cell.paragraphs[0].runs[0].bold = True
    row = cells[0]._tc.getparent()  # noqa: SLF001
    row.getparent().remove(row)
    return row


def _write(run, text: str) -> None:
    """`text` into an empty run, as python-docx's `run.text = text` writes it; text with tabs or
    line breaks through python-docx itself, which makes them elements of their own."""
    if "\t" in text or "\n" in text or "\r" in text:
        Run(run, None).text = text
        return
    element = OxmlElement("w:t")
    element.text = text
    if len(text.strip()) < len(text):
        element.set(qn("xml:space"), "preserve")
    run.append(element)


def _caption(document, text: str) -> None:
    paragraph = _paragraph(document, "", "Caption")
    run = paragraph.add_run(text)
    run.font.color.rgb = RGBColor.from_string(MUTED.removeprefix("#").upper())
    run.font.size = Pt(10)
    paragraph.paragraph_format.keep_with_next = True


def _heading(document, text: str, level: int):
    """`document.add_heading`, with its style looked up once (`_style_id`)."""
    return _paragraph(document, text, "Title" if level == 0 else f"Heading {level}")


def _paragraph(document, text: str, style: str):
    """`document.add_paragraph(text, style)`, with the style looked up once (`_style_id`)."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = _style_id(document, style, WD_STYLE_TYPE.PARAGRAPH)  # noqa: SLF001
    return paragraph


def _style_id(document, name: str, kind: WD_STYLE_TYPE) -> str | None:
    """The id python-docx gives the style `name` (None for the default style of its kind), found
    once per document: python-docx reads through every style on every use (about 1.5 ms)."""
    found = _made_once(document.part, "style ids")
    if (name, kind) not in found:
        found[(name, kind)] = document.part.get_style_id(name, kind)
    return found[(name, kind)]


def _made_once(part, what: str) -> dict:
    """What this module made once for a document (its main `part`, which its tables share) and
    copies or reuses, by kind."""
    return part.__dict__.setdefault("_perfdash_made_once", {}).setdefault(what, {})


# Words ----------------------------------------------------------------------------------------


def _period(key: str, long: bool = False) -> str:
    period = period_from_key(key)
    return period.long_label if long else period.label


def _date(iso: str | None, short: bool = False) -> str:
    """ "30 November 2022" (or in tables, `short`: "30 Nov 2022"); "" for none."""
    if not iso or iso == "None":
        return ""
    day = dt.date.fromisoformat(str(iso)[:10])
    return f"{day.day} {day:%b %Y}" if short else f"{day.day} {day:%B %Y}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _percent(value: Any) -> str:
    return "–" if value is None else f"{value}%"


def _number(value: Any, indicator: dict) -> str:
    return format_number(None if value is None else Decimal(str(value)), int(indicator["decimal_places"]),
                         indicator["unit"])  # fmt: skip


def _figure(indicator: dict, name: str) -> str:
    return _number(indicator.get(name), indicator)


def _target_note(indicator: dict) -> str:
    return target_note(period_from_key(indicator["target_year"]), Decimal(str(indicator.get("target_share") or 1)))


def _trend(value: str) -> str:
    trend = Trend(value)
    return f"{TREND_ARROWS[trend]} {trend.label}"


def _section_title(section: dict) -> str:
    return f"{section['category']}: {section['title']}" if section["category"] else section["title"]
