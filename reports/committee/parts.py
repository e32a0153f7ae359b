"""Large reports laid out in parts, in parallel processes, then joined into one tagged PDF.

WeasyPrint keeps every laid-out page in memory until it writes the file, and a 300-page report
needs over 1 GB that way. Laid out as separate documents (the front matter and each large
appendix), each part needs about half of that and the parts can be laid out at the same time on
different cores. Each large part is laid out once; three things are then put right:

- **"Page X of Y"**: the large parts are drawn without page numbers; once every part's page count
  is known, one small untagged document of empty pages with the same page rules carries the
  footers "Page X of Y", and each of its pages is stamped onto its page of the joined PDF as an
  Artifact (so screen readers skip it, as they skip WeasyPrint's own footers). Laying the large
  parts out a second time with their numbers in CSS cost about 0.7x the first layout.
- **The contents' page numbers**: the front matter (cover, contents and the short appendices
  before the first long one) is small, so it is laid out after the others, with the pages of
  anchors in other parts set in CSS, and draws its own footers.
- **The tags**: each part is a tagged PDF/UA file; the join appends each part's structure
  elements under the same structure root and renumbers its pages' entries in the parent tree,
  so screen readers read one document. Bookmarks are joined under the report's title.

This module imports no Django, so the worker processes start quickly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

import pikepdf
from weasyprint import HTML

from .pdfua import repair_document

PDF_VARIANT = "pdf/ua-1"
logger = logging.getLogger(__name__)


def numbering_css(first_page: int, total: int, elsewhere: dict[str, int] | None = None) -> str:
    """CSS making a part's pages run from `first_page`, "of `total`"; contents entries pointing
    at anchors laid out in other parts (`elsewhere`: anchor name -> page number) show that page."""
    css = (
        f"@page :first {{ counter-reset: page {first_page}; }}"
        f'@page {{ @bottom-right {{ content: "Page " counter(page) " of {total}"; }} }}'
    )
    for name, page in (elsewhere or {}).items():
        if name.replace("-", "").replace("_", "").isalnum():
            css += f'.toc a[href$="#{name}"]::after {{ content: leader(". ") "{page}"; }}'
    return css


# A link to an anchor laid out in another part is written as a link to this address (WeasyPrint
# drops a link to an anchor it cannot find), and the join points it at the anchor's page.
PART_LINK = "perfdash-part:#"


def linked_elsewhere(html: str, names: Iterable[str]) -> str:
    """`html` with its links to the anchors `names` (laid out in other parts) as `PART_LINK` ones."""
    for name in names:
        html = html.replace(f'href="#{name}"', f'href="{PART_LINK}{name}"')
    return html


def with_css(html: str, css: str) -> str:
    return html.replace("</head>", f"<style>{css}</style></head>", 1)


def count_pages(html: str, base_url: str) -> tuple[int, dict[str, int]]:
    """The part's number of pages, and the page (from 0) of each anchor in it."""
    pages = HTML(string=html, base_url=base_url).render(pdf_variant=PDF_VARIANT).pages
    anchors: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            anchors.setdefault(name, index)  # where it begins
    return len(pages), anchors


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def end_with_parent() -> None:
    """Pool initializer: on Linux, ask the kernel to kill this process when its parent dies, so a
    worker killed mid-render (SIGKILL, out of memory) leaves no orphaned layout processes behind.
    Elsewhere the pool's own shutdown is all there is. (The signal follows the thread that started
    the process: pools are started from the thread that renders, which lives as long as the render.)"""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def render_part(html: str, base_url: str) -> bytes:
    document = HTML(string=html, base_url=base_url).render(pdf_variant=PDF_VARIANT)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


# The large parts' own footers are left empty: their numbers are stamped once all pages are counted.
WITHOUT_PAGE_NUMBERS = "@page { @bottom-right { content: none; } }"


