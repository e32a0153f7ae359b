"""Scorecards as spreadsheets: the same rows, statuses and values the page shows (filters included).

Indicator rows carry `indicator_code`, `period` and `value` columns, so an exported scorecard can
be imported again as indicator values.
"""

from __future__ import annotations

import io

import pandas as pd

from indicators.html import html_to_text
from reports.presentation.numbers import plain_number

from .build import Scorecard
from .rows import ActionRow, IndicatorRow


def frames(card: Scorecard) -> tuple[pd.DataFrame, pd.DataFrame]:
    indicators, actions = [], []
    for plan, section, row in card.rows():
        if isinstance(row, IndicatorRow):
            indicators.append(
                {
                    "indicator_code": row.code,
                    "title": row.title,
                    "plan": plan.title,
                    "section": section.title,
                    "period": row.reported_period.label if row.reported_period else "",
                    "value": plain_number(row.value),
                    "unit": row.unit,
                    "target": plain_number(row.target),
                    "status": row.status.label,
                    "short_trend": row.short_trend.label,
                    "long_trend": row.long_trend.label,
                    "outlook": row.outlook.label,
                    "last_year_value": plain_number(row.last_year_value),
                    "owner": row.owner,
                    "commentary": row.commentary,
                    "not_available_reason": row.not_available_reason,
                }
            )
        elif isinstance(row, ActionRow):
            actions.append(
                {
                    "action_code": row.code,
                    "title": row.title,
                    "plan": plan.title,
                    "section": section.title,
                    "group": "yes" if row.is_group else "",
                    "owner": row.owner,
                    "due_date": row.due_date.isoformat() if row.due_date else "",
                    "revised_due_date": row.revised_due_date.isoformat() if row.revised_due_date else "",
                    "progress": "" if row.progress is None else row.progress,
                    "status": row.status_label,
                    "update_period": row.update_period.label if row.update_period else "",
                    # The whole update, its paragraphs and bullets as the officer wrote them.
                    "latest_update": html_to_text(row.narrative_html),
                }
            )
    return pd.DataFrame(indicators), pd.DataFrame(actions)


def to_xlsx(card: Scorecard) -> bytes:
    indicators, actions = frames(card)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        indicators.to_excel(writer, sheet_name="Indicators", index=False)
        actions.to_excel(writer, sheet_name="Actions", index=False)
    return buffer.getvalue()


def to_csv(card: Scorecard) -> bytes:
    indicators, actions = frames(card)
    combined = pd.concat(
        [indicators.assign(kind="indicator"), actions.assign(kind="action")], ignore_index=True, sort=False
    )
    if not combined.empty:
        combined = combined[["kind", *[c for c in combined.columns if c != "kind"]]]
    return combined.to_csv(index=False).encode("utf-8-sig")


def benchmarking_frame(rows) -> pd.DataFrame:
    """The benchmarking overview's rows: (indicator, comparison) pairs, as the page shows them."""
    return pd.DataFrame(
        [
            {
                "indicator_code": indicator.code,
                "benchmark_code": indicator.benchmark_code,
                "title": indicator.title,
                "year": comparison.period.label,
                "better": indicator.get_polarity_display(),
                "our_value": plain_number(comparison.own_value),
                "family_group": comparison.family_group or "",
                "family_average": plain_number(comparison.family_average),
                "family_rank": comparison.family_rank or "",
                "family_size": comparison.family_size,
                "national_average": plain_number(comparison.national_average),
                "national_is_published_figure": "yes" if comparison.national_is_published else "no",
                "national_rank": comparison.national_rank or "",
                "national_size": comparison.national_size,
            }
            for indicator, comparison in rows
        ],
        columns=[
            "indicator_code", "benchmark_code", "title", "year", "better", "our_value", "family_group",
            "family_average", "family_rank", "family_size", "national_average", "national_is_published_figure",
            "national_rank", "national_size",
        ],
    )  # fmt: skip


def frame_download(frame: pd.DataFrame, export: str, sheet: str) -> tuple[bytes, str]:
    """`frame` as CSV or XLSX bytes, with the content type."""
    if export == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig"), "text/csv; charset=utf-8"
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
