"""Committee papers as Word documents (`reports/committee/docx.py`): the same appendices as the
PDF, from the data frozen at issue, with real headings and tables whose header rows repeat."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from indicators.models import IndicatorValue
from reports.committee.docx import CONTENT_TYPE
from reports.models import IssuedReport
from tests.factories import make_service, make_user
from tests.test_issuing import issue_directly, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def opened(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    return Document(io.BytesIO(response.content))


def texts(document: Document) -> list[str]:
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [cell.text for row in table.rows for cell in row.cells]
    return found


def test_an_issued_report_as_word_shows_what_was_issued_not_later_corrections(client, world):  # noqa: F811
    report = world["report"]
    report.include_risks = True
    report.appendix_order = "indicators, summary"
    report.save()
    issued = issue_directly(report, world["admin"])
    # A correction after the issue: the Word version of the issue still shows 52.0%.
    IndicatorValue.objects.filter(indicator=world["indicator"]).update(value=60)
    client.force_login(world["member"])
    document = opened(client.get(reverse("reports:issued_docx", args=[issued.pk])))
    words = texts(document)
    assert "52.0%" in words and "60.0%" not in words
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    # The chosen order first, then the rest in the usual order.
    assert headings == [
        "Appendix 1: Indicator scorecard",
        "Appendix 2: Status summary",
        "Appendix 3: Action progress",
        "Appendix 4: Exception reports",
        "Appendix 5: Risk register",
    ]
    assert document.core_properties.title == "Housing: Quarter 2 – Q2 2022/23"
    assert document.core_properties.language == "en-GB"
    # Every data table's first row is a header repeated on each page; statuses are words.
    data_tables = document.tables[1:]
    assert data_tables and all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in data_tables)
    row = next(r for t in data_tables for r in t.rows if r.cells[0].text == "HPI1")
    assert [c.text for c in row.cells][:5] == ["HPI1", "Homes let", "52.0%", "50.0%", "On target"]
    assert "Build homes" in words


def test_the_word_document_explains_every_status_as_the_pdf_does(client, world):  # noqa: F811
    from indicators.status import ACTION_STATUS_MEANINGS, GROUP_STATUS_MEANING, RAG_MEANINGS, ActionStatus, Rag

    client.force_login(world["admin"])
    document = opened(client.get(reverse("reports:draft_docx", args=[world["report"].pk])))
    lines = [p.text for p in document.paragraphs]
    start = lines.index("How to read this report")
    legend = lines[start : start + 25]
    for status in ActionStatus:
        assert f"{status.label}: {ACTION_STATUS_MEANINGS[status]}" in legend
    for rag in Rag:
        assert any(line.endswith(f": {RAG_MEANINGS[rag]}") for line in legend), rag
    assert GROUP_STATUS_MEANING in legend


def test_a_withdrawn_issue_says_so_in_word(client, world):  # noqa: F811
    issued = issue_directly(world["report"], world["admin"])
    issued.withdraw(world["admin"], "The figures for HPI1 were wrong")
    client.force_login(world["member"])
    document = opened(client.get(reverse("reports:issued_docx", args=[issued.pk])))
    notice = next(p.text for p in document.paragraphs if p.text.startswith("Withdrawn"))
    assert notice.endswith(": The figures for HPI1 were wrong")
    assert "Withdrawn" in document.sections[0].footer.paragraphs[0].text


def test_draft_word_documents_are_for_those_who_make_drafts(client, world):  # noqa: F811
    report = world["report"]
    url = reverse("reports:draft_docx", args=[report.pk])
    for name in ("member", "officer", "other_officer"):
        client.force_login(world[name])
        assert client.get(url).status_code == 403, name
    client.force_login(make_user("elsewhere", "approver", make_service()))
    assert client.get(url).status_code == 403
    client.force_login(world["approver"])
    document = opened(client.get(url))
    assert "Draft – not issued" in texts(document)
    page = client.get(reverse("reports:committee_report", args=[report.pk])).content.decode()
    assert url in page


def test_a_report_issued_in_an_older_format_still_opens_in_word(client, world):  # noqa: F811
    """Keys added to the snapshot over the years are missing from reports issued before them."""
    issued = issue_directly(world["report"], world["admin"])
    data = dict(issued.data)
    for key in ("order", "issue_label", "council", "risks", "issued_on"):
        data.pop(key, None)
    card = dict(data["scorecard"])
    for key in ("words", "indicators_covered", "indicators_covered_last_year", "last_year_period"):
        card.pop(key, None)
    for plan in card["plans"]:
        for section in plan["sections"]:
            for row in section["indicators"]:
                for key in ("target_share", "target_year", "series", "not_available_reason"):
                    row.pop(key, None)
            for row in section["actions"]:
                row.pop("revised_due_date", None)
    data["scorecard"] = card
    IssuedReport.objects.filter(pk=issued.pk).update(data=data)
    client.force_login(world["member"])
    response = client.get(reverse("reports:issued_docx", args=[issued.pk]))
    words = texts(opened(response))
    assert "52.0%" in words and "On target" in words
    name = response["Content-Disposition"]
    assert name.endswith(f'-v{issued.version}-issued-{issued.issued_at:%Y%m%d}.docx"')


@pytest.mark.django_db(databases=[])
def test_tables_are_written_as_python_docx_writes_them():
    """`docx._table` and `docx._row` copy tables and rows made once through python-docx and write
    texts straight into them: the XML is what python-docx's own API makes, for texts with line
    breaks, tabs, spaces at either end and none at all, in bold rows and in named ones."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.shared import Cm
    from lxml import etree

    from reports.committee import docx as word

    headers, widths = ["Code", "Name", ""], [Cm(2), Cm(5), Cm(3)]
    rows = [
        (["A1", "Plain", "x"], False, False),
        (["A2", "    Indented", "two\nlines"], False, True),
        (["", "Tab\there", "ends with a space "], True, True),
        (["G1", "Group", ""], True, False),
        (["A3", "Line\r\nbreak", " "], False, True),
    ]

    def by_api(document) -> None:
        for _ in range(2):  # the second table of a kind is a copy
            table = document.add_table(rows=0, cols=len(headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            table.autofit = False
            cells = table.add_row().cells
            for cell, text in zip(cells, headers, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True if text else None
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(repeat)
            for column, width in zip(table.columns, widths, strict=True):
                column.width = width
                for cell in column.cells:
                    cell.width = width
            for texts_, bold, named in rows:
                cells = table.add_row().cells
                for cell, text, width in zip(cells, texts_, widths, strict=True):
                    cell.width = width
                    cell.text = text
                    if bold:
                        cell.paragraphs[0].runs[0].bold = True
                if named:
                    cells[1].paragraphs[0].runs[0].bold = True

    def ours(document) -> None:
        for _ in range(2):
            table = word._table(document, headers, widths)
            for texts_, bold, named in rows:
                word._row(table, texts_, bold=bold, named=named)

    made = []
    for write in (by_api, ours):
        document = Document()
        write(document)
        made.append(etree.tostring(document.element.body))
    assert made[0] == made[1]
    assert b"<w:br/>" in made[1] and b"<w:tab/>" in made[1] and b'xml:space="preserve"' in made[1]
