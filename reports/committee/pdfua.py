"""PDF/UA-1 repairs that WeasyPrint cannot be asked for, made with pikepdf on the finished file.

WeasyPrint (70) tags a document page by page, which leaves four things short of PDF/UA-1:

- **Running headers and footers** (margin boxes: the title, the section, "Page X of Y") are
  marked content with tags that no structure element reaches. They become Artifacts.
- **Elements split across pages** (a section, a table, its body) are tagged once per page, and a
  table's header row repeated on a new page is tagged as real TH cells. The pieces are joined
  again: one Sect, one Table, one TBody; the repeated header rows become Artifacts and the cells
  below them point at the table's first header row.
- **TH cells have no /Scope**: a header cell in THead is a column header, one in a body or footer
  row a row header (the print templates write `scope="col"` and `scope="row"` the same way; a
  test holds them to it).
- **Table headers are found by /ID**, so the structure root gets the /IDTree that resolves them.

A piece continues the element before it when both have the same role, the piece begins on a
later page, and it does not begin as a new one would: a table's first piece holds its caption
(every table in the papers has one), a section's, division's or part's first piece begins with
its heading.

Reports joined from parts (parts.py) go through the same repair after the join, so a section or
table that runs from one part into the next is joined too. Imports no Django.
"""

from __future__ import annotations

import io
import re

import pikepdf

HEADINGS = frozenset({"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"})
# Roles whose pieces on successive pages are one element split by a page break.
CONTINUING = frozenset({"/Document", "/Part", "/Art", "/Sect", "/Div", "/Table", "/TBody", "/TFoot", "/L"})
MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def repair(data: bytes) -> bytes:
    """The PDF `data` with its tags made PDF/UA-1 conformant (see the module's docstring)."""
    pdf = pikepdf.open(io.BytesIO(data))
    repair_document(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def repair_document(pdf: pikepdf.Pdf) -> None:
    tree = pdf.Root.StructTreeRoot
    documents = [kid for kid in _kids(tree) if _is_element(kid)]
    root = documents[0]
    for other in documents[1:]:  # parts joined: one Document
        _append(root, _kids(other))
    tree.K = pikepdf.Array([root])
    root.P = tree
    _join_pieces(root)
    reachable = _reachable(root)
    _mark_artifacts(pdf, tree, reachable)
    _scopes_and_ids(pdf, tree, root)


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj: object) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def _append(parent: pikepdf.Dictionary, kids: list) -> None:
    for kid in kids:
        if _is_element(kid):
            kid.P = parent
    parent.K = pikepdf.Array(_kids(parent) + kids)


def _last_page(element: pikepdf.Dictionary) -> tuple[int, int] | None:
    """The page (object id) of the last thing in `element`."""
    page = element.Pg.objgen if "/Pg" in element else None
    kids = [kid for kid in _kids(element) if _is_element(kid)]
    if kids:
        return _last_page(kids[-1]) or page
    return page


def continues(before: pikepdf.Dictionary, piece: pikepdf.Dictionary) -> bool:
    """Whether `piece` is the rest of `before`, split from it by a page break."""
    role = str(piece.S)
    if role != str(before.S) or role not in CONTINUING or "/Pg" not in piece:
        return False
    if piece.Pg.objgen == _last_page(before):
        return False
    first = next((kid for kid in _kids(piece) if _is_element(kid)), None)
    if role == "/Table":
        return not any(_is_element(kid) and kid.S == "/Caption" for kid in _kids(piece))
    if role in ("/Sect", "/Div", "/Part", "/Art"):
        return first is None or str(first.S) not in HEADINGS
    return True


def _join_pieces(parent: pikepdf.Dictionary) -> None:
    """Join, among `parent`'s children, each piece that continues the one before it."""
    kept: list = []
    for kid in _kids(parent):
        if kept and _is_element(kid) and _is_element(kept[-1]) and continues(kept[-1], kid):
            _absorb(kept[-1], kid)
        else:
            kept.append(kid)
    parent.K = pikepdf.Array(kept)


