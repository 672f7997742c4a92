"""monday.com's "Export board to Excel": a board title, then per group a title row, a header
row (``Name, Subitems, <board columns>, Item ID (auto generated)``), the item rows, a block of
subitems under an item that has them (a ``Subitems, Name, …`` header, then rows with column A
empty), a date-summary footer and a blank row.

The initiatives are the item rows. They are told from everything else by their place, not by how
full they are: column A filled, below a header, not a header, not a group title (a name without
an Item ID, followed by a header). ``Dependent On`` names the predecessor items, so names become
Item IDs, preferring an item of the same group when a name repeats. The ``-updates`` and
``-discussion`` sheets hold comments, not items: no layout reads them as a table. See
docs/formats.md.
"""

from __future__ import annotations

from alignment.ingest.layouts.base import Context, Reading, texts
from alignment.ingest.layouts.tracker import (
    TrackerLayout,
    extra_fields,
    find_row,
    first_of,
    id_text,
    key,
    plural,
    regrid,
    resolve,
    split_refs,
    tracker_reading,
)
from alignment.readers import RawSheet

_ITEM_ID = ("item id (auto generated)", "item id")
_DEPENDS = ("dependent on", "dependency", "dependencies", "depends on", "predecessors")
_BUILT_IN = {"name", "subitems", *_ITEM_ID}
_SUBITEMS = "are subitems (with their block's header row), not initiatives"
_HEADER = "repeat the header row (monday writes one per group)"
_TITLE = "are group titles"
_FOOTER = "are group summary rows (the dates a group spans)"


def _is_header(folded: list[str]) -> bool:
    """'Name' first and monday's own id column: the '(auto generated)' spelling, or a plain
    'Item ID' beside 'Subitems' (a hand-kept list may well have 'Name' and 'Item ID')."""
    got = set(folded)
    return (
        bool(folded)
        and folded[0] == "name"
        and (_ITEM_ID[0] in got or (_ITEM_ID[1] in got and "subitems" in got))
    )


class Monday(TrackerLayout):
    """A monday.com board exported to Excel, read as the roadmap: the items are the initiatives."""

    name = "monday"
    label = "a monday.com board export"

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        h = find_row(sheet, _is_header, context)
        if h is None:
            return None
        header = [key(t) for t in texts(sheet.rows[h])]
        id_col = first_of(header, *_ITEM_ID)
        rows = [[key(t) for t in texts(r)] for r in sheet.rows]

        def filled(i: int) -> list[int]:
            return [j for j, t in enumerate(rows[i]) if t]

        def next_filled(i: int) -> int | None:
            return next((n for n in range(i + 1, len(rows)) if filled(n)), None)

        def no_id(i: int) -> bool:
            return id_col is None or id_col >= len(rows[i]) or not rows[i][id_col]

        group = next((texts(sheet.rows[i])[0] for i in range(h) if filled(i) == [0]), "")
        kept: list[int] = []
        skip: dict[int, str] = {}
        groups: dict[int, str] = {}
        in_subitems = False
        for i in range(h + 1, len(rows)):
            cells = filled(i)
            if not cells:  # the blank row that ends a group: dropped, it says nothing
                in_subitems = False
                continue
            kept.append(i)
            n = len(kept)  # the row's index in the rewritten grid (the header is row 0)
            first = rows[i][0] if rows[i] else ""
            if _is_header(rows[i]):
                skip[n], in_subitems = _HEADER, False
            elif first == "subitems" and len(rows[i]) > 1 and rows[i][1] == "name":
                skip[n], in_subitems = _SUBITEMS, True
            elif not first:
                subitem = in_subitems and len(rows[i]) > 1 and rows[i][1]
                skip[n] = _SUBITEMS if subitem else _FOOTER
            elif no_id(i) and (nxt := next_filled(i)) is not None and _is_header(rows[nxt]):
                skip[n], in_subitems = _TITLE, False
                group = texts(sheet.rows[i])[0]
            else:
                in_subitems = False
                groups[n] = group
        items = [n for n in range(1, len(kept) + 1) if n not in skip]
        if not items:
            return None

        columns = [(t, [j]) for j, t in enumerate(texts(sheet.rows[h]))]
        grid = regrid(sheet, h, kept, columns)
        name_col = 0
        for n in items:  # Item IDs as text, without the '#,##0' thousands separators
            row = grid.rows[n]
            if id_col is not None and id_col < len(row):
                row[id_col] = id_text(row[id_col])

        def at(n: int, j: int | None) -> str:
            row = grid.rows[n]
            return texts(row)[j] if j is not None and j < len(row) else ""

        ids = {key(at(n, id_col)): at(n, id_col) for n in items if at(n, id_col)}
        by_name: dict[str, list[str]] = {}
        for n in items:
            if at(n, id_col):
                by_name.setdefault(key(at(n, name_col)), []).append(at(n, id_col))
        same_group = {
            g: {at(n, id_col) for n in items if groups[n] == g} for g in set(groups.values())
        }
        dep_col = first_of(header, *_DEPENDS)
        ambiguous: list[str] = []
        if dep_col is not None:
            known = set(ids) | set(by_name)
            for n in items:
                refs = split_refs(at(n, dep_col), known)
                got, amb = resolve(refs, ids, by_name, same_group[groups[n]])
                ambiguous += amb
                mine = at(n, id_col)
                grid.rows[n][dep_col] = ", ".join(d for d in got if d != mine)

        mapping: dict[str, int] = {"name": name_col}
        if id_col is not None:
            mapping["id"] = id_col
        if dep_col is not None:
            mapping["depends_on"] = dep_col
        for field, spellings in {
            "owner": ("owner", "person", "people", "assignee"),
            "target": ("due date", "deadline", "due"),
        }.items():
            j = first_of(header, *spellings)
            if j is not None:
                mapping[field] = j
        board = [j for j, t in enumerate(header) if t and t not in _BUILT_IN and j != dep_col]
        mapping |= extra_fields(grid.rows[0], board, set(mapping), lambda t: str(t))
        notes = []
        if ambiguous:
            shown = ", ".join(f"'{a}'" for a in dict.fromkeys(ambiguous))
            notes.append(
                f"Several items share the name {shown}; 'Dependent On' was read as the item of "
                "the same group. Check these dependencies."
            )
        subitems = sum(
            1 for n, why in skip.items() if why == _SUBITEMS and at(n, 0).lower() != "subitems"
        )
        summary = f"{len(items)} {plural('item', len(items))}"
        if subitems:
            summary += f"; {subitems} {plural('subitem', subitems)} skipped"
        return tracker_reading(
            self.name, self.label, grid, mapping, skip, summary, notes=notes, tool="monday"
        )
