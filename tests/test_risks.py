"""Risk register: scoring bands, heat map, direction of travel, the review workflow, permissions."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import ReviewState, Risk, RiskReview
from indicators.risks import Direction, RiskBand, direction, heat_map, review_overdue, risk_band
from tests.factories import make_committee, make_round, make_service, personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, RiskBand.LOW),
        (4, RiskBand.LOW),
        (5, RiskBand.MEDIUM),
        (9, RiskBand.MEDIUM),
        (10, RiskBand.HIGH),
        (16, RiskBand.HIGH),
        (20, RiskBand.VERY_HIGH),
        (25, RiskBand.VERY_HIGH),
    ],
)
def test_bands_at_each_boundary(score, band):
    assert risk_band(score) == band


@pytest.mark.parametrize("score", [0, 26, -1])
def test_scores_outside_the_grid_are_refused(score):
    with pytest.raises(ValueError):
        risk_band(score)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(12, 16, Direction.IMPROVING), (16, 12, Direction.WORSENING), (9, 9, Direction.STATIC), (9, None, Direction.NEW)],
)
def test_direction_of_travel(current, previous, expected):
    assert direction(current, previous) == expected


def test_review_overdue_and_heat_map_counts():
    today = dt.date(2022, 10, 1)
    assert review_overdue(dt.date(2022, 9, 30), today) and not review_overdue(today, today)
    assert not review_overdue(None, today)
    grid = heat_map([(5, 1), (5, 1), (1, 5), (3, 3)])
    assert grid[0][0].count == 2  # likelihood 5, impact 1
    assert grid[4][4].count == 1  # likelihood 1, impact 5
    assert grid[2][2].count == 1
    assert sum(cell.count for row in grid for cell in row) == 4


@pytest.fixture
def world():
    service = make_service("Children's services")
    people = personas(service)
    committee = make_committee(service)
    risk = Risk.objects.create(
        service=service, reference="R1", title="Not enough foster carers", owner=people["officer"],
        inherent_likelihood=5, inherent_impact=4, likelihood=4, impact=4, target_score=8,
        review_date=dt.date(2022, 9, 30),
    )  # fmt: skip
    Risk.objects.create(service=service, reference="R2", title="Low risk", likelihood=1, impact=2, target_score=2)
    make_round("Q2 2022/23", deadline=dt.date(2022, 10, 21))
    return {"service": service, "committee": committee, "risk": risk, **people}


def register(client, world):
    return client.get(reverse("service_risks", args=[world["service"].slug])).content.decode()


def test_officer_lowers_likelihood_approver_approves_heat_map_and_arrow_change(client, world):
    risk = world["risk"]
    client.force_login(world["member"])
    page = register(client, world)
    assert "First review" in page and "High" in page

    client.force_login(world["officer"])
    url = reverse("review_risk", args=[risk.pk])
    typed = {"likelihood": "3", "impact": "4", "latest_position": "Two carers approved", "version": "0", "submit": "1"}
    response = client.post(url, typed)
    assert "Say why the likelihood or impact has changed." in response.content.decode()
    assert not RiskReview.objects.exists()
    client.post(url, {"likelihood": "3", "impact": "4", "latest_position": "Two carers approved",
                      "reason": "Recruitment campaign working", "version": "0", "submit": "1"})  # fmt: skip
    review = RiskReview.objects.get()
    assert review.state == ReviewState.SUBMITTED and review.previous_score == 16
    risk.refresh_from_db()
    assert risk.score == 16  # unchanged until approved

    client.force_login(world["approver"])
    assert "Recruitment campaign working" in client.get(reverse("review_queue")).content.decode()
    client.post(
        reverse("decide_risk_review", args=[review.pk]), {"decision": "approve", "version": str(review.version)}
    )
    risk.refresh_from_db()
    assert (risk.likelihood, risk.score, risk.latest_position) == (3, 12, "Two carers approved")
    assert risk.review_date == dt.date(2022, 12, 31)
    assert risk.history.first().history_change_reason == "Review Q2 2022/23 approved"

    page = register(client, world)
    assert "Improving" in page
    # one risk now at likelihood 3 x impact 4, none left at 4 x 4
    grid = heat_map([(r.likelihood, r.impact) for r in Risk.objects.all()])
    assert grid[5 - 3][4 - 1].count == 1 and grid[5 - 4][4 - 1].count == 0
    assert page.count('<span class="count">1</span>') == 2  # R1 at 3x4 and R2 at 1x2
    assert page.count('<span class="visually-hidden"> 1 risk with likelihood') == 2  # "1 risk", not "1 risks"
    assert '<span class="visually-hidden">0 risks,</span>' in page


def test_overdue_reviews_are_flagged_and_rows_sort_by_score(client, world):
    client.force_login(world["member"])
    with time_machine.travel(dt.datetime(2022, 10, 5, 12, 0)):
        page = register(client, world)
    assert "Overdue" in page
    assert page.index("Not enough foster carers") < page.index("Low risk")
    by_reference = client.get(reverse("service_risks", args=[world["service"].slug]), {"sort": "reference"})
    assert by_reference.status_code == 200
    committee_page = client.get(reverse("committee_risks", args=[world["committee"].slug])).content.decode()
    assert "Not enough foster carers" in committee_page


def test_review_permissions(client, world):
    risk = world["risk"]
    url = reverse("review_risk", args=[risk.pk])
    data = {"likelihood": "4", "impact": "4", "latest_position": "x", "version": "0"}
    for person in ("member", "other_officer"):
        client.force_login(world[person])
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    review = RiskReview.objects.create(
        risk=risk, period=make_round("Q3 2022/23").period, likelihood=3, impact=3, previous_score=16,
        latest_position="x", state=ReviewState.SUBMITTED,
    )  # fmt: skip
    decide = reverse("decide_risk_review", args=[review.pk])
    for person in ("member", "officer", "other_officer"):
        client.force_login(world[person])
        assert client.post(decide, {"decision": "approve", "version": "1"}).status_code == 403
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED


def test_register_uses_a_fixed_number_of_queries(client, world):
    client.force_login(world["member"])
    with CaptureQueriesContext(connection) as few:
        register(client, world)
    for i in range(10):
        Risk.objects.create(service=world["service"], reference=f"X{i}", title=f"Risk {i}", likelihood=2, impact=3,
                            target_score=4, owner=world["approver"])  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        register(client, world)
    assert len(few) == len(many)


def test_a_review_posted_after_the_round_closed_shows_what_was_typed(client, world):
    """A bare "403 Forbidden", and the review typed lost, when the round was locked meanwhile."""
    from indicators.models import ReportingRound

    url = reverse("review_risk", args=[world["risk"].pk])
    client.force_login(world["officer"])
    typed = {"likelihood": "3", "impact": "4", "latest_position": "Two carers approved", "version": "0", "save": "1"}
    RiskReview.objects.create(
        risk=world["risk"], period=ReportingRound.objects.get().period, likelihood=4, impact=4, previous_score=16,
        state=ReviewState.SUBMITTED,
    )  # fmt: skip
    sent_on = client.post(url, typed)  # submitted from another tab meanwhile
    assert sent_on.status_code == 403
    assert "<h2>Not saved</h2>" in sent_on.content.decode()
    assert "<dd>Two carers approved</dd>" in sent_on.content.decode()

    RiskReview.objects.all().delete()
    ReportingRound.objects.update(locked_at=dt.datetime(2022, 11, 1, tzinfo=dt.UTC))
    locked = client.post(url, typed)
    assert locked.status_code == 403
    page = locked.content.decode()
    assert "<h2>Not saved</h2>" in page and "Risks cannot be reviewed just now." in page
    assert "<dd>Two carers approved</dd>" in page and "Back to the risk register" in page


def test_approvers_are_reminded_of_risk_reviews_waiting_and_owners_of_reviews_due(world):
    from django.core import mail
    from django.core.management import call_command

    from indicators.models import ReportingRound

    world["approver"].email, world["officer"].email = "approver@example.org", "officer@example.org"
    world["approver"].save(), world["officer"].save()
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "- R1 Not enough foster carers (risk review, not started)" in mail.outbox[0].body
    mail.outbox.clear()
    RiskReview.objects.create(
        risk=world["risk"], period=ReportingRound.objects.get().period, likelihood=3, impact=4, previous_score=16,
        state=ReviewState.SUBMITTED,
    )  # fmt: skip
    with time_machine.travel(dt.datetime(2022, 10, 18, 9, 0)):
        call_command("send_reminders", days=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    [to_approver] = [m for m in mail.outbox if m.to == ["approver@example.org"]]
    assert "1 submitted update is waiting for your review." in to_approver.body


def test_the_lock_warning_lists_risk_reviews_not_started(client, world):
    """The progress page counted them; the lock page, which says what is left, did not."""
    from indicators.models import ReportingRound

    client.force_login(world["admin"])
    page = client.get(reverse("lock_round", args=[ReportingRound.objects.get().pk])).content.decode()
    assert "R1" in page and "Not enough foster carers" in page and "Risk review" in page


def test_a_risk_owners_home_lists_the_review_due_from_them(client, world):
    client.force_login(world["officer"])
    home = client.get(reverse("home")).content.decode()
    due = home.split('id="due-title"')[1].split("</section>")[0]
    assert "R1" in due and "Not enough foster carers" in due and reverse("review_risk", args=[world["risk"].pk]) in due


def test_a_risk_review_is_offered_on_the_home_page_only_for_the_round_its_page_opens(client, world):
    """A later round open as well: its review would link to the review page, which opens the
    current round's, so only the current round's reviews are listed."""
    from tests.factories import make_round

    make_round("Q3 2022/23", deadline=dt.date(2023, 1, 20))
    client.force_login(world["officer"])
    due = client.get(reverse("home")).content.decode().split('id="due-title"')[1].split("</section>")[0]
    assert due.count("Not enough foster carers") == 1


def test_my_updates_lists_the_reviews_of_the_risks_one_owns(client, world):
    """Once only on the risk register: a risk owner's My updates lists their review with the rest."""
    client.force_login(world["officer"])
    page = client.get(reverse("my_updates")).content.decode()
    row = page.split('<td class="code">R1</td>')[1].split("</tr>")[0]
    assert "Not enough foster carers" in row and "Risk review" in row and "Not started" in row
    assert reverse("review_risk", args=[world["risk"].pk]) in row
    assert "R2" not in page  # nobody owns it
