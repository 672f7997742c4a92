"""Settings: how this instance is configured, what it protects, and how to change it.

Everything here is read-only on purpose: thresholds, the password and the database are set by
whoever runs the server (environment or .streamlit/secrets.toml), so a visitor cannot weaken
them from the browser.
"""

from __future__ import annotations

import streamlit as st

from alignment import __version__
from alignment import config as settings
from alignment.readers import DEFAULT_LIMITS, MAX_TABLE_ROWS, human_size
from components import auth, loader, privacy, storage
from components.page import setup

setup(
    "Settings",
    intro="How this workbench is configured. These settings belong to whoever runs "
    "the server; they are changed in the environment or in .streamlit/secrets.toml, never from "
    "the browser.",
)
priv = privacy.current()
S = settings.SETTING_BY_NAME


def where_set(*names: str) -> str:
    """'ALIGNMENT_K_MIN (or k_min in the secrets file)', from the settings' declarations."""
    parts = []
    for name in names:
        s = S[name]
        keys = f" (or {s.secrets_keys[-1]} in the secrets file)" if s.secrets_keys else ""
        parts.append(f"{s.env}{keys}")
    return " and ".join(parts)


st.subheader("Access")
if auth.password_configured():
    st.success(
        "A password protects this workbench: every page except the workshop and team-round "
        "participant pages asks for it. Wrong guesses are slowed down.",
        icon=":material/lock:",
    )
    auth.logout_button()
else:
    st.warning(
        "This workbench is open: anyone who can reach it can see the data loaded in their "
        "own session. That is fine on a laptop; on a shared server, set a password.",
        icon=":material/lock_open:",
    )
st.markdown("To set a password, make its hash and give it to the server:")
st.code(
    "python -m alignment hash-password\n"
    f"export {S['password_hash'].env}='scrypt$...'   # or "
    f"{S['password_hash'].secrets_keys[0]} = '...' in .streamlit/secrets.toml",
    language="bash",
)

st.subheader("Anonymity")
cols = st.columns(2)
cols[0].metric("k_min: respondents a figure needs", priv.k_min)
cols[1].metric("k_comments: respondents before comments show", priv.k_comments)
st.caption(
    f"{priv.describe()} Where a total sits beside its parts, one more part is hidden so a "
    f"small one cannot be worked out by subtraction. Set {where_set('k_min', 'k_comments')}; "
    f"values below {S['k_min'].minimum} are refused."
)
for note in priv.notes:
    st.warning(note, icon=":material/warning:")

st.subheader("Uploads")
limits = loader.limits()
st.markdown(
    f"- Up to **{loader.upload_limit_mb()} MB** per file (`server.maxUploadSize` in "
    "`.streamlit/config.toml`).\n"
    f"- Up to **{limits.max_cells:,} cells** and **{limits.max_columns:,} columns** per "
    f"sheet, and **{MAX_TABLE_ROWS:,} rows** per table other than the ratings (a long "
    "export of a million ratings is read).\n"
    "- Workbooks that would unpack to more than "
    f"**{human_size(DEFAULT_LIMITS.max_unpacked_bytes)}**, that declare XML entities, or that "
    "are password-protected are refused before they are parsed.\n"
    "- Uploaded files are read in memory and not written to disk unless you save a workspace.\n"
    "- Respondent names are replaced by codes at import and never shown or exported."
)

st.subheader("Storage")
try:
    store_url = storage.url()
    st.markdown(
        f"Workspaces, workshops and assessments are kept in: **{storage.describe_url(store_url)}**."
    )
except Exception as exc:  # noqa: BLE001 - a misconfigured URL must be explained, not raised
    st.error(f"The storage setting cannot be read: {exc}", icon=":material/database_off:")
st.caption(
    f"Set {S['db_path'].env} for another SQLite file, or {S['db_url'].env} "
    "(postgresql+psycopg://…) to share one PostgreSQL database between several servers. "
    "Deleting a workspace deletes its files and settings from the store."
)

st.subheader("Every setting")
st.caption(
    "Set by whoever runs the server, as an environment variable or in "
    ".streamlit/secrets.toml; the environment wins. Values in force are shown above only "
    "where showing them is safe."
)
st.dataframe(
    [
        {
            "Setting": s.name,
            "Environment variable": s.env,
            "Secrets key": s.secrets_text or "—",
            "Default": s.shown_default.replace("`", ""),
            "Minimum": "" if s.minimum is None else str(s.minimum),
            "Meaning": s.help.replace("`", ""),
        }
        for s in settings.SETTINGS
        if s.group != settings.TESTS
    ],
    hide_index=True,
)

st.subheader("About")
st.caption(f"Alignment Workbench {__version__} · open source · self-hosted.")
