"""Large reports laid out in parts and joined: page numbers, tags and bookmarks survive the join."""

import io
import re

import pikepdf
import pytest
from django.core.management import call_command
from pdfminer.high_level import extract_text

from indicators.models import Role
from reports import tasks
from reports.pdf import build_report_data, render_parts
from tests.factories import make_user
from tests.test_committee_reports import SEED_CODES, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts_pdf(monkeypatch, settings):
    call_command("load_demo", force=True, stdout=io.StringIO())
    monkeypatch.setattr(tasks, "PARTS_FROM", 0)  # the demo report, rendered as a large one would be
    settings.PDF_PROCESSES = 2
    report = make_report(include_risks=True)
    render = tasks.request_render(report, make_user("perf", Role.Kind.PERFORMANCE))
    assert render.status == render.Status.DONE, render.error
    return bytes(render.pdf), report


def test_report_splits_into_front_matter_and_long_appendices(parts_pdf):
    _, report = parts_pdf
    parts = render_parts(build_report_data(report))
    assert len(parts) == 4
    assert "<h1>" in parts[0] and "Appendix 1: Status summary" in parts[0]
    assert "Appendix 2: Action progress" in parts[1] and "<h1>" not in parts[1]
    assert "Appendix 3: Indicator scorecard" in parts[2]
    assert "Appendix 4: Exception reports" in parts[3] and "Appendix 5: Risk register" in parts[3]


def test_joined_pdf_numbers_every_page_of_the_whole(parts_pdf):
    pdf, _ = parts_pdf
    pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
    text = extract_text(io.BytesIO(pdf))
    assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(n), str(pages)) for n in range(1, pages + 1)]
    flat = " ".join(text.split())
    for code in SEED_CODES:
        assert code in flat


def test_joined_pdf_keeps_one_structure_tree_and_the_bookmarks(parts_pdf):
    pdf, _ = parts_pdf
    document = pikepdf.open(io.BytesIO(pdf))
    catalog = document.Root
    assert catalog.MarkInfo.Marked and str(catalog.Lang) == "en-GB"
    tree = catalog.StructTreeRoot
    pages = {page.obj.objgen for page in document.pages}
    keys = [int(page.obj.StructParents) for page in document.pages]
    assert len(set(keys)) == len(keys) and int(tree.ParentTreeNextKey) > max(keys)
    nums = tree.ParentTree.Nums
    assert sorted(int(nums[i]) for i in range(0, len(nums), 2)) == sorted(keys)

    def walk(element, seen):
        assert element.objgen not in seen
        seen.add(element.objgen)
        if "/Pg" in element:
            assert element.Pg.objgen in pages  # every tag points at a page of this document
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                assert kid.P.objgen == element.objgen or element.objgen == tree.objgen
                walk(kid, seen)

    seen: set = set()
    for top in tree.K:
        assert top.P.objgen == tree.objgen
        walk(top, seen)
    with document.open_outline() as outline:
        [title] = outline.root
        appendices = [item.title for item in title.children]
    assert appendices == [
        "Appendix 1: Status summary",
        "Appendix 2: Action progress",
        "Appendix 3: Indicator scorecard",
        "Appendix 4: Exception reports",
        "Appendix 5: Risk register",
    ]
