"""Benchmark the pipeline on synthetic workbooks; prints figures, asserts nothing.

    python bench/bench_pipeline.py [--sizes 1000 10000 100000] [--rerun]

For each size (feedback ratings; 30, 100 and 300 initiatives) it writes a workbook, then times,
each in a fresh subprocess so peak memory is that step's own:

- import: ``alignment.ingest.import_files`` (read, recognise, parse, reshape, check);
- raw calamine: ``python_calamine`` reading every sheet to Python lists (the floor);
- pandas + openpyxl: ``pandas.read_excel(..., sheet_name=None, engine="openpyxl")``;
- analysis: every masked view, the trend, coverage and the headline;
- chart specs: building the four heatmaps and serialising them to Vega-Lite;
- peak RSS of the import + analysis process.

Then it times prioritisation (``alignment.prioritise``): 300 initiatives × 200 respondents
rated on the four WSJF components, ranked with each rank's range and τ-b's interval from 1,000
bootstrap replicates (target: under 1 s); ``--sizes`` with no value measures only this.

With ``--rerun`` it also measures, with Streamlit's AppTest, a filter change on the Alignment
page after uploading the largest workbook. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {1_000: 30, 10_000: 100, 100_000: 300}
GROUPS = [
    "Sales",
    "Finance",
    "Marketing",
    "Customer Support",
    "Operations",
    "Legal",
    "Procurement",
    "Account Management",
    "Revenue Operations",
    "Customer Success",
    "Partnerships",
    "Brand",
    "Growth",
    "Service Desk",
    "Compliance",
] + [
    "Platform Engineering",
    "Payments Engineering",
    "Data & Analytics",
    "Mobile Engineering",
    "Infrastructure",
    "Security",
    "QA",
    "Architecture",
    "Backend",
    "Frontend",
    "Cloud",
    "Machine Learning",
    "DevOps",
    "SRE",
    "IT",
]


def synth_workbook(ratings: int, initiatives: int, seed: int = 1) -> bytes:
    """A workbook shaped like the demo: initiatives, objectives, wide feedback (5 dimensions)."""
    from openpyxl import Workbook

    from alignment import schema

    rng = np.random.default_rng(seed)
    wb = Workbook(write_only=True)
    init = wb.create_sheet("Initiatives")
    init.append([f.label for f in schema.INITIATIVES.fields])
    statuses = list(schema.STATUSES)
    for i in range(initiatives):
        init.append(
            [
                f"P-{i:03d}",
                f"Initiative number {i} with a longish name",
                "Does things",
                "Owner",
                f"Team {i % 12}",
                f"G{i % 6 + 1}",
                "Because it matters a lot",
                "High",
                int(rng.integers(1, 40)),
                "Medium",
                statuses[i % len(statuses)],
                "Q3 2027",
                f"P-{i - 1:03d}" if i % 7 == 0 and i else "",
                "KPI",
            ]
        )
    obj = wb.create_sheet("Objectives")
    obj.append(["Objective ID", "Objective", "Weight"])
    for g in range(1, 7):
        obj.append([f"G{g}", f"Objective {g}", 10 + g])
    fb = wb.create_sheet("Feedback")
    fb.append(
        [
            "Respondent",
            "Group",
            "Initiative",
            *[d.label for d in schema.DIMENSIONS],
            "Comment",
            "Date",
        ]
    )
    rows = ratings // len(schema.DIMENSIONS)
    respondents = max(rows // 8, 50)
    group_of = rng.integers(0, len(GROUPS), respondents)
    r_ids = rng.integers(0, respondents, rows)
    i_ids = rng.integers(0, initiatives, rows)
    values = rng.integers(1, 6, (rows, len(schema.DIMENSIONS)))
    days = rng.integers(0, 180, rows)
    import datetime as dt

    base = dt.datetime(2026, 5, 1)
    for k in range(rows):
        r = int(r_ids[k])
        fb.append(
            [
                f"r{r:06d}",
                GROUPS[int(group_of[r])],
                f"P-{int(i_ids[k]):03d}",
                *[int(v) for v in values[k]],
                "ok" if k % 5 == 0 else None,
                base + dt.timedelta(days=int(days[k])),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(path: str, step: str) -> dict:
    """One step in this (fresh) process; returns seconds and peak RSS in MB. For the
    prioritisation step, ``path`` is "INITIATIVESxRESPONDENTS" (no file is read)."""
    out: dict = {}
    if step == "prioritise":
        data = b""
    else:
        data = Path(path).read_bytes()
    if step == "calamine":
        import python_calamine

        def read() -> None:
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()

        out["seconds"] = min(_timed(read) for _ in range(3))
    elif step == "openpyxl":
        import pandas as pd

        out["seconds"] = _timed(
            lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")
        )
    elif step == "pipeline":
        from alignment import coverage, narrative, scoring
        from alignment.charts import heatmaps
        from alignment.ingest import SourceFile, import_files
        from alignment.privacy import Privacy

        src = SourceFile(Path(path).name, data)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = import_files([src])
            times.append(time.perf_counter() - start)
        out["import"] = min(times)
        out["ratings"] = len(result.dataset.feedback)
        out["problems"] = len(result.problems)
        ds = result.dataset
        privacy = Privacy()
        start = time.perf_counter()
        fb = scoring.prepare(ds.feedback)
        views = scoring.views(fb, privacy)
        trend = scoring.trend(fb, privacy)
        coverage.coverage(ds)
        narrative.headline(ds, views, fb, privacy)
        out["analysis"] = time.perf_counter() - start
        names = ds.initiative_names()
        start = time.perf_counter()
        order = list(views.summary["initiative_id"])[:40]
        frame = heatmaps.alignment_frame(views.group, "group", names, privacy.k_min, order)
        cols = sorted(set(frame["column"]))
        frame = heatmaps.ordered(frame, order, cols)
        heatmaps.alignment_heatmap(frame, "Group").to_dict()
        gap = heatmaps.gap_frame(views.gaps, names, ds.dimensions, privacy.k_min, order)
        gap = heatmaps.ordered(gap, order, list(ds.dimensions.values()), "dimension_label")
        heatmaps.gap_heatmap(gap).to_dict()
        tf = heatmaps.alignment_frame(trend, "period", names, privacy.k_min, order)
        tf = heatmaps.ordered(tf, order, sorted(set(tf["column"])))
        heatmaps.trend_heatmap(tf).to_dict()
        cov = coverage.coverage(ds)
        heatmaps.weight_vs_effort(cov.shares).to_dict()
        out["charts"] = time.perf_counter() - start
        out["group_cells"] = len(views.group)
    elif step == "prioritise":
        from alignment import prioritise
        from tests.prioritise_data import synthetic_dataset

        initiatives, respondents = (int(v) for v in path.split("x"))
        dataset, _ = synthetic_dataset(initiatives, respondents)
        prioritise.prioritise(dataset, "wsjf")  # warm: scipy's import is not the ranking's cost
        walls, cpus = [], []
        for _ in range(5):
            wall, cpu = time.perf_counter(), time.process_time()
            result = prioritise.prioritise(dataset, "wsjf", capacity=200.0)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out["seconds"] = min(walls)
        out["cpu_seconds"] = min(cpus)
        out["estimates"] = len(dataset.feedback) + len(dataset.estimates)
        out["replicates"] = result.replicates
        return out
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_step(path: Path, step: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), step],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rerun_figure(path: Path) -> dict:
    """Upload on the Data page, open Alignment, then time a filter change (median of 5)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("app_pages/data.py").run()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    start = time.perf_counter()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), mime)).run()
    upload = time.perf_counter() - start
    at.switch_page("app_pages/alignment.py").run()
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    times = []
    teams = ["Team 1", "Team 2", "Team 3", "Team 4", "Team 5"]
    for i in range(5):
        at.multiselect(key="align-team").set_value(teams[: i + 1])
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return {
        "upload_and_import": upload,
        "alignment_rerun": first,
        "filter_change_median": sorted(times)[len(times) // 2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--rerun", action="store_true")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="aw-bench-"))
    print(
        f"{'ratings':>8} {'inits':>5} {'file MB':>7} {'import s':>8} {'calamine s':>10} "
        f"{'imp/cal':>7} {'openpyxl s':>10} {'opx/imp':>7} {'analysis s':>10} "
        f"{'charts s':>8} {'peak MB':>7}"
    )
    last = None
    for size in args.sizes:
        initiatives = SIZES.get(size, 300)
        path = tmp / f"synthetic-{size}.xlsx"
        path.write_bytes(synth_workbook(size, initiatives))
        cal = run_step(path, "calamine")
        opx = run_step(path, "openpyxl")
        pipe = run_step(path, "pipeline")
        print(
            f"{pipe['ratings']:>8} {initiatives:>5} {path.stat().st_size / 1e6:>7.1f} "
            f"{pipe['import']:>8.2f} {cal['seconds']:>10.2f} "
            f"{pipe['import'] / cal['seconds']:>7.2f} {opx['seconds']:>10.2f} "
            f"{opx['seconds'] / pipe['import']:>7.1f} {pipe['analysis']:>10.2f} "
            f"{pipe['charts']:>8.2f} {pipe['peak_mb']:>7.0f}"
        )
        last = path
    prio = run_step(Path("300x200"), "prioritise")
    print(
        f"Prioritisation, 300 initiatives × 200 respondents ({prio['estimates']:,} estimates, "
        f"{prio['replicates']:,} bootstrap replicates): {prio['seconds']:.2f} s wall, "
        f"{prio['cpu_seconds']:.2f} s CPU (best of 5; target under 1 s)"
    )
    if args.rerun and last is not None:
        figures = rerun_figure(last)
        print(
            f"AppTest on {last.name}: upload + import {figures['upload_and_import']:.2f} s, "
            f"Alignment page rerun {figures['alignment_rerun'] * 1000:.0f} ms, filter change "
            f"(median of 5) {figures['filter_change_median'] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