def lay_out_once(html: str, base_url: str) -> tuple[bytes, int, dict[str, int]]:
    """A part laid out and written in one pass: its PDF, its number of pages, and the page (from
    0) of each anchor in it."""
    document = HTML(string=with_css(html, WITHOUT_PAGE_NUMBERS), base_url=base_url).render(pdf_variant=PDF_VARIANT)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages), anchors


def page_number_stamps(head_from: str, first_page: int, count: int, total: int, base_url: str) -> bytes:
    """`count` empty pages under the report's own page rules (from the `<head>` of `head_from`),
    numbered from `first_page` "of `total`", with nothing else in their margins: untagged, as
    they become artifacts."""
    head = head_from[: head_from.index("</head>")]
    css = numbering_css(first_page, total) + "@page { @top-left { content: none; } @top-right { content: none; } }"
    body = '<div style="break-after: page"></div>' * (count - 1) + "<div></div>"
    return HTML(string=f"{head}<style>{css}</style></head><body>{body}</body></html>", base_url=base_url).write_pdf()


def render_in_parts(parts: Sequence[str], base_url: str, processes: int) -> tuple[bytes, int]:
    """Lay out `parts` (whole HTML documents, in order; the first is the front matter) in up to
    `processes` processes and join them."""
    if len(parts) == 1:
        document = HTML(string=parts[0], base_url=base_url).render(pdf_variant=PDF_VARIANT)
        return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)
    front, rest = parts[0], parts[1:]
    context = multiprocessing.get_context("spawn")  # no forked copies of a web or worker process
    with ProcessPoolExecutor(
        max_workers=max(1, min(processes, len(parts))), mp_context=context, initializer=end_with_parent
    ) as pool:
        front_counted = pool.submit(count_pages, front, base_url)
        laid_out = list(pool.map(lay_out_once, rest, [base_url] * len(rest)))
        front_pages, front_anchors = front_counted.result()
        rest_counts = [pages for _, pages, _ in laid_out]
        rest_anchors = [found for _, _, found in laid_out]
        # The contents' page numbers could make the front matter a page longer (a line that
        # wraps): then everything after it moves on, so it is numbered again (at most twice).
        for _ in range(2):
            total, starts, anchors = _numbering(front_pages, front_anchors, rest_counts, rest_anchors)
            elsewhere = _elsewhere(anchors, 0)
            front_pdf = render_part(
                with_css(linked_elsewhere(front, elsewhere), numbering_css(1, total, elsewhere)), base_url
            )
            pages_now = len(pikepdf.open(io.BytesIO(front_pdf)).pages)
            if pages_now == front_pages:
                break
            front_pages = pages_now
        stamps = page_number_stamps(rest[0], starts[1], total - front_pages, total, base_url)
        joined = join_tagged(
            [front_pdf, *(pdf for pdf, _, _ in laid_out)],
            stamps,
            from_page=front_pages,
            destinations={name: page - 1 for name, page in elsewhere.items()},
        )
    return joined, total


def _numbering(
    front_pages: int, front_anchors: dict[str, int], rest_counts: list[int], rest_anchors: list[dict[str, int]]
) -> tuple[int, list[int], list[dict[str, int]]]:
    """The total number of pages, each part's first page, and the page of every anchor."""
    counts = [front_pages, *rest_counts]
    starts = [1 + sum(counts[:i]) for i in range(len(counts))]
    anchors = [
        {name: start + page for name, page in found.items()}
        for found, start in zip([front_anchors, *rest_anchors], starts, strict=True)
    ]
    return sum(counts), starts, anchors


def _elsewhere(anchors: list[dict[str, int]], index: int) -> dict[str, int]:
    return {name: page for i, found in enumerate(anchors) if i != index for name, page in found.items()}


