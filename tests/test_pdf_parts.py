"""Large reports laid out in parts and joined: page numbers, tags and bookmarks survive the join."""

import datetime as dt
import io
import re

import pikepdf
import pytest
from pdfminer.high_level import extract_text

from indicators.models import Committee, Role
from indicators.periods import Period
from reports.committee import pdf, tasks
from reports.committee.pdf import build_report_data, render_parts
from reports.models import CommitteeReport
from tests.factories import make_action, make_indicator, make_plan, make_service, make_update, make_user, make_value
from tests.test_committee_reports import SEED_CODES, make_report

pytestmark = pytest.mark.django_db
Q2 = Period.parse("Q2 2022/23")


@pytest.fixture
def parts_pdf(monkeypatch, settings, demo_db):
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
    # every page but the cover
    assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(n), str(pages)) for n in range(2, pages + 1)]
    flat = " ".join(text.split())
    for code in SEED_CODES:
        assert code in flat


def test_joined_pdf_keeps_one_structure_tree_and_the_bookmarks(parts_pdf):
    pdf, _ = parts_pdf
    document = pikepdf.open(io.BytesIO(pdf))
    catalog = document.Root
    assert catalog.MarkInfo.Marked and str(catalog.Lang) == "en-GB" and catalog.ViewerPreferences.DisplayDocTitle
    assert "Quarter 2 performance" in str(document.docinfo["/Title"])
    assert "pdfuaid" in bytes(catalog.Metadata.read_bytes()).decode()  # still declares PDF/UA
    tree = catalog.StructTreeRoot
    pages = {page.obj.objgen for page in document.pages}
    keys = [int(page.obj.StructParents) for page in document.pages]
    assert len(set(keys)) == len(keys) and int(tree.ParentTreeNextKey) > max(keys)
    nums = tree.ParentTree.Nums
    annotations = [a for page in document.pages for a in page.obj.get("/Annots", [])]
    links = [int(a.StructParent) for a in annotations if "/StructParent" in a]  # the contents' links
    assert sorted(int(nums[i]) for i in range(0, len(nums), 2)) == sorted(keys + links)

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
        "Contents",
        "How to read this report",
        "Appendix 1: Status summary",
        "Appendix 2: Action progress",
        "Appendix 3: Indicator scorecard",
        "Appendix 4: Exception reports",
        "Appendix 5: Risk register",
    ]


def test_long_appendices_split_into_runs_of_whole_plans(monkeypatch, settings):
    service = make_service()
    committee = Committee.objects.create(name="Scrutiny", slug="scrutiny")
    committee.services.set([service])
    for n in range(3):
        plan = make_plan(service, title=f"Service plan number {n}")
        for a in range(2):
            make_update(make_action(plan, code=f"P{n}A{a}"), "Q2 2022/23", 50)
        make_value(make_indicator(service, plan=plan, code=f"P{n}PI"), "Q2 2022/23", 5)
    report = CommitteeReport.objects.create(
        title="Split report", committee=committee, meeting_date=dt.date(2022, 11, 30), period=Q2
    )
    monkeypatch.setattr(pdf, "PART_ROWS", 2)  # a plan's two actions fill a part
    parts = render_parts(build_report_data(report))
    actions = [p for p in parts if any(f"P{n}A0" in p for n in range(3))]
    assert len(parts) == 1 + 3 + 2 + 1  # front; actions 3 runs; indicators (one a plan: 2 rows a run); the rest
    assert [("<h2>Appendix 2: Action progress" in p) for p in actions] == [True, False, False]
    assert all('@top-right { content: "Appendix 2: Action progress"; }' in p for p in actions[1:])

    monkeypatch.setattr(tasks, "PARTS_FROM", 0)
    settings.PDF_PROCESSES = 2
    render = tasks.request_render(report, make_user("perf", Role.Kind.PERFORMANCE))
    text = extract_text(io.BytesIO(bytes(render.pdf)))
    pages = text.count("Page ") + 1  # the cover has no page number
    assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(n), str(pages)) for n in range(2, pages + 1)]
    assert text.count("Appendix 2: Action progress") >= 3  # the heading, and the running header of later parts
    for n in range(3):
        assert f"P{n}A1" in text and f"Service plan number {n}" in text


def test_plans_without_rows_at_the_end_make_no_empty_part(monkeypatch):
    service = make_service()
    committee = Committee.objects.create(name="Scrutiny", slug="scrutiny")
    committee.services.set([service])
    for n in range(2):
        plan = make_plan(service, title=f"Plan with actions {n}")
        make_update(make_action(plan, code=f"P{n}A0"), "Q2 2022/23", 50)
    make_plan(service, title="Zero actions yet: a new plan")  # sorts last
    report = CommitteeReport.objects.create(
        title="Split report", committee=committee, meeting_date=dt.date(2022, 11, 30), period=Q2
    )
    monkeypatch.setattr(pdf, "PART_ROWS", 1)
    data = build_report_data(report)
    assert pdf._plan_chunks(data, "actions") == [(0, 1), (1, len(data.scorecard.plans))]
