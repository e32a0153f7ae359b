"""The web scorecard page, assembled from cached blocks (`cache.py`).

A page is served from the cache while the data versions it was built from hold. When some have
moved, each plan's block whose own version (and "all") still holds is reused with its share of
the summaries; the others are built together in one fixed set of queries (`build.build_blocks`
on a scope narrowed to them) and rendered, and the page's summaries are the sums of all blocks'.
"""

from __future__ import annotations

import datetime as dt
import pickle
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.template import engines
from django.template.loader import render_to_string
from markupsafe import Markup

from indicators.models import Plan
from indicators.periods import Frequency, Period
from reports.presentation.status import status_words

from . import cache
from .build import (
    ACTION_STATUS_ORDER,
    INDICATOR_STATUS_ORDER,
    BlockSummary,
    PlanBlock,
    Scorecard,
    assemble,
    build_blocks,
)
from .filters import Filters
from .load import load_plans, period_choices
from .scope import Scope

BODY = "reports/scorecard_body.html"


@dataclass
class CachedBlock:
    """A plan's block as the cache keeps it: its markup and its share of the summaries."""

    id: int | None
    summary: BlockSummary
    empty: bool
    shown_actions: int
    shown_indicators: int
    html: str = ""
    present: bool = True  # False: the scope has no indicators outside its plans


def scorecard_page(scope: Scope, period: Period | None, filters: Filters) -> tuple[str, str]:
    """(title, body) of the scorecard page of `scope` at `period` (None: its default) with `filters`."""
    choice = [*sorted(filters.statuses), str(filters.owner), filters.query]
    key = cache.page_key([scope.kind, scope.slug, period.key if period else "", *choice])
    versions = cache.scope_versions(scope)
    stamp = cache.version_text(versions)
    entry = cache.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1], entry[2]
    previous: dict[int | None, tuple[str, str, CachedBlock]] = {}
    if entry is not None:
        previous = pickle.loads(zlib.decompress(entry[3]))  # noqa: S301 - written below only

    plans = load_plans(scope)
    choices = period_choices(scope, plans)
    if period is None:
        period = choices.default or Period.containing(dt.date.today(), Frequency.QUARTERLY)
    wanted = {block_id: cache.block_stamp(block_id, versions) for block_id in [*(plan.id for plan in plans), None]}
    kept: dict[int | None, CachedBlock] = {}
    for block_id, (period_key, block_stamp, block) in previous.items():
        if period_key == period.key and wanted.get(block_id) == block_stamp:
            kept[block_id] = block
    stale = [plan for plan in plans if plan.id not in kept]
    fresh: list[PlanBlock] = []
    if stale or None not in kept:
        narrowed = _narrowed(scope, plans, stale, orphans=None not in kept)
        fresh = build_blocks(narrowed, stale, period, filters, with_revisions=True)
    fresh_by_id = {block.id: block for block in fresh}
    if None not in kept and None not in fresh_by_id:
        kept[None] = CachedBlock(None, BlockSummary(), True, 0, 0, present=False)

    blocks: list[PlanBlock | CachedBlock] = [fresh_by_id.get(plan.id) or kept[plan.id] for plan in plans]
    orphans = fresh_by_id.get(None) or kept[None]
    if not isinstance(orphans, CachedBlock) or orphans.present:
        blocks.append(orphans)
    words = status_words()
    card = assemble(scope, period, choices, blocks, filters, words)  # type: ignore[arg-type]
    html = {block_id: Markup(block.html) for block_id, block in kept.items()}  # noqa: S704 - our own markup
    for block in fresh:
        html[block.id] = _render_block(block, card)
        kept[block.id] = CachedBlock(
            block.id, block.summary, block.empty, block.shown_actions, block.shown_indicators, str(html[block.id])
        )
    body = render_to_string(
        BODY,
        {
            "card": card,
            "plan_html": html,
            "indicator_statuses": INDICATOR_STATUS_ORDER,
            "action_statuses": ACTION_STATUS_ORDER,
        },
    )
    title = f"{card.title} – {card.period.label}"
    store = {block_id: (period.key, wanted[block_id], block) for block_id, block in kept.items()}
    blob = zlib.compress(pickle.dumps(store, pickle.HIGHEST_PROTOCOL), 1)
    cache.put(key, (stamp, title, body, blob))
    return title, body


def _narrowed(scope: Scope, plans: Sequence[Plan], stale: Sequence[Plan], *, orphans: bool) -> Scope:
    """`scope` narrowed to the `stale` plans, and (if `orphans`) to its indicators in none of its plans."""
    stale_ids = [plan.id for plan in stale]
    which = Q(plan_id__in=stale_ids)
    if orphans:
        which |= Q(plan__isnull=True) | ~Q(plan_id__in=[plan.id for plan in plans])
    return Scope(
        scope.kind, scope.title, scope.plans.filter(id__in=stale_ids), scope.indicators.filter(which), scope.slug
    )


def _render_block(block: PlanBlock, card: Scorecard) -> Markup:
    """One plan's section of the page: the body template's `plan_section` block, alone."""
    template = engines["jinja2"].env.get_template(BODY)
    context = template.new_context({"card": card, "plan": block})
    return Markup("".join(template.blocks["plan_section"](context)))  # noqa: S704 - autoescaped template output
