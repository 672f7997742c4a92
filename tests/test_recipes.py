"""Each recipe in CONTRIBUTING.md, followed once, so the recipes stay true.

Recipes that change how the code is wired (an import layout, a setting, a migration) are
followed in this process: the new piece is monkeypatched in and the mechanism the recipe relies
on must pick it up. Recipes that edit declarations read at import time (a page, a dimension, a
field) are followed in a scratch copy of the tree: the test makes the recipe's edits there, runs
its generators, and runs the tests the recipe names, in a fresh interpreter. A recipe whose steps
no longer work fails here, not in a contributor's first pull request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from alignment import config
from alignment.ingest import SourceFile, import_files, mapping
from alignment.ingest import layouts as layouts_pkg
from alignment.ingest.layouts import Context, Layout, Reading
from alignment.ingest.layouts.base import TOOL, texts
from alignment.readers import RawSheet
from alignment.store import CORE, Migration, SchemaPart, SchemaTooNew, Store

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".benchmarks",
    "data",
    "artifacts",
    "out",
    ".venv",
)


# --- scratch copies ------------------------------------------------------------------------------


def _scratch(tmp_path: Path) -> Path:
    """A copy of the source tree to follow a recipe in; the real tree is never touched."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    return copy


def _edit(path: Path, anchor: str, replacement: str) -> None:
    """Replace ``anchor`` (which must occur exactly once) as the recipe says to."""
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{path.name}: the recipe's anchor is not unique or gone"
    path.write_text(text.replace(anchor, replacement), encoding="utf-8")


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in the copy, which is first on the path (never this checkout)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _pytest(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not e2e", *args)


def _passes(copy: Path, *args: str) -> None:
    out = _pytest(copy, *args)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


# --- add a page ----------------------------------------------------------------------------------

NEW_PAGE = '''\
"""Roadmap health: the share of initiatives with a WHY, per team."""

from __future__ import annotations

import streamlit as st

from alignment import coverage
from components.page import setup

result = setup("Roadmap health", needs=("initiatives",), intro="Which teams state their WHY.")
initiatives = result.dataset.initiatives
share = coverage.has_why(initiatives).groupby(initiatives["team"]).mean().mul(100).round()
st.dataframe(share.rename("initiatives with a WHY (%)"))
'''

NEW_PAGE_TEST = """\
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def test_roadmap_health_opens_on_the_demo():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("app_pages/roadmap_health.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Roadmap health"]
    assert len(at.dataframe) == 1
"""


@pytest.mark.slow
def test_add_a_page(tmp_path: Path) -> None:
    copy = _scratch(tmp_path)
    (copy / "app_pages" / "roadmap_health.py").write_text(NEW_PAGE, encoding="utf-8")
    # The file alone is not a page: the convention test names what is missing.
    out = _pytest(copy, "tests/test_conventions.py", "-k", "registry")
    assert out.returncode != 0 and "roadmap_health" in out.stdout

    _edit(
        copy / "components" / "page_registry.py",
        '    PageSpec("app_pages/data.py",',
        '    PageSpec(\n        "app_pages/roadmap_health.py",\n        "Roadmap health",\n'
        '        ":material/health_and_safety:",\n        "roadmap-health",\n'
        '        "Keep aligned",\n    ),\n    PageSpec("app_pages/data.py",',
    )
    out = _pytest(copy, "tests/test_docs.py", "-k", "page")
    assert out.returncode != 0 and "Roadmap health is not in docs/pages.md" in out.stdout

    _edit(
        copy / "docs" / "pages.md",
        "| Data | `/data` |",
        "| Roadmap health | `/roadmap-health` | which teams state the WHY of their work |\n"
        "| Data | `/data` |",
    )
    (copy / "tests" / "test_app_roadmap_health.py").write_text(NEW_PAGE_TEST, encoding="utf-8")
    _passes(
        copy,
        "tests/test_conventions.py",
        "tests/test_docs.py",
        "tests/test_app_roadmap_health.py",
    )


# --- add a dimension -----------------------------------------------------------------------------

DIMENSION_ANCHOR = """        ("communicat", "informed", "update", "transparen"),
    ),
)
DIMENSION_BY_NAME"""
NEW_DIMENSION = """        ("communicat", "informed", "update", "transparen"),
    ),
    Dimension(
        "soundness",
        "Technical soundness",
        "The technical approach of this initiative is sound.",
        ("technical soundness", "soundness", "sound approach"),
        ("sound",),
    ),
)
DIMENSION_BY_NAME"""

DIMENSION_TEST = """\
from alignment import demo, schema, templates
from alignment.ingest import SourceFile, import_files


def test_the_new_dimension_is_everywhere():
    assert "Technical soundness" in [f.label for f in templates.template_fields(schema.FEEDBACK)]
    assert "Technical soundness" in demo.build_demo_tables()["feedback"].columns
    sheet = "Initiative,Group,Clarity of the why,Sound approach\\nP-01,Sales,4,2\\nP-01,Data,5,3\\n"
    ratings = import_files([SourceFile("survey.csv", sheet.encode())]).dataset.feedback
    assert set(ratings["dimension"]) == {"why_clarity", "soundness"}, ratings
"""


@pytest.mark.slow
def test_add_a_dimension(tmp_path: Path) -> None:
    copy = _scratch(tmp_path)
    _edit(copy / "alignment" / "schema.py", DIMENSION_ANCHOR, NEW_DIMENSION)
    for generator in ("alignment.demo", "alignment.templates"):
        out = _run(copy, "-m", generator)
        assert out.returncode == 0, out.stderr
    (copy / "tests" / "test_new_dimension.py").write_text(DIMENSION_TEST, encoding="utf-8")
    _passes(
        copy,
        "tests/test_conventions.py",
        "tests/test_templates.py",
        "tests/test_demo.py",
        "tests/test_new_dimension.py",
    )


# --- add a field ---------------------------------------------------------------------------------

FIELD_ANCHOR = """            examples=("Sign-up conversion", "Days sales outstanding"),
            signal=1.5,
        ),
    ),
)"""
NEW_FIELD = """            examples=("Sign-up conversion", "Days sales outstanding"),
            signal=1.5,
        ),
        Field(
            "sponsor",
            "Sponsor",
            Kind.TEXT,
            "The executive who answers for the initiative's business case.",
            ("sponsor", "executive sponsor", "business sponsor"),
            examples=("CFO", "VP Sales"),
        ),
    ),
)"""

FIELD_TEST = """\
from alignment import schema, templates
from alignment.ingest import SourceFile, import_files


def test_the_new_field_is_in_the_template_and_read_by_its_synonym():
    assert "Sponsor" in [f.label for f in templates.template_fields(schema.INITIATIVES)]
    sheet = "Initiative ID,Name,Executive sponsor\\nP-01,Billing revamp,CFO\\n"
    result = import_files([SourceFile("roadmap.csv", sheet.encode())])
    assert list(result.dataset.initiatives["sponsor"]) == ["CFO"]
"""


@pytest.mark.slow
def test_add_a_field(tmp_path: Path) -> None:
    copy = _scratch(tmp_path)
    _edit(copy / "alignment" / "schema.py", FIELD_ANCHOR, NEW_FIELD)
    for generator in ("alignment.demo", "alignment.templates"):
        out = _run(copy, "-m", generator)
        assert out.returncode == 0, out.stderr
    (copy / "tests" / "test_new_field.py").write_text(FIELD_TEST, encoding="utf-8")
    _passes(
        copy,
        "tests/test_conventions.py",
        "tests/test_templates.py",
        "tests/test_demo.py",
        "tests/test_new_field.py",
    )


# --- add an import layout ------------------------------------------------------------------------


class Planr(Layout):
    """A made-up tracker's card export: a banner row, then 'Card, Title, Lane'."""

    name = "planr"
    label = "a Planr export"
    tables = ("initiatives",)

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        rows = sheet.rows
        if len(rows) < 2 or texts(rows[0])[:1] != ["Exported from Planr"]:
            return None
        headers = texts(rows[1])
        if headers[:3] != ["Card", "Title", "Lane"]:
            return None
        fields = {"id": 0, "name": 1, "team": 2}
        return Reading(
            self.name, "initiatives", TOOL + len(fields), "a Planr card export", headers, 1, fields
        )


PLANR_CSV = b"Exported from Planr,,\nCard,Title,Lane\nC-1,Billing revamp,Payments\nC-2,Login,Mobile"


@pytest.fixture
def planr_registered(monkeypatch: pytest.MonkeyPatch):
    """Step 2 of the recipe: the class listed in ``layout_classes`` (here by monkeypatch)."""
    shipped = layouts_pkg.layout_classes
    monkeypatch.setattr(layouts_pkg, "layout_classes", lambda: (Planr, *shipped()))
    layouts_pkg.layouts.cache_clear()
    yield
    monkeypatch.undo()
    layouts_pkg.layouts.cache_clear()


def test_add_an_import_layout(planr_registered: None) -> None:
    assert "planr" in layouts_pkg.layouts()
    result = import_files([SourceFile("board.csv", PLANR_CSV)])
    assert not result.problems
    frame = result.dataset.initiatives
    assert list(frame["id"]) == ["C-1", "C-2"]
    assert list(frame["team"]) == ["Payments", "Mobile"]
    # The same name works with --as and in a mapping file, with no other change.
    key, choice = mapping.parse_as("board.csv=planr")
    assert choice == {"layout": "planr"}


# --- add a setting -------------------------------------------------------------------------------

NEW_SETTING = config.Setting(
    "max_workshops",
    "ALIGNMENT_MAX_WORKSHOPS",
    ("workshop.max_open", "max_workshops"),
    20,
    config.INT,
    "Most workshops open at once.",
    config.WORKSHOP,
    minimum=1,
)


def test_add_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "SETTINGS", (*config.SETTINGS, NEW_SETTING))
    monkeypatch.setattr(config, "SETTING_BY_NAME", {s.name: s for s in config.SETTINGS})
    # Read through config, never by its variable's name; the environment wins over secrets.
    assert config.get("max_workshops", {}, {}) == 20
    assert config.get("max_workshops", {"workshop": {"max_open": 8}}, {}) == 8
    assert config.get("max_workshops", {}, {"ALIGNMENT_MAX_WORKSHOPS": "12"}) == 12
    refused = config.resolve("max_workshops", {}, {"ALIGNMENT_MAX_WORKSHOPS": "0"})
    assert refused.value == 20 and refused.note
    # `python -m alignment.config > docs/settings.md` documents it, under its group …
    table = config.markdown_table()
    assert (
        "| max_workshops | `ALIGNMENT_MAX_WORKSHOPS` | `[workshop] max_open` or `max_workshops` "
        "| 20 (at least 1) | Most workshops open at once. |"
    ) in table
    assert table.index("## Workshop") < table.index("max_workshops") < table.index("## Files")
    # … and until the docs are regenerated, tests/test_docs.py fails.
    from tests import test_docs

    with pytest.raises(AssertionError, match="docs/settings.md is out of date"):
        test_docs.test_settings_md_is_generated_from_the_settings()


