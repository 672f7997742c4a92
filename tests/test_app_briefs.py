"""The Briefs page with AppTest: generate for an initiative, edit, and download the edit."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from components.state import Keys

ROOT = Path(__file__).resolve().parent.parent


def downloaded(button) -> bytes:
    """The bytes behind a download button (AppTest keeps them in its mock media storage)."""
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    for manager in (o for o in gc.get_objects() if isinstance(o, MediaFileManager)):
        found = manager._storage._files_by_id.get(file_id)  # noqa: SLF001 - test-only peek
        if found is not None:
            return found.content
    raise AssertionError(f"no stored file for {button.proto.url}")


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/briefs.py").run()
    assert not at.exception, at.exception
    return at


def buttons(at: AppTest, prefix: str) -> dict[str, object]:
    return {
        b.key.rsplit("-", 1)[-1]: b
        for b in at.get("download_button")
        if b.key and b.key.startswith(prefix)
    }


def test_both_briefs_and_the_figures_for_the_first_initiative(page: AppTest) -> None:
    metrics = {m.label: m.value for m in page.metric}
    assert set(metrics) >= {
        "Reading ease: yours",
        "Reading ease: brief",
        "Jargon: yours",
        "Jargon: brief",
    }
    assert metrics["Jargon: brief"] == "0"
    assert int(metrics["Jargon: yours"]) > 0
    assert float(metrics["Reading ease: brief"]) > float(metrics["Reading ease: yours"])
    shown = "\n".join(m.value for m in page.markdown)
    assert "### P-01 Freightline event bus on Kafka — business brief" in shown
    assert "### P-01 Freightline event bus on Kafka — engineering brief" in shown
    assert "### Portfolio brief" in shown
    assert "#### What it is" in shown
    assert [s.subheader if hasattr(s, "subheader") else s.value for s in page.subheader][:2] == [
        "Business brief",
        "Engineering brief",
    ]


def test_pick_an_initiative_and_a_tone(page: AppTest) -> None:
    page.selectbox(key="brief-initiative").set_value("P-02").run()
    shown = "\n".join(m.value for m in page.markdown)
    assert "### P-02 Observability and SLOs — business brief" in shown
    assert "**No WHY.**" in shown
    assert "By group:" not in shown
    page.get("segmented_control")[0].set_value("detailed").run()
    assert not page.exception
    assert "By group:" in "\n".join(m.value for m in page.markdown)


def test_edit_persists_and_every_download_uses_it(page: AppTest) -> None:
    area = page.text_area(
        key=next(t.key for t in page.text_area if t.key.endswith("P-01/business"))
    )
    edited = area.value.replace(
        "## Decision or help needed", "## Decision or help needed\n\nAgreed with the CFO on Monday."
    )
    area.set_value(edited).run()
    assert not page.exception
    md = downloaded(buttons(page, "dl-P-01-business")["md"]).decode("utf-8")
    assert "Agreed with the CFO on Monday." in md
    # The edit survives a trip to another initiative and back, and another page.
    page.selectbox(key="brief-initiative").set_value("P-03").run()
    page.switch_page("app_pages/overview.py").run()
    page.switch_page("app_pages/briefs.py").run()
    page.selectbox(key="brief-initiative").set_value("P-01").run()
    assert any("Agreed with the CFO on Monday." in m.value for m in page.markdown)
    store = page.session_state[Keys.BRIEF_EDITS]
    assert any("P-01/business" in scoped for scoped in store.values())
    # The Word and PDF buttons are there; they build their file from the same edits on click.
    assert set(buttons(page, "dl-P-01-business")) == {"md", "docx", "pdf"}
    assert "(edited)" in "".join(t.label for t in page.tabs)


def test_back_to_the_generated_text(page: AppTest) -> None:
    key = next(t.key for t in page.text_area if t.key.endswith("P-01/engineering"))
    page.text_area(key=key).set_value("# Just my notes\n").run()
    assert any("# Just my notes" in m.value for m in page.markdown)
    next(b for b in page.button if b.label == "Back to the generated text").click().run()
    assert not page.exception
    assert not any("Just my notes" in m.value for m in page.markdown)
    assert any("engineering brief" in m.value for m in page.markdown)