def join_tagged(
    pdfs: Sequence[bytes],
    stamps: bytes | None = None,
    from_page: int = 0,
    destinations: dict[str, int] | None = None,
) -> bytes:
    """One PDF from several tagged ones: pages, structure tree and bookmarks, in order. The
    pages of `stamps` (an untagged PDF) are drawn over the joined pages from `from_page` on, as
    artifacts. Links to `PART_LINK` addresses go to the page (from 0) `destinations` gives for
    their anchor.

    The parts' structure elements end up under one Document element (pdfua.repair_document).
    Document-level entries (metadata, language, title display, PDF/UA identification) are the
    first part's; every part is made from the same template, so they are the same.
    """
    out = pikepdf.open(io.BytesIO(pdfs[0]))
    tree = out.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    next_key = _next_key(nums)
    with out.open_outline() as outline:
        parent = outline.root[0].children if len(outline.root) == 1 else outline.root
        for data in pdfs[1:]:
            source = pikepdf.open(io.BytesIO(data))
            first_page = len(out.pages)
            out.pages.extend(source.pages)
            for page in out.pages[first_page:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + next_key
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + next_key
            source_tree = source.Root.StructTreeRoot
            kids = source_tree.K if isinstance(source_tree.K, pikepdf.Array) else [source_tree.K]
            for kid in kids:
                del kid["/P"]  # copied alone, not with the part's own structure root
                copied = out.copy_foreign(source.make_indirect(kid))
                copied.P = tree
                tree.K.append(copied)
            source_nums = source_tree.ParentTree.Nums
            for i in range(0, len(source_nums), 2):
                nums.append(int(source_nums[i]) + next_key)
                nums.append(out.copy_foreign(source.make_indirect(source_nums[i + 1])))
            next_key = _next_key(nums)
            pages = {page.obj.objgen: index for index, page in enumerate(source.pages)}
            with source.open_outline() as source_outline:
                parent.extend(_copy_items(source_outline.root, pages, first_page))
    tree.ParentTreeNextKey = next_key
    _link_across_parts(out, destinations or {})
    if stamps is not None:
        _stamp_artifacts(out, pikepdf.open(io.BytesIO(stamps)), from_page)
    repair_document(out)  # one Document, pieces split across parts joined, artifacts, scopes
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _stamp_artifacts(out: pikepdf.Pdf, stamps: pikepdf.Pdf, from_page: int) -> None:
    for stamp, page in zip(stamps.pages, out.pages[from_page:], strict=True):
        form = out.copy_foreign(stamp.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="PageNumber")
        # The page's own drawing is wrapped in q/Q, so the stamp starts from the default coordinates.
        page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(out, b"\nQ /Artifact BMC q " + bytes(name) + b" Do Q EMC\n"), prepend=False)
        page.contents_coalesce()  # one content stream per page, as WeasyPrint writes them


def _link_across_parts(out: pikepdf.Pdf, destinations: dict[str, int]) -> None:
    """Each link to a `PART_LINK` address becomes a link to the top of its anchor's page, as
    WeasyPrint writes links within a document (a destination, the anchor's name as /Contents)."""
    for page in out.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != pikepdf.Name.URI:
                continue
            name = str(action.URI).removeprefix(PART_LINK)
            if str(action.URI).startswith(PART_LINK) and name in destinations:
                del annotation["/A"]
                annotation.Dest = pikepdf.Array([out.pages[destinations[name]].obj, pikepdf.Name.Fit])
                annotation.Contents = pikepdf.String(name)


def _next_key(nums: pikepdf.Array) -> int:
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    return max(keys) + 1 if keys else 0


def _copy_items(items, pages: dict, offset: int) -> list[pikepdf.OutlineItem]:
    copied = []
    for item in items:
        destination = item.destination
        page = pages.get(destination[0].objgen, 0) + offset if destination else None
        top = float(destination[3]) if destination is not None and len(destination) > 3 else None
        new = pikepdf.OutlineItem(item.title, page, "XYZ", left=0, top=top)
        new.children.extend(_copy_items(item.children, pages, offset))
        copied.append(new)
    return copied
