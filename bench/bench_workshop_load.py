"""A room of phones voting at once, through the real server: tap-to-saved latency.

    python bench/bench_workshop_load.py [--phones 80] [--taps 20] [--think 2 5]
                                        [--screens 2] [--db-url URL] [--servers 1]

It starts ``streamlit run app.py`` on a fresh database (a temporary SQLite file unless
``--db-url`` names another, e.g. PostgreSQL), creates a workshop of 10 initiatives × 2 questions,
and opens the facilitator's Workshop page and the presentation (``--screens``), which refresh
themselves as in a browser. Then ``--phones`` sessions join over Streamlit's websocket
(``bench/streamlit_ws.py``: the same protobuf messages a phone's browser sends), spread over
``--ramp`` seconds. Each phone picks its group and taps ``--taps`` answers, waiting a random
``--think`` seconds between taps as a person reading the next card would.

A tap's latency is the time from sending the new value to the end of the run it causes: the
answer is saved (the ``on_change`` callback runs first) and the phone shows it. It prints the
median, p95 and maximum per tap, the same for opening the page and for joining, the server's
CPU seconds per tap (from ``/proc``: less sensitive to other load on the machine than the clock
time), and checks in the database that every tap was saved exactly once. With ``--servers 2``
the phones are split across two app processes sharing the database (use PostgreSQL).

Figures go to docs/performance.md ("Live workshop"). The script asserts the saved answers only;
the latency goal (p95 ≤ 1 s with 80 phones) is reported, not asserted, because a shared
machine inflates it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alignment import config as settings  # noqa: E402
from alignment import workshop  # noqa: E402
from alignment.store import Store  # noqa: E402
from bench.streamlit_ws import Session  # noqa: E402

GROUPS = [
    ("Platform Engineering", "tech"),
    ("Data & Analytics", "tech"),
    ("Sales", "business"),
    ("Finance", "business"),
]
SIDE_WORDS = {"tech": "tech side", "business": "business side", "unknown": "no side"}
ITEMS = [(f"P-{i:02d}", f"Initiative {i}") for i in range(1, 11)]
DIMS = ["why_clarity", "priority"]


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(env: dict[str, str], timeout: float = 90) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` on a free port; yields (base URL, pid), stops it afterwards."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                output = log.read().decode(errors="replace")
                raise RuntimeError(f"streamlit exited early:\n{output}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not become healthy in time") from None
                time.sleep(0.3)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``), 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# --- the room ----------------------------------------------------------------------------------


def group_label(group: str, side: str) -> str:
    """The select box shows a group with its side, as app_pages/join.py formats it."""
    return f"{group} ({SIDE_WORDS[side]})"


async def phone(
    base: str,
    code: str,
    n: int,
    plan: list[tuple[str, str, int]],
    think: tuple[float, float],
    delay: float,
    out: dict[str, list[float]],
    errors: list[str],
) -> Session | None:
    """One participant: open the join link, pick a group, tap ``plan`` with pauses between."""
    await asyncio.sleep(delay)
    rng = random.Random(n)
    try:
        began = time.perf_counter()
        s = await Session.open(base, "join", {"code": code})
        out["open"].append(time.perf_counter() - began)
        group, side = GROUPS[n % len(GROUPS)]
        out["join"].append(await s.set(f"join-group-{code}", group_label(group, side)))
        for item, dim, value in plan:
            await asyncio.sleep(rng.uniform(*think))
            out["tap"].append(await s.set(f"join-rate::{code}::{item}::{dim}", value))
        return s
    except Exception as exc:  # noqa: BLE001 - a failing phone is counted and reported
        errors.append(f"phone {n}: {type(exc).__name__}: {exc}")
        return None


def expected_value(n: int, k: int) -> int:
    return 1 + (n * 7 + k) % 5


def plan_for(n: int, taps: int) -> list[tuple[str, str, int]]:
    questions = [(item, dim) for item, _ in ITEMS for dim in DIMS]
    return [(item, dim, expected_value(n, k)) for k, (item, dim) in enumerate(questions[:taps])]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:>5}: none"
    return (
        f"{name:>5}: n={len(values)}, median {statistics.median(values):.2f} s, "
        f"p95 {percentile(values, 0.95):.2f} s, max {max(values):.2f} s"
    )


async def room(
    bases: list[str],
    code: str,
    workshop_id: int,
    args: argparse.Namespace,
) -> tuple[dict[str, list[float]], list[str]]:
    out: dict[str, list[float]] = {"open": [], "join": [], "tap": []}
    errors: list[str] = []
    screens: list[Session] = []
    for k in range(args.screens):  # the facilitator's page first, then the projector
        base = bases[k % len(bases)]
        if k % 2 == 0:
            screens.append(await Session.open(base, "workshop", {}))
        else:
            screens.append(await Session.open(base, "present", {"workshop": str(workshop_id)}))
    tasks = [
        phone(
            bases[n % len(bases)],
            code,
            n,
            plan_for(n, args.taps),
            tuple(args.think),
            args.ramp * n / max(args.phones, 1),
            out,
            errors,
        )
        for n in range(args.phones)
    ]
    progress = asyncio.create_task(_progress(out, args.phones * args.taps))
    phones = await asyncio.gather(*tasks)
    progress.cancel()
    for s in [*phones, *screens]:
        if s is not None:
            await s.close()
    return out, errors


def check_saved(store: Store, workshop_id: int, phones: int, taps: int) -> list[str]:
    """Every tap is in the database exactly once, with the value tapped last."""
    frame = workshop.answers_frame(store, workshop_id)
    problems = []
    pulse = workshop.pulse(store, workshop_id)
    if pulse is None or pulse.answers != phones * taps:
        problems.append(f"{pulse.answers if pulse else 0} answers saved, {phones * taps} tapped")
    if frame.duplicated(["participant", "item_id", "dimension"]).any():
        problems.append("duplicate answers")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=80)
    parser.add_argument("--taps", type=int, default=20, help="answers per phone (at most 20)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"))
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which phones arrive")
    parser.add_argument("--screens", type=int, default=2, help="facilitator page, projector")
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--db-url", default="", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    args.taps = max(1, min(args.taps, len(ITEMS) * len(DIMS)))

    with tempfile.TemporaryDirectory(prefix="aw-load-") as tmp:
        db_url = args.db_url or f"sqlite:///{Path(tmp) / 'workbench.sqlite'}"
        env = {settings.env("db_url"): db_url}
        store = Store(db_url, parts=(workshop.SCHEMA,))
        ws = workshop.create(
            store,
            title=f"Load test {time.strftime('%H:%M:%S')}",
            mode=workshop.RATING,
            items=ITEMS,
            dimensions=DIMS,
            groups=GROUPS,
            k_min=3,
        )
        print(
            f"{args.phones} phones × {args.taps} taps, think {args.think[0]}–{args.think[1]} s, "
            f"ramp {args.ramp} s, {args.screens} screens, {args.servers} server(s), "
            f"{store.backend}; load average before: {load_average()} on {os.cpu_count()} CPUs",
            flush=True,
        )
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(app_server(env)) for _ in range(args.servers)]
            bases = [u for u, _ in servers]
            # warm-up sessions on each server: a page's first run imports its modules
            for base in bases:
                asyncio.run(_warm(base, ws.code, ws.id))
            cpu0 = [cpu_seconds(pid) for _, pid in servers]
            began = time.perf_counter()
            out, errors = asyncio.run(room(bases, ws.code, ws.id, args))
            wall = time.perf_counter() - began
            cpu = sum(cpu_seconds(pid) for _, pid in servers) - sum(cpu0)
        problems = check_saved(store, ws.id, args.phones - len(errors), args.taps)
        store.dispose()
    print(summary("open", out["open"]))
    print(summary("join", out["join"]))
    print(summary("tap", out["tap"]))
    taps = max(len(out["tap"]), 1)
    print(
        f"wall {wall:.1f} s; server CPU {cpu:.1f} s ({1000 * cpu / taps:.0f} ms per tap, all "
        f"work included); load average after: {load_average()}"
    )
    for line in errors[:10]:
        print("ERROR", line)
    for line in problems:
        print("LOST", line)
    return 1 if errors or problems else 0


async def _progress(out: dict[str, list[float]], planned: int) -> None:
    """A line every 15 s, so a slow run shows that it is moving."""
    began = time.perf_counter()
    while True:
        await asyncio.sleep(15)
        recent = out["tap"][-50:]
        print(
            f"  {time.perf_counter() - began:5.0f} s: {len(out['open'])} phones open, "
            f"{len(out['tap'])}/{planned} taps"
            + (f", last 50 median {statistics.median(recent):.2f} s" if recent else ""),
            flush=True,
        )


async def _warm(base: str, code: str, workshop_id: int) -> None:
    for page, query in (
        ("join", {"code": code}),
        ("workshop", {}),
        ("present", {"workshop": str(workshop_id)}),
    ):
        s = await Session.open(base, page, query)
        await s.close()


if __name__ == "__main__":
    sys.exit(main())