def _absorb(element: pikepdf.Dictionary, piece: pikepdf.Dictionary) -> None:
    """Move `piece`'s children into `element`; a repeated table header is left out (and so becomes
    an artifact), the cells under it pointing at the first header's cells instead."""
    kids = _kids(piece)
    if element.S == "/Table":
        heads = [kid for kid in kids if _is_element(kid) and kid.S == "/THead"]
        first_heads = [kid for kid in _kids(element) if _is_element(kid) and kid.S == "/THead"]
        if heads and first_heads:
            renamed = dict(zip(_header_ids(heads[0]), _header_ids(first_heads[0]), strict=False))
            kids = [kid for kid in kids if not (_is_element(kid) and kid.S == "/THead")]
            for kid in kids:
                _rename_headers(kid, renamed)
    existing = _kids(element)
    if existing and kids and _is_element(existing[-1]) and _is_element(kids[0]) and continues(existing[-1], kids[0]):
        _absorb(existing[-1], kids[0])
        kids = kids[1:]
    _append(element, kids)


def _header_ids(head: pikepdf.Dictionary) -> list[str]:
    ids = []
    for row in _kids(head):
        if _is_element(row):
            ids.extend(str(cell.ID) for cell in _kids(row) if _is_element(cell) and "/ID" in cell)
    return ids


def _rename_headers(element: pikepdf.Dictionary, renamed: dict[str, str]) -> None:
    if str(element.get("/S")) in ("/TD", "/TH") and "/A" in element and "/Headers" in element.A:
        element.A.Headers = pikepdf.Array([pikepdf.String(renamed.get(str(h), str(h))) for h in element.A.Headers])
        return
    for kid in _kids(element):
        if _is_element(kid):
            _rename_headers(kid, renamed)


def _reachable(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        if element.objgen in seen:
            continue
        seen.add(element.objgen)
        stack.extend(kid for kid in _kids(element) if _is_element(kid))
    return seen


def _mark_artifacts(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, reachable: set[tuple[int, int]]) -> None:
    """Marked content that no structure element reaches becomes an Artifact."""
    nums = tree.ParentTree.Nums
    by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        if "/StructParents" not in page.obj:
            continue
        mcids = by_key.get(int(page.obj.StructParents))
        if not isinstance(mcids, pikepdf.Array):
            continue
        unreached = {
            mcid
            for mcid, element in enumerate(mcids)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
        }
        if not unreached:
            continue
        for mcid in unreached:
            mcids[mcid] = None
        content = page.obj.Contents
        streams = list(content) if isinstance(content, pikepdf.Array) else [content]
        for stream in streams:
            data = stream.read_bytes()
            fixed = MARKED.sub(lambda m, hidden=unreached: ARTIFACT if int(m[2]) in hidden else m[0], data)
            if fixed != data:
                stream.write(fixed)


def _scopes_and_ids(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary, root: pikepdf.Dictionary) -> None:
    """Every TH gets its /Scope; the structure root an /IDTree for the elements' IDs."""
    ids: dict[str, pikepdf.Dictionary] = {}
    stack: list[tuple[pikepdf.Dictionary, str]] = [(root, "")]
    while stack:
        element, row_group = stack.pop()  # row_group: the role of the parent's parent
        if element.S == "/TH":
            attributes = element.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary):
                attributes = element.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
            attributes.Scope = pikepdf.Name.Column if row_group == "/THead" else pikepdf.Name.Row
        if "/ID" in element:
            ids[str(element.ID)] = element
        grandparent_role = str(element.P.S) if "/P" in element and "/S" in element.P else ""
        stack.extend((kid, grandparent_role) for kid in _kids(element) if _is_element(kid))
    if ids:
        names = pikepdf.Array()
        for key in sorted(ids):
            names.append(pikepdf.String(key))
            names.append(ids[key])
        tree.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
