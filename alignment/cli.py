"""Command line: the same core as the web app, for checking files before a workshop or in a script.

    python -m alignment validate FILE [FILE ...] [--json] [--as FILE[:SHEET]=TABLE]
                                 [--mapping MAPPING.yaml] [--save-mapping MAPPING.yaml]
    python -m alignment report FILE [FILE ...] --out report.xlsx [--k-min N]
    python -m alignment briefs FILE [FILE ...] --out DIR [--format md|docx|pdf] [--initiative ID]
    python -m alignment prioritise FILE [FILE ...] --model wsjf|rice|value-effort
                                   [--capacity N] --out ranked.xlsx [--k-min N]

Exit status: 0 when at least one table was usable, 1 when nothing usable was found, 2 for a
usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alignment import config, schema
from alignment.access import hash_password
from alignment.privacy import Privacy
from alignment.privacy import from_config as privacy_from_config

if TYPE_CHECKING:  # the importer (pandas, …) loads with the first command that reads a file
    from alignment.ingest import ImportChoices, ImportResult, SourceFile

EXIT_OK, EXIT_NOTHING_USABLE, EXIT_USAGE = 0, 1, 2
_K_MIN, _HASH = config.SETTING_BY_NAME["k_min"], config.SETTING_BY_NAME["password_hash"]
K_MIN_HELP = f"anonymity threshold (default: {_K_MIN.env} or {_K_MIN.default})"


def _load(paths: Sequence[str], parser: argparse.ArgumentParser) -> list[SourceFile]:
    from alignment.ingest import SourceFile

    sources = []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            parser.error(f"{p}: no such file")
        try:
            sources.append(SourceFile(path.name, path.read_bytes()))
        except OSError as exc:
            parser.error(f"{p}: cannot be read ({exc.strerror})")
    return sources


def _choices(args: argparse.Namespace, parser: argparse.ArgumentParser) -> ImportChoices:
    """The import choices of a scripted run: a mapping file, then each --as on top of it."""
    from alignment.ingest import ImportChoices, mapping

    choices = ImportChoices()
    if getattr(args, "mapping", None):
        path = Path(args.mapping)
        try:
            choices = mapping.from_yaml(path.read_text(encoding="utf-8"))
        except OSError as exc:
            parser.error(f"--mapping {args.mapping}: cannot be read ({exc.strerror})")
        except mapping.MappingError as exc:
            parser.error(f"--mapping {args.mapping}: {exc}")
    for choice in getattr(args, "as_", None) or []:
        try:
            key, override = mapping.parse_as(choice)
        except mapping.MappingError as exc:
            parser.error(str(exc))
        choices.overrides[key] = {**choices.overrides.get(key, {}), **override}
    return choices


def _import(args: argparse.Namespace, parser: argparse.ArgumentParser) -> ImportResult:
    from alignment.ingest import import_files, mapping

    choices = _choices(args, parser)
    result = import_files(_load(args.files, parser), choices)
    if getattr(args, "save_mapping", None):
        write_atomically(Path(args.save_mapping), mapping.to_yaml(choices).encode("utf-8"))
    return result


def _add_import_choices(sub: argparse.ArgumentParser) -> None:
    """--as and --mapping: the Data page's corrections, for every command that reads files."""
    sub.add_argument(
        "--as",
        dest="as_",
        action="append",
        metavar="FILE[:SHEET]=TABLE",
        help="read a file (or one of its sheets) as this table, or with this tool's layout, "
        "e.g. --as survey.csv=feedback or --as export.csv=qualtrics; may be repeated",
    )
    sub.add_argument(
        "--mapping",
        metavar="MAPPING.yaml",
        help="import choices saved from the Data page (tables, columns, scales, sides, "
        "statements); --as choices apply on top",
    )


def format_report(result: ImportResult) -> str:
    """The Data page's report as plain text."""
    lines: list[str] = []
    for sheet in result.sheets:
        what = schema.TABLE_BY_NAME[sheet.kind].label if sheet.kind else "ignored"
        form = f" ({sheet.form} form)" if sheet.form else ""
        lines.append(f"{sheet.where}: {what}{form} — {sheet.reason}")
        if sheet.kind:
            lines.append(f"    {sheet.read_as or sheet.describe()}")
    if result.tables:
        lines.append("")
        lines.append("Tables")
        for name, t in result.tables.items():
            unit = "ratings" if name == "feedback" else "rows"
            lines.append(
                f"  {schema.TABLE_BY_NAME[name].label}: {t.rows_read} rows read, "
                f"{t.rows_accepted} {unit} accepted, {t.rows_rejected} rejected"
            )
            for f, header in t.columns.items():
                lines.append(f"      {f:<16} ← {header}")
    if result.problems:
        errors, warnings = len(result.errors), len(result.warnings)
        lines.append("")
        lines.append(f"Problems: {errors} error(s), {warnings} warning(s)")
        lines.extend(f"  {p}" for p in result.problems)
    if result.notes:
        lines.append("")
        lines.append("Notes")
        lines.extend(f"  {n}" for n in result.notes)
    if not result.problems:
        lines.append("")
        lines.append("No problems found.")
    return "\n".join(lines)


