"""Reporting periods on the UK financial year (1 April to 31 March).

A financial year is written "2022/23" and runs 1 April 2022 to 31 March 2023. Within it:

- quarters: Q1 = April-June, Q2 = July-September, Q3 = October-December, Q4 = January-March;
- half years: H1 = April-September, H2 = October-March;
- months, numbered from April (month 1) to March (month 12) and written "Sep 2022".

Everything here is pure: no database, no clock. A `Period` is stored in the database by its
`key` ("2022/23-Q2"), which sorts correctly among periods of the same frequency.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum

_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    ANNUAL = "annual"

    def __init__(self, value: str) -> None:
        # Read for every period in every status and trend: plain attributes, not properties.
        self.months: int = _MONTHS[value]
        self.per_year: int = 12 // self.months

    @property
    def key_code(self) -> str:
        """The code of its periods' stored keys ("Q" in "2022/23-Q2", "FY" in "2022/23-FY")."""
        return _KEY_CODES[self]

    @property
    def label(self) -> str:
        return {
            "monthly": "Monthly",
            "quarterly": "Quarterly",
            "half_yearly": "Half-yearly",
            "annual": "Annual",
        }[self.value]


_KEY_CODES = {
    Frequency.MONTHLY: "M",
    Frequency.QUARTERLY: "Q",
    Frequency.HALF_YEARLY: "H",
    Frequency.ANNUAL: "FY",
}
_MONTH_ABBRS = [calendar.month_abbr[m] for m in range(13)]
_MONTH_NAMES = [calendar.month_name[m] for m in range(13)]


class PeriodError(ValueError):
    """A period label that cannot be understood."""


