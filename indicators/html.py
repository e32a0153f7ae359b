"""Officers' narrative HTML: the few tags committee papers need, and nothing that runs."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(text: str) -> str:
    """Keep paragraphs, lists, bold, italics and links; drop scripts, styles and event handlers."""
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def plain_text(text: str, *, sanitised: bool = False) -> str:
    """The words of a narrative without markup, for summaries and search.

    Pass `sanitised=True` for the output of `sanitise`, whose well-formed tags a pattern can strip.
    """
    clean = text if sanitised else sanitise(text)
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", clean or ""))).strip()


def truncate(words: str, limit: int = 180) -> str:
    """`words` cut at a word boundary within `limit` characters, with an ellipsis."""
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
