"""Jira's "Export Excel CSV (all fields / current fields)": one row per issue, epics mixed with
their stories, tasks and sub-tasks, and one column per value of a multi-valued field.

The initiatives are the epics. When the export holds no epic, they are the issues without a
parent. A link "A blocks B" is written on both issues ('Outward issue link (Blocks)' = B on A,
'Inward issue link (Blocks)' = A on B); either end may be missing when the other issue was not
exported, so both are read. See docs/formats.md for the evidence.
"""

from __future__ import annotations

from collections import Counter

from alignment.ingest.layouts.base import Context, Reading, cell
from alignment.ingest.layouts.tracker import (
    TrackerLayout,
    column_groups,
    data_rows,
    extra_fields,
    find_row,
    first_of,
    key,
    plural,
    regrid,
    split_refs,
    tracker_reading,
    words,
)
from alignment.readers import RawSheet

INWARD = "Inward issue link (Blocks)"
OUTWARD = "Outward issue link (Blocks)"
_CUSTOM = "custom field ("
# Columns the workbench reads, by folded header, best spelling first.
_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("issue key", "key"),
    "name": ("summary",),
    "description": ("description",),
    "owner": ("assignee",),
    "team": ("components", "component/s", "component"),
    "status": ("status",),
    "target": ("due date", "due"),
}
_SUBTASK = {"sub-task", "subtask"}
_PERSON = ("reporter", "creator", "watchers", "project lead")


def _is_header(folded: list[str]) -> bool:
    got = set(folded)
    return "issue key" in got and "summary" in got and bool({"issue type", "issue id"} & got)


def _custom_label(header: str) -> str:
    """'Custom field (Business Value)' -> 'Business Value'."""
    k = key(header)
    if k.startswith(_CUSTOM) and header.endswith(")"):
        return header.strip()[len(_CUSTOM) : -1]
    return header


class Jira(TrackerLayout):
    """A Jira issue export, read as the roadmap: epics are the initiatives."""

    name = "jira"
    label = "a Jira export"

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        h = find_row(sheet, _is_header, context)
        if h is None:
            return None
        groups = column_groups([cell(sheet.rows[h], j) for j in range(len(sheet.rows[h]))])
        names = [key(name) for name, _ in groups]
        data = data_rows(sheet, h)
        if not data:
            return None

        def col(*wanted: str) -> int | None:
            return first_of(names, *wanted)

        def values(j: int | None, i: int) -> list[str]:
            if j is None:
                return []
            row = sheet.rows[i]
            return [cell(row, c) for c in groups[j][1] if cell(row, c)]

        def one(j: int | None, i: int) -> str:
            found = values(j, i)
            return found[0] if found else ""

        k_col, type_col = col("issue key", "key"), col("issue type", "issuetype")
        parent_key, parent_id = col("parent key"), col("parent", "parent id")
        epic_link, issue_id = col("custom field (epic link)", "epic link"), col("issue id")
        keys = {i: one(k_col, i) for i in data}
        by_issue_id = {one(issue_id, i): keys[i] for i in data if one(issue_id, i)}
        kinds = {i: one(type_col, i) for i in data}

        def parent_of(i: int) -> str:
            if one(parent_key, i):
                return one(parent_key, i)
            pid = one(parent_id, i)
            if pid:
                return by_issue_id.get(pid, pid)
            return one(epic_link, i)

        parents = {i: parent_of(i) for i in data}
        epics = {i for i in data if key(kinds[i]) == "epic"}
        skip: dict[int, str] = {}
        skipped_kinds: Counter[str] = Counter()
        if epics:
            initiatives = [i for i in data if i in epics]
            for i in data:
                if i not in epics:
                    kind = kinds[i] or "issue"
                    skipped_kinds[kind.lower()] += 1
                    skip[i] = f"are {plural(kind.lower(), 2)} inside an epic, not initiatives"
            unit = "epic"
        else:
            initiatives = [i for i in data if not parents[i] and key(kinds[i]) not in _SUBTASK]
            top = set(initiatives)
            for i in data:
                if i not in top:
                    kind = kinds[i] or "issue"
                    skipped_kinds[kind.lower()] += 1
                    skip[i] = "have a parent issue: work inside an initiative, not initiatives"
            unit = "top-level issue"

        # "A blocks B": B depends on A. Read both ends, then name each blocker by its initiative
        # (a story blocking an epic holds up the story's epic).
        inward, outward = col(key(INWARD)), col(key(OUTWARD))
        had_links = inward is not None or outward is not None
        known = {key(v) for v in keys.values() if v}
        blockers: dict[str, list[str]] = {}  # folded key of the blocked issue -> its blockers
        for i in data:
            for ref in split_refs(", ".join(values(inward, i)), known):
                blockers.setdefault(key(keys[i]), []).append(ref)
            for ref in split_refs(", ".join(values(outward, i)), known):
                blockers.setdefault(key(ref), []).append(keys[i])
        initiative_keys = {key(keys[i]) for i in initiatives}
        parent_by_key = {key(keys[i]): parents[i] for i in data}

        def initiative_of(ref: str) -> str:
            seen = 0
            while key(ref) not in initiative_keys and key(ref) in parent_by_key and seen < 5:
                up = parent_by_key[key(ref)]
                if not up:
                    break
                ref, seen = up, seen + 1
            return ref

        columns = list(groups)
        if inward is None:
            columns.append((INWARD, []))
            inward = len(columns) - 1
        grid = regrid(sheet, h, data, columns)
        grid.rows[0][inward] = INWARD
        for n, i in enumerate(data, start=1):
            row = grid.rows[n]
            while len(row) < len(columns):
                row.append("")
            if i in skip:
                continue
            own = key(keys[i])
            deps = [initiative_of(b) for b in blockers.get(own, [])]
            row[inward] = ", ".join(dict.fromkeys(d for d in deps if d and key(d) != own))

        mapping: dict[str, int] = {}
        for name, spellings in _FIELDS.items():
            j = first_of(names, *spellings)
            if j is not None:
                mapping[name] = j
        mapping["depends_on"] = inward
        custom = [j for j, n in enumerate(names) if n.startswith(_CUSTOM)]
        headers = [name for name, _ in columns]
        mapping |= extra_fields(
            headers, custom, set(mapping) | {"team", "id", "name"}, _custom_label
        )
        private = {
            j
            for j, n in enumerate(names)
            if n.startswith(_PERSON) or (n.endswith(" id") and n not in ("issue id", "parent id"))
        }
        kinds_skipped = [plural(k, 2) for k in skipped_kinds]
        summary = f"{len(initiatives)} {plural(unit, len(initiatives))}"
        if skipped_kinds:
            summary += f"; {sum(skipped_kinds.values())} {words(kinds_skipped)} skipped"
        notes = []
        if had_links:
            notes.append(
                "Dependencies were read from Jira's 'Blocks' links, in both directions "
                "('A blocks B' means B depends on A); other link types are not dependencies."
            )
        return tracker_reading(
            self.name, self.label, grid, mapping, skip, summary, private, notes, tool="Jira"
        )
