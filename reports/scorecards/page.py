"""The web scorecard page, assembled from cached blocks (`cache.py`).

A page is served from the cache while the data versions it was built from hold. When some have
moved, each plan's block whose own version (and "all") still holds is reused with its share of
the summaries; the others are built together in one fixed set of queries (`build.build_blocks`
on a scope narrowed to them) and rendered, and the page's summaries are the sums of all blocks'.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.template import engines
from django.template.loader import render_to_string
from jinja2 import nodes
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
    filtered,
)
from .deflate import inflate, squeeze
from .filters import RED_AND_AMBER_QUERY, Filters
from .load import load_plans, period_choices
from .scope import Scope

BODY = "reports/scorecard_body.html"
# What a block's rows are taken to weigh in this process's memory (`cache.remember`): a
# council-wide scorecard's ~2,000 rows held about 3 MB (tracemalloc), a quarter of that pickled.
WHOLE_BLOCK_BYTES = 2_000
WHOLE_ROW_BYTES = 2_000
MARKER = re.compile("\x00perfdash-block:(\\w+)\x00")


@dataclass
class CachedBlock:
    """A plan's block as the cache keeps it: its markup and its share of the summaries."""

    id: int | None
    summary: BlockSummary
    empty: bool
    shown_actions: int
    shown_indicators: int
    html: bytes = b""  # UTF-8, as it is sent, compressed (`deflate.squeeze`)
    present: bool = True  # False: the scope has no indicators outside its plans


@dataclass
class Entry:
    """A cached page: the versions it was built from, its title, and its body as the pieces
    between its blocks (`order`) and the blocks, each with the period and stamp it was built for."""

    stamp: str
    title: str
    pieces: list[bytes]
    order: list[int | None]
    blocks: dict[int | None, tuple[str, str, CachedBlock]]

    def page(self) -> Page:
        parts = [self.pieces[0]]
        for block_id, piece in zip(self.order, self.pieces[1:], strict=True):
            parts += (self.blocks[block_id][2].html, piece)
        deflated = b"".join(parts)
        return Page(self.title, inflate(deflated), deflated)


@dataclass(frozen=True)
class Page:
    """A scorecard page's title and body, the body UTF-8 encoded (a large page is cheaper spliced
    than rendered) and also compressed, ready to send as gzip (`deflate.gzip_around`)."""

    title: str
    body: bytes
    deflated: bytes


def scorecard_page(scope: Scope, period: Period | None, filters: Filters) -> Page:
    """The scorecard page of `scope` at `period` (None: its default) with `filters`."""
    choice = [*sorted(filters.statuses), str(filters.owner), filters.query]
    key = cache.page_key([scope.kind, scope.slug, period.key if period else "", *choice])
    versions = cache.scope_versions(scope)
    stamp = cache.version_text(versions)
    recent_key = f"{key}|{stamp}"
    page: Page | None = cache.recall(recent_key)
    if page is not None:
        return page
    entry: Entry | None = cache.get(key)
    if entry is not None and entry.stamp == stamp:
        page = entry.page()
    else:
        previous = entry.blocks if entry is not None else {}
        with _collector_paused():
            page = _build_page(scope, period, filters, key, versions, stamp, previous)
    cache.remember(recent_key, page, len(page.body) + len(page.deflated))
    return page


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Building a page makes some hundred thousand short-lived objects, none in reference cycles
    worth collecting mid-build: the cyclic garbage collector ran ~160 times per council-wide
    build (about a tenth of its time, more at twice the size). It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build_page(
    scope: Scope,
    period: Period | None,
    filters: Filters,
    key: str,
    versions: dict[str, int],
    stamp: str,
    previous: dict[int | None, tuple[str, str, CachedBlock]],
) -> Page:

    plans = load_plans(scope)
    choices = period_choices(scope, plans)
    if period is None:
        period = choices.default or Period.containing(dt.date.today(), Frequency.QUARTERLY)
    plan_ids = [plan.id for plan in plans]
    wanted = {block_id: cache.block_stamp(block_id, versions, plan_ids) for block_id in [*plan_ids, None]}
    kept: dict[int | None, CachedBlock] = {}
    for block_id, (period_key, block_stamp, block) in previous.items():
        if period_key == period.key and wanted.get(block_id) == block_stamp:
            kept[block_id] = block
    stale = [plan for plan in plans if plan.id not in kept]
    wholes = _whole_blocks(scope, plans, stale, period, None not in kept, wanted)
    fresh = [filtered(block, filters) for block in wholes if block is not None]
    fresh_by_id = {block.id: block for block in fresh}
    if None not in kept and None not in fresh_by_id:
        kept[None] = CachedBlock(None, BlockSummary(), True, 0, 0, present=False)

    blocks: list[PlanBlock | CachedBlock] = [fresh_by_id.get(plan.id) or kept[plan.id] for plan in plans]
    orphans = fresh_by_id.get(None) or kept[None]
    if not isinstance(orphans, CachedBlock) or orphans.present:
        blocks.append(orphans)
    words = status_words()
    card = assemble(scope, period, choices, blocks, filters, words)  # type: ignore[arg-type]
    for block in fresh:
        kept[block.id] = CachedBlock(
            block.id,
            block.summary,
            block.empty,
            block.shown_actions,
            block.shown_indicators,
            squeeze(_render_block(block, card).encode()),
        )
    # The body is rendered with a marker in place of each block, and kept as the pieces between
    # them: the cache holds each block's markup once, and the page is the pieces and blocks joined.
    markers = {block_id: Markup(f"\x00perfdash-block:{block_id}\x00") for block_id in kept}  # noqa: S704
    body = render_to_string(BODY, {**body_context(card), "plan_html": markers})
    pieces = MARKER.split(body)
    blocks_in_order = [kept[None if text == "None" else int(text)] for text in pieces[1::2]]
    entry = Entry(
        stamp,
        f"{card.title} – {card.period.label}",
        [squeeze(piece.encode()) for piece in pieces[::2]],
        [block.id for block in blocks_in_order],
        {block_id: (period.key, wanted[block_id], block) for block_id, block in kept.items()},
    )
    # Its parts are compressed one by one (a changed block once, when built), so the entry
    # itself is stored as it is: a change to one plan compresses that plan's markup only.
    cache.put(key, entry, compress=False)
    return entry.page()


