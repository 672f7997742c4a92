"""Method: how every number is computed, with a worked example from the data loaded now."""

from __future__ import annotations

import streamlit as st

from alignment import config as settings
from alignment import constants as c
from alignment import indicators, method, prioritise, scoring, workshop
from components import analysis, privacy
from components.page import setup
from components.text import escape

result = setup(
    "Method",
    intro="How every figure in the workbench is computed. Nothing here is "
    "a black box: the same formulas run in the app, the exports and the command line.",
)
dataset = result.dataset
priv = privacy.current()
names = dataset.initiative_names()
labels = dataset.dimensions

st.subheader("1. Ratings on one scale")
st.markdown(
    "Each rating *x* on a scale from *lo* to *hi* becomes a number from 0 to 100. Words "
    "such as *Agree* or *High* take their place on a five-point scale first."
)
st.latex(r"\text{normalised}(x) = 100 \times \frac{x - lo}{hi - lo}")
scales = method.scales_in_use(dataset.feedback, labels)
if scales.empty:
    st.caption("No ratings are loaded now.")
else:
    st.markdown("Scales in use in the data loaded now:")
    st.dataframe(scales, hide_index=True, width="content")

st.subheader("2. Alignment score and n")
st.markdown(
    "The **alignment score** of a cell (an initiative and a group, or an initiative and "
    "a side) is the mean of every normalised rating in it: each respondent × dimension "
    "rating counts once; missing ratings are left out, never counted as zero. **n** is "
    "the number of distinct respondents in the cell (without a respondent column, each "
    "response counts as one respondent). The charts call it the **mean rating (0–100)**, "
    "because that is what it is: 59 means a mildly positive average, not that 59% of "
    "people agree. How much they agree is r_wg, below, and is marked separately."
)

st.subheader("3. Agreement within a cell: r_wg")
st.markdown(
    "Take each respondent's mean rating over the cell's dimensions; *s²* is their sample "
    "variance and σ²_EU the variance of answers picked at random on a *k*-point scale."
)
st.latex(r"r_{wg} = 1 - \frac{s^2}{\sigma^2_{EU}}, \qquad \sigma^2_{EU} = \frac{k^2 - 1}{12}")
st.markdown(
    f"r_wg is clipped to 0–1 and undefined for fewer than 2 respondents. **{c.AGREEMENT_TEXT} "
    "or more means the group agrees**; below that the heatmap marks the cell ▼."
)

st.subheader("4. A split room: polarised")
st.markdown(
    "A clipped r_wg of 0 cannot tell people answering at random from a room split into "
    f"two camps. A cell is **polarised** (◆) when at least {c.pct(c.POLAR_SHARE)} of its "
    f"respondents' mean ratings are at or below {c.POLAR_LOW:g} on the 0–100 scale *and* at "
    f"least {c.pct(c.POLAR_SHARE)} are at or above {c.POLAR_HIGH:g} "
    "(1–2 and 4–5 on a 1–5 scale), or when the observed variance exceeds σ²_EU (the "
    "unclipped r_wg is negative). The room is split, not vague: talk to both camps."
)

st.subheader("5. Perception gap and how sure it is")
st.markdown(
    "The **gap** for an initiative and a dimension is the tech side's mean normalised "
    "rating minus the business side's. Its **95% interval** is Welch's two-sample t "
    "interval on the two sides' ratings (one value per respondent and dimension):"
)
st.latex(
    r"\bar{t} - \bar{b} \pm t_{0.975,\,\nu}\sqrt{\frac{s_t^2}{n_t} + \frac{s_b^2}{n_b}},"
    r"\quad \nu = \frac{(s_t^2/n_t + s_b^2/n_b)^2}{\frac{(s_t^2/n_t)^2}{n_t - 1} + "
    r"\frac{(s_b^2/n_b)^2}{n_b - 1}}"
)
st.markdown(
    "It is undefined when a side has fewer than 2 respondents. **A gap whose interval "
    "contains 0 is 'no clear difference'**: the heatmap fades it and marks it ●, and "
    "sorting by gap puts clear differences first. The overall gap of an initiative uses "
    "one value per respondent (their mean over the dimensions)."
)

