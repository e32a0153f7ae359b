"""Numbers as officers type them: "1,234", "41.8%", " 12 ", "-3.5", "−3.5"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NumberError(ValueError):
    pass


def parse_number(text: str | None) -> Decimal | None:
    """A Decimal from what an officer typed, or None for an empty box.

    Thousands separators must be in the right places ("1,234" but not "12,34"); a trailing "%"
    and spaces around are ignored.
    """
    if text is None:
        return None
    cleaned = str(text).strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if cleaned == "":
        return None
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _PLAIN.match(cleaned):
        raise NumberError(f'"{str(text).strip()}" is not a number. Type a number such as 1,234 or 41.8%.')
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid decimals
        raise NumberError(f'"{text}" is not a number.') from error
