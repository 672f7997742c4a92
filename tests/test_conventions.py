"""House rules that keep the architecture honest: layers, the page registry, safe output."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from alignment import schema
from alignment.templates import template_fields
from components import page_registry

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted((ROOT / "alignment").rglob("*.py"))
UI = sorted(
    [*(ROOT / "app_pages").glob("*.py"), *(ROOT / "components").glob("*.py"), ROOT / "app.py"]
)
BANKS = sorted((ROOT / "alignment").rglob("*.yaml"))


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_streamlit(path: Path) -> None:
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "streamlit" for a in node.names), path
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "streamlit", path


def test_every_page_file_is_in_the_registry_and_every_entry_is_a_file() -> None:
    files = {f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py")}
    assert files == set(page_registry.BY_FILE)
    assert len(page_registry.BY_FILE) == len(page_registry.PAGES), "a page is listed twice"


def test_the_registry_gives_each_page_its_own_title_and_address_and_one_default() -> None:
    pages = page_registry.PAGES
    assert len({p.title for p in pages}) == len(pages)
    assert len({p.url_path for p in pages}) == len(pages)
    assert [p.url_path for p in pages if p.default] == [""]
    for p in pages:
        assert p.icon.startswith(":material/"), p.file
        assert re.fullmatch(r"[a-z][a-z0-9_-]*", p.url_path) or p.default, p.file


def test_app_py_builds_its_navigation_from_the_registry_only() -> None:
    """No second list of pages: app.py names page files only to pick the participant pages."""
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "page_registry.st_pages()" in app
    assert not re.search(r'st\.Page\(\s*"app_pages/', app)


@pytest.mark.parametrize("path", [*CORE, *UI, *BANKS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_page_a_file_names_is_registered(path: Path) -> None:
    """Links, guards and the question bank's actions name only pages the app has."""
    named = set(re.findall(r"app_pages/[a-z0-9_]+\.py", path.read_text(encoding="utf-8")))
    named -= {"app_pages/x.py"}  # the question bank's own example of the format
    assert named <= set(page_registry.BY_FILE), sorted(named - set(page_registry.BY_FILE))


@pytest.mark.parametrize("path", UI, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_raw_html_from_data(path: Path) -> None:
    """unsafe_allow_html never; st.html only with a constant (our own CSS), never user text."""
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            assert kw.arg != "unsafe_allow_html", f"{path}:{node.lineno}"
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "html":
            args = node.args
            assert args and isinstance(args[0], ast.Constant), f"{path}:{node.lineno}"


@pytest.mark.parametrize("path", [*CORE, *UI], ids=lambda p: str(p.relative_to(ROOT)))
def test_spreadsheet_files_are_written_only_by_the_formula_safe_exporter(path: Path) -> None:
    if path.name == "exports.py":
        return
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("to_csv", "to_excel"), f"{path}:{node.lineno}"


@pytest.mark.parametrize("path", UI + CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_layers_point_one_way(path: Path) -> None:
    """app_pages -> components -> alignment; never the reverse."""
    forbidden = {"alignment": ("components", "app_pages"), "components": ("app_pages",)}
    layer = path.relative_to(ROOT).parts[0]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.module.split(".")[0] not in forbidden.get(layer, ()), path
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] not in forbidden.get(layer, ()), path


PACKAGES = sorted(p.parent for p in (ROOT / "alignment").glob("*/__init__.py"))
VAGUE = {"report", "utils", "util", "helpers", "misc", "common", "data"}


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_package_introduces_each_of_its_modules(package: Path) -> None:
    """A package's docstring is its map: every module in it is named there."""
    doc = ast.get_docstring(_tree(package / "__init__.py")) or ""
    for module in package.glob("*.py"):
        if module.name != "__init__.py":
            assert f"``{module.stem}``" in doc, f"{package.name}/__init__.py: {module.stem}"


def test_a_family_of_modules_lives_in_its_package_not_beside_it() -> None:
    """``alignment/assessment_x.py`` next to ``alignment/assessment/`` would split one concept."""
    for package in PACKAGES:
        strays = sorted(p.name for p in (ROOT / "alignment").glob(f"{package.name}_*.py"))
        assert not strays, strays


def test_top_level_modules_are_named_for_a_concept() -> None:
    """A bare ``report.py`` or ``utils.py`` says nothing: whose report, which utilities?"""
    for layer in ("alignment", "components"):
        vague = sorted(p.name for p in (ROOT / layer).glob("*.py") if p.stem in VAGUE)
        assert not vague, f"{layer}: {vague}"


# Caches outside components/analysis.py hold inputs, not analyses: the files read by digest
# (loader), the database connection (storage), the login throttle (auth), a QR picture.
INPUT_CACHES = {"loader.py", "storage.py", "auth.py", "workshop_view.py"}


@pytest.mark.parametrize("path", UI, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_define_no_caches_and_analyses_are_cached_in_one_place(path: Path) -> None:
    if path.parent.name == "components" and path.name in {"analysis.py", *INPUT_CACHES}:
        return
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("cache_data", "cache_resource"), f"{path}:{node.lineno}"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_every_field_has_a_label_help_and_a_template_column(table: schema.Table) -> None:
    in_template = {f.name for f in template_fields(table)}
    for f in table.fields:
        assert f.label.strip(), f.name
        assert len(f.help) > 10, f.name
        if not (table.name == "feedback" and f.name in ("dimension", "score")):
            assert f.name in in_template, f.name
        # The importer recognises the template's own header.
        assert any(
            t == table.name and fld == f.name and score == 100
            for t, fld, score in _matches(f.label)
        ), f.label


def _matches(header: str):
    from alignment.ingest import match_header

    return match_header(header)


def test_no_streamlit_pages_folder() -> None:
    """A folder named pages/ beside app.py makes Streamlit run a page file directly on the first
    request after a start, skipping app.py (its navigation and its password gate)."""
    assert not (ROOT / "pages").exists()


def test_the_server_skips_streamlits_full_garbage_collection_after_every_run() -> None:
    """A full collection after each run cost ~100 ms of CPU per phone tap in a workshop room
    (docs/performance.md, "Live workshop"); the shipped config turns it off."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
