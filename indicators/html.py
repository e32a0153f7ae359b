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


_BLOCK_END = re.compile(r"</(p|li|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """The words of a narrative without markup, for summaries and search."""
    cleaned = nh3.clean(_BLOCK_END.sub(" ", text or ""), tags=set())
    return _SPACES.sub(" ", html.unescape(cleaned)).strip()


def shorten(text: str, limit: int = 180) -> str:
    """The first `limit` characters of the plain text, cut at a word, with an ellipsis."""
    words = plain_text(text)
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
