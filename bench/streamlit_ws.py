"""A scripted Streamlit browser: one session over the app's websocket, no page rendering.

A phone's browser talks to Streamlit through one websocket at ``/_stcore/stream``: it sends
``BackMsg`` protobufs (``rerun_script`` with the page, the query string and every widget's
value) and receives ``ForwardMsg`` protobufs (the page's elements as deltas, ``auto_rerun`` for
a fragment's ``run_every``, ``script_finished``). This client speaks that protocol from Python,
so one process can drive a room of 80 sessions that the server handles exactly as it would
handle 80 phones, at the cost of a few coroutines instead of 80 Chromium tabs.

What it does like the browser:

- widget values are sent back as the frontend sends them (a select box as its shown string,
  a segmented control as a list of shown strings), with every value the session set so far;
- a widget inside a fragment (``st.fragment``) reruns only that fragment, as in the browser;
- ``auto_rerun`` messages start a timer that reruns the fragment every ``interval`` seconds.

What it does differently: one request at a time per session (a tap waits for a fragment's
timed rerun to finish, never interrupts it), and no cached messages (``ref_hash``) are claimed.

Used by ``bench/bench_workshop_load.py`` and by the multi-replica test.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id

FINISHED = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
}


class ScriptError(RuntimeError):
    """The page raised: Streamlit sent an exception element."""


@dataclass
class Widget:
    """One widget as last drawn: its id, kind, shown options and the fragment it lives in."""

    id: str
    kind: str
    options: list[str]
    fragment_id: str
    disabled: bool


@dataclass
class Run:
    """What one script run drew: texts (markdown, headings, alerts, captions) and charts."""

    texts: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)  # label -> shown value
    charts: int = 0
    errors: list[str] = field(default_factory=list)


class Session:
    """One browser session of a Streamlit app, driven from asyncio.

    ``await Session.open(base, "join", {"code": "…"})`` connects and runs the page once;
    ``await session.set(key, value)`` changes a widget (by its ``key=``) and waits until the
    resulting run has finished, returning the seconds it took.
    """

    def __init__(self, base: str, page: str, query: dict[str, str]) -> None:
        self.base = base.rstrip("/")
        self.page = page
        self.query = dict(query)
        self.widgets: dict[str, Widget] = {}  # user key (or label, for a widget without one)
        self.states: dict[str, WidgetState] = {}  # widget id -> the value this session set
        self.last = Run()
        self.seen_texts: list[str] = []  # every text of every run (for "did it ever show…")
        self.metrics: dict[str, str] = {}  # every metric's latest value, whichever run drew it
        self.headings: set[str] = set()  # every title, header and subheader ever drawn
        self.auto_errors: list[str] = []  # failed timed reruns of a fragment
        self.html: dict[str, str] = {}  # the last st.html body drawn, per fragment ("" = page)
        self.containers: set[str] = set()  # every st.container key ever drawn
        self.charts = 0  # charts drawn by every run so far
        self.runs = 0
        self._ws: websockets.ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, asyncio.Task] = {}  # fragment id -> its live timer
        self._busy = asyncio.Lock()
        self._finished: asyncio.Queue[int] = asyncio.Queue()
        self._current = Run()
        self.closed = False

    @classmethod
    async def open(
        cls, base: str, page: str, query: dict[str, str], timeout: float = 120
    ) -> Session:
        session = cls(base, page, query)
        parts = urlsplit(session.base)
        scheme = "wss" if parts.scheme == "https" else "ws"
        session._ws = await websockets.connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,
        )
        session._reader = asyncio.create_task(session._read())
        await session.rerun(timeout=timeout)
        return session

    async def close(self) -> None:
        self.closed = True
        for task in self._timers.values():
            task.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # -- requests --

    def _client_state(self, fragment_id: str = "", auto: bool = False) -> BackMsg:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = urlencode(self.query)
        cs.page_name = self.page
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.widget_states.widgets.extend(self.states.values())
        query = f"?{cs.query_string}" if cs.query_string else ""
        cs.context_info.url = f"{self.base}/{self.page}{query}"
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-GB"
        return msg

    async def rerun(self, fragment_id: str = "", auto: bool = False, timeout: float = 120) -> float:
        """Run the page (or one fragment) with the current widget values; seconds until done."""
        async with self._busy:
            return await self._send_and_wait(self._client_state(fragment_id, auto), timeout)

    async def _send_and_wait(self, msg: BackMsg, timeout: float) -> float:
        while not self._finished.empty():
            self._finished.get_nowait()
        began = time.perf_counter()
        assert self._ws is not None
        await self._ws.send(msg.SerializeToString())
        while True:
            try:
                status = await asyncio.wait_for(self._finished.get(), timeout)
            except TimeoutError:
                raise TimeoutError(
                    f"no end of run within {timeout:.0f} s ({self.page}, "
                    f"{'fragment' if msg.rerun_script.fragment_id else 'page'} run)"
                ) from None
            if status == -1:
                raise ConnectionError(f"the server closed the connection ({self.page})")
            if status in FINISHED:
                break
        elapsed = time.perf_counter() - began
        if self.last.errors:
            raise ScriptError(self.last.errors[0])
        return elapsed

    async def set(self, key: str, value: object, timeout: float = 120) -> float:
        """Change the widget with ``key=`` to ``value`` (as shown), like a tap; seconds until
        the run it causes has finished (the callback has saved, the page is redrawn)."""
        async with self._busy:
            widget = self.stage(key, value)
            return await self._send_and_wait(self._client_state(widget.fragment_id), timeout)

    def stage(self, key: str, value: object) -> Widget:
        """Change a widget's value without a run, as typing into a form does until it is
        submitted. ``key`` is the widget's ``key=``, or its label when it has none."""
        widget = self.widget(key)
        state = WidgetState(id=widget.id)
        if widget.kind == "button_group":
            state.string_array_value.data.extend([] if value is None else [str(value)])
        elif widget.kind in ("selectbox", "text_input"):
            state.string_value = str(value)
        elif widget.kind == "number_input":
            state.int_value = int(value)  # type: ignore[call-overload]
        elif widget.kind == "checkbox":
            state.bool_value = bool(value)
        else:
            raise ValueError(f"the client cannot set a {widget.kind}")
        self.states[widget.id] = state
        return widget

    async def click(self, key: str, timeout: float = 120) -> float:
        """Press the button with ``key=`` (or label): a trigger, true for this one run only.
        A form's submit button sends the values staged in the form with it."""
        async with self._busy:
            widget = self.widget(key)
            msg = self._client_state(widget.fragment_id)
            msg.rerun_script.widget_states.widgets.append(
                WidgetState(id=widget.id, trigger_value=True)
            )
            return await self._send_and_wait(msg, timeout)

    def widget(self, key: str) -> Widget:
        try:
            return self.widgets[key]
        except KeyError:
            raise KeyError(f"no widget with key {key!r}; keys: {sorted(self.widgets)}") from None

    def keys(self, prefix: str = "") -> list[str]:
        return [k for k in self.widgets if k.startswith(prefix)]

    # -- the reader --

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed = True
            self._finished.put_nowait(-1)

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # a run starts (the page's, or fragments' if it names them)
            self._current = Run()
            if not msg.metadata.run.fragment_ids:
                # As the browser does: timers belong to the fragments of the last page run.
                # The server drops, without an answer, a rerun of a fragment the new run no
                # longer draws; the fragments it does draw send their auto_rerun again. A timer
                # stops at its next tick, not now: it may be waiting for this very run.
                self._timers.clear()
        elif kind == "delta":
            self._delta(msg)
        elif kind == "page_info_changed":
            # The page changed its query string (st.query_params): the browser's address bar
            # follows, and every later request carries it.
            self.query = dict(parse_qsl(msg.page_info_changed.query_string))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._timers.pop(fid, None)  # its timer stops at its next tick
        elif kind == "auto_rerun":
            fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid not in self._timers:
                self._timers[fid] = asyncio.create_task(self._auto(fid, interval))
        elif kind == "script_finished":
            self.runs += 1
            self.last = self._current
            self._current = Run()
            self._finished.put_nowait(msg.script_finished)

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") == "add_block" and delta.add_block.id:
            # A keyed container: its key is the CSS class the page's own script reads
            # (the countdown keeps its figure there).
            key = user_key_from_element_id(delta.add_block.id)
            if key:
                self.containers.add(key)
            return
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        body = getattr(el, kind) if kind else None
        if kind == "exception":
            self._current.errors.append(f"{el.exception.type}: {el.exception.message}")
        elif kind in ("markdown", "heading", "alert"):
            self._current.texts.append(body.body)
            self.seen_texts.append(body.body)
            if kind == "heading":
                self.headings.add(body.body)
        elif kind == "html":
            self.html[delta.fragment_id] = el.html.body
        elif kind == "metric":
            self._current.metrics[el.metric.label] = el.metric.body
            self.metrics[el.metric.label] = el.metric.body
        elif kind == "vega_lite_chart":
            self._current.charts += 1
            self.charts += 1
        wid = getattr(body, "id", "") if body is not None else ""
        key = (user_key_from_element_id(wid) or getattr(body, "label", None)) if wid else None
        if key:
            options: list[str] = []
            if kind == "button_group":
                options = [o.content for o in el.button_group.options]
            elif kind == "selectbox":
                options = list(el.selectbox.options)
            self.widgets[key] = Widget(
                wid, kind, options, delta.fragment_id, bool(getattr(body, "disabled", False))
            )

    async def _auto(self, fragment_id: str, interval: float) -> None:
        """A fragment's ``run_every``: rerun it on a timer, as the browser does. A failed run
        is noted in ``auto_errors`` and the timer goes on, as in the browser."""
        with contextlib.suppress(asyncio.CancelledError):
            while not self.closed:
                await asyncio.sleep(interval)
                if self._timers.get(fragment_id) is not asyncio.current_task():
                    return  # a later page run no longer draws this fragment, or has its own
                try:
                    await self.rerun(fragment_id, auto=True)
                except Exception as exc:  # noqa: BLE001 - reported by the caller, timer goes on
                    self.auto_errors.append(f"{type(exc).__name__}: {exc}")
                    if self.closed:
                        return

    def saw(self, text: str) -> bool:
        """Whether any run of this session ever drew a text containing ``text``."""
        return any(text in t for t in self.seen_texts)
