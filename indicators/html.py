"""Officers' narrative text, and the HTML every page, PDF and export shows it from.

How narratives are stored (the decision, for issue 15): `ActionUpdate.narrative` holds
**sanitised HTML** (nh3, the few tags committee papers need), because that is what every page,
PDF and export reads, and imports and the set-up screens may bring real HTML (bold, links).
Officers do not write HTML: the update form takes **plain text as they would write an email** —
a blank line between paragraphs, a line starting "- ", "* " or "• " for each bullet — which
`text_to_html` turns into paragraphs and lists, escaping everything typed, so "<5 children &
families" is shown and kept as typed. The officer's own text is kept beside the HTML
(`ActionUpdate.narrative_source`) so a draft reopens exactly as it was typed; an entry written
elsewhere (an import, Set-up, the demo) reopens as `html_to_text` of its HTML. The HTML is always
the record: the typed text is dropped if the HTML is changed by other means.

- `text_to_html`: the form's plain text → sanitised HTML.
- `html_to_text`: sanitised HTML → the same plain-text conventions (for editing and exports).
- `sanitise`: any HTML → the allowed tags only; text with line breaks but no paragraph or list
  markup (an imported cell, a narrative saved before paragraphs were kept) keeps its line
  structure the way `text_to_html` reads it.
- `plain_text`, `truncate`: one line of words, for summaries.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}

# A bullet as people type one: "- item", "* item" or "• item" (pasted from a word processor).
BULLET = re.compile(r"^[ \t]*[-*•][ \t]+(?=\S)")
_STRUCTURE_TAG = re.compile(r"<(?:p|ul|ol|li|br)\b", re.IGNORECASE)
# A web address typed in the text; it becomes a link (trailing punctuation is not part of it).
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def sanitise(text: str) -> str:
    """Keep paragraphs, lists, bold, italics and links; drop scripts, styles and event handlers.

    Text with line breaks and no paragraph, list or line-break tags keeps its structure: blank
    lines separate paragraphs, bullet lines make a list (the conventions of `text_to_html`).
    Sanitising twice changes nothing.
    """
    clean = _clean(text)
    if "\n" in clean.strip() and not _STRUCTURE_TAG.search(clean):
        clean = _clean(_blocks(clean))
    return clean


def _normalise_newlines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _blocks(source: str) -> str:
    """Lines of (escaped or inline-HTML) text as paragraphs and bullet lists.

    A blank line ends a paragraph or list; a bullet line starts or continues a list; an indented
    line straight after a bullet continues that item; any other line break stays a line break.
    """
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []

    def close() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join("<li>" + "<br>".join(item) + "</li>" for item in items) + "</ul>")
            items.clear()

    for line in _normalise_newlines(source).split("\n"):
        if not line.strip():
            close()
        elif bullet := BULLET.match(line):
            if paragraph:
                close()
            items.append([line[bullet.end() :].strip()])
        elif items and line[:1] in (" ", "\t"):
            items[-1].append(line.strip())
        else:
            if items:
                close()
            paragraph.append(line.strip())
    close()
    return "".join(out)


def text_to_html(text: str) -> str:
    """An officer's plain text as sanitised narrative HTML.

    Everything typed is text (a "<" is a less-than sign, never a tag); a blank line separates
    paragraphs; lines starting "- ", "* " or "• " are bullet list items; other line breaks are
    kept; web addresses (http, https) become links. `html_to_text` reads the result back into
    the same conventions.
    """
    escaped = html.escape(_normalise_newlines(text).strip(), quote=False)
    return sanitise(_blocks(_URL.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', escaped)))


class _TextWriter(HTMLParser):
    """Walks sanitised HTML and writes it out as text in `text_to_html`'s conventions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, is a list item)
        self.parts: list[str] = []
        self.lists: list[list] = []  # per open list: [is numbered, items so far]
        self.marker: tuple[str, str] | None = None  # the open item's indent and bullet
        self.link: tuple[str, int] | None = None  # the open link's address, and where its words start

    def _end_block(self) -> None:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if lines and self.marker is not None:
            indent, bullet = self.marker
            self.blocks.append((indent + bullet + f"\n{indent}  ".join(lines), True))
        elif lines:
            self.blocks.append(("\n".join(lines), False))
        self.parts = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "p":
            self._end_block()
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("ul", "ol"):
            self._end_block()
            self.marker = None
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self._end_block()
            numbered, count = self.lists[-1] if self.lists else (False, 0)
            if self.lists:
                self.lists[-1][1] = count + 1
            self.marker = ("  " * max(len(self.lists) - 1, 0), f"{count + 1}. " if numbered else "- ")
        elif tag == "a":
            self.link = (dict(attrs).get("href") or "", len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._end_block()
        elif tag == "li":
            self._end_block()
            self.marker = None
        elif tag in ("ul", "ol"):
            self._end_block()
            self.marker = None
            if self.lists:
                self.lists.pop()
        elif tag == "a" and self.link is not None:
            href, start = self.link
            shown = href.removeprefix("mailto:")
            if shown and shown not in "".join(self.parts[start:]):
                self.parts.append(f" ({shown})")
            self.link = None

    def handle_data(self, data: str) -> None:
        # As a browser shows it: any run of white space in the HTML is one space.
        self.parts.append(_SPACES.sub(" ", data))

    def text(self) -> str:
        self._end_block()
        out: list[str] = []
        previous_item = False
        for text, is_item in self.blocks:
            if out:
                out.append("\n" if is_item and previous_item else "\n\n")
            out.append(text)
            previous_item = is_item
        return "".join(out)


def html_to_text(narrative: str) -> str:
    """Sanitised narrative HTML as plain text, in the conventions the update form takes.

    Paragraphs are separated by a blank line, list items are "- " lines ("1. " in a numbered
    list), line breaks stay line breaks, bold and italics are dropped and a link keeps its
    address in brackets unless its text shows it. `text_to_html` of the result shows the same.
    """
    writer = _TextWriter()
    writer.feed(narrative or "")
    writer.close()
    return writer.text()


def plain_text(text: str, *, sanitised: bool = False) -> str:
    """The words of a narrative without markup, for summaries and search.

    Pass `sanitised=True` for the output of `sanitise`, whose well-formed tags a pattern can strip.
    """
    clean = text if sanitised else sanitise(text)
    # str.split() breaks on exactly the characters `\s` matches, several times faster than a regex.
    return " ".join(html.unescape(_TAG.sub(" ", clean or "")).split())


def truncate(words: str, limit: int = 180) -> str:
    """`words` cut at a word boundary within `limit` characters, with an ellipsis."""
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
