"""The house style as tests: ``ruff check`` and ``ruff format --check`` over the whole tree.

They run inside ``python -m pytest`` so that the README's one test command, a developer's run and
CI all fail alike on a lint error or an unformatted file (the configuration is in pyproject.toml).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:  # requirements-dev.txt installs it: a missing ruff is a broken environment
        pytest.fail("ruff is not installed; run: pip install -r requirements-dev.txt")
    return subprocess.run(
        [exe, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_ruff_check_passes() -> None:
    out = _ruff("check", ".", "--output-format", "concise")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_is_clean() -> None:
    out = _ruff("format", "--check", ".")
    assert out.returncode == 0, "run 'ruff format .':\n" + out.stdout + out.stderr
