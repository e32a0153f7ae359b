"""Benchmarking: ranks and averages, the comparator import, the pages and the settings."""

import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse

from indicators.benchmarking import compare, competition_ranks, load_benchmark_data, mean
from indicators.imports import apply_import, plan_import
from indicators.models import ComparatorCouncil, ComparatorValue, FamilyGroup, Role
from indicators.periods import Period
from indicators.status import Polarity
from tests.factories import make_indicator, make_service, make_user, personas

Y21, Y20 = Period.parse("2021/22"), Period.parse("2020/21")
D = Decimal


@pytest.mark.parametrize(
    ("values", "polarity", "ranks"),
    [
        ({"a": 3, "b": 1, "c": 2}, Polarity.HIGHER_IS_BETTER, {"a": 1, "c": 2, "b": 3}),
        ({"a": 3, "b": 1, "c": 2}, Polarity.LOWER_IS_BETTER, {"b": 1, "c": 2, "a": 3}),
        ({"a": 5, "b": 7, "c": 7, "d": 1}, Polarity.HIGHER_IS_BETTER, {"b": 1, "c": 1, "a": 3, "d": 4}),
        ({"a": 5, "b": 2, "c": 2, "d": 9}, Polarity.LOWER_IS_BETTER, {"b": 1, "c": 1, "a": 3, "d": 4}),
        ({"a": 0, "b": -1}, Polarity.HIGHER_IS_BETTER, {"a": 1, "b": 2}),
        ({"a": 3, "b": 1}, Polarity.DATA_ONLY, {}),
        ({}, Polarity.HIGHER_IS_BETTER, {}),
        ({"only": 4}, Polarity.LOWER_IS_BETTER, {"only": 1}),
    ],
)
def test_competition_ranks(values, polarity, ranks):
    assert competition_ranks({k: D(v) for k, v in values.items()}, polarity) == ranks


def test_mean_of_nothing_is_none_and_is_rounded():
    assert mean([]) is None
    assert mean([D(1), D(2), D(2)]) == D("1.6667")


FIGURES = {"Us": D("86.9"), "Near": D("90.0"), "Far": D("95.0"), "Other": D("80.0"), "Low": D("70.0")}


def test_compare_with_family_and_published_national_figure():
    c = compare(Y21, Polarity.HIGHER_IS_BETTER, FIGURES, "Us", {"Us", "Near", "Low"}, "Family", D("88.8"))
    assert [(f.council, f.rank, f.is_own) for f in c.figures] == [
        ("Near", 1, False),
        ("Us", 2, True),
        ("Low", 3, False),
    ]
    assert (c.own_value, c.family_rank, c.family_size, c.family_average) == (D("86.9"), 2, 3, D("82.3000"))
    assert (c.national_average, c.national_is_published, c.national_rank, c.national_size) == (D("88.8"), True, 3, 5)


def test_our_council_is_always_in_its_family_group():
    c = compare(Y21, Polarity.HIGHER_IS_BETTER, FIGURES, "Us", {"Near", "Low"})
    assert (c.family_rank, c.family_size) == (2, 3) and [f.council for f in c.figures] == ["Near", "Us", "Low"]


def test_compare_without_a_national_figure_uses_the_mean_of_all_councils():
    c = compare(Y21, Polarity.LOWER_IS_BETTER, FIGURES, "Us", {"Us", "Near"})
    assert c.national_average == D("84.3800") and not c.national_is_published
    assert (c.family_rank, c.national_rank) == (1, 3)


def test_compare_when_our_council_has_no_figure_or_there_is_no_family_group():
    c = compare(Y21, Polarity.HIGHER_IS_BETTER, FIGURES, "Missing", None)
    assert (c.own_value, c.family_rank, c.national_rank, c.figures, c.family_average) == (None, None, None, [], None)
    data_only = compare(Y21, Polarity.DATA_ONLY, FIGURES, "Us", set(FIGURES))
    assert not data_only.ranked and data_only.family_rank is None
    assert [f.council for f in data_only.figures][0] == "Far"  # highest first when nothing is better


# The import ---------------------------------------------------------------------------------

HEADER = "council,indicator_code,year,value\n"


@pytest.fixture
def benchmarked(db):
    service = make_service()
    return make_indicator(
        service, code="CFSW-BAL", benchmark_code="CHN9", frequency="annual", unit="%", decimal_places=1
    )


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",CHN9,2021/22,88", "council", "The council is missing"),
        ("Moray,NOPE,2021/22,88", "indicator_code", 'No indicator has the code or benchmarking code "NOPE"'),
        ("Moray,,2021/22,88", "indicator_code", "The indicator code is missing"),
        ("Moray,CHN9,Q2 2021/22,88", "year", "Benchmarking figures are yearly"),
        ("Moray,CHN9,someday,88", "year", "is not a period"),
        ("Moray,CHN9,2021/22,lots", "value", '"lots" is not a number'),
    ],
)
def test_each_comparator_error_names_row_and_column(benchmarked, row, column, message):
    plan = plan_import("comparators", (HEADER + "Angus,CHN9,2021/22,90\n" + row).encode(), "lgbf.csv")
    [error] = plan.errors
    assert (error.row, error.column) == (3, column) and message in error.message
    assert not plan.new


