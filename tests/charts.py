"""Reading the charts an AppTest run produced: each one's Vega-Lite spec and its data."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest


def charts(at: AppTest) -> list[tuple[dict, list[pd.DataFrame]]]:
    """(spec, datasets) for every Altair chart on the page, in page order."""
    out = []
    for element in at.get("vega_lite_chart"):
        proto = element.proto
        frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in proto.datasets]
        if proto.data.data:  # st.vega_lite_chart(frame, spec): the frame is the main data
            frames.insert(0, pa.ipc.open_stream(proto.data.data).read_all().to_pandas())
        out.append((json.loads(proto.spec), frames))
    return out


def chart_with(at: AppTest, column: str) -> pd.DataFrame:
    """The data of the first chart whose data has ``column``."""
    for _, frames in charts(at):
        for frame in frames:
            if column in frame.columns:
                return frame
    raise AssertionError(f"no chart with a '{column}' column")
