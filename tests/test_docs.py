"""The docs stay in step with the code: settings, CLI options, pages and the method's constants.

Three checks, as in datasette's tests/test_docs.py: everything the code offers is documented
(every setting, CLI option and page); everything the docs name exists (every ``ALIGNMENT_*``
variable, every file a link points at); and every constant the prose quotes equals the code's
value, so a docs/method.md that says 0.70 fails the suite the day the code says 0.75. The README
stays a front door: short, with its two commands and its screenshots.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from alignment import assessment, config, constants
from alignment.cli import build_parser
from alignment.throttle import Policy

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
# Every page written for a reader: the front door, the per-reader docs, and the two for developers.
ALL_DOCS = [README, *DOCS, ROOT / "ARCHITECTURE.md", ROOT / "CONTRIBUTING.md"]
CODE = sorted(
    [
        *(ROOT / "alignment").rglob("*.py"),
        *(ROOT / "components").glob("*.py"),
        *(ROOT / "app_pages").glob("*.py"),
        ROOT / "app.py",
    ]
)
ENV_NAME = re.compile(r"\bALIGNMENT_[A-Z0-9_]+\b")


def _text(*paths: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def _docs() -> str:
    return _text(README, *DOCS)


# --- settings ------------------------------------------------------------------------------------


def test_settings_md_is_generated_from_the_settings() -> None:
    written = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert written == config.markdown_table(), (
        "docs/settings.md is out of date; regenerate it with "
        "`python -m alignment.config > docs/settings.md`"
    )


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting: config.Setting) -> None:
    settings_md = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert f"`{setting.env}`" in settings_md
    assert f"| {setting.name} |" in settings_md


def test_the_readme_links_the_settings() -> None:
    assert "(docs/settings.md)" in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [README, *DOCS, *CODE], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_alignment_variable_named_anywhere_is_a_declared_setting(path: Path) -> None:
    declared = {s.env for s in config.SETTINGS}
    named = set(ENV_NAME.findall(path.read_text(encoding="utf-8")))
    assert named <= declared, f"not declared in alignment/config.py: {sorted(named - declared)}"


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_types_a_variable_name_of_its_own(path: Path) -> None:
    """Only alignment/config.py spells ALIGNMENT_* in code; others ask it (docstrings may
    name a variable for the reader)."""
    if path == ROOT / "alignment" / "config.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstring_nodes(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            assert not ENV_NAME.search(node.value), f"{path.name}:{node.lineno}: {node.value!r}"


@pytest.mark.parametrize(
    "setting", [s for s in config.SETTINGS if isinstance(s.default, int)], ids=lambda s: s.name
)
def test_defaults_quoted_in_the_docs_are_the_codes(setting: config.Setting) -> None:
    text = _docs()
    patterns = (
        rf"`?{setting.name}`?[^.;\n|]{{0,60}}?\(default:? (\d+)",
        rf"`?{setting.env}`?,? or (\d+)\b",
    )
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            assert int(match.group(1)) == setting.default, match.group(0)


# --- the command line ----------------------------------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the CLI has no subcommands")


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_cli_subcommand_and_option_is_documented(name: str) -> None:
    text = _docs()
    assert f"`{name}`" in text or f"alignment {name}" in text, f"subcommand {name}"
    for action in _subcommands()[name]._actions:
        for option in action.option_strings:
            if option in ("-h", "--help"):
                continue
            assert option in text, f"{name} {option} is not in the README or docs/*.md"


# --- pages ---------------------------------------------------------------------------------------


def _pages() -> list[tuple[str, str, str]]:
    """(file, title, url_path) of every page in the page registry, which app.py reads."""
    from components.page_registry import PAGES

    return [(p.file, p.title, p.url_path) for p in PAGES]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p[0])
def test_every_page_is_documented(page: tuple[str, str, str]) -> None:
    _, title, url_path = page
    pages_md = (ROOT / "docs" / "pages.md").read_text(encoding="utf-8")
    assert f"| {title} | `/{url_path}` |" in pages_md, f"{title} is not in docs/pages.md"


def test_the_readme_links_the_pages() -> None:
    assert "(docs/pages.md)" in README.read_text(encoding="utf-8")


# --- the method's constants ----------------------------------------------------------------------


def test_method_constants_md_is_generated_from_the_constants() -> None:
    written = (ROOT / "docs" / "method-constants.md").read_text(encoding="utf-8")
    assert written == constants.markdown_table(), (
        "docs/method-constants.md is out of date; regenerate it with "
        "`python -m alignment.constants > docs/method-constants.md`"
    )


def test_every_constant_is_in_the_table_with_its_value() -> None:
    listed = {c.name: c.value for c in constants.CONSTANTS}
    declared = {
        name: value
        for name, value in vars(constants).items()
        if name.isupper() and isinstance(value, int | float) and not isinstance(value, bool)
    }
    assert listed == declared


def _g(value: float) -> str:
    return format(value, "g")


def _pct(share: float) -> str:
    return _g(100 * share)


_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 10: "ten"}
A = constants.AGREEMENT_TEXT
C = constants
# (pattern in the docs, the values its groups must equal as written). A pattern that no longer
# matches fails too: reword the prose and the pattern together, never leave a number unchecked.
QUOTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(\d+\.\d+) or more: the group agrees", (A,)),
    (r"else \((\d+\.\d+) − r_wg\) ÷ (\d+\.\d+)", (A, A)),
    (
        r"at least (\d+)% of respondents' means at or below (\d+) and at least (\d+)% at or\s+"
        r"above (\d+)",
        (_pct(C.POLAR_SHARE), _g(C.POLAR_LOW), _pct(C.POLAR_SHARE), _g(C.POLAR_HIGH)),
    ),
    (
        r"\(in full when its interval excludes 0,\s+(half) otherwise\), plus (\d+) points for a "
        r"split room and (\d+) per disagreeing group \(up to (\d+)\)",
        (
            {0.5: "half"}.get(C.RANK_UNCLEAR_GAP_SHARE, _g(C.RANK_UNCLEAR_GAP_SHARE)),
            _g(C.RANK_SPLIT_POINTS),
            _g(C.RANK_DISAGREE_POINTS),
            _g(C.RANK_DISAGREE_CAP),
        ),
    ),
    (r"a change of (\d+) points or more", (_g(C.COMPARISON_CHANGE),)),
    (
        r"default weights (\d+)/(\d+)/(\d+)",
        (
            _pct(C.RISK_WEIGHT_INDICATORS),
            _pct(C.RISK_WEIGHT_GAP),
            _pct(C.RISK_WEIGHT_AGREEMENT),
        ),
    ),
    (r"\|tech − business gap\| ÷ (\d+)", (_g(C.RISK_GAP_FULL),)),
    (r"± (\d+) × (\d+\.\d+) × MAD", (_g(C.DEFAULT_MADS), _g(C.MAD_SCALE))),
    (r"worsening N periods running\* \(default (\d+);", (_g(C.RISING_PERIODS),)),
    (r"mean of the previous (\d+) periods\)", (_g(C.BASELINE_PERIODS),)),
    (
        r"\|z\| ≥ (\d+) the bad way, at least (\d+) of the (\d+) present",
        (_g(C.Z_MIN), _g(C.MIN_BASELINE), _g(C.BASELINE_PERIODS)),
    ),
    (
        r"Severity points: over\s+(\d+), worsening (\d+) \(\+1 when (\d+) periods longer\), "
        r"unusual (\d+) \(\+1 when \|z\| ≥ (\d+)\); high ≥ (\d+), medium ≥ (\d+)",
        (
            _g(C.SEVERITY_OVER),
            _g(C.SEVERITY_RISING),
            _g(C.SEVERITY_LONG_RUN),
            _g(C.SEVERITY_UNUSUAL),
            _g(C.SEVERITY_STRONG_Z),
            _g(C.LEVEL_HIGH),
            _g(C.LEVEL_MEDIUM),
        ),
    ),
    # Thresholds that live with their own feature, not in alignment.constants.
    (r"data differ by (\d+) points or more", (_g(assessment.EVIDENCE_GAP),)),
    (r"you (\d+)\+ points above your team", (_g(assessment.TEAM_GAP),)),
    (
        r"after (\w+) wrong passwords from one address, each further one doubles the pause "
        r"before the next check \((\d+) s, .*? up to (\d+) s\); after (\d+) wrong passwords in "
        r"an hour across the server, every (\d+) more double it".replace(" ", r"\s+"),
        (
            _WORDS.get(Policy.client_free, str(Policy.client_free)),
            _g(Policy.base_seconds),
            _g(Policy.max_pause),
            _g(Policy.global_free),
            _g(Policy.global_step),
        ),
    ),
)


@pytest.mark.parametrize(("pattern", "expected"), QUOTED, ids=lambda x: str(x)[:40])
def test_constants_quoted_in_the_docs_are_the_codes(
    pattern: str, expected: tuple[str, ...]
) -> None:
    """Each pattern must be found in the docs (docs/method.md holds most), and every place that
    says it must say the code's value."""
    found = [
        (path, match)
        for path in ALL_DOCS
        for match in re.finditer(pattern, path.read_text(encoding="utf-8"))
    ]
    assert found, f"no doc says {pattern!r} any more: update the prose and this pattern"
    for path, match in found:
        assert match.groups() == expected, (
            f"{path.relative_to(ROOT)} says {match.group(0)!r} but the code's constants give "
            f"{expected}"
        )


