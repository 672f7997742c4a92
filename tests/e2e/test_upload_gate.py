"""Uploads from a session that has not given the password are refused (issue 18, item 12,
attack 2).

Streamlit's upload endpoint accepts a file for any live session, shown an uploader or not: a
visitor without the password parked 8 × 90 MB in the server, never released. The browser here
is the attacker: it reads its session id from the websocket and PUTs a file with the XSRF
cookie, as the page itself would. Before the login the file is refused (403, with the app's
reason); after it, the same request is stored (204).
"""

from __future__ import annotations

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from alignment.access import ENV_HASH, hash_password
from tests.e2e.server import running_app, wait_idle

pytestmark = pytest.mark.e2e
PASSWORD = "a long private phrase"
PUT = """async ([url, session]) => {
    const token = document.cookie.split('; ').find(c => c.startsWith('_streamlit_xsrf='))
        ?.split('=').slice(1).join('=');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(1024 * 1024)]), 'big.csv');
    const r = await fetch(`${url}/_stcore/upload_file/${session}/probe-file`, {
        method: 'PUT', body: form, credentials: 'include',
        headers: token ? {'X-Xsrftoken': decodeURIComponent(token)} : {},
    });
    return [r.status, await r.text()];
}"""


def _session_ids(page) -> list[str]:
    found: list[str] = []

    def on_ws(ws) -> None:
        def on_frame(payload) -> None:
            if isinstance(payload, bytes | bytearray):
                msg = ForwardMsg()
                try:
                    msg.ParseFromString(bytes(payload))
                except Exception:  # noqa: BLE001 - not every frame is a ForwardMsg we need
                    return
                if msg.HasField("new_session") and msg.new_session.initialize.session_id:
                    found.append(msg.new_session.initialize.session_id)

        ws.on("framereceived", on_frame)

    page.on("websocket", on_ws)
    return found


def test_a_session_without_the_password_cannot_park_an_upload(browser) -> None:
    with running_app(env={ENV_HASH: hash_password(PASSWORD)}) as url:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        sessions = _session_ids(page)
        page.goto(url)
        wait_idle(page)
        assert page.get_by_label("Password", exact=True).is_visible()
        assert sessions, "the session id was read from the websocket"
        status, body = page.evaluate(PUT, [url, sessions[-1]])
        assert status == 403 and "Log in before uploading" in body, (status, body)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Open").click()
        wait_idle(page)
        page.locator(".st-key-aw-menu").first.wait_for(timeout=60_000)  # in
        status, body = page.evaluate(PUT, [url, sessions[-1]])
        assert status == 204, (status, body, set(sessions))
        page.close()
