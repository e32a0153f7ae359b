"""Version counters of parts of the data, for caches that must never serve a stale figure."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """A counter that goes up with every write to one part of the data (`indicators.versions`):
    "all" for what every page depends on, "plan:<id>" for a plan's updates, values, targets and
    exception reports, "indicator:<id>" for one indicator's. A cache keyed on the counters it
    depends on is rebuilt after any change to them, and only then."""

    key = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.version}"
