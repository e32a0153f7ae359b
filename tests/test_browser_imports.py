"""The performance team's spreadsheet journey and the benchmarking pages, in a real browser."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from tests.browser import browser_page, serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_demo(live_server):
    call_command("load_demo", force=True, stdout=io.StringIO())
    return live_server.url


def test_download_template_fill_three_rows_upload_preview_confirm_see_scorecard(live_demo, tmp_path):
    with browser_page() as page:
        sign_in(page, live_demo, "performance", "perf-demo-2022")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
        assert serious_accessibility_violations(page) == []

        with page.expect_download() as download:
            page.get_by_role("link", name="Excel workbook for indicator values").click()
        template = tmp_path / "template.xlsx"
        download.value.save_as(template)
        workbook = openpyxl.load_workbook(template)
        sheet = workbook.worksheets[0]
        header = [cell.value for cell in sheet[1]]
        assert header[:3] == ["indicator_code", "period", "value"]
        sheet.delete_rows(2)  # the example row
        for code, value in (("CFSW-CP01", 46), ("CFSW-LAC02", 40), ("CFSW-LAC05", 36)):
            sheet.append([code, "Q3 2022/23", value] + [None] * (len(header) - 4) + ["Entered from the template"])
        filled = tmp_path / "q3-values.xlsx"
        workbook.save(filled)

        page.get_by_label("What the file holds").select_option(label="Indicator values")
        page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(str(filled))
        page.get_by_role("button", name="Check the file").click()
        result = page.locator("section[aria-labelledby=result-title]")
        assert "q3-values.xlsx: ready to import" in result.inner_text()
        assert "3 new, 0 changed, 0 unchanged" in result.inner_text()
        assert serious_accessibility_violations(page) == []
        page.get_by_role("button", name="Import these changes").click()
        assert "Imported q3-values.xlsx: 3 new, 0 changed" in page.locator("main").inner_text()

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
        page.get_by_role(
            "link", name="Children and Families & Criminal Justice Social Work Service Plan 2020-23"
        ).click()
        page.get_by_label("Period", exact=True).select_option(label="Q3 2022/23 (open for updates)")
        page.get_by_role("button", name="Show").click()
        row = page.locator("table.indicators tbody tr", has_text="Children in kinship placements")
        assert "40" in row.inner_text()
        assert "46" in page.locator("table.indicators tbody tr", has_text="CFSW-CP01").inner_text()


def test_member_compares_with_the_family_group(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "member", "member-demo-2022")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Benchmarking").click()
        overview = page.get_by_role("table", name="Latest published year for each benchmarked indicator")
        assert "4 of 8" in overview.get_by_role("row", name="Child protection re-registrations").inner_text()
        assert serious_accessibility_violations(page) == []

        page.get_by_role("link", name="Child protection re-registrations within 18 months").click()
        page.wait_for_selector(".chart-box .main-svg")
        family = page.get_by_role(
            "table", name="2021/22: family group (Children, social work and housing family group)"
        )
        assert "Moray (our council)" in family.inner_text()
        assert serious_accessibility_violations(page) == []
        page.get_by_label("Year", exact=True).select_option(label="2019/20")
        page.get_by_role("button", name="Show").click()
        assert page.locator("h2", has_text="2019/20").count() == 1


def test_performance_team_sets_up_benchmarking(live_demo):
    with browser_page() as page:
        sign_in(page, live_demo, "performance", "perf-demo-2022")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Benchmarking").click()
        page.get_by_role(
            "link", name="Benchmarking settings: our council, the national figure and family groups"
        ).click()
        assert page.get_by_label("Our council").input_value() != ""
        assert serious_accessibility_violations(page) == []
        page.get_by_role("link", name="Add a family group").click()
        page.get_by_label("Name").fill("Rural councils")
        for council in ("Moray", "Highland", "Argyll and Bute"):
            page.get_by_label(council, exact=True).check()
        assert serious_accessibility_violations(page) == []
        page.get_by_role("button", name="Save").click()
        assert "Family group “Rural councils” saved with 3 councils." in page.locator("main").inner_text()
