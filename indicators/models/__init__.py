"""The performance data model: who reports, what they report on, and what they reported.

One module per reason to change:

- `organisation`: Directorate -> Service; a Committee scrutinises a set of services; Roles.
- `plans`: Plans (owned by a service) hold Outcomes and Actions (groups and their actions);
  officers' ActionUpdates per period.
- `indicators`: Indicators with Targets and IndicatorValues per period, ExceptionReports for red ones.
- `workflow`: the review states every officer's entry goes through, ReportingRounds, and the
  council's WorkflowSettings (e.g. whether approvers may approve their own entries).
- `risks`: a service's risk register and its quarterly reviews.
- `benchmarking`: published comparator figures.
- `wording`: the council's own words for the status categories.
- `imports`: uploaded spreadsheets between preview and confirmation.

Every model keeps its full audit history (django-simple-history): who changed what and when,
with the old and new values, in a `Historical...` table beside it.
"""

from .benchmarking import ComparatorCouncil, ComparatorValue, FamilyGroup
from .imports import PendingImport
from .indicators import (
    AGGREGATION_CHOICES,
    FREQUENCY_CHOICES,
    NUMBER,
    POLARITY_CHOICES,
    TOLERANCE_CHOICES,
    ExceptionReport,
    Indicator,
    IndicatorRules,
    IndicatorValue,
    Target,
)
from .organisation import Committee, CorporatePriority, Directorate, Role, Service
from .plans import Action, ActionUpdate, Outcome, Plan
from .risks import Risk, RiskReview
from .versions import DataVersion
from .wording import StatusWording
from .workflow import EDITABLE_STATES, Chase, ReportingRound, Reviewable, ReviewState, WorkflowSettings

__all__ = [
    "AGGREGATION_CHOICES",
    "EDITABLE_STATES",
    "FREQUENCY_CHOICES",
    "NUMBER",
    "POLARITY_CHOICES",
    "TOLERANCE_CHOICES",
    "Action",
    "ActionUpdate",
    "Chase",
    "Committee",
    "ComparatorCouncil",
    "ComparatorValue",
    "CorporatePriority",
    "DataVersion",
    "Directorate",
    "ExceptionReport",
    "FamilyGroup",
    "Indicator",
    "IndicatorRules",
    "IndicatorValue",
    "Outcome",
    "PendingImport",
    "Plan",
    "ReportingRound",
    "Reviewable",
    "ReviewState",
    "Risk",
    "RiskReview",
    "Role",
    "Service",
    "StatusWording",
    "Target",
    "WorkflowSettings",
]