st.subheader("6. Anonymity")
st.markdown(
    f"A cell resting on fewer than **k_min = {priv.k_min}** respondents is never shown, "
    "exported or opened in a drill-down: the heatmaps draw it grey, the tables leave it "
    f"empty. Comments appear only for cells with at least **k_comments = "
    f"{priv.k_comments}** respondents, never with names."
)
st.markdown(
    "**The rule across views.** No figure you can obtain, on any page, in any export or "
    "workspace comparison, or after any change you can make, differs from another figure "
    f"you can obtain by the answers of fewer than {priv.k_min} people. Hiding small cells "
    "one view at a time is not enough: a side's score before and after a small group is "
    "moved to the other side, or a group's score with and without one question, would "
    "differ by exactly those few people's answers. So:"
)
st.markdown(
    f"- **Small answers count for no side.** Where fewer than {priv.k_min} people of a "
    "group answered an initiative, or one question of it, those answers count for no group "
    "and no side, whichever side the group is on. They count in the initiative's overall "
    f"score only when at least {priv.k_min} such people answered the same question; "
    "otherwise not at all.\n"
    "- **Every figure's n is the people behind it**, question by question: a drill-down "
    f"leaves out a question fewer than {priv.k_min} people in the cell answered.\n"
    "- **Complementary masking**: where a total is shown beside its parts (all respondents "
    "and the sides; a side and its groups; an initiative, its quarters and its months; a "
    "side's score and its dimensions), when one part is hidden, or the hidden parts together "
    f"hold fewer than {priv.k_min} people, the next-smallest part is hidden too.\n"
    "- **The overview's side scores** count only initiatives where that side is shown.\n"
    "- **Comparing workspaces**: a cell whose number of people changed by 1 to "
    f"{priv.k_min - 1} between the two is not comparable, and neither figure is shown."
)
st.markdown(
    f"**What you can learn here:** every figure resting on at least {priv.k_min} people, "
    f"how many people are behind it, and which groups have fewer than {priv.k_min}. "
    f"**What you cannot:** the answers of fewer than {priv.k_min} people, from one view or "
    "by comparing views, moving groups, choosing questions, switching months and quarters, "
    "or comparing workspaces. **Not protected:** whoever uploads the files holds the raw "
    "answers already; and each saved workspace shows its own figures, so save snapshots "
    "when several people have answered, not after each answer."
)
_K_MIN, _K_COMMENTS = settings.SETTING_BY_NAME["k_min"], settings.SETTING_BY_NAME["k_comments"]
st.caption(
    "k_min and k_comments are set by the person who runs the workbench "
    f"({_K_MIN.env} / {_K_COMMENTS.env}, or {_K_MIN.secrets_keys[-1]} / "
    f"{_K_COMMENTS.secrets_keys[-1]} in .streamlit/secrets.toml); they can never go below "
    f"{_K_MIN.minimum}."
)
for note in priv.notes:
    st.warning(note, icon=":material/warning:")
st.markdown("**Workshops and team rounds**")
st.markdown(workshop.ORGANISER_CAN_AND_CANNOT)

st.subheader("7. Ranking what needs a conversation")
st.markdown(
    "The overview ranks initiatives by the absolute overall gap (in full when its "
    f"interval excludes 0, {c.pct(c.RANK_UNCLEAR_GAP_SHARE)} of it otherwise), plus "
    f"{c.RANK_SPLIT_POINTS:g} points when a side or group is polarised and "
    f"{c.RANK_DISAGREE_POINTS:g} per group that disagrees (up to {c.RANK_DISAGREE_CAP:g}). "
    "The score is only used for ordering; the reasons shown are the figures themselves."
)

st.subheader("8. Coverage")
st.markdown(
    "Each objective's weight share beside the share of effort its initiatives take. An "
    "initiative serving several objectives splits its effort equally between them; "
    "cancelled initiatives do not count; work serving no objective is shown as its own "
    "share (orphan work)."
)

st.subheader("9. Leading indicators and the misalignment risk index")
st.markdown(indicators.METHOD)

