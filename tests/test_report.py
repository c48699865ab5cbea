"""The HTML report: self-contained, escaped, and rendered for real in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import provenance
from provenance.cli import run
from provenance.report import render_html

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")) if p and Path(p).exists()), None)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def test_report_is_self_contained_and_escaped() -> None:
    text = "Sources said <script>alert('x')</script> was planted.\n\nThe mayor said so & more."
    html = render_html(provenance.score(text), text, "<title>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;title&gt;" in html
    assert not re.search(r"(src|href)=|@import|url\(", html), "the report must make no network requests"
    assert "</p><p>" in html and 'class="cue"' in html


def test_jupyter_repr(seed_texts: dict[str, str]) -> None:
    html = provenance.score(next(iter(seed_texts.values())))._repr_html_()
    assert "risk" in html and "<mark" in html


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_seed_report_renders_in_headless_chromium(tmp_path: Path, seed_texts: dict[str, str]) -> None:
    name = min(seed_texts)
    (tmp_path / name).write_text(seed_texts[name], encoding="utf-8")
    report = tmp_path / "report.html"
    assert run(["render", str(tmp_path / name), "-o", str(report)]) == 0
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, *profile, "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    expected = provenance.score(seed_texts[name])
    marks = re.findall(r'<mark class="cue" data-label="([a-z_]+)"', dom)
    print(f"\nChromium DOM: {len(marks)} highlighted cues for {len(expected.flagged)} flagged sentences")
    assert marks and set(marks) <= set(provenance.LABELS)
    assert f"risk {expected.risk:.2f}" in dom
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, *profile, f"--screenshot={screenshot}", "--window-size=1000,1400", report.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    assert screenshot.stat().st_size > 10_000