# --- the docs themselves -------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("path", ALL_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file_and_heading_that_exist(path: Path) -> None:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{path.name} links {target}, which does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{path.name} links {target}: no such heading"


def test_the_readme_is_a_short_front_door() -> None:
    """What it is (with two screenshots of the real app), the two commands, where to go next."""
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 6_000, "the README is a front door: move detail to docs/"
    assert "pip install -r requirements.txt && streamlit run app.py" in text
    # .ci/run runs this line word for word.
    assert "pip install -r requirements-dev.txt && python -m pytest" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -r requirements-dev.txt && python -m pytest" in ci
    images = re.findall(r"!\[([^\]]+)\]\((docs/images/[^)]+\.png)\)", text)
    assert len(images) >= 2, "two screenshots of the real app, each with alt text"
    for alt, image in images:
        assert len(alt.split()) >= 5, f"{image}: say what the screenshot shows"
        size = (ROOT / image).stat().st_size
        assert size < 400_000, f"{image} is {size // 1000} KB; keep screenshots under 400 KB"
    for doc in ("user-guide", "method", "self-hosting", "cli", "performance", "settings", "pages"):
        assert f"(docs/{doc}.md)" in text, f"the README does not link docs/{doc}.md"
    assert "(ARCHITECTURE.md)" in text and "(CONTRIBUTING.md)" in text
