"""Load what the chart pages need in the background, once the first page has been drawn.

The first visit to a page with a chart paid about a second for importing Altair (with
narwhals and jsonschema) and building and validating the heatmap specs, on top of its own
work. Nothing on the first page needs them, so the server loads them in a background thread
right after the first page's script has run: a person who then opens Alignment finds them
ready. The chart export (vl-convert) and document writers are left to their buttons.
Importing the same module from two threads is safe (Python's import lock makes the
second wait for the first), so a click during the warm-up costs no more than without it.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alignment.dataset import Dataset
    from alignment.privacy import Privacy

_MODULES = ("altair", "alignment.charts.heatmaps")
_started = threading.Event()
_log = logging.getLogger(__name__)


def _warm() -> None:
    try:
        for name in _MODULES:
            importlib.import_module(name)
        from alignment import config as settings
        from alignment.charts import heatmaps

        # The specs the Alignment page asks for first (cached, shared by every session), with
        # the arguments exactly as the page passes them (lru_cache keys on how they are given)
        # and the instance's anonymity threshold, which the legends name.
        k_min = int(settings.get("k_min"))
        for numbers in (True, False):  # numbers in the cells up to 16 columns, then none
            heatmaps.template("alignment", heatmaps.GROUP_COLUMN_TITLE, numbers, k_min, None)
        heatmaps.template("gap", k_min=k_min)
        heatmaps.template("trend", k_min=k_min)
        # What is loaded now lives as long as the server: moved out of the cyclic garbage
        # collector's generations, so these modules' objects do not slow every later
        # collection (a big upload's import runs many). Freed by reference counting as ever.
        gc.freeze()
    except Exception:  # noqa: BLE001  # never break the app: the page loads them itself
        _log.debug("warm-up failed", exc_info=True)


def start() -> None:
    """Start the warm-up once per server process; later calls return at once."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_warm, name="warm-up", daemon=True).start()


def after_upload(dataset: Dataset, privacy: Privacy) -> None:
    """Start the analyses the Alignment and Overview pages open with, in the background, as
    soon as an upload is read: a person reads the import report before opening a chart, and
    on 100,000 ratings these analyses take about half a second. They land in the same cache
    the pages read (a page that asks while they run waits for them, not twice the work)."""
    if not dataset.has_feedback:
        return

    def _run() -> None:
        from components import analysis

        try:
            analysis.current_views(dataset, privacy)
        except Exception:  # noqa: BLE001  # the page computes and reports it itself
            _log.debug("analyses after the upload failed", exc_info=True)

    threading.Thread(target=_run, name="after-upload", daemon=True).start()