@dataclass(frozen=True)
class Period:
    """One reporting period.

    `year` is the first calendar year of the financial year (2022 for 2022/23); `index` counts
    from 1 within the year (month 1 is April, quarter 1 is April-June, half 1 is April-September).
    """

    year: int
    frequency: Frequency
    index: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.frequency.per_year:
            raise PeriodError(f"{self.frequency.label} period number must be 1-{self.frequency.per_year}")
        if not 1900 <= self.year <= 2200:
            raise PeriodError(f"Year {self.year} is out of range")

    # Construction -------------------------------------------------------------------------

    @classmethod
    def quarter(cls, year: int, index: int) -> Period:
        return cls(year, Frequency.QUARTERLY, index)

    @classmethod
    def half(cls, year: int, index: int) -> Period:
        return cls(year, Frequency.HALF_YEARLY, index)

    @classmethod
    def financial_year(cls, year: int) -> Period:
        return cls(year, Frequency.ANNUAL, 1)

    @classmethod
    def month(cls, calendar_year: int, calendar_month: int) -> Period:
        """The month period for a calendar month, e.g. month(2022, 9) is Sep 2022 (2022/23 M6)."""
        if calendar_month >= 4:
            return cls(calendar_year, Frequency.MONTHLY, calendar_month - 3)
        return cls(calendar_year - 1, Frequency.MONTHLY, calendar_month + 9)

    @classmethod
    def containing(cls, day: dt.date, frequency: Frequency) -> Period:
        """The period of `frequency` that contains `day`."""
        year = day.year if day.month >= 4 else day.year - 1
        month_index = (day.month - 4) % 12 + 1
        return cls(year, frequency, (month_index - 1) // frequency.months + 1)

    # Dates -------------------------------------------------------------------------------

    @functools.cached_property
    def start(self) -> dt.date:
        first_month_index = (self.index - 1) * self.frequency.months + 1
        return _month_index_to_date(self.year, first_month_index)

    @functools.cached_property
    def end(self) -> dt.date:
        last_month_index = self.index * self.frequency.months
        first = _month_index_to_date(self.year, last_month_index)
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    # Labels -----------------------------------------------------------------------------

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @functools.cached_property
    def label(self) -> str:
        """The short label councils use: "Q2 2022/23", "H1 2022/23", "2022/23", "Sep 2022"."""
        if self.frequency is Frequency.ANNUAL:
            return self.year_label
        if self.frequency is Frequency.MONTHLY:
            return f"{_MONTH_ABBRS[self.start.month]} {self.start.year}"
        return f"{_KEY_CODES[self.frequency]}{self.index} {self.year_label}"

    @property
    def long_label(self) -> str:
        """A label for headings: "Quarter 2 2022/23 (July to September 2022)"."""
        if self.frequency is Frequency.MONTHLY:
            return f"{_MONTH_NAMES[self.start.month]} {self.start.year}"
        span = f"{_MONTH_NAMES[self.start.month]} {self.start.year} to {_MONTH_NAMES[self.end.month]} {self.end.year}"
        if self.frequency is Frequency.ANNUAL:
            return f"Financial year {self.year_label} ({span})"
        if self.start.year == self.end.year:
            span = f"{_MONTH_NAMES[self.start.month]} to {_MONTH_NAMES[self.end.month]} {self.end.year}"
        name = "Quarter" if self.frequency is Frequency.QUARTERLY else "Half year"
        return f"{name} {self.index} {self.year_label} ({span})"

    @functools.cached_property
    def key(self) -> str:
        """The stored form, e.g. "2022/23-Q2", "2022/23-M06", "2022/23-FY"."""
        code = _KEY_CODES[self.frequency]
        if self.frequency is Frequency.ANNUAL:
            return f"{self.year_label}-FY"
        if self.frequency is Frequency.MONTHLY:
            return f"{self.year_label}-M{self.index:02d}"
        return f"{self.year_label}-{code}{self.index}"

    @property
    def slug(self) -> str:
        """The key in a form fit for URLs: "2022-23-Q2"."""
        return self.key.replace("/", "-")

    def __str__(self) -> str:
        return self.label

    # Navigation -------------------------------------------------------------------------

    def _sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)

    def __lt__(self, other: Period) -> bool:
        return self._sort_key() < other._sort_key()

    def __le__(self, other: Period) -> bool:
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: Period) -> bool:
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: Period) -> bool:
        return self._sort_key() >= other._sort_key()

    def previous(self) -> Period:
        """The period of the same frequency immediately before this one."""
        if self.index > 1:
            return Period(self.year, self.frequency, self.index - 1)
        return Period(self.year - 1, self.frequency, self.frequency.per_year)

    def next(self) -> Period:
        if self.index < self.frequency.per_year:
            return Period(self.year, self.frequency, self.index + 1)
        return Period(self.year + 1, self.frequency, 1)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.frequency, self.index)

    def financial_year_period(self) -> Period:
        return Period.financial_year(self.year)

    def as_frequency(self, frequency: Frequency) -> Period | None:
        """The period of `frequency` that ends when this one ends, if there is one.

        At Q2 a half-yearly measure reports H1 and a monthly one reports September; an annual
        measure has no period ending at Q2, so it is "not measured this period".
        """
        candidate = Period.containing(self.end, frequency)
        return candidate if candidate.end == self.end else None

    def year_to_date(self) -> list[Period]:
        """This period and the earlier ones of the same frequency in its financial year."""
        return [Period(self.year, self.frequency, i) for i in range(1, self.index + 1)]

    def subperiods(self, frequency: Frequency) -> list[Period]:
        """The periods of a shorter `frequency` that make up this one (Q2 -> Jul, Aug, Sep)."""
        if frequency.months > self.frequency.months:
            raise PeriodError("Sub-periods must be shorter than the period")
        per = self.frequency.months // frequency.months
        first = (self.index - 1) * per + 1
        return [Period(self.year, frequency, i) for i in range(first, first + per)]

    # Parsing ----------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period as councils write it.

        Accepted: "Q2 2022/23", "2022/23 Q2", "Quarter 2 2022/23", "H1 2022/23",
        "Half year 1 2022-23", "2022/23", "2022-2023", "FY 2022/23", "Sep 2022",
        "September 2022", "2022-09" and the stored keys ("2022/23-Q2", "2022/23-M06").
        """
        raw = " ".join(str(text).split())
        if not raw:
            raise PeriodError("A period is required")
        cleaned = raw.replace("–", "-").replace("—", "-")

        month = _parse_month(cleaned)
        if month is not None:
            return month

        match = _YEAR_RE.search(cleaned)
        if not match:
            raise PeriodError(f'"{raw}" is not a period such as "Q2 2022/23", "2022/23" or "Sep 2022"')
        year = int(match.group("first"))
        second = match.group("second")
        expected = year + 1
        if int(second) not in (expected % 100, expected):
            raise PeriodError(f'"{raw}": a financial year runs over two consecutive years, e.g. 2022/23')
        rest = (cleaned[: match.start()] + " " + cleaned[match.end() :]).strip(" -").upper()
        rest = " ".join(rest.split())

        if rest in ("", "FY", "YEAR", "FINANCIAL YEAR"):
            return cls.financial_year(year)
        for pattern, frequency in _PART_PATTERNS:
            part = pattern.fullmatch(rest)
            if part:
                index = int(part.group("n"))
                if not 1 <= index <= frequency.per_year:
                    raise PeriodError(f'"{raw}": there is no {frequency.label.lower()} period {index}')
                return cls(year, frequency, index)
        raise PeriodError(f'"{raw}" is not a period such as "Q2 2022/23", "2022/23" or "Sep 2022"')


_YEAR_RE = re.compile(r"(?<!\d)(?P<first>(19|20|21)\d\d)\s*[/-]\s*(?P<second>\d{2}|\d{4})(?!\d)")
_PART_PATTERNS = [
    (re.compile(r"(Q|QUARTER|QTR)\s*(?P<n>\d+)"), Frequency.QUARTERLY),
    (re.compile(r"(H|HALF|HALF YEAR|HY)\s*(?P<n>\d+)"), Frequency.HALF_YEARLY),
    (re.compile(r"(M|MONTH)\s*(?P<n>\d+)"), Frequency.MONTHLY),
]
# Full names, three-letter abbreviations, and "Sept", as British spreadsheets often write it.
_MONTH_LOOKUP = (
    {name.upper(): i for i, name in enumerate(_MONTH_NAMES) if name}
    | {abbr.upper(): i for i, abbr in enumerate(_MONTH_ABBRS) if abbr}
    | {"SEPT": 9}
)
_MONTH_RE = re.compile(r"(?P<name>[A-Za-z]+)\.?\s*-?\s*(?P<year>\d{4}|\d{2})")
_ISO_MONTH_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")


def _parse_month(text: str) -> Period | None:
    iso = _ISO_MONTH_RE.fullmatch(text)
    if iso:
        year, month = int(iso.group("year")), int(iso.group("month"))
        # "2008-09" is how councils write the financial year 2008/09, so that reading wins.
        if month == (year + 1) % 100 or not 1 <= month <= 12:
            return None
        return Period.month(year, month)
    named = _MONTH_RE.fullmatch(text)
    if named and named.group("name").upper() in _MONTH_LOOKUP:
        year = int(named.group("year"))
        if year < 100:
            year += 2000
        return Period.month(year, _MONTH_LOOKUP[named.group("name").upper()])
    return None


def _month_index_to_date(year: int, month_index: int) -> dt.date:
    calendar_month = (month_index + 2) % 12 + 1
    calendar_year = year if calendar_month >= 4 else year + 1
    return dt.date(calendar_year, calendar_month, 1)


@functools.lru_cache(maxsize=4096)
def period_from_key(key: str) -> Period:
    """The inverse of `Period.key`; cached, as every stored period passes through it."""
    return Period.parse(key)


@dataclass(frozen=True)
class ReportingPeriods:
    """The periods an indicator of one frequency is judged on when reporting at a given period."""

    reported: Period
    previous: Period
    last_year: Period
    year_to_date: tuple[Period, ...]
    year: Period
    history: tuple[Period, ...] = ()

    @classmethod
    def at(cls, period: Period, frequency: Frequency, history: int = 0) -> ReportingPeriods | None:
        reported = period.as_frequency(frequency)
        if reported is None:
            return None
        back = [reported]
        while len(back) < history:
            back.append(back[-1].previous())
        return cls(
            reported,
            reported.previous(),
            reported.same_period_last_year(),
            tuple(reported.year_to_date()),
            reported.financial_year_period(),
            tuple(reversed(back)) if history else (),
        )
