"""Import choices as a file: what the Data page lets a user correct, written down so that a
scripted run (``python -m alignment validate --mapping mapping.yaml``) repeats the same choices
next month, and ``--as FILE[:SHEET]=TABLE`` on the command line.

The file is YAML, meant to be read and edited by a person::

    sheets:
      - file: survey-*.csv        # a name or a pattern: next month's export matches too
        sheet: ""                 # "" for a CSV file, or a sheet's name; "*" for every sheet
        table: feedback           # a table, or "ignore"
        layout: qualtrics         # optional: the tool that wrote it
        columns: {group: Department}
    scales: {priority: [0, 10]}
    sides: {Wizards: tech}
    statements: {SQ001: ROAD-101}  # survey statements (or codes) -> the initiative they mean
"""

from __future__ import annotations

from dataclasses import replace

from alignment import schema
from alignment.ingest.layouts import layouts
from alignment.ingest.model import IGNORE, ImportChoices, sheet_key

HEADER = (
    "# Import choices for Alignment Workbench: which table each sheet holds, column mappings,\n"
    "# scales, sides and statements. Use it with: python -m alignment validate --mapping FILE\n"
)


class MappingError(ValueError):
    """A mapping file or an --as choice that cannot be used; the message says what to fix."""


def kinds() -> list[str]:
    """Every word ``--as`` and a mapping file's ``table`` accept."""
    return [*(t.name for t in schema.TABLES), IGNORE]


def _split_key(key: str) -> tuple[str, str]:
    file, _, sheet = key.partition("::")
    return file, sheet


def to_yaml(choices: ImportChoices) -> str:
    """The choices as the YAML file this module reads back (a round trip keeps them)."""
    import yaml

    sheets = []
    for key, override in choices.overrides.items():
        file, sheet = _split_key(key)
        entry: dict[str, object] = {"file": file, "sheet": sheet}
        if override.get("kind"):
            entry["table"] = override["kind"]
        if override.get("layout"):
            entry["layout"] = override["layout"]
        if override.get("columns"):
            entry["columns"] = dict(override["columns"])
        sheets.append(entry)
    data: dict[str, object] = {"sheets": sheets}
    if choices.scales:
        data["scales"] = {k: list(v) for k, v in choices.scales.items()}
    if choices.sides:
        data["sides"] = dict(choices.sides)
    if choices.aliases:
        data["statements"] = dict(choices.aliases)
    if tuple(choices.tech_words) != schema.DEFAULT_TECH_GROUPS:
        data["tech_words"] = list(choices.tech_words)
    if tuple(choices.business_words) != schema.DEFAULT_BUSINESS_GROUPS:
        data["business_words"] = list(choices.business_words)
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _override(entry: dict, where: str) -> tuple[str, dict]:
    if not isinstance(entry, dict) or "file" not in entry:
        raise MappingError(f"{where}: expected 'file:' (a file name or pattern) and a 'table:'.")
    file, sheet = str(entry["file"]), str(entry.get("sheet", "*") or "")
    out: dict[str, object] = {}
    table = entry.get("table")
    if table is not None:
        if str(table) not in kinds():
            raise MappingError(f"{where}: table '{table}' is not one of: {', '.join(kinds())}.")
        out["kind"] = str(table)
    layout = entry.get("layout")
    if layout is not None:
        if str(layout) not in layouts():
            raise MappingError(f"{where}: layout '{layout}' is not one of: {', '.join(layouts())}.")
        out["layout"] = str(layout)
    columns = entry.get("columns") or {}
    if not isinstance(columns, dict):
        raise MappingError(f"{where}: 'columns' must map a field to a header, e.g. group: Team.")
    if columns:
        out["columns"] = {str(k): "" if v is None else str(v) for k, v in columns.items()}
    return sheet_key(file, sheet), out


def from_yaml(text: str) -> ImportChoices:
    """A mapping file's choices; ``MappingError`` names the entry that cannot be used."""
    import yaml

    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise MappingError(f"The mapping file is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise MappingError("The mapping file must hold keys such as 'sheets:' and 'scales:'.")
    unknown = set(raw) - {"sheets", "scales", "sides", "statements", "tech_words", "business_words"}
    if unknown:
        raise MappingError(f"Unknown key(s) in the mapping file: {', '.join(sorted(unknown))}.")
    overrides = {}
    for i, entry in enumerate(raw.get("sheets") or [], start=1):
        key, override = _override(entry, f"sheets, entry {i}")
        overrides[key] = override
    scales = {}
    for dim, pair in (raw.get("scales") or {}).items():
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] < pair[1]):
            raise MappingError(f"scales: '{dim}' needs [lowest, highest], e.g. [1, 5].")
        scales[str(dim)] = (float(pair[0]), float(pair[1]))
    sides = {}
    for group, side in (raw.get("sides") or {}).items():
        if side not in ("tech", "business", "unknown"):
            raise MappingError(f"sides: '{group}' must be tech, business or unknown.")
        sides[str(group)] = str(side)
    base = ImportChoices()
    return replace(
        base,
        overrides=overrides,
        scales=scales,
        sides=sides,
        aliases={str(k): str(v) for k, v in (raw.get("statements") or {}).items()},
        tech_words=tuple(raw.get("tech_words") or base.tech_words),
        business_words=tuple(raw.get("business_words") or base.business_words),
    )


def parse_as(choice: str) -> tuple[str, dict]:
    """``FILE[:SHEET]=TABLE`` (or ``=LAYOUT``) -> (sheet key, override). Without a sheet the
    choice applies to every sheet of the file."""
    target, sep, kind = choice.rpartition("=")
    if not sep or not target or not kind:
        raise MappingError(f"--as {choice}: expected FILE[:SHEET]=TABLE, e.g. survey.csv=feedback")
    file, colon, sheet = target.partition(":")
    key = sheet_key(file, sheet if colon else "*")
    if kind in kinds():
        return key, {"kind": kind}
    if kind in layouts():
        return key, {"layout": kind}
    raise MappingError(
        f"--as {choice}: '{kind}' is not a table ({', '.join(kinds())}) nor a layout "
        f"({', '.join(layouts())})."
    )
