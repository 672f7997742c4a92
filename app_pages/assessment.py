"""Self-assessment: score your alignment practice on the seven steps, against data and team."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse

import pandas as pd
import streamlit as st

from alignment import assessment, indicators
from alignment.assessment import report as assessment_report
from alignment.assessment import results
from alignment.assessment.store import AssessmentStore, TeamRound, describe, latest_closed
from alignment.charts import assessment as charts
from alignment.charts import render
from alignment.exports import readable, to_csv_bytes
from alignment.joincodes import pretty
from components import analysis, as_of, chart, page_registry, state
from components import assessment as ui
from components import privacy as privacy_ui
from components.page import setup
from components.state import Keys
from components.text import escape

result = setup(
    "Self-assessment",
    intro="How well do you practise the seven steps that keep "
    "technical teams and the business aligned? Answer for yourself, ask your team to "
    "answer about you, and check both against the evidence in your data.",
)
dataset = result.dataset
privacy = privacy_ui.current()
bank = ui.bank_or_stop()
db: AssessmentStore | None = ui.store()
key = ui.leader_key()
draft = ui.draft(bank, key, db)
answers = draft["answers"]
scored = assessment.score(bank, answers)
history = ui.safely(db.history, key) if db is not None else None
history = history or []
previous_saved = assessment.previous_of(history, draft["completed_id"])
previous = assessment.as_result(bank, previous_saved) if previous_saved else None
rounds: list[TeamRound] = (ui.safely(db.rounds, key) or []) if db is not None else []
team_round = latest_closed(rounds)
team_answers = (
    ui.safely(db.round_answers, key, team_round.code)
    if db is not None and team_round is not None
    else None
)
team = assessment.team_view(bank, team_answers, privacy) if team_answers is not None else None


proof = analysis.assessment_evidence(
    dataset.fingerprint,
    privacy.k_min,
    privacy.k_comments,
    as_of.current(),
    team,
    tuple(state.get(Keys.RITUALS) or ()),
    json.dumps(state.get(Keys.THRESHOLDS) or {}, sort_keys=True, default=str),
    state.get(Keys.DETECTION) or indicators.Rules(),
    tuple(sorted((name, tuple(sorted(t.columns))) for name, t in result.tables.items())),
    dataset,
)
actions = assessment.next_actions(bank, answers, scored)
titles = page_registry.titles()


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _page_link(path: str, text: str) -> None:
    """A link to the page that helps, or the action alone when the page is not in this app."""
    if path in titles:
        st.page_link(path, label=f"{text} → {titles[path]}", icon=":material/arrow_forward:")
    else:
        st.markdown(f"- {text}")


done_text = f"{scored.answered} of {scored.total} statements answered"
if scored.dont_know:
    done_text += f' ({scored.dont_know} "Don\'t know")'
st.progress(scored.answered / scored.total, text=done_text)
with st.expander("Your private link: bookmark it to come back", icon=":material/key:"):
    st.caption(
        "This page's address carries your private key. Anyone with it sees your answers "
        "and history, so keep it to yourself. Open it again next month to compare."
    )
    st.code(st.context.url or "", language=None, wrap_lines=True)


# --- answer -------------------------------------------------------------------------------------


def _save_completed() -> None:
    """Save the answers with today's date, then show the results."""
    now = assessment.score(bank, draft["answers"])
    saved = ui.safely(
        db.complete, key, draft["answers"], now.scores(), now.overall, draft["step"], bank.version
    )
    if saved is not None:
        draft["completed_id"] = saved.id
        st.session_state[Keys.ASSESS_TAB] = "Results"
        st.toast("Saved to your history.", icon=":material/check_circle:")


def _answer_tab() -> None:
    st.caption(
        "Answer for your own practice as it is today, not as you would like it to be. "
        '"Don\'t know" is fine: it is left out of the score and counted. Every answer is '
        "saved at once; leave and come back whenever you like."
    )
    ui.questionnaire(bank, draft, db)
    st.divider()
    saved_now = draft["completed_id"] is not None
    if saved_now:
        st.success(
            "These answers are saved in your history. Change any answer to start a new "
            "assessment from them.",
            icon=":material/check_circle:",
        )
    elif scored.complete:
        st.info(
            "Every statement has an answer. Save this assessment to your history to compare "
            "with it next time.",
            icon=":material/task_alt:",
        )
    else:
        st.caption(
            f"{scored.total - scored.answered} statements to go before you can save "
            "this assessment to your history."
        )
    if not saved_now:
        st.button(
            "Save as a completed assessment",
            type="primary",
            icon=":material/save:",
            disabled=not scored.complete or db is None,
            key="aw-assess-complete",
            on_click=_save_completed,
            help="Saves the answers and scores with today's date."
            if db is not None
            else "The database is unavailable, so nothing can be saved.",
        )


