"""Asana's project "Export/Print → CSV": one row per task, subtasks as rows of their own
(``Parent task`` holds the parent's name), then the project's custom fields.

The initiatives are the top-level tasks. Task IDs are 16-digit numbers, read as text so a float
never rounds them. ``Blocked By (Dependencies)`` on B and ``Blocking (Dependencies)`` on A say
the same edge ("A blocks B"); whether the cells hold ids or names is not verified, so both are
accepted and names are turned into ids. See docs/formats.md for the evidence.
"""

from __future__ import annotations

import re

from alignment.ingest.layouts.base import Context, Reading, texts
from alignment.ingest.layouts.tracker import (
    TrackerLayout,
    data_rows,
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

# The columns every Asana CSV has; the project's custom fields come after them.
_CORE = (
    "task id",
    "created at",
    "completed at",
    "last modified",
    "name",
    "section/column",
    "assignee",
    "assignee email",
    "start date",
    "due date",
    "tags",
    "notes",
    "projects",
    "parent task",
    "blocked by (dependencies)",
    "blocking (dependencies)",
)

_ROUNDED = re.compile(r"^\d+(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def _is_header(folded: list[str]) -> bool:
    got = set(folded)
    return (
        "task id" in got
        and "name" in got
        and bool({"section/column", "parent task", "blocked by (dependencies)"} & got)
    )


class Asana(TrackerLayout):
    """An Asana project export, read as the roadmap: top-level tasks are the initiatives."""

    name = "asana"
    label = "an Asana export"

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        h = find_row(sheet, _is_header, context)
        if h is None:
            return None
        names = [key(t) for t in texts(sheet.rows[h])]
        headers = texts(sheet.rows[h])
        data = data_rows(sheet, h)
        if not data:
            return None
        columns = [(headers[j], [j]) for j in range(len(headers))]
        grid = regrid(sheet, h, data, columns)
        rows = grid.rows[1:]

        def at(row: list[object], j: int | None) -> str:
            return texts(row)[j] if j is not None and j < len(row) else ""

        id_col, name_col = first_of(names, "task id"), first_of(names, "name")
        parent_col = first_of(names, "parent task")
        blocked_col = first_of(names, "blocked by (dependencies)")
        blocking_col = first_of(names, "blocking (dependencies)")
        for row in rows:  # ids as text: 1200000000000001.0 -> '1200000000000001'
            if id_col is not None and id_col < len(row):
                row[id_col] = id_text(row[id_col])
        skip = {
            n: "are subtasks, not initiatives"
            for n, row in enumerate(rows, 1)
            if at(row, parent_col)
        }
        top = [row for n, row in enumerate(rows, 1) if n not in skip]

        ids = {key(at(r, id_col)): at(r, id_col) for r in rows if at(r, id_col)}
        by_name: dict[str, list[str]] = {}
        for r in rows:
            if at(r, name_col) and at(r, id_col):
                by_name.setdefault(key(at(r, name_col)), []).append(at(r, id_col))
        known = set(ids) | set(by_name)
        blocked_by: dict[str, list[str]] = {at(r, id_col): [] for r in rows}
        ambiguous: list[str] = []
        for r in rows:
            mine = at(r, id_col)
            got, amb = resolve(split_refs(at(r, blocked_col), known), ids, by_name, set())
            blocked_by.setdefault(mine, []).extend(got)
            ambiguous += amb
            got, amb = resolve(split_refs(at(r, blocking_col), known), ids, by_name, set())
            ambiguous += amb
            for other in got:
                blocked_by.setdefault(other, []).append(mine)
        # A subtask that blocks an initiative holds up the task it belongs to.
        up = {
            at(r, id_col): resolve([at(r, parent_col)], ids, by_name, set())[0][0]
            for r in rows
            if at(r, parent_col) and at(r, id_col)
        }
        if blocked_col is None and blocking_col is not None:
            grid.rows[0].append("Blocked By (Dependencies)")
            blocked_col = len(grid.rows[0]) - 1
            for r in rows:
                r.extend([""] * (blocked_col + 1 - len(r)))
        if blocked_col is not None:
            for r in top:
                while len(r) <= blocked_col:
                    r.append("")
                mine = at(r, id_col)
                deps = [up.get(d, d) for d in blocked_by.get(mine, [])]
                deps = [d for d in deps if d and d != mine]
                r[blocked_col] = ", ".join(dict.fromkeys(deps))

        mapping: dict[str, int] = {}
        for field, spellings in {
            "id": ("task id",),
            "name": ("name",),
            "owner": ("assignee",),
            "description": ("notes",),
            "target": ("due date", "due on"),
        }.items():
            j = first_of(names, *spellings)
            if j is not None:
                mapping[field] = j
        if blocked_col is not None:
            mapping["depends_on"] = blocked_col
        core = set(_CORE)
        custom = [j for j, n in enumerate(names) if n and n not in core]
        mapping |= extra_fields(headers, custom, set(mapping), lambda h_: h_)
        if "status" not in mapping and (j := first_of(names, "section/column")) is not None:
            mapping["status"] = j
        private = {j for j, n in enumerate(names) if "email" in n}
        notes = []
        if any(_ROUNDED.match(at(r, id_col)) for r in rows):
            notes.append(
                "Some Task IDs are written like 1.2E+15: a spreadsheet rounded them, so tasks "
                "may share an id. Export the project from Asana again and import the CSV as it is."
            )
        if ambiguous:
            shown = ", ".join(f"'{a}'" for a in dict.fromkeys(ambiguous))
            notes.append(
                f"Several tasks share the name {shown}; the dependency on it was read as the "
                "first of them. Check it, or use Task IDs."
            )
        summary = f"{len(top)} top-level {plural('task', len(top))}"
        if skip:
            summary += f"; {len(skip)} {plural('subtask', len(skip))} skipped"
        return tracker_reading(
            self.name, self.label, grid, mapping, skip, summary, private, notes, tool="Asana"
        )
