"""Prioritisation: one ranked roadmap both sides can defend, each side's ranking, where they
differ and why, which orderings the data supports, and what fits the quarter."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import prioritise
from alignment.charts import prioritise as charts
from components import analysis, chart, privacy
from components.downloads import XLSX_MIME
from components.page import DATA_PAGE, setup
from components.state import Keys
from components.text import escape

W = Keys.PRIORITISE_WIDGET
METHOD_PAGE = "app_pages/method.py"
result = setup(
    "Prioritisation",
    needs=("initiatives",),
    intro="The roadmap ranked by WSJF, RICE or value ÷ effort, as a whole and as each side "
    "sees it. Every rank comes with the range the data supports: argue only about the "
    "orderings that are clear.",
)
dataset = result.dataset
priv = privacy.current()

# --- the user's choices ------------------------------------------------------------------------

left, right, _ = st.columns([1.4, 1.4, 2])
model = left.selectbox(
    "Model",
    list(prioritise.MODELS),
    format_func=prioritise.MODELS.get,
    key=f"{W}model",
    help="WSJF: cost of delay ÷ job size. RICE: reach × impact × confidence ÷ effort. "
    "Value ÷ effort: business value ÷ effort. The Method page shows each formula with "
    "your own numbers.",
)
efforts = pd.to_numeric(dataset.initiatives["effort"], errors="coerce")
total = float(efforts.sum()) if efforts.notna().any() else None
capacity = right.number_input(
    "Capacity this quarter",
    min_value=0.0,
    value=None,
    step=1.0,
    key=f"{W}capacity",
    placeholder="Effort budget",
    help="In the effort units of your initiatives table"
    + (f" (all initiatives together: {total:g})." if total is not None else ".")
    + " Leave empty to rank without a capacity line.",
)

ranked = analysis.prioritisation(dataset.fingerprint, model, priv.k_min, capacity, dataset)
table = ranked.table
label = ranked.label
scored = int(table["rank"].notna().sum())
n_all = ranked.n.get("all")


def side_n(side: str) -> str:
    n = ranked.n[side]
    return f"n={n}" if n is not None else f"hidden (fewer than {priv.k_min})"


if scored == 0:
    lacking = sorted({c.strip() for m in table["missing"] for c in m.split(",") if c.strip()})
    others = [
        prioritise.MODELS[m]
        for m in prioritise.MODELS
        if m != model
        and analysis.prioritisation(dataset.fingerprint, m, priv.k_min, capacity, dataset)
        .table["rank"]
        .notna()
        .any()
    ]
    st.warning(
        f"No initiative can be ranked by {label}: the data loaded has no "
        + escape(", ".join(lacking))
        + " for them, neither as columns of the initiatives table nor as estimates from "
        f"at least {priv.k_min} respondents. Nothing is counted as zero.",
        icon=":material/rule:",
    )
    if others:
        st.info(
            "With the data loaded now you can rank by " + " or ".join(others) + ": choose it "
            "under Model.",
            icon=":material/swap_horiz:",
        )
    st.caption(
        "To rank by this model, add the missing columns to your roadmap (the template on the "
        "Data page has them, with dropdowns), or ask for them in the survey."
    )
    st.page_link(DATA_PAGE, label="Go to the Data page", icon=":material/upload_file:")
    st.stop()

# --- the headline ------------------------------------------------------------------------------

cols = st.columns(3)
cols[0].metric(
    "Initiatives ranked",
    f"{scored} of {len(table)}",
    help="An initiative missing a component of the model has no score; it is named below.",
)
if ranked.tau is not None:
    cols[1].metric(
        "Agreement of the two rankings (τ-b)",
        f"{ranked.tau:.2f}",
        help="Kendall's τ-b: 1 the same order, 0 unrelated, −1 reversed. 95% interval from a "
        f"bootstrap over respondents ({ranked.replicates} replicates, drawn the same way "
        "each time, so the same data gives the same ranges).",
    )
    cols[1].caption(
        f"95% interval {ranked.tau_low:.2f} to {ranked.tau_high:.2f} · tech {side_n('tech')}, "
        f"business {side_n('business')}"
    )
else:
    cols[1].metric("Agreement of the two rankings (τ-b)", "–")
    cols[1].caption(f"Needs both sides: tech {side_n('tech')}, business {side_n('business')}")
if capacity is not None:
    fits = table["fits_capacity"] == 1
    cols[2].metric(
        "Fits the quarter",
        f"{int(fits.sum())} initiatives",
        help="Taken in rank order while their total effort fits the capacity.",
    )
    cols[2].caption(f"{float(table.loc[fits, 'effort'].sum()):g} of {capacity:g} effort units used")
for note in ranked.notes:
    st.info(escape(note), icon=":material/info:")

# --- where the sides differ --------------------------------------------------------------------

st.subheader("Where the sides differ most")
if ranked.side_ranked("tech") and ranked.side_ranked("business"):
    diffs = ranked.differences
    if diffs.empty:
        st.caption("Both sides put every initiative at the same rank.")
    for row in diffs.itertuples():
        st.markdown(
            f"- **{escape(row.initiative_id)} {escape(row.initiative)}**: {escape(row.sentence)}"
        )
    long = prioritise.order_for_chart(ranked)
    frame = charts.slope_frame(long)
    chart.show(
        charts.slope(frame, label, f"Tech n={ranked.n['tech']}, business n={ranked.n['business']}"),
        frame[["initiative_id", "initiative", "side", "rank", "low", "high", "n", "higher"]].rename(
            columns={
                "initiative_id": "ID",
                "initiative": "Initiative",
                "side": "Side",
                "rank": "Rank",
                "low": "Range from",
                "high": "Range to",
                "n": "Respondents",
                "higher": "Difference",
            }
        ),
        f"prioritisation-sides-{model}",
        key=f"{W}slope",
        caption="Tech's ranking on the left, the business's on the right. A line takes a "
        "side's colour only when that side ranks it clearly higher (the two 95% ranges do not "
        "overlap). Components are on the 1–20 scale.",
    )
else:
    st.info(
        "Each side's ranking needs estimates from both sides: business value in the "
        "feedback, or the WSJF components (time criticality, risk reduction, job size) as "
        f"survey columns, from at least {priv.k_min} respondents per side. "
        f"Now: tech {side_n('tech')}, business {side_n('business')}.",
        icon=":material/groups:",
    )
privacy.notice(priv)

# --- the ranking -------------------------------------------------------------------------------

st.subheader("The ranking, with the range each rank could take")
frame = charts.ranking_frame(table)
n_text = (
    f"{n_all} respondents and the roadmap's own estimates"
    if ranked.ranges_from_respondents and n_all is not None
    else "the roadmap's own estimates (no sampling spread)"
)
shown = table.sort_values(["rank", "initiative_id"], na_position="last", kind="stable")


def _range(r: pd.Series) -> str:
    return prioritise.rank_text(r["rank"], r["rank_low"], r["rank_high"])


def _side(r: pd.Series, side: str) -> str:
    return prioritise.rank_text(r[f"rank_{side}"], r[f"rank_{side}_low"], r[f"rank_{side}_high"])


def _order(r: pd.Series) -> str:
    if pd.isna(r["rank"]):
        return "Not ranked: no " + r["missing"]
    if r["clear"] is None:
        return "From the table's estimates (no spread)"
    if r["clear"]:
        return "Clearly placed"
    return "Not clearly ordered against " + r["overlaps"]


def _fits(value: object) -> str:
    if pd.isna(value):
        return ""
    return "Fits" if value else "Below the line"


view = pd.DataFrame(
    {
        "Rank (95% range)": shown.apply(_range, axis=1),
        "ID": shown["initiative_id"],
        "Initiative": shown["initiative"],
        label: shown["score"].round(2),
        "Tech rank": shown.apply(_side, axis=1, side="tech"),
        "Business rank": shown.apply(_side, axis=1, side="business"),
        "Ordering": shown.apply(_order, axis=1),
        "Effort": shown["effort"],
    }
)
if capacity is not None:
    view["This quarter"] = shown["fits_capacity"].map(_fits)
for side in ("Tech rank", "Business rank"):
    if (view[side] == "").all():  # that side has no ranking: its column would be empty
        view = view.drop(columns=side)
chart.show(
    charts.ranking(frame, label, f"Ranks rest on {n_text}"),
    view,
    f"prioritisation-{model}",
    key=f"{W}ranking",
    caption="Dot: the rank; bar: its 95% range; diamond: not clearly ordered against a "
    "neighbour (ranges overlap); square: the table's own estimates, which carry no spread. "
    "Darker: nearer the top."
    + (" The dashed line is the capacity line." if capacity is not None else ""),
)
st.dataframe(
    view,
    hide_index=True,
    width="stretch",
    column_config={"Ordering": st.column_config.TextColumn(width="large")},
)

# --- the capacity line -------------------------------------------------------------------------

if capacity is not None:
    st.subheader("What fits the quarter, by whose ranking")
    lines = st.columns(3)
    for col, (key, title) in zip(
        lines,
        (("capacity", "Combined"), ("tech", "Tech's ranking"), ("business", "Business's ranking")),
        strict=True,
    ):
        fits = table[f"fits_{key}"]
        col.markdown(f"**{title}**")
        if fits.isna().all():
            col.caption("No ranking.")
            continue
        inside = table[fits == 1]
        below = table[fits == 0]
        col.caption(f"{len(inside)} fit, {len(below)} fall below the line")
        col.markdown(
            "Below the line: "
            + (escape(", ".join(below.sort_values("initiative_id")["initiative_id"])) or "none")
        )
    combined_in = set(table.loc[table["fits_capacity"] == 1, "initiative_id"])
    for side in prioritise.SIDES:
        if table[f"fits_{side}"].isna().all():
            continue
        side_in = set(table.loc[table[f"fits_{side}"] == 1, "initiative_id"])
        gained = sorted(side_in - combined_in)
        if gained:
            st.caption(
                f"The {side} ranking would also fit: "
                + escape(", ".join(gained))
                + " (below the combined line)."
            )

# --- downloads and method ----------------------------------------------------------------------

st.download_button(
    "Download the ranked roadmap (.xlsx)",
    lambda: prioritise.to_xlsx(ranked, dataset, for_people=True),
    f"ranked-roadmap-{model}.xlsx",
    XLSX_MIME,
    key=f"{W}xlsx",
    icon=":material/download:",
    on_click="ignore",
)
example = prioritise.worked_example(ranked, dataset)
st.caption(escape(example) + " " + prioritise.SIDE_NOTES[model])
st.page_link(
    METHOD_PAGE, label="How the ranks and ranges are computed", icon=":material/functions:"
)