# --- results ------------------------------------------------------------------------------------


def _results_tab() -> None:
    if scored.answered == scored.dont_know:
        st.info(
            "Answer a few statements first: the scores, the chart and the actions appear as "
            "you go.",
            icon=":material/info:",
        )
    else:
        cols = st.columns(4)
        delta = (
            (scored.overall - previous.overall)
            if previous is not None and previous.overall is not None and scored.overall is not None
            else None
        )
        cols[0].metric(
            "Overall score",
            _num(scored.overall),
            delta=f"{delta:+.0f} since {previous_saved.completed_at:%d %b %Y}"
            if delta is not None
            else None,
            help="The mean of the step scores, 0–100.",
        )
        cols[1].metric("Maturity", scored.overall_level.name if scored.overall_level else "–")
        cols[2].metric("Steps scored", f"{sum(s.score is not None for s in scored.steps)} of 7")
        cols[3].metric(
            "Evidence figures",
            f"{sum(len(s.available) for s in proof.steps.values())}"
            f" of {sum(len(s.figures) for s in proof.steps.values())}",
            help="Figures the loaded data supports; see 'Evidence' below.",
        )
        if not scored.complete:
            st.caption("Scores so far: they change as you answer the rest.")

        frame = results.chart_frame(bank, scored, previous, team)
        view = st.segmented_control(
            "Chart", ["Radar", "Bars"], default="Radar", key="aw-assess-view", required=True
        )
        table = frame.drop(columns=["title"]).rename(columns={"n_text": "n"})
        who = (
            "you now"
            + (", last time" if previous is not None else "")
            + (", your team" if team is not None else "")
        )
        if view == "Bars":
            chart.show(
                charts.bars(frame),
                table,
                "self-assessment-bars",
                key="aw-assess-bars",
                caption=f"Each step's score, 0–100: {who}. Arrows give the change "
                "since your last saved assessment.",
            )
        else:
            chart.show(
                charts.radar(frame),
                table,
                "self-assessment-radar",
                key="aw-assess-radar",
                caption=f"Each spoke is a step; further out is stronger. Lines: {who}.",
            )

        st.subheader("Step by step")
        steps_table = results.steps_table(scored, previous, team, proof.scores(), privacy.k_min)
        st.dataframe(
            steps_table,
            hide_index=True,
            width="stretch",
            column_config={
                "Score": st.column_config.ProgressColumn(
                    "Score", min_value=0, max_value=100, format="%.0f"
                ),
                "Change": st.column_config.NumberColumn(
                    "Change", format="%+.0f", help="Since your last saved assessment."
                ),
                "Team (n)": st.column_config.TextColumn(
                    "Team (n)",
                    help=f"Your team's mean and how many answered; hidden below "
                    f"{privacy.k_min} answers, and shown only for a closed round.",
                ),
                "Data says": st.column_config.TextColumn(
                    "Data says",
                    help="The mean of the step's evidence figures; see 'Evidence from "
                    "your data' below.",
                ),
            },
        )
        st.markdown(
            "\n".join(
                f"- **{s.label}: {s.level.name}.** {s.level.description}"
                if s.level
                else f'- **{s.label}: not scored.** Every answer was "Don\'t know" (or none yet).'
                for s in scored.steps
            )
        )

        watch, better = results.readings(scored, proof.scores(), team)
        st.subheader("Where the readings differ")
        if watch:
            st.warning("\n".join(f"- {d.sentence()}" for d in watch), icon=":material/visibility:")
        if better:
            st.success("\n".join(f"- {d.sentence()}" for d in better), icon=":material/star:")
        if not watch and not better:
            st.caption(
                f"No step differs by {assessment.EVIDENCE_GAP:g} points or more from the data, "
                f"nor by {assessment.TEAM_GAP:g} or more from your team."
            )

        st.subheader("Next actions for your three weakest steps")
        for sa in actions:
            with st.container(border=True):
                level = sa.step.level.name if sa.step.level else "not scored"
                st.markdown(f"**Step {sa.step.label}** · {_num(sa.step.score)} · {level}")
                if sa.lowest:
                    st.caption(
                        "Your least favourable answers: "
                        + "; ".join(f"“{s.self_text}”" for s in sa.lowest)
                    )
                for a in sa.actions:
                    _page_link(a.page, a.text)

        st.subheader("Evidence from your data")
        source = "the demo workbook" if state.is_demo() else "your data"
        st.caption(
            f"What {source} shows for each step, on the same 0–100 scale. Each figure "
            "says what it rests on; a step without figures says what would unlock one."
        )
        for number in range(1, 8):
            ev = proof.step(number)
            step = bank.step(number)
            head = (
                f"Step {step.label}: the data says {_num(ev.score)}"
                if ev.score is not None
                else f"Step {step.label}: no evidence yet"
            )
            with st.expander(head, icon=":material/fact_check:"):
                for f in ev.figures:
                    if f.available:
                        st.markdown(
                            f"**{f.label}: {_num(f.value)}** / 100 · n = {f.n} "
                            f"{f.basis}  \n{escape(f.explanation)}"
                        )
                    else:
                        st.markdown(f"**{f.label}**: not available. {escape(f.explanation)}")
                        st.caption(f"What would unlock it: {escape(f.unlock)}")
                if not ev.figures:
                    st.caption("The data has nothing to say about this step yet.")

        with st.expander("How the scores and levels work", icon=":material/calculate:"):
            st.markdown(
                f"- Each answer counts from 0 (*{bank.scale.labels[bank.scale.min]}*) to 100 "
                f"(*{bank.scale.labels[bank.scale.max]}*); for statements where agreeing is bad, "
                "the other way round.\n"
                "- *Don't know* is left out of the score and counted.\n"
                "- A step's score is the mean of its statements; the overall score is the mean "
                "of the steps.\n"
                f"- A team's step score is the mean of its members' step scores, shown only when "
                f"at least {privacy.k_min} answered and only once the round is closed.\n"
                f"- Readings that differ by {assessment.EVIDENCE_GAP:g} points from the data, or "
                f"by {assessment.TEAM_GAP:g} from your team, are called out."
            )
            for lv in bank.levels:
                st.markdown(f"- **{lv.name}** (from {lv.start:g}): {lv.description}")


