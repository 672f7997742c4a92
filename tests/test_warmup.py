"""The background warm-up: it loads what the chart pages need, once per server process."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from alignment.charts import heatmaps
from components import warmup

ROOT = Path(__file__).resolve().parent.parent


def test_warm_up_builds_the_specs_the_alignment_page_asks_for_first(monkeypatch) -> None:
    frozen: list[bool] = []
    monkeypatch.setattr(warmup.gc, "freeze", lambda: frozen.append(True))  # not this process
    heatmaps.template.cache_clear()
    warmup._warm()
    assert "altair" in sys.modules
    assert heatmaps.template.cache_info().currsize == 4
    assert frozen == [True]
    # The page's own call, written as app_pages/alignment.py writes it (group heatmap, the
    # default threshold), is a cache hit, not a rebuild.
    hits = heatmaps.template.cache_info().hits
    heatmaps.template("alignment", heatmaps.GROUP_COLUMN_TITLE, True, 3, None)
    assert heatmaps.template.cache_info().hits == hits + 1


def test_warm_up_leaves_exports_and_document_writers_to_their_buttons() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from components import warmup\n"
        "warmup._warm()\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    loaded = set(out.stdout.split())
    assert "altair" in loaded
    assert loaded & {"docx", "fpdf", "networkx", "icalendar", "vl_convert", "markdown_it"} == set()


def test_warm_up_starts_one_thread_however_often_it_is_asked(monkeypatch) -> None:
    started: list[threading.Thread] = []
    monkeypatch.setattr(warmup, "_started", threading.Event())
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    for _ in range(3):
        warmup.start()
    assert [t.name for t in started] == ["warm-up"]
    assert started[0].daemon


def test_an_upload_starts_the_opening_analyses_in_the_background(monkeypatch) -> None:
    """The analyses the Alignment page opens with are in the page's cache by the time a person
    has read the import report; the page's own call is then a cache hit."""
    from alignment import scoring
    from alignment.privacy import Privacy
    from components import analysis
    from tests.helpers import run

    demo = (ROOT / "sample_data" / "demo_workbook.xlsx").read_bytes()
    dataset = run({"demo_workbook.xlsx": demo}).dataset
    privacy = Privacy(3, 5)
    computed: list[int] = []
    real = scoring.views
    monkeypatch.setattr(scoring, "views", lambda *a, **k: computed.append(1) or real(*a, **k))
    analysis.views.clear()
    warmup.after_upload(dataset, privacy)
    for thread in threading.enumerate():
        if thread.name == "after-upload":
            thread.join(timeout=60)
    assert computed == [1]
    first = analysis.current_views(dataset, privacy)  # what the page asks for: no filters
    assert computed == [1], "the page computed the analyses again"
    assert not first.group.empty
