"""The reminder emails: their words, in one place, for the daily reminders (`send_reminders`)
and for the performance team's "chase" from a round's progress page, which sends the same
reminder to the people they choose, now, and records it (`Chase`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .due import STATE_LABELS, DueItem, RiskReviewDue, outstanding_by_person, risk_reviews_due
from .models import Chase, ReportingRound
from .workflow import WorkflowError

# (subject, body, from (None: DEFAULT_FROM_EMAIL), recipients), as `send_mass_mail` takes them.
Message = tuple[str, str, None, list[str]]


def due_when(deadline: dt.date, today: dt.date) -> str:
    """When the updates are due, in the reminder's words: "They are due today.", "They are due by
    21 October 2022." or "They were due by 21 October 2022: please send them as soon as you can."."""
    if deadline == today:
        return "They are due today."
    if deadline < today:
        return f"They were due by {deadline.day} {deadline:%B %Y}: please send them as soon as you can."
    return f"They are due by {deadline.day} {deadline:%B %Y}."


def where_to(page: str, site_url: str | None = None) -> str:
    """A paragraph giving the page's address on the site (`SITE_URL`, or `site_url`), or "" when
    the site's address is not known: the reminder still says what is due."""
    site = settings.SITE_URL if site_url is None else site_url
    return f"\n\nThey are at {site}{reverse(page)}" if site else ""


def outstanding_reviews(
    reporting_round: ReportingRound, people: Collection[int] | None = None
) -> dict[int, list[RiskReviewDue]]:
    """The risk reviews each owner (of `people`, if given) has still to hand in for the round: in
    the current round only, the one a risk's review page opens (`workflow.current_round`), as the
    home page and My updates list them; a later round's are asked for once it is current."""
    found: dict[int, list[RiskReviewDue]] = {}
    if ReportingRound.objects.open().values_list("pk", flat=True).first() != reporting_round.pk:
        return found
    for review in risk_reviews_due(reporting_round, people):
        if review.outstanding:
            found.setdefault(review.owner_id, []).append(review)
    return found


def officer_reminder(
    user,
    reporting_round: ReportingRound,
    items: Sequence[DueItem],
    today: dt.date,
    site_url: str | None = None,
    reviews: Sequence[RiskReviewDue] = (),
) -> Message:
    """The reminder to `user` of the `items` and risk `reviews` they have still to hand in for the round."""
    lines = [f"- {item.obj.code} {item.obj.title} ({item.state_label.lower()})" for item in items]
    lines += [f"- {r.reference} {r.title} (risk review, {STATE_LABELS[r.state].lower()})" for r in reviews]
    label = reporting_round.period.label
    body = (
        f"Dear {user.first_name or user.username},\n\n"
        f"These updates for {label} have not been submitted yet. {due_when(reporting_round.deadline, today)}\n\n"
        + "\n".join(lines)
        + where_to("home", site_url)
        + "\n\nThank you.\n"
    )
    return (f"Updates due for {label}", body, None, [user.email])


def approver_reminder(user, count: int, site_url: str | None = None) -> Message:
    """The reminder to an approver of the `count` submissions waiting for their decision."""
    body = (
        f"Dear {user.first_name or user.username},\n\n{count} submitted update"
        f"{'s are' if count != 1 else ' is'} waiting for your review."
        + where_to("review_queue", site_url)
        + "\n\nThank you.\n"
    )
    return ("Updates waiting for your review", body, None, [user.email])


def chase(
    reporting_round: ReportingRound, people: Collection[int], sent_by, site_url: str | None = None
) -> list[Chase]:
    """Send the officers' reminder now to each of `people` (user ids) with items outstanding in
    the round, and record each one sent (who chased whom, when, how many items).

    People with nothing outstanding, or without an email address, are not sent anything; the
    caller tells the user so. Refused once the round is locked: nothing in it can change.
    """
    if reporting_round.is_locked:
        raise WorkflowError(f"{reporting_round.period.label} is locked: there is nobody to chase.")
    today = timezone.localdate()
    outstanding = outstanding_by_person(reporting_round, people)
    reviews = outstanding_reviews(reporting_round, people)
    owing = outstanding.keys() | reviews.keys()
    users = get_user_model().objects.filter(is_active=True, pk__in=owing).exclude(email="").in_bulk()
    now = timezone.now()
    messages: list[Message] = []
    chases: list[Chase] = []
    for user_id in sorted(owing):
        user = users.get(user_id)
        if user is None:
            continue
        items, own_reviews = outstanding.get(user_id, []), reviews.get(user_id, [])
        messages.append(officer_reminder(user, reporting_round, items, today, site_url, own_reviews))
        chases.append(
            Chase(
                reporting_round=reporting_round,
                person=user,
                sent_by=sent_by,
                sent_at=now,
                email=user.email,
                items=len(items) + len(own_reviews),
            )
        )
    if not messages:
        return []
    with transaction.atomic():
        created = Chase.objects.bulk_create(chases)
        # Recorded with the mail in one transaction: a mail server that refuses leaves no record
        # of a chase that never went.
        send_mass_mail(messages, fail_silently=False)
    return created