st.subheader("10. Prioritisation: WSJF, RICE, value ÷ effort")
st.markdown(
    "Three models rank the roadmap on the Prioritisation page. WSJF's components are relative "
    "estimates on the Fibonacci scale 1, 2, 3, 5, 8, 13, 20; a rating on another scale is put "
    "on 1–20 linearly, and the roadmap's business value (Very low … Very high) reads as 1, "
    "5.75, 10.5, 15.25, 20. **A missing component is named, never taken as zero.**"
)
st.latex(
    r"\text{WSJF} = \frac{\text{business value} + \text{time criticality} + "
    r"\text{risk reduction}}{\text{job size}}"
)
st.latex(
    r"\text{RICE} = \frac{\text{reach} \times \text{impact} \times \text{confidence}}"
    r"{\text{effort}} \qquad \text{Value ÷ effort} = \frac{\text{business value}}{\text{effort}}"
)
st.markdown(
    "The **combined ranking** uses the initiatives table's columns; a component the table "
    "lacks comes from all respondents' means. **Each side's ranking** uses the side's own mean "
    "estimates (its job size falls back on the table's). Rank 1 is the highest score; ties "
    "share the lowest rank. One **bootstrap** over respondents (resampled within each side, "
    f"{prioritise.REPLICATES} replicates, drawn the same way each time) gives each rank its "
    "95% range and "
    "Kendall's τ-b between the two sides its interval (bias-corrected percentile). Ranges "
    f"that overlap are **not clearly ordered**. A side under k_min = {priv.k_min} has no "
    "ranking."
)
if not dataset.initiatives.empty:
    for model in prioritise.MODELS:
        ranked = analysis.prioritisation(dataset.fingerprint, model, priv.k_min, None, dataset)
        example = prioritise.worked_example(ranked, dataset)
        st.markdown(
            f"- **{prioritise.MODELS[model]}**: "
            + (escape(example) if example else "no initiative has every component.")
        )

st.subheader("Worked example from your data")
if not dataset.has_feedback:
    st.info(
        "Load feedback to see the formulas applied to your own numbers.", icon=":material/info:"
    )
    st.stop()
views = analysis.current_views(dataset, priv)
fb = scoring.prepare(dataset.feedback)
cell = method.cell_example(fb, views, priv)
if cell is None:
    st.caption(
        f"Every cell rests on fewer than {priv.k_min} respondents, so none can serve as an example."
    )
else:
    st.markdown(
        f"**{escape(names.get(cell.initiative_id, cell.initiative_id))} × "
        f"{escape(cell.group)}**: {cell.n} respondents gave {cell.n_ratings} ratings.\n\n"
        f"- Alignment score = mean of the {cell.n_ratings} normalised ratings = "
        f"**{cell.score:.1f}**\n"
        f"- Scale of {cell.points} points: σ²_EU = ({cell.points}² − 1) / 12 = "
        f"{cell.sigma_eu:.2f}\n"
        f"- Variance of the {cell.n} respondents' mean ratings: s² = {cell.variance:.2f}\n"
        f"- r_wg = 1 − {cell.variance:.2f} / {cell.sigma_eu:.2f} = {cell.rwg_raw:.2f}"
        f"{' → clipped to ' + format(cell.rwg, '.2f') if not 0 <= cell.rwg_raw <= 1 else ''}: "
        f"**{method.agreement_words(cell.rwg)}**\n"
        f"- {cell.share_low:.0%} of respondents at or below {c.POLAR_LOW:g}, "
        f"{cell.share_high:.0%} at or above {c.POLAR_HIGH:g}: "
        f"**{'polarised' if cell.polarised else 'not polarised'}**"
    )
gap = method.gap_example(fb, views, priv)
if gap is None:
    st.caption("No gap can be shown (a side is missing or too small everywhere).")
else:
    st.markdown(
        f"**Largest gap: {escape(names.get(gap.initiative_id, gap.initiative_id))}, "
        f"{escape(labels.get(gap.dimension, gap.dimension).lower())}**\n\n"
        f"- Tech: mean {gap.tech_mean:.1f}, sd {gap.tech_sd:.1f}, n = {gap.n_tech}; business: "
        f"mean {gap.business_mean:.1f}, sd {gap.business_sd:.1f}, n = {gap.n_business}\n"
        f"- Gap = {gap.tech_mean:.1f} − {gap.business_mean:.1f} = **{gap.gap:+.1f}** points\n"
        f"- Standard error {gap.se:.2f}, Welch degrees of freedom ν = {gap.df:.1f}, "
        f"t₀.₉₇₅ = {gap.t:.3f}\n"
        f"- 95% interval: {gap.gap:+.1f} ± {gap.t:.3f} × {gap.se:.2f} = "
        f"**{gap.low:+.1f} to {gap.high:+.1f}** → "
        f"{'a clear difference' if gap.low > 0 or gap.high < 0 else 'no clear difference'}"
    )
