"""PDF/UA-1, checked with pikepdf on the demo's report laid out as one document and in parts:
artifacts for running headers and page numbers, one Document root, TH scopes, tables split across
pages kept as one Table, figures' alternative text giving the figures, heading order, language
and title."""

import io
import re
from html.parser import HTMLParser

import pikepdf
import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from pdfminer.high_level import extract_text

from reports.committee import pdf as committee_pdf
from reports.committee import tasks
from reports.committee.pdfua import MARKED
from tests.factories import make_performance_user
from tests.test_committee_reports import make_report

pytestmark = pytest.mark.django_db

TITLE = "Children and Families & Justice Social Work: Quarter 2 performance"


@pytest.fixture(scope="module")
def papers(demo_db, django_db_blocker):
    """The demo's Q2 report as one document and joined from parts, with its HTML. The clock stands
    still so that every rendering prints the same "as approved at" minute."""
    with time_machine.travel(timezone.now(), tick=False), django_db_blocker.unblock(), transaction.atomic():
        admin = make_performance_user("ua-admin")
        report = make_report(include_risks=True)
        single = tasks.request_render(report, admin)
        html = committee_pdf.render_html(committee_pdf.build_report_data(report))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tasks, "PARTS_FROM", 0)  # laid out in parts, as a large report is
            joined = tasks.request_render(report, admin)
            patch.setattr(committee_pdf, "without_layout_whitespace", lambda html: html)
            spaced = committee_pdf.render_html(committee_pdf.build_report_data(report))
        assert single.status == joined.status == single.Status.DONE, (single.error, joined.error)
        result = {"single": bytes(single.pdf), "joined": bytes(joined.pdf), "html": html, "spaced": spaced}
        transaction.set_rollback(True)
    return result


@pytest.fixture(params=["single", "joined"])
def document(request, papers):
    return pikepdf.open(io.BytesIO(papers[request.param]))


def kids(element) -> list:
    found = element.get("/K")
    if found is None:
        return []
    return list(found) if isinstance(found, pikepdf.Array) else [found]


def elements(element):
    """Every structure element under `element`, in reading order."""
    for kid in kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from elements(kid)


def under(element, role: str) -> list:
    return [e for e in elements(element) if str(e.S) == role]


def test_one_document_root(document):
    tree = document.Root.StructTreeRoot
    [root] = kids(tree)
    assert root.S == "/Document" and root.P.objgen == tree.objgen
    assert not under(root, "/Document")


def test_language_title_and_pdf_ua_identification(document):
    catalog = document.Root
    assert str(catalog.Lang) == "en-GB"
    assert catalog.MarkInfo.Marked and catalog.ViewerPreferences.DisplayDocTitle
    assert TITLE in str(document.docinfo["/Title"])
    assert b"pdfuaid:part" in bytes(catalog.Metadata.read_bytes())


def test_running_headers_and_page_numbers_are_artifacts(document):
    """No marked content is left that the structure tree does not reach; the margin boxes are
    pagination artifacts on every page but the cover."""
    tree = document.Root.StructTreeRoot
    reachable = {e.objgen for e in elements(tree)}
    nums = tree.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page in enumerate(document.pages, start=1):
        content = page.obj.Contents.read_bytes()
        mcids = parents[int(page.obj.StructParents)]
        for match in MARKED.finditer(content):
            element = mcids[int(match[2])]
            assert isinstance(element, pikepdf.Dictionary) and element.objgen in reachable, (number, match[0])
        pagination = content.count(b"/Artifact <</Type /Pagination>> BDC")
        assert pagination >= (0 if number == 1 else 2), number  # title, section, "Page X of Y"


def test_heading_order_starts_with_the_title_and_skips_no_level(document):
    root = kids(document.Root.StructTreeRoot)[0]
    levels = [int(str(e.S)[2:]) for e in elements(root) if re.fullmatch(r"/H\d", str(e.S))]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1
    first = next(e for e in elements(root) if e.S not in ("/Sect", "/Div", "/Span", "/NonStruct"))
    assert first.S in ("/Figure", "/P", "/H1")  # the cover: logo, council, committee, title; nothing hidden