# --- team ---------------------------------------------------------------------------------------


def _invitations(rnd: TeamRound) -> None:
    """Issue one-time invitations for a round and download the unused ones with their links."""
    st.caption(f"By invitation: {rnd.invites_issued} invitations issued. Everyone sees this.")
    cols = st.columns([1, 1])
    count = cols[0].number_input(
        "How many to issue",
        min_value=1,
        max_value=500,
        value=max(1, (rnd.cap or 10) - rnd.invites_issued),
        key=f"aw-team-invite-n-{rnd.code}",
    )
    if cols[1].button("Issue invitations", key=f"aw-team-invite-{rnd.code}"):
        ui.safely(db.issue_invites, key, rnd.code, int(count))
        st.rerun()
    unused = ui.safely(db.unused_invites, key, rnd.code) or []
    if unused:
        link = _participant_link(rnd.code)
        sheet = pd.DataFrame(
            {
                "Invitation code": [pretty(c) for c in unused],
                "Link": [f"{link}&invite={c}" for c in unused],
            }
        )
        st.download_button(
            f"Download the {len(unused)} unused invitations (.csv)",
            to_csv_bytes(sheet),
            f"team-round-invitations-{rnd.code}.csv",
            "text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=f"aw-team-invite-dl-{rnd.code}",
        )


def _participant_link(code: str) -> str:
    """The team page's address on this server, with the round's code."""
    here = urllib.parse.urlsplit(st.context.url or "")
    base = here.path.rsplit("/", 1)[0] if here.path else ""
    query = urllib.parse.urlencode({"round": code})
    if not here.netloc:
        return f"/team?{query}"
    return urllib.parse.urlunsplit((here.scheme, here.netloc, f"{base}/team", query, ""))