def test_duplicate_comparator_rows_name_the_first(benchmarked):
    plan = plan_import("comparators", (HEADER + "Moray,CHN9,2021/22,88\nmoray,CFSW-BAL,2021-22,89").encode(), "x.csv")
    [error] = plan.errors
    assert error.row == 3 and "already in row 2" in error.message


def test_comparator_import_adds_councils_and_figures_then_changes_only_what_differs(benchmarked):
    admin = make_user("perf", Role.Kind.PERFORMANCE)
    content = (
        HEADER
        + "Moray,CHN9,2021/22,86.9\nAngus,CHN9,2021-22,92.6\nScotland,CFSW-BAL,2021/22,89.6\nOrkney,CHN9,2021/22,\n"
    )
    plan = plan_import("comparators", content.encode(), "lgbf.csv")
    assert plan.valid and len(plan.new) == 3 and plan.skipped == 1
    assert sorted(c.name for c in plan.new_councils) == ["Angus", "Moray", "Scotland"]
    assert not ComparatorCouncil.objects.exists()  # nothing written before confirmation
    apply_import(plan, admin, "lgbf.csv")
    assert ComparatorValue.objects.get(council__name="Angus").value == D("92.6")
    history = ComparatorValue.objects.get(council__name="Moray").history.first()
    assert history.history_user == admin and history.history_change_reason == "Imported from lgbf.csv"
    assert ComparatorCouncil.objects.get(name="Moray").history.count() == 1

    again = plan_import("comparators", content.encode(), "lgbf.csv")
    assert (len(again.new), len(again.changed), again.unchanged, again.new_councils) == (0, 0, 3, [])

    corrected = plan_import("comparators", (HEADER + "Moray,CHN9,2021/22,87.0").encode(), "lgbf-revised.csv")
    [change] = corrected.changes
    assert (change.field, change.old, change.new) == ("value for Moray", D("86.9"), D("87.0"))
    apply_import(corrected, admin, "lgbf-revised.csv")
    assert ComparatorValue.objects.get(council__name="Moray").value == D("87.0")


# Pages and settings -------------------------------------------------------------------------


def _figures(indicator, year: Period, figures: dict[str, str]) -> None:
    content = HEADER + "".join(f"{name},{indicator.code},{year.label},{value}\n" for name, value in figures.items())
    apply_import(plan_import("comparators", content.encode(), "lgbf.csv"), None, "lgbf.csv")


@pytest.fixture
def configured(benchmarked):
    _figures(benchmarked, Y21, {"Moray": "86.9", "Angus": "92.6", "Highland": "87.8", "Fife": "91", "Scotland": "89.6"})
    _figures(benchmarked, Y20, {"Moray": "87.4", "Angus": "91.0", "Highland": "88.0", "Scotland": "89.9"})
    ComparatorCouncil.objects.filter(name="Moray").update(is_own=True)
    ComparatorCouncil.objects.filter(name="Scotland").update(is_national=True)
    group = FamilyGroup.objects.create(name="Family")
    group.members.set(ComparatorCouncil.objects.filter(name__in=["Moray", "Angus", "Highland"]))
    return benchmarked


def test_load_benchmark_data_compares_each_year(configured):
    data = load_benchmark_data()
    assert data.years(configured.id) == [Y21, Y20]
    latest = data.comparison(configured, Y21)
    assert (latest.family_rank, latest.family_size, latest.national_rank, latest.national_size) == (3, 3, 4, 4)
    assert latest.national_average == D("89.6") and latest.national_is_published


def test_the_overview_reads_each_indicators_latest_year_only(configured):
    """The overview compares each indicator's latest year, so only those figures are read, whichever
    year is latest for each; an indicator's page reads every year."""
    other = make_indicator(code="OTHER", title="Published a year behind")
    _figures(other, Y20, {"Moray": "10", "Angus": "12"})
    data = load_benchmark_data(latest_year_only=True)
    assert (data.years(configured.id), data.years(other.id)) == ([Y21], [Y20])
    assert data.comparison(configured, Y21) == load_benchmark_data().comparison(configured, Y21)
    assert load_benchmark_data([configured.id]).years(configured.id) == [Y21, Y20]


