"""Every setting of the workbench, declared once: its variable, its secrets key, default and limits.

Whoever runs the server configures the workbench through environment variables (``ALIGNMENT_*``)
or the Streamlit secrets file (``.streamlit/secrets.toml``); the environment wins, so a container
or a test can override a secrets file without editing it. ``SETTINGS`` is the only place that
names them: the modules read their values through ``get``/``resolve``, and the CLI help, the
Settings page and ``docs/settings.md`` are rendered from it, so a default changes in one edit.

A value that cannot be used (not a whole number, below its minimum) is never used silently:
``resolve`` returns the default together with a note saying why, for the page or the terminal.

    python -m alignment.config > docs/settings.md   # regenerate the docs' table
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# Setting kinds: how a raw text becomes a value.
INT, TEXT, PATH = "int", "text", "path"

# Groups, in the order the Settings page and the docs show them.
ACCESS, ANONYMITY, STORAGE, WORKSHOP, FILES, TESTS = (
    "Access",
    "Anonymity",
    "Storage",
    "Workshop",
    "Files",
    "Tests",
)


@dataclass(frozen=True)
class Setting:
    """One setting. ``secrets_keys`` are tried in order; a dotted key names a section
    (``privacy.k_min`` is ``k_min`` under ``[privacy]``). ``default`` None means "not set"
    (``default_text`` then says what happens instead)."""

    name: str
    env: str
    secrets_keys: tuple[str, ...]
    default: int | str | None
    kind: str
    help: str
    group: str
    minimum: int | None = None
    default_text: str = ""
    # The note when a value is below ``minimum``; formatted with name, value, minimum, default.
    below_minimum: str = "{name}={value} is below {minimum}; the default {default} is used."

    @property
    def shown_default(self) -> str:
        """The default as the docs and the page write it."""
        return self.default_text or ("none" if self.default is None else str(self.default))

    @property
    def secrets_text(self) -> str:
        """The secrets keys as a reader types them: ``k_min`` or ``[privacy] k_min``."""
        out = []
        for key in self.secrets_keys:
            section, _, leaf = key.rpartition(".")
            out.append(f"[{section}] {leaf}" if section else leaf)
        return " or ".join(out)


_K_TOO_LOW = (
    "{name}={value} would show single answers; the threshold cannot go below {minimum}, so the "
    "default {default} is used."
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "password_hash",
        "ALIGNMENT_PASSWORD_HASH",
        ("password_hash", "auth.password_hash"),
        None,
        TEXT,
        "Hash of the password that protects the instance; make it with "
        "`python -m alignment hash-password`.",
        ACCESS,
        default_text="none (the workbench is open)",
    ),
    Setting(
        "k_min",
        "ALIGNMENT_K_MIN",
        ("privacy.k_min", "k_min"),
        3,
        INT,
        "Anonymity threshold: a figure resting on fewer respondents is never shown or exported.",
        ANONYMITY,
        minimum=1,
        below_minimum=_K_TOO_LOW,
    ),
    Setting(
        "k_comments",
        "ALIGNMENT_K_COMMENTS",
        ("privacy.k_comments", "k_comments"),
        5,
        INT,
        "Respondents a cell needs before its comments are shown (never fewer than k_min).",
        ANONYMITY,
        minimum=1,
        below_minimum=_K_TOO_LOW,
    ),
    Setting(
        "db_url",
        "ALIGNMENT_DB_URL",
        ("storage.url", "db_url"),
        None,
        TEXT,
        "Database URL, e.g. `postgresql+psycopg://…` to share one PostgreSQL database between "
        "several app processes; wins over db_path.",
        STORAGE,
        default_text="none (SQLite file, see db_path)",
    ),
    Setting(
        "db_path",
        "ALIGNMENT_DB_PATH",
        ("storage.path", "db_path"),
        None,
        PATH,
        "SQLite file for workspaces, workshops and assessments.",
        STORAGE,
        default_text="`data/workbench.sqlite` beside the app, else the user's data folder",
    ),
    Setting(
        "public_url",
        "ALIGNMENT_PUBLIC_URL",
        ("public_url",),
        None,
        TEXT,
        "Address participants' phones use to reach the app (join links and QR codes).",
        WORKSHOP,
        default_text="the address the facilitator's browser used",
    ),
    Setting(
        "glossary",
        "ALIGNMENT_GLOSSARY",
        (),
        None,
        PATH,
        "The organisation's own glossary CSV (term, plain, aliases), used instead of the shipped "
        "one.",
        FILES,
        default_text="`alignment/briefs/glossary.csv`",
    ),
    Setting(
        "assessment_file",
        "ALIGNMENT_ASSESSMENT_FILE",
        (),
        None,
        PATH,
        "The organisation's own self-assessment question bank (YAML), used instead of the "
        "shipped one.",
        FILES,
        default_text="`alignment/assessment/assessment.yaml`",
    ),
    Setting(
        "pdf_font",
        "ALIGNMENT_PDF_FONT",
        (),
        None,
        PATH,
        "A regular TTF font for PDF exports (Bold/Oblique files beside it are used too).",
        FILES,
        default_text="DejaVu Sans when installed, else a built-in Latin-1 font",
    ),
    Setting(
        "test_pg_url",
        "ALIGNMENT_TEST_PG_URL",
        (),
        None,
        TEXT,
        "PostgreSQL server for the store's tests; when set, it must be reachable.",
        TESTS,
        default_text="a local server on port 5432 if one answers, else those tests are skipped",
    ),
)
SETTING_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Resolved:
    """A setting's value in force, where it came from (``env``, ``secrets`` or ``default``) and,
    when a given value was refused, the note that says so."""

    value: int | str | None
    source: str
    note: str | None = None


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _from_secrets(setting: Setting, secrets: Mapping[str, object]) -> object:
    for key in setting.secrets_keys:
        node: object = secrets
        for part in key.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        # A text setting given a number or a table in the secrets file is skipped, as if unset,
        # so a later key can still supply it (a password hash must never be a guess).
        if not _blank(node) and (setting.kind == INT or isinstance(node, str)):
            return node
    return None


def _convert(setting: Setting, raw: object, default: object) -> tuple[object, str | None]:
    """(value, None) or (default, why the raw value was refused)."""
    if setting.kind == INT:
        try:
            value = int(str(raw).strip())
        except ValueError:
            return (
                default,
                f"{setting.name}={raw!r} is not a whole number; the default {default} is used.",
            )
        if setting.minimum is not None and value < setting.minimum:
            return default, setting.below_minimum.format(
                name=setting.name, value=value, minimum=setting.minimum, default=default
            )
        return value, None
    return str(raw).strip(), None


def resolve(
    name: str,
    secrets: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    default: int | str | None = None,
) -> Resolved:
    """The value of setting ``name``: the environment variable, else the secrets file, else the
    default (``default`` overrides the declared one, for a default that depends on another
    setting). Blank values count as unset. ``environ`` None means ``os.environ``; pass ``{}``
    to read the secrets only, and ``secrets`` None to read the environment only."""
    setting = SETTING_BY_NAME[name]
    fallback = setting.default if default is None else default
    environ = os.environ if environ is None else environ
    raw: object = environ.get(setting.env)
    source = "env"
    if _blank(raw):
        raw, source = _from_secrets(setting, secrets or {}), "secrets"
    if _blank(raw):
        return Resolved(fallback, "default")
    value, note = _convert(setting, raw, fallback)
    return Resolved(value, source if note is None else "default", note)


def get(
    name: str,
    secrets: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    default: int | str | None = None,
) -> int | str | None:
    """Just the value of ``resolve``: for settings whose refused values need no note."""
    return resolve(name, secrets, environ, default=default).value


def env(name: str) -> str:
    """The environment variable of a setting, for messages and tests that set it."""
    return SETTING_BY_NAME[name].env


def default(name: str) -> int | str | None:
    return SETTING_BY_NAME[name].default


def markdown_table(include_tests: bool = True) -> str:
    """``docs/settings.md``: every setting with its variable, secrets key, default and help."""
    lines = [
        "# Settings",
        "",
        "<!-- Generated by `python -m alignment.config > docs/settings.md`; do not edit. -->",
        "",
        "Whoever runs the server sets these, as environment variables or in "
        "`.streamlit/secrets.toml`; the environment wins. Blank values count as unset; a value "
        "that cannot be used is reported on the Settings page and the default stays.",
        "",
    ]
    for group in dict.fromkeys(s.group for s in SETTINGS):
        if group == TESTS and not include_tests:
            continue
        lines += [
            f"## {group}",
            "",
            "| setting | environment variable | secrets key | default | meaning |",
            "|---|---|---|---|---|",
        ]
        for s in SETTINGS:
            if s.group != group:
                continue
            limit = f" (at least {s.minimum})" if s.minimum is not None else ""
            secrets = " or ".join(f"`{k}`" for k in s.secrets_text.split(" or ")) or "—"
            lines.append(
                f"| {s.name} | `{s.env}` | {secrets} | {s.shown_default}{limit} | {s.help} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table(), end="")
