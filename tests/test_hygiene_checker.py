"""The text-hygiene checker catches each kind of internal text, and reads every export type."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from alignment.exports import to_csv_bytes, to_xlsx_bytes
from tests.hygiene import export_text, internal_words


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Change: None", "None"),
        ("Score nan (n = 4)", "nan"),
        ("Due NaT", "NaT"),
        ("Owner <NA>", "<NA>"),
        ("Grouped by why_clarity", "why_clarity"),
        ("the seed's forums", "seed"),
        ("see issue 15", "issue"),
        ("TODO: wording", "TODO"),
    ],
)
def test_each_kind_of_leak_is_caught(text: str, word: str) -> None:
    assert [leak for leak in internal_words(text) if repr(word) in leak]


@pytest.mark.parametrize(
    "text",
    [
        "Nonetheless, the team agreed.",
        "Download demo_workbook.xlsx or open https://example.org/a_b",
        "Group disagrees (r_wg < 0.7); k_min = 3",
        "Write to ops_team@example.org",
        "The team can bring up problems and tough issues.",
    ],
)
def test_ordinary_text_passes(text: str) -> None:
    assert internal_words(text) == []


def test_the_users_own_words_may_be_repeated() -> None:
    assert internal_words("column 'team_id' was not used", {"team_id"}) == []


def test_exports_are_read_as_text() -> None:
    frame = pd.DataFrame({"Owner": ["None"], "Score": [1.5]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("inside.csv", "a,b\nx,nan\n")
    files = {
        "t.xlsx": to_xlsx_bytes({"Data": frame}),
        "t.csv": to_csv_bytes(frame),
        "t.zip": buffer.getvalue(),
        "t.svg": b'<svg><text x="1">why_clarity</text><rect class="mark_rect"/></svg>',
    }
    texts = {k: v for name, data in files.items() for k, v in export_text(name, data).items()}
    assert internal_words(texts["t.xlsx"]) and internal_words(texts["t.csv"])
    assert internal_words(texts["t.zip/inside.csv"])
    assert internal_words(texts["t.svg"]) == ["'why_clarity' in “why_clarity”"]
    with pytest.raises(ValueError, match="No reader"):
        export_text("t.bin", b"")