def _team_tab() -> None:
    st.caption(
        f"Ask your team to answer the same statements about you and the team, "
        f"anonymously. Results appear once you close the round and only for steps with "
        f"at least {privacy.k_min} answers; a closed round stays closed, so a late answer "
        "can never be worked out from a change in the averages."
    )
    if db is None:
        st.info("Team rounds need the database, which is unavailable.", icon=":material/info:")
    else:
        with st.form("aw-team-open", clear_on_submit=True, border=True):
            title = st.text_input(
                "Name the round (only you see it)",
                max_chars=120,
                placeholder="e.g. Data team, Q1 review",
            )
            size_col, invite_col = st.columns(2)
            size = size_col.number_input(
                "People in the team (0 for no limit)",
                min_value=0,
                max_value=2000,
                value=0,
                help="Answers beyond this number are refused, so no one can add made-up "
                "answers to outnumber a real member.",
            )
            by_invite = invite_col.checkbox(
                "By invitation only",
                help="Each person needs a one-time code you issue; everyone sees how many "
                "were issued.",
            )
            if st.form_submit_button(
                "Open a team round", icon=":material/group_add:", type="primary"
            ):
                opened = ui.safely(
                    db.open_round,
                    key,
                    title or "Team round",
                    cap=int(size) or None,
                    invite_only=bool(by_invite),
                )
                if opened is not None:
                    st.rerun()
        for rnd in rounds:
            with st.container(border=True):
                status = "open" if rnd.is_open else f"closed {describe(rnd.closed_at)}"
                st.markdown(
                    f"**{escape(rnd.title)}** · code `{pretty(rnd.code)}` · {status} · "
                    f"{rnd.participants} answered"
                )
                if rnd.is_open:
                    st.caption(
                        "Send this link to your team (or show the code; they enter it "
                        "on the team page):"
                    )
                    st.code(_participant_link(rnd.code), language=None, wrap_lines=True)
                    if rnd.cap:
                        st.caption(f"Room for {rnd.cap} people.")
                    if rnd.invite_only:
                        _invitations(rnd)
                    need = max(0, privacy.k_min - rnd.participants)
                    if need:
                        st.caption(f"{need} more answer(s) needed before any result can be shown.")
                    confirm = st.checkbox(
                        "I want to close this round for good", key=f"aw-team-confirm-{rnd.code}"
                    )
                    if st.button(
                        "Close the round and see the results",
                        key=f"aw-team-close-{rnd.code}",
                        disabled=not confirm,
                        icon=":material/lock:",
                    ):
                        ui.safely(db.close_round, key, rnd.code)
                        st.rerun()
        if team is not None and team_round is not None:
            st.subheader(f"Results of “{escape(team_round.title)}”")
            st.caption(
                f"{team.participants} people answered. Steps with fewer than "
                f"{privacy.k_min} answers stay hidden."
            )
            if scored.answered == scored.dont_know:
                st.info(
                    "Answer your own statements to see yourself beside your team.",
                    icon=":material/info:",
                )
            else:
                tf = assessment.team_frame(scored, team)
                chart.show(
                    charts.team_dumbbell(tf, k_min=privacy.k_min),
                    tf,
                    "self-assessment-team",
                    key="aw-assess-team",
                    caption="You (circle) beside your team (diamond) for each step.",
                )
                st.dataframe(
                    tf[["label", "self", "team", "n", "difference"]],
                    hide_index=True,
                    width="stretch",
                    column_config={
                        "label": "Step",
                        "self": st.column_config.NumberColumn("You", format="%.0f"),
                        "team": st.column_config.NumberColumn(
                            "Team",
                            format="%.0f",
                            help=f"Hidden when fewer than {privacy.k_min} answered the step.",
                        ),
                        "n": st.column_config.NumberColumn("Team n", format="%d"),
                        "difference": st.column_config.NumberColumn("You − team", format="%+.0f"),
                    },
                )
                diffs = assessment.team_differences(scored, team)
                spots = [d for d in diffs if d.kind == "blind spot"]
                strengths = [d for d in diffs if d.kind == "hidden strength"]
                for title, found, box, icon in (
                    (
                        "**Blind spots** (you rate yourself 15 or more points above your team)",
                        spots,
                        st.warning,
                        ":material/visibility:",
                    ),
                    (
                        "**Hidden strengths** (your team rates you 15 or more points above "
                        "your own rating)",
                        strengths,
                        st.success,
                        ":material/star:",
                    ),
                ):
                    st.markdown(title)
                    if found:
                        box("\n".join(f"- {d.sentence()}" for d in found), icon=icon)
                    else:
                        st.caption("None.")
            if team.safety is not None:
                if team.safety.masked:
                    st.caption(
                        f"Team psychological safety: hidden (fewer than {privacy.k_min} answers)."
                    )
                else:
                    st.metric(
                        "Team psychological safety",
                        _num(team.safety.score),
                        help=f"n = {team.safety.n}: the seven-item team scale, 0–100.",
                    )
        elif rounds:
            st.caption("Results appear here once you close a round.")