def _cmd_validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    result = _import(args, parser)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(format_report(result))
    return EXIT_OK if result.usable else EXIT_NOTHING_USABLE


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)


def _privacy(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Privacy:
    base = privacy_from_config()
    for note in base.notes:
        print(f"Note: {note}", file=sys.stderr)
    if getattr(args, "k_min", None) is None:
        return base
    if args.k_min < _K_MIN.minimum:
        parser.error(
            f"--k-min must be at least {_K_MIN.minimum} (a threshold of 0 would show single "
            "answers)"
        )
    return Privacy(args.k_min, max(base.k_comments, args.k_min))


def _cmd_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    privacy = _privacy(args, parser)
    result = _import(args, parser)
    if not result.usable:
        print(format_report(result))
        return EXIT_NOTHING_USABLE
    from alignment.excel_report import report_tables, report_xlsx  # scipy, openpyxl: here only

    tables = report_tables(result.dataset, privacy)
    write_atomically(Path(args.out), report_xlsx(result.dataset, privacy))
    hidden = sum(int(t["hidden"].sum()) for t in tables.values() if "hidden" in t.columns)
    problems = (
        f"; {len(result.errors)} error(s) and {len(result.warnings)} warning(s) in the "
        "files (run validate for details)"
        if result.problems
        else ""
    )
    print(
        f"Wrote {args.out}: {len(tables)} sheets, {hidden} cells hidden for anonymity "
        f"(k_min = {privacy.k_min}){problems}."
    )
    return EXIT_OK


def _cmd_briefs(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    # Imported here: templates, Word and PDF writers are not needed to validate a file.
    from alignment import briefs, documents

    privacy = _privacy(args, parser)
    result = _import(args, parser)
    if not result.usable or result.dataset.initiatives.empty:
        print(format_report(result))
        print("\nNo initiatives were found, so there is nothing to brief.", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    data = briefs.prepare(result.dataset, privacy)
    if args.initiative is not None:
        wanted = {i.casefold(): i for i in data.initiative_ids}.get(args.initiative.casefold())
        if wanted is None:
            known = ", ".join(data.initiative_ids[:12])
            parser.error(
                f"--initiative {args.initiative}: no such initiative (known: {known}"
                f"{', …' if len(data.initiative_ids) > 12 else ''})"
            )
        items = list(briefs.initiative_briefs(data, wanted, args.tone))
    else:
        items = briefs.all_briefs(data, args.tone)
    out = Path(args.out)
    docs = briefs.to_documents(data, items, charts=args.format != "md")
    for doc in docs:
        write_atomically(
            out / documents.filename(doc, args.format), documents.render(doc, args.format)
        )
    print(
        f"Wrote {len(docs)} brief(s) to {out} as {documents.FORMATS[args.format][0]} "
        f"(k_min = {privacy.k_min}, comments from {privacy.k_comments} respondents)."
    )
    return EXIT_OK


def _cmd_prioritise(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    # numpy, pandas and scipy load here, with the command that needs them.
    from alignment import prioritise

    if args.capacity is not None and not args.capacity >= 0:
        parser.error("--capacity must be a number of effort units, 0 or more")
    privacy = _privacy(args, parser)
    result = _import(args, parser)
    if not result.usable or result.dataset.initiatives.empty:
        print(format_report(result))
        print("\nNo initiatives were found, so there is nothing to rank.", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    try:
        ranked = prioritise.prioritise(result.dataset, args.model, privacy, capacity=args.capacity)
    except prioritise.PrioritisationError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_NOTHING_USABLE
    write_atomically(Path(args.out), prioritise.to_xlsx(ranked, result.dataset))
    scored = int(ranked.table["rank"].notna().sum())
    sides = ", ".join(
        f"{side} n={ranked.n[side]}" if ranked.n[side] is not None else f"{side} hidden"
        for side in prioritise.SIDES
    )
    tau = (
        f"; the sides agree with τ-b {ranked.tau:.2f} "
        f"(95% {ranked.tau_low:.2f} to {ranked.tau_high:.2f})"
        if ranked.tau is not None and ranked.tau_low is not None
        else ""
    )
    print(
        f"Wrote {args.out}: {scored} of {len(ranked.table)} initiatives ranked by "
        f"{ranked.label} ({sides}; k_min = {privacy.k_min}){tau}."
    )
    for note in ranked.notes:
        print(f"Note: {note}")
    return EXIT_OK


def _cmd_hash_password(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Print a hash to put in the ``password_hash`` setting; the password itself is
    read without echo (or from standard input when piped) and never stored."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ; nothing was made.", file=sys.stderr)
            return EXIT_NOTHING_USABLE
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        print("Use at least 8 characters; a long phrase is best.", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    print(hash_password(password))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m alignment", description="Alignment Workbench from the command line."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser(
        "validate",
        help="check files and print the import report",
        description="Check spreadsheets as the Data page would and print "
        "what was recognised and every problem.",
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help=".xlsx, .xlsm, .ods, .csv, .tsv or .txt files"
    )
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    _add_import_choices(validate)
    validate.add_argument(
        "--save-mapping",
        metavar="MAPPING.yaml",
        help="write the import choices used to this file, to edit and pass to --mapping",
    )
    validate.set_defaults(func=_cmd_validate)
    report = sub.add_parser(
        "report",
        help="write the Excel report of every heatmap",
        description="Write an Excel report: alignment by side and by group, gaps with their "
        "intervals, coverage, per-initiative summary and trend. Cells under the anonymity "
        "threshold are left empty.",
    )
    report.add_argument("files", nargs="+", metavar="FILE", help="the data files")
    report.add_argument("--out", required=True, metavar="REPORT.xlsx", help="where to write")
    _add_import_choices(report)
    report.add_argument(
        "--k-min",
        type=int,
        default=None,
        metavar="N",
        help=K_MIN_HELP,
    )
    report.set_defaults(func=_cmd_report)
    brief = sub.add_parser(
        "briefs",
        help="write the translator briefs",
        description="Write each initiative's business and engineering brief, and the portfolio "
        "brief, as the Briefs page exports them (without the page's edits).",
    )
    brief.add_argument("files", nargs="+", metavar="FILE", help="the data files")
    brief.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    _add_import_choices(brief)
    brief.add_argument(
        "--format",
        choices=("md", "docx", "pdf"),
        default="md",
        help="file format (default md; docx and pdf include the chart)",
    )
    brief.add_argument("--initiative", metavar="ID", help="only this initiative's two briefs")
    brief.add_argument(
        "--tone",
        choices=("concise", "detailed"),
        default="concise",
        help="how much detail (default concise)",
    )
    brief.add_argument(
        "--k-min",
        type=int,
        default=None,
        metavar="N",
        help=K_MIN_HELP,
    )
    brief.set_defaults(func=_cmd_briefs)
    prio = sub.add_parser(
        "prioritise",
        help="write the ranked roadmap (WSJF, RICE or value ÷ effort) with each side's ranking",
        description="Rank the initiatives by WSJF, RICE or value ÷ effort, as a whole and as "
        "each side sees it, with each rank's 95%% range and Kendall's τ-b between the sides. "
        "Writes the sheets Ranking, Sides and Method. A side under the anonymity threshold has "
        "no ranking.",
    )
    prio.add_argument("files", nargs="+", metavar="FILE", help="the data files")
    prio.add_argument(
        "--model",
        choices=("wsjf", "rice", "value-effort"),
        default="wsjf",
        help="the scoring model (default wsjf)",
    )
    prio.add_argument(
        "--capacity",
        type=float,
        default=None,
        metavar="N",
        help="the quarter's effort budget, in the effort units of the initiatives table: "
        "fills the fits_capacity column",
    )
    prio.add_argument("--out", required=True, metavar="RANKED.xlsx", help="where to write")
    _add_import_choices(prio)
    prio.add_argument("--k-min", type=int, default=None, metavar="N", help=K_MIN_HELP)
    prio.set_defaults(func=_cmd_prioritise)
    hashing = sub.add_parser(
        "hash-password",
        help="make the password hash that protects a self-hosted instance",
        description="Read a password (without echo) and print its salted scrypt hash for "
        f"{_HASH.env} or {_HASH.secrets_keys[0]} in .streamlit/secrets.toml.",
    )
    hashing.set_defaults(func=_cmd_hash_password)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, parser)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug must not print a traceback at the user
        print(
            f"Something went wrong inside the workbench ({type(exc).__name__}: {exc}). "
            "Please report it with the file that caused it.",
            file=sys.stderr,
        )
        return EXIT_NOTHING_USABLE


if __name__ == "__main__":
    sys.exit(main())