class Cells(HTMLParser):
    """The <th> cells of the HTML, with their row group and scope; the number of tables and captions."""

    def __init__(self):
        super().__init__()
        self.group, self.headers, self.tables, self.captions = "", [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody", "tfoot"):
            self.group = tag
        elif tag == "th":
            self.headers.append((self.group, dict(attrs).get("scope")))
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1


def test_every_th_has_the_scope_the_html_gives(papers, document):
    cells = Cells()
    cells.feed(papers["html"])
    assert cells.headers and all(
        scope == ("col" if group == "thead" else "row") for group, scope in cells.headers
    )  # the rule pdfua.py applies
    root = kids(document.Root.StructTreeRoot)[0]
    headers = under(root, "/TH")
    assert headers
    for th in headers:
        group = th.P.P.S
        assert th.A.Scope == ("/Column" if group == "/THead" else "/Row")


def test_a_table_split_across_pages_stays_one_table(papers, document):
    cells = Cells()
    cells.feed(papers["html"])
    assert cells.tables == cells.captions  # every table names itself; pieces without one continue it
    root = kids(document.Root.StructTreeRoot)[0]
    tables = under(root, "/Table")
    assert len(tables) == cells.tables
    pages = {page.objgen: n for n, page in enumerate(document.pages)}
    spanning = 0
    ids = document.Root.StructTreeRoot.IDTree.Names
    by_id = {str(ids[i]): ids[i + 1].objgen for i in range(0, len(ids), 2)}
    for table in tables:
        parts = [str(kid.S) for kid in kids(table)]
        assert parts.count("/Caption") == 1 and parts.count("/THead") <= 1 and parts.count("/TBody") == 1
        rows = under(table, "/TR")
        spanning += len({pages[cell.Pg.objgen] for cell in rows}) > 1
        own = {th.objgen for th in under(table, "/TH")}
        for td in under(table, "/TD"):
            for header in td.A.get("/Headers", []):
                assert by_id[str(header)] in own  # points at this table's first header row
    assert spanning >= 2  # the demo's longest action tables run over a page break


def test_figures_alt_text_gives_the_figures(document):
    root = kids(document.Root.StructTreeRoot)[0]
    alts = [str(figure.Alt) for figure in under(root, "/Figure")]
    charts = [alt for alt in alts if alt.startswith("Values for ")]
    assert len(charts) >= 8 and all(alt.startswith("Values for ") or alt.endswith(" logo") for alt in alts)
    assert "Values for Q1 2021/22 to Q2 2022/23: 31.0%, 30.5%, 30.0%, 29.0%, 27.0%, 26.0%; target 30.0%" in charts
    assert all(re.search(r"; (target [\d,.]+|no target)", alt) for alt in charts)


@pytest.mark.parametrize("kind", ["single", "joined"])
def test_contents_page_numbers_point_at_the_appendices(papers, kind):
    """Not PDF/UA itself, but checked on the same two files: the contents' numbers are right when
    laid out as one document and when the appendices are laid out in other parts."""
    pages = [extract_text(io.BytesIO(papers[kind]), page_numbers=[n]) for n in range(len(pdf_pages(papers[kind])))]
    contents = " ".join(pages[1].split())
    contents = contents[contents.index("How to read this report") : contents.index("Page 2 of")]
    headings = re.findall(r"Appendix \d: [A-Z][a-z]+ [a-z]+", contents)
    numbers = [int(n) for n in re.findall(r"(?<![\d/])(\d{1,3})(?![\d:/])", contents)]
    assert len(headings) == 5 and len(numbers) == 6
    assert "How to read this report" in pages[numbers[0] - 1]
    for heading, number in zip(headings, numbers[1:], strict=True):
        page = " ".join(pages[number - 1].split())
        assert heading in page and heading not in " ".join(pages[number - 2].split()), (heading, number)


@pytest.mark.parametrize("kind", ["single", "joined"])
def test_contents_entries_link_to_their_appendices(papers, kind):
    """Each contents entry is a link to the page its section begins on, also when that section was
    laid out in another part."""
    document = pikepdf.open(io.BytesIO(papers[kind]))
    pages = {page.obj.objgen: number for number, page in enumerate(document.pages)}
    names = document.Root.Names.Dests.Names if "/Names" in document.Root else []
    named = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    texts = [extract_text(io.BytesIO(papers[kind]), page_numbers=[n]) for n in range(len(pages))]
    links = {}
    for annotation in document.pages[1].obj.get("/Annots", []):
        assert "/A" not in annotation, annotation  # no link leaves the document
        destination = annotation.Dest
        if isinstance(destination, pikepdf.String):  # a named destination of this document
            destination = named[str(destination)]
        links[str(annotation.Contents)] = pages[destination[0].objgen]
    assert set(links) == {"how-to-read"} | {
        f"appendix-{key}" for key in ("summary", "actions", "indicators", "exceptions", "risks")
    }
    assert "How to read this report" in texts[links["how-to-read"]]
    assert "Appendix 3: Indicator scorecard" in " ".join(texts[links["appendix-indicators"]].split())


def test_white_space_left_out_of_the_html_changes_no_word_and_no_page(papers):
    """The print HTML leaves out the white space CSS collapses (`pdf.without_layout_whitespace`):
    the demo report reads the same, page by page, as laid out from the template's own output."""
    spaced, _ = committee_pdf.write_pdf(papers["spaced"])
    assert papers["spaced"] != papers["html"]
    texts = [
        [extract_text(io.BytesIO(data), page_numbers=[n]) for n in range(len(pdf_pages(data)))]
        for data in (spaced, papers["single"])
    ]
    assert texts[0] == texts[1]


def pdf_pages(data: bytes) -> list:
    return list(pikepdf.open(io.BytesIO(data)).pages)