# --- history ------------------------------------------------------------------------------------


def _history_tab() -> None:
    if not history:
        st.info(
            "No saved assessment yet. Answer every statement and save it: each saved "
            "assessment is kept with its date, so you can see your trend.",
            icon=":material/history:",
        )
    else:
        trend = assessment.trend_frame(bank, history)
        if len(history) >= 2:
            chart.show(
                charts.trend(trend),
                trend.drop(columns=["id"]),
                "self-assessment-trend",
                key="aw-assess-trend",
                caption="Each step's score at every saved assessment.",
            )
        wide = results.history_table(bank, history)
        st.dataframe(
            wide,
            hide_index=True,
            width="stretch",
            column_config={
                "Completed": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
                **{
                    c: st.column_config.NumberColumn(format="%.0f")
                    for c in wide.columns
                    if c != "Completed"
                },
            },
        )
    if db is not None and (history or rounds or answers):
        with st.expander("Delete all my self-assessment data", icon=":material/delete:"):
            st.caption(
                "Deletes your answers, your history and your team rounds with their "
                "answers from the database. This cannot be undone."
            )
            sure = st.checkbox("Yes, delete everything", key="aw-assess-forget-confirm")
            if (
                st.button("Delete", disabled=not sure, type="primary", key="aw-assess-forget")
                and ui.safely(db.forget, key) is True
            ):
                ui.reset_draft()
                st.rerun()


# --- report -------------------------------------------------------------------------------------


def _report_tab() -> None:
    st.caption(
        "A one-page report with the chart, the scores, the evidence, where the readings "
        "differ and the next actions; and your answers as a spreadsheet."
    )
    when = dt.datetime.now(dt.UTC)
    if draft["completed_id"] is not None:
        when = next((c.completed_at for c in history if c.id == draft["completed_id"]), when)
    report = assessment_report.ReportData(
        bank=bank,
        result=scored,
        when=when,
        actions=actions,
        previous=previous,
        previous_at=previous_saved.completed_at if previous_saved else None,
        evidence=proof,
        team=team,
        team_title=team_round.title if team_round else "",
        data_name=dataset.name,
        page_titles=titles,
    )
    markdown_text = assessment_report.markdown(report)
    left, middle, right = st.columns(3)
    left.download_button(
        "Report (.md)",
        markdown_text.encode("utf-8"),
        "self-assessment.md",
        "text/markdown",
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
        key="aw-assess-md",
    )
    right.download_button(
        "Answers (.csv)",
        to_csv_bytes(readable(assessment.answers_frame(bank, answers))),
        "self-assessment-answers.csv",
        "text/csv",
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
        key="aw-assess-csv",
    )
    content = (
        tuple(sorted((k, -1 if v is None else v) for k, v in answers.items())),
        draft["completed_id"],
        team_round.code if team_round else "",
        dataset.fingerprint,
        previous_saved.id if previous_saved else None,
    )
    prepared = st.session_state.get(Keys.ASSESS_FILES)
    if prepared is None or prepared[0] != content:
        if middle.button(
            "Prepare the PDF",
            icon=":material/picture_as_pdf:",
            width="stretch",
            key="aw-assess-pdf-prepare",
        ):
            frame_pdf = results.chart_frame(bank, scored, previous, team, detailed=False)
            png = render.to_png(charts.radar(frame_pdf, size=280, font_size=15))
            st.session_state[Keys.ASSESS_FILES] = (content, assessment_report.pdf(report, png))
            st.rerun()
    else:
        middle.download_button(
            "Report (.pdf)",
            prepared[1],
            "self-assessment.pdf",
            "application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            width="stretch",
            key="aw-assess-pdf",
        )
    with st.expander("Preview the report", icon=":material/preview:"):
        st.markdown(markdown_text)


TABS = {
    "Answer": _answer_tab,
    "Results": _results_tab,
    "Team view": _team_tab,
    "History": _history_tab,
    "Report": _report_tab,
}
# Keyed tabs keep their place across reruns, and only the open one runs.
for tab, body in zip(
    st.tabs(list(TABS), key=Keys.ASSESS_TAB, on_change="rerun", default="Answer"),
    TABS.values(),
    strict=True,
):
    with tab:
        if tab.open:
            body()