def body_context(card: Scorecard) -> dict[str, Any]:
    """What the body template reads besides the blocks' markup."""
    return {
        "card": card,
        "indicator_statuses": INDICATOR_STATUS_ORDER,
        "action_statuses": ACTION_STATUS_ORDER,
        "red_and_amber_query": RED_AND_AMBER_QUERY,
    }


def _whole_blocks(
    scope: Scope,
    plans: Sequence[Plan],
    stale: Sequence[Plan],
    period: Period,
    orphans: bool,
    wanted: dict[int | None, str],
) -> list[PlanBlock | None]:
    """The `stale` plans' blocks (and, if `orphans`, the block of indicators in no plan: None if
    there are none) with every row, whatever the page's filters: those this process kept while
    their stamps hold, the others built together (`build_blocks` on the narrowed scope) and kept.
    So a filtered page after any other page of its scope and period filters rows already built."""
    found: dict[int | None, PlanBlock | None] = {}
    for block_id in [plan.id for plan in stale] + ([None] if orphans else []):
        kept = cache.recall(_whole_key(scope, period, block_id, wanted[block_id]))
        if kept is not None:
            found[block_id] = kept[0] if kept else None
    missing = [plan for plan in stale if plan.id not in found]
    orphans_missing = orphans and None not in found
    if missing or orphans_missing:
        narrowed = _narrowed(scope, plans, missing, orphans=orphans_missing)
        built = {block.id: block for block in build_blocks(narrowed, missing, period, Filters(), with_revisions=True)}
        for block_id in [plan.id for plan in missing] + ([None] if orphans_missing else []):
            block = found[block_id] = built.get(block_id)
            rows = sum(len(s.actions) + len(s.indicators) for s in block.sections) if block else 0
            # Stored as a list (empty: no such block), as recall's None means "not kept".
            cache.remember(
                _whole_key(scope, period, block_id, wanted[block_id]),
                [block] if block else [],
                WHOLE_BLOCK_BYTES + rows * WHOLE_ROW_BYTES,
            )
    return list(found.values())


def _whole_key(scope: Scope, period: Period, block_id: int | None, stamp: str) -> str:
    return f"scorecard-block:{scope.kind}|{scope.slug}|{period.key}|{block_id}|{stamp}"


def _narrowed(scope: Scope, plans: Sequence[Plan], stale: Sequence[Plan], *, orphans: bool) -> Scope:
    """`scope` narrowed to the `stale` plans, and (if `orphans`) to its indicators in none of its plans."""
    stale_ids = [plan.id for plan in stale]
    which = Q(plan_id__in=stale_ids)
    if orphans:
        which |= Q(plan__isnull=True) | ~Q(plan_id__in=[plan.id for plan in plans])
    return Scope(
        scope.kind, scope.title, scope.plans.filter(id__in=stale_ids), scope.indicators.filter(which), scope.slug
    )


def _render_block(block: PlanBlock, card: Scorecard) -> str:
    """One plan's section of the page: the body template's `plan_section` block, alone, with the
    macros the template imports at its top."""
    env = engines["jinja2"].env
    template = env.get_template(BODY)
    context = template.new_context({**_imported(BODY), "card": card, "plan": block})
    return "".join(template.blocks["plan_section"](context))


@functools.cache
def _imported(name: str) -> dict[str, Any]:
    """What the template `name` imports at its top level (`{% from ... import ... %}` and
    `{% import ... as ... %}`): a block rendered alone does not run those statements."""
    env = engines["jinja2"].env
    found: dict[str, Any] = {}
    for node in env.parse(env.loader.get_source(env, name)[0]).body:
        if isinstance(node, nodes.FromImport) and isinstance(node.template, nodes.Const):
            module = env.get_template(node.template.value).module
            for item in node.names:
                imported, alias = item if isinstance(item, tuple) else (item, item)
                found[alias] = getattr(module, imported)
        elif isinstance(node, nodes.Import) and isinstance(node.template, nodes.Const):
            found[node.target] = env.get_template(node.template.value).module
    return found
