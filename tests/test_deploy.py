"""The example proxy configuration (deploy/nginx.conf) parses, and its limits match the app's.

Issue 18, item 12 (attack 2) and item 15: a public deployment needs the proxy to cap request
size and rate and to close /_stcore/metrics. The file is parsed with crossplane (NGINX's own
parser, checking each directive's context and arguments) inside an ``http`` block, as it is
meant to be included, and its figures are compared with .streamlit/config.toml and the app.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import crossplane
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"
STREAMLIT = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> list[dict]:
    wrapper = tmp_path_factory.mktemp("nginx") / "nginx.conf"
    wrapper.write_text(f"events {{}}\nhttp {{\n    include {CONF};\n}}\n", encoding="utf-8")
    parsed = crossplane.parse(str(wrapper), check_ctx=True, check_args=True)
    assert parsed["status"] == "ok", parsed["errors"]
    (config,) = [c for c in parsed["config"] if c["file"] == str(CONF)]
    return config["parsed"]


def _walk(block: list[dict], path: tuple[str, ...] = ()):
    for d in block:
        yield path, d
        if "block" in d and d["directive"] != "map":
            yield from _walk(d["block"], (*path, " ".join([d["directive"], *d["args"]])))


def _find(tree: list[dict], directive: str, within: str | None = None) -> list[list[str]]:
    return [
        d["args"]
        for path, d in _walk(tree)
        if d["directive"] == directive and (within is None or any(within in p for p in path))
    ]


def _megabytes(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[unit.lower()]


def test_every_directive_is_known_to_nginx(tree) -> None:
    from crossplane.analyzer import DIRECTIVES

    unknown = {d["directive"] for _, d in _walk(tree)} - set(DIRECTIVES)
    assert not unknown


def test_the_body_limit_is_the_apps_upload_limit_plus_framing(tree) -> None:
    """Streamlit allows maxUploadSize plus 1 MB of multipart framing; the proxy the same, so a
    file the app accepts is never cut off and nothing larger reaches it."""
    (size,) = _find(tree, "client_max_body_size")
    assert _megabytes(size[0]) == STREAMLIT["server"]["maxUploadSize"] + 1


def test_uploads_are_rate_limited_per_address(tree) -> None:
    zones = {a[1].split("=")[1].split(":")[0]: a for a in _find(tree, "limit_req_zone")}
    assert zones["aw_upload"][0] == "$binary_remote_addr"
    rate = next(a for a in zones["aw_upload"] if a.startswith("rate="))
    per_minute = int(re.fullmatch(r"rate=(\d+)r/m", rate).group(1))
    assert 1 <= per_minute <= 30
    assert _find(tree, "limit_req", within="location /_stcore/upload_file/")


def test_websocket_sessions_are_capped_per_address(tree) -> None:
    (conn,) = _find(tree, "limit_conn", within="location = /_stcore/stream")
    assert conn[0] == "aw_conn" and 1 <= int(conn[1]) <= 50
    upgrade = _find(tree, "proxy_set_header", within="location = /_stcore/stream")
    assert ["Upgrade", "$http_upgrade"] in upgrade


def test_metrics_are_closed_and_the_client_address_is_set_not_appended(tree) -> None:
    assert _find(tree, "return", within="location = /_stcore/metrics") == [["404"]]
    assert _find(tree, "access_log", within="location /media/") == [["off"]]
    headers = _find(tree, "proxy_set_header")
    assert ["X-Forwarded-For", "$remote_addr"] in headers
    assert not any("$proxy_add_x_forwarded_for" in a for a in headers)