# --- add a migration -----------------------------------------------------------------------------


def _core_v3(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE snapshots ADD COLUMN note TEXT"))


def test_add_a_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workbench.sqlite'}"
    before = Store(url)
    with before.write() as conn:
        conn.execute(sa.text("INSERT INTO preferences VALUES ('kept', 'yes', CURRENT_TIMESTAMP)"))
    before.dispose()

    # The recipe: append the next version to the part's tuple; never edit an applied one.
    core_next = SchemaPart(
        "core", (*CORE.migrations, Migration(CORE.latest + 1, "a note per workspace", _core_v3))
    )
    after = Store(url, parts=(core_next,))
    assert after.versions()["core"] == CORE.latest + 1
    columns = {c["name"] for c in sa.inspect(after.engine).get_columns("snapshots")}
    assert "note" in columns
    assert after.get_pref("kept") == "yes", "an upgrade keeps the data"
    after.dispose()

    # The previous release refuses the upgraded database instead of damaging it.
    with pytest.raises(SchemaTooNew):
        Store(url)
    # Versions are 1..n in order: a gap or a renumbering is refused at once.
    with pytest.raises(ValueError, match="versions must be 1..n"):
        SchemaPart("core", (*CORE.migrations, Migration(CORE.latest + 2, "skipped", _core_v3)))


def test_the_recipes_name_their_tests() -> None:
    """Every recipe in CONTRIBUTING.md says which test proves it, and is followed here."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    here = Path(__file__).read_text(encoding="utf-8")
    for recipe in ("page", "dimension", "field", "import_layout", "setting", "migration"):
        name = f"test_add_a_{recipe}" if recipe != "import_layout" else "test_add_an_import_layout"
        assert f"def {name}(" in here
        assert f"tests/test_recipes.py::{name}" in text, f"CONTRIBUTING.md does not cite {name}"
