"""Large reports laid out in parts, in parallel processes, then joined into one tagged PDF.

WeasyPrint keeps every laid-out page in memory until it writes the file, and a 300-page report
needs over 1 GB that way. Laid out as separate documents (the front matter and each large
appendix), each part needs about half of that and the parts can be laid out at the same time on
different cores. Two things must survive the join:

- **"Page X of Y"** and the contents' page numbers: a first pass lays the parts out to count their
  pages and find their anchors; the second lays them out again with their first page number, the
  total and the pages of anchors in other parts set in CSS, so WeasyPrint draws the footers and
  contents itself. (The footer is a margin box, so the numbers do not change the layout.)
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
from collections.abc import Sequence
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
            css += f'.toc a[href="#{name}"]::after {{ content: leader(". ") "{page}"; }}'
    return css


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


def render_in_parts(parts: Sequence[str], base_url: str, processes: int) -> tuple[bytes, int]:
    """Lay out `parts` (whole HTML documents, in order) in up to `processes` processes and join them."""
    context = multiprocessing.get_context("spawn")  # no forked copies of a web or worker process
    with ProcessPoolExecutor(
        max_workers=max(1, min(processes, len(parts))), mp_context=context, initializer=end_with_parent
    ) as pool:
        laid_out = list(pool.map(count_pages, parts, [base_url] * len(parts)))
        counts = [pages for pages, _ in laid_out]
        total = sum(counts)
        starts = [1 + sum(counts[:i]) for i in range(len(parts))]
        anchors = [
            {name: start + page for name, page in found.items()}
            for (_, found), start in zip(laid_out, starts, strict=True)
        ]
        numbered = [
            with_css(html, numbering_css(start, total, _elsewhere(anchors, index)))
            for index, (html, start) in enumerate(zip(parts, starts, strict=True))
        ]
        pdfs = list(pool.map(render_part, numbered, [base_url] * len(parts)))
    return join_tagged(pdfs), total


def _elsewhere(anchors: list[dict[str, int]], index: int) -> dict[str, int]:
    return {name: page for i, found in enumerate(anchors) if i != index for name, page in found.items()}


def join_tagged(pdfs: Sequence[bytes]) -> bytes:
    """One PDF from several tagged ones: pages, structure tree and bookmarks, in order.

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
    repair_document(out)  # one Document, pieces split across parts joined, artifacts, scopes
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


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
