"""`TextEnum`: the base of our status, polarity and period enums."""

from enum import StrEnum


class TextEnum(StrEnum):
    """A `StrEnum` hashed as the text it equals.

    `Enum` hashes a member by its name, in Python: a member equals its text ("green") yet hashed
    apart from it, and every hash was a Python call. Statuses, trends and frequencies key the
    scorecard's counts and caches thousands of times a page, so they hash as `str` does, in C, and
    a member and its text find the same dict entry."""

    __hash__ = str.__hash__
