"""Indicators: leading signs of misalignment, caught months before a release (step 4)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from alignment import indicators
from alignment.charts import indicators as ind_charts
from alignment.indicators import DIRECTION_LABELS, HIGHER_IS_WORSE, Rules, Weights
from components import analysis, chart, privacy, state
from components.downloads import frame_downloads
from components.page import setup
from components.state import Keys
from components.text import escape

W = Keys.KEEP_ALIGNED_WIDGET
result = setup(
    "Indicators",
    needs=("indicators",),
    intro="Escalations, risk and output-quality deltas per team or initiative, month "
    "by month. A warning names what moved, so you can act before the next "
    "release rather than after it.",
)
dataset = result.dataset
priv = privacy.current()
rules: Rules = state.get(Keys.DETECTION) or Rules()
overrides: dict = state.get(Keys.THRESHOLDS) or {}
weights: Weights = state.get(Keys.RISK_WEIGHTS) or Weights()


det = analysis.detection(dataset.fingerprint, rules, json.dumps(overrides, sort_keys=True), dataset)
unit = indicators.unit(det.freq)

# --- 1. early warnings --------------------------------------------------------------------------

st.subheader("Early warnings")
warnings = det.warnings
if warnings.empty:
    st.success(
        f"No warning: in its latest {indicators.unit(det.freq, 1)}, no series is past its "
        f"threshold, worsening {rules.rising_periods} {unit} running or unusual against "
        f"its previous {rules.baseline_periods} {unit}.",
        icon=":material/check_circle:",
    )
else:
    levels = warnings["level"].value_counts()
    parts = [f"{levels[lv]} {lv.lower()}" for lv in ("High", "Medium", "Low") if lv in levels]
    scopes = list(dict.fromkeys(warnings["scope"]))
    st.markdown(
        f"**{len(warnings)} warning{'s' if len(warnings) != 1 else ''}** "
        f"({', '.join(parts)}) in {len(scopes)} of {len(det.scopes)} scopes, ranked by "
        "severity. Most pressing:"
    )
    for reason in warnings["reason"].head(3):
        st.markdown(f"- {escape(reason)}")
    table = warnings.rename(
        columns={
            "level": "Severity",
            "scope": "Scope",
            "metric_label": "Metric",
            "label": "Period",
            "value": "Value",
            "threshold": "Threshold",
            "rules": "Rules tripped",
            "reason": "Why",
            "severity": "Points",
        }
    )[
        [
            "Severity",
            "Scope",
            "Metric",
            "Why",
            "Period",
            "Value",
            "Threshold",
            "Rules tripped",
            "Points",
        ]
    ]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Points": st.column_config.NumberColumn(
                help="Severity points: over threshold 3, "
                "worsening 2 (+1 if long), unusual 2 (+1 if "
                "|z| ≥ 3)",
                width="small",
            ),
            "Severity": st.column_config.TextColumn(width="small"),
            "Why": st.column_config.TextColumn(width="large"),
        },
    )
    frame_downloads(
        table,
        "early-warnings",
        key=f"{W}dl-warnings",
        sheet="Early warnings",
        label="Download the warnings",
    )


def _set_rules() -> None:
    state.put(
        Keys.DETECTION,
        Rules(
            rising_periods=int(st.session_state[f"{W}rising"]),
            baseline_periods=int(st.session_state[f"{W}window"]),
            z_min=float(st.session_state[f"{W}z"]),
            min_baseline=min(3, int(st.session_state[f"{W}window"])),
            improvements=bool(st.session_state[f"{W}improvements"]),
        ),
    )


with st.expander("Detection rules", icon=":material/tune:"):
    st.caption("A series is on the list when its latest period trips at least one rule.")
    cols = st.columns(4)
    cols[0].number_input(
        f"Worsening for how many {unit} running",
        1,
        12,
        rules.rising_periods,
        key=f"{W}rising",
        on_change=_set_rules,
    )
    cols[1].number_input(
        f"Baseline: previous {unit}",
        3,
        24,
        rules.baseline_periods,
        key=f"{W}window",
        on_change=_set_rules,
        help="The mean and spread of this many earlier periods set what is "
        "usual (at least 3 of them must have a number).",
    )
    cols[2].number_input(
        "Unusual from |z| of",
        1.0,
        5.0,
        float(rules.z_min),
        0.5,
        key=f"{W}z",
        on_change=_set_rules,
        help="How many standard deviations from the baseline count as unusual.",
    )
    cols[3].checkbox(
        "Also flag unusual improvements",
        rules.improvements,
        key=f"{W}improvements",
        on_change=_set_rules,
        help="A sudden drop in escalations can also mean the number stopped being reported.",
    )

# --- 2. trends ----------------------------------------------------------------------------------

st.subheader("Trends")
scopes = det.scopes
shown_scopes = scopes
if len(scopes) > 12:
    flagged = list(dict.fromkeys(warnings["scope"]))
    default = (flagged + [s for s in scopes if s not in flagged])[:12]
    shown_scopes = (
        st.multiselect(
            f"Scopes shown ({len(scopes)} in the data)",
            scopes,
            default=default,
            key=f"{W}scopes",
            help="Those with warnings come first.",
        )
        or default
    )
st.caption(
    f"One panel per scope; the dashed line is the threshold. Marked points tripped a rule "
    f"in that {indicators.unit(det.freq, 1)}; a gap in a line is a missing "
    f"{indicators.unit(det.freq, 1)}, not a zero."
)
for metric, limit in det.thresholds.items():
    points = det.points[(det.points["metric"] == metric) & det.points["scope"].isin(shown_scopes)]
    if points.empty:
        continue
    flagged = list(dict.fromkeys(warnings.loc[warnings["metric"] == metric, "scope"]))
    figure = ind_charts.small_multiples(points, limit, first=flagged)
    table = points[["scope", "label", "value", "threshold", "rules"]].rename(
        columns={
            "scope": "Scope",
            "label": "Period",
            "value": "Value",
            "threshold": "Threshold",
            "rules": "Rules tripped",
        }
    )
    chart.show(
        figure,
        table,
        f"indicator-{metric}"[:40],
        key=f"{W}chart-{metric}",
        caption=f"{indicators.metric_label(metric).capitalize()}: {limit.describe()}.",
    )

# --- 3. thresholds ------------------------------------------------------------------------------

st.subheader("Thresholds")
st.caption(
    "Each metric's threshold and which way is bad. The default comes from your own data: "
    "the median of all its values, plus (or minus) three robust standard deviations. Type "
    "your own number to replace it; change the direction and the default moves to the "
    "other side."
)
version = state.get(Keys.KEEP_ALIGNED_EDITOR_VERSION, 0)
labels_to_dir = {v: k for k, v in DIRECTION_LABELS.items()}
editor_frame = pd.DataFrame(
    {
        "metric": list(det.thresholds),
        "Metric": [indicators.metric_label(m) for m in det.thresholds],
        "Direction": [DIRECTION_LABELS[t.direction] for t in det.thresholds.values()],
        "Threshold": [t.value for t in det.thresholds.values()],
        "Set by": ["you" if t.source == "user" else "the data" for t in det.thresholds.values()],
    }
)
edited = st.data_editor(
    editor_frame,
    hide_index=True,
    key=f"{W}thresholds-{version}",
    width="stretch",
    disabled=["Metric", "Set by"],
    column_order=["Metric", "Direction", "Threshold", "Set by"],
    column_config={
        "Direction": st.column_config.SelectboxColumn(
            options=list(DIRECTION_LABELS.values()), required=True
        ),
        "Threshold": st.column_config.NumberColumn(format="%.4g"),
    },
)
changed = indicators.edit_overrides(
    overrides,
    det.thresholds,
    [
        (
            row.metric,
            labels_to_dir.get(row.Direction, DIRECTION_LABELS[HIGHER_IS_WORSE]),
            None if pd.isna(row.Threshold) else float(row.Threshold),
        )
        for row in edited.itertuples(index=False)
    ],
)
if changed != overrides:
    state.put(Keys.THRESHOLDS, changed)
    state.put(Keys.KEEP_ALIGNED_EDITOR_VERSION, version + 1)
    st.rerun()
if overrides and st.button(
    "Back to the defaults from the data", icon=":material/undo:", key=f"{W}thresholds-reset"
):
    state.put(Keys.THRESHOLDS, {})
    state.put(Keys.KEEP_ALIGNED_EDITOR_VERSION, version + 1)
    st.rerun()

# --- 4. misalignment risk index -----------------------------------------------------------------

st.subheader("Misalignment risk index")
st.caption(
    "Where trouble is most likely: indicator warnings, the tech–business gap and low "
    "agreement, combined with the weights below (0–100). A part that is unknown — no "
    "indicators, no feedback, or fewer respondents than the anonymity threshold — adds "
    "nothing and is named; *up to* is the index if it were at its worst."
)


def _set_weights() -> None:
    state.put(
        Keys.RISK_WEIGHTS,
        Weights(
            indicators=st.session_state[f"{W}w-ind"] / 100,
            gap=st.session_state[f"{W}w-gap"] / 100,
            agreement=st.session_state[f"{W}w-agr"] / 100,
        ),
    )


wcols = st.columns(3)
wcols[0].slider(
    "Weight of indicator warnings",
    0,
    100,
    round(weights.indicators * 100),
    5,
    key=f"{W}w-ind",
    on_change=_set_weights,
)
wcols[1].slider(
    "Weight of the tech–business gap",
    0,
    100,
    round(weights.gap * 100),
    5,
    key=f"{W}w-gap",
    on_change=_set_weights,
)
wcols[2].slider(
    "Weight of low agreement",
    0,
    100,
    round(weights.agreement * 100),
    5,
    key=f"{W}w-agr",
    on_change=_set_weights,
)
total = weights.total
if total > 0:
    shares = [100 * w / total for w in (weights.indicators, weights.gap, weights.agreement)]
    st.caption(
        f"Index = {shares[0]:.0f}% × indicators + {shares[1]:.0f}% × gap + "
        f"{shares[2]:.0f}% × agreement, each part from 0 to 100."
    )

views = analysis.current_views(dataset, priv) if dataset.has_feedback else None
summary = views.summary if views is not None else pd.DataFrame()
risk = indicators.risk_index(det, summary, dataset.initiatives, weights, k_min=priv.k_min)
for note in risk.notes:
    st.info(escape(note), icon=":material/info:")
if not dataset.has_feedback:
    st.info(
        "No feedback is loaded, so the gap and agreement parts are unknown everywhere: the "
        "index shows indicator warnings only.",
        icon=":material/info:",
    )

by_initiative, by_team = st.tabs(["By initiative", "By team"])
with by_initiative:
    frame = risk.initiatives
    if frame.empty:
        st.caption(
            "No initiatives are loaded, so there is no index per initiative. The team "
            "view uses the scopes of your indicators."
        )
    elif total > 0:
        item = frame["initiative_id"].astype(str) + " " + frame["name"].astype(str)
        table = frame.rename(
            columns={
                "initiative_id": "ID",
                "name": "Initiative",
                "team": "Team",
                "n": "n",
                "index": "Index",
                "index_max": "Up to",
                "indicator_part": "Indicators",
                "gap_part": "Gap",
                "agreement_part": "Agreement",
                "alerts": "Warnings",
                "unknown": "Unknown",
            }
        )[
            [
                "ID",
                "Initiative",
                "Team",
                "Index",
                "Up to",
                "n",
                "Indicators",
                "Gap",
                "Agreement",
                "Warnings",
                "Unknown",
            ]
        ]
        chart.show(
            ind_charts.risk_bars(indicators.contributions(frame, weights, item)),
            table,
            "risk-index-initiatives",
            key=f"{W}risk-init",
            caption=f"Top 15 of {len(frame)} initiatives; hover a bar for its parts.",
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "n": st.column_config.NumberColumn(
                    help="Respondents behind the gap and agreement (empty: hidden or no feedback)",
                    format="%d",
                ),
                **{
                    c: st.column_config.ProgressColumn(c, min_value=0, max_value=100, format="%.0f")
                    for c in ("Index", "Up to", "Indicators", "Gap", "Agreement")
                },
            },
        )
with by_team:
    frame = risk.teams
    if frame.empty:
        st.caption("No teams to show.")
    elif total > 0:
        table = frame.rename(
            columns={
                "team": "Team",
                "initiatives": "Initiatives",
                "n_range": "n per initiative",
                "alignment_known": "Alignment known for",
                "index": "Index",
                "index_max": "Up to",
                "indicator_part": "Indicators",
                "gap_part": "Gap",
                "agreement_part": "Agreement",
                "alerts": "Warnings",
                "unknown": "Unknown",
            }
        )[
            [
                "Team",
                "Index",
                "Up to",
                "Initiatives",
                "n per initiative",
                "Alignment known for",
                "Indicators",
                "Gap",
                "Agreement",
                "Warnings",
                "Unknown",
            ]
        ]
        chart.show(
            ind_charts.risk_bars(
                indicators.contributions(frame, weights, frame["team"]), label="Team"
            ),
            table,
            "risk-index-teams",
            key=f"{W}risk-team",
            caption="A team's gap and agreement are the means over "
            "its initiatives whose figures are shown.",
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                **{
                    c: st.column_config.ProgressColumn(c, min_value=0, max_value=100, format="%.0f")
                    for c in ("Index", "Up to", "Indicators", "Gap", "Agreement")
                },
            },
        )
if total <= 0:
    st.warning(
        "All three weights are zero: move a slider to see the index.", icon=":material/warning:"
    )
privacy.notice(priv)

with st.expander("How these are computed", icon=":material/functions:"):
    st.markdown(indicators.METHOD)
