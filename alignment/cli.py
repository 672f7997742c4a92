"""Command line: the same core as the web app, for checking files before a workshop or in a script.

    python -m alignment validate FILE [FILE ...] [--json]

Exit status: 0 when at least one table was usable, 1 when nothing usable was found, 2 for a
usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from alignment import schema
from alignment.ingest import ImportResult, SourceFile, import_files

EXIT_OK, EXIT_NOTHING_USABLE, EXIT_USAGE = 0, 1, 2


def _load(paths: Sequence[str], parser: argparse.ArgumentParser) -> list[SourceFile]:
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


def format_report(result: ImportResult) -> str:
    """The Data page's report as plain text."""
    lines: list[str] = []
    for sheet in result.sheets:
        what = schema.TABLE_BY_NAME[sheet.kind].label if sheet.kind else "ignored"
        form = f" ({sheet.form} form)" if sheet.form else ""
        lines.append(f"{sheet.where}: {what}{form} — {sheet.reason}")
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
    result = import_files(_load(args.files, parser))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(format_report(result))
    return EXIT_OK if result.usable else EXIT_NOTHING_USABLE


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
    validate.set_defaults(func=_cmd_validate)
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