def test_pages_show_ranks_averages_and_chart(client, configured, django_assert_max_num_queries):
    client.force_login(make_user("cllr", Role.Kind.MEMBER))
    with django_assert_max_num_queries(10):
        overview = client.get(reverse("reports:benchmarking")).content.decode()
    assert "3 of 3" in overview and "4 of 4" in overview and "89.6%" in overview

    page = client.get(reverse("reports:benchmark_indicator", args=[configured.pk])).content.decode()
    assert "Moray (our council)" in page and "Family group average" in page and '"type": "bar"' in page
    assert 'id="trend-data"' in page and '"name": "National average"' in page  # two years: a trend chart
    assert "2020/21" in page and "89.1%" in page  # this year's family average: (86.9 + 92.6 + 87.8) / 3
    earlier = client.get(reverse("reports:benchmark_indicator", args=[configured.pk]), {"period": "2020/21"})
    assert "88.8%" in earlier.content.decode()  # (87.4 + 91.0 + 88.0) / 3
    assert (
        client.get(reverse("reports:benchmark_indicator", args=[configured.pk]), {"period": "2015/16"}).status_code
        == 404
    )

    detail = client.get(reverse("reports:indicator", args=[configured.pk])).content.decode()
    assert "How we compare" in detail and "we rank 3 of 3" in detail


def test_overview_downloads_as_csv_and_xlsx_with_the_same_figures(client, configured):
    client.force_login(make_user("cllr", Role.Kind.MEMBER))
    response = client.get(reverse("reports:benchmarking"), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="benchmarking-moray-2021-22.csv"'
    [row] = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False).to_dict("records")
    assert (row["indicator_code"], row["year"], row["our_value"], row["family_rank"], row["national_rank"]) == (
        "CFSW-BAL", "2021/22", "86.9", "3", "4",
    )  # fmt: skip
    xlsx = client.get(reverse("reports:benchmarking"), {"format": "xlsx"}).content
    sheet = pd.read_excel(io.BytesIO(xlsx), dtype=str, keep_default_na=False)
    assert sheet.loc[0, "national_average"] == "89.6" and sheet.loc[0, "family_size"] == "3"
    cells = openpyxl.load_workbook(io.BytesIO(xlsx))["Benchmarking"]
    header = [cell.value for cell in cells[1]]
    row = dict(zip(header, cells[2], strict=True))
    assert row["our_value"].data_type == "n" and row["family_rank"].value == 3  # numbers, not text
    assert cells.freeze_panes == "A2" and cells.auto_filter.ref


def test_overview_queries_do_not_grow_with_the_data(client, configured, django_assert_max_num_queries):
    client.force_login(make_user("cllr", Role.Kind.MEMBER))
    for n in range(5):
        other = make_indicator(configured.service, code=f"EXTRA{n}", frequency="annual")
        _figures(other, Y21, {"Moray": str(n), "Angus": "2", "Scotland": "3"})
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:benchmarking"))
    assert "EXTRA4" in response.content.decode()


def test_settings_are_for_the_performance_team(client, configured):
    people = personas(configured.service)
    for name in ("officer", "approver", "member"):
        client.force_login(people[name])
        assert client.get(reverse("benchmark_settings")).status_code == 403
        assert client.post(reverse("new_family_group"), {"name": "X"}).status_code == 403
    client.logout()
    assert client.get(reverse("benchmark_settings")).status_code == 302  # to the login page


def test_settings_choose_our_council_and_the_national_figure(client, configured):
    client.force_login(make_user("perf", Role.Kind.PERFORMANCE))
    angus, scotland = ComparatorCouncil.objects.get(name="Angus"), ComparatorCouncil.objects.get(name="Scotland")
    same = client.post(reverse("benchmark_settings"), {"own": scotland.pk, "national": scotland.pk})
    assert "cannot also be the national figure" in same.content.decode()
    assert client.post(reverse("benchmark_settings"), {"own": angus.pk, "national": ""}).status_code == 302
    assert list(ComparatorCouncil.objects.filter(is_own=True)) == [angus]
    assert not ComparatorCouncil.objects.filter(is_national=True).exists()
    assert ComparatorCouncil.objects.get(name="Moray").history.first().history_change_reason == "Benchmarking settings"


def test_family_group_form_keeps_input_on_error_and_saves_members(client, configured):
    client.force_login(make_user("perf", Role.Kind.PERFORMANCE))
    moray, fife = ComparatorCouncil.objects.get(name="Moray"), ComparatorCouncil.objects.get(name="Fife")
    duplicate = client.post(reverse("new_family_group"), {"name": "Family", "members": [moray.pk, fife.pk]})
    body = duplicate.content.decode()
    assert "already exists" in body and f'value="{fife.pk}"' in body and "checked" in body
    assert "Scotland" not in body  # the national row is not a council to group with
    assert (
        client.post(reverse("new_family_group"), {"name": "Rural", "members": [moray.pk, fife.pk]}).status_code == 302
    )
    assert set(FamilyGroup.objects.get(name="Rural").members.values_list("name", flat=True)) == {"Moray", "Fife"}
