"""Scorecards as spreadsheets: the same rows, statuses and values the page shows (filters included).

Indicator rows carry `indicator_code`, `period` and `value` columns, so an exported scorecard can
be imported again as indicator values.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd

from .builder import ActionRow, IndicatorRow, Scorecard


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


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
                    "value": _number(row.value),
                    "unit": row.unit,
                    "target": _number(row.target),
                    "status": row.status.label,
                    "short_trend": row.short_trend.label,
                    "long_trend": row.long_trend.label,
                    "outlook": row.outlook.label,
                    "last_year_value": _number(row.last_year_value),
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
                    "latest_update": row.narrative_summary,
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
