"""The HTML report: self-contained, escaped, and rendered for real in headless Chromium."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import provenance
from provenance.cli import run
from provenance.labels import LABEL_INFO
from provenance.report import SCOPE, STYLE, render_fragment, render_html

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


def test_jupyter_repr_is_the_pages_component_with_scoped_style(seed_texts: dict[str, str]) -> None:
    result = provenance.score(next(iter(seed_texts.values())))
    html = result._repr_html_()
    assert html == render_fragment(result) and html in render_html(result)
    assert html.startswith(f'<div class="{SCOPE}"><style>') and "<mark" in html
    selectors = [rule.split("{")[0] for rule in STYLE.split("}") if rule.strip()]
    assert selectors and all(sel.startswith(f".{SCOPE}") for sel in selectors), "a style rule could leak out"
    assert ",." not in STYLE and "," not in "".join(selectors), "every selector of a list must be scoped"


def test_legend_gives_definitions_and_counts_once_and_sentences_carry_no_badges(seed_texts: dict[str, str]) -> None:
    result = provenance.score(next(iter(seed_texts.values())))
    html = render_fragment(result)
    legend = html[html.index('<dl class="legend">'):html.index("</dl>")]
    assert all(f">{info.tag}</span> {info.id} <span class=\"count\">({result.counts[info.id]})" in legend
               and f"<dd>{info.definition}</dd>" in legend for info in LABEL_INFO)
    assert "<table" not in html and "badge" not in html
    tags = re.findall(r'<mark class="cue" data-label="([a-z_]+)"[^>]*>.*?</mark><span class="tag">([A-Z]+)</span>', html)
    assert tags and all(tag == next(i.tag for i in LABEL_INFO if i.id == label) for label, tag in tags)


# Machado et al. (2009) full-severity simulation matrices, applied in linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _linear(colour: str) -> tuple[float, ...]:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def _contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    light, dark = sorted((0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] for c in (first, second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = rgb
    x, y, z = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
               (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_palette_passes_aa_and_stays_distinct_under_colour_vision_deficiencies() -> None:
    text = _linear("#111111")
    assert all(_contrast(_linear(info.colour), text) >= 4.5 for info in LABEL_INFO)
    assert len({info.tag for info in LABEL_INFO}) == len(LABEL_INFO), "tags are the second channel: unique"
    for name, matrix in {"normal": None, **CVD}.items():
        seen = []
        for info in LABEL_INFO:
            rgb = _linear(info.colour)
            if matrix is not None:
                rgb = tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in matrix)
            seen.append(_lab(rgb))
        closest = min(math.dist(a, b) for a, b in itertools.combinations(seen, 2))
        assert closest >= 10, f"two label colours are only {closest:.1f} apart (CIELAB) under {name}"


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_seed_report_renders_in_headless_chromium(
    tmp_path: Path, seed_texts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = min(seed_texts)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / name).write_text(seed_texts[name], encoding="utf-8")
    report = tmp_path / "report.html"
    monkeypatch.chdir(tmp_path)  # the report is titled as a user would name the file: seeds/NAME
    assert run(["render", f"seeds/{name}", "-o", str(report)]) == 0
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
    assert _contrast_in_chromium(report, tmp_path, profile) >= 4.5
    screenshot = Path(os.environ.get("PROVENANCE_SCREENSHOT", tmp_path / "report.png"))  # docs/report.png for the README
    subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, *profile, f"--screenshot={screenshot}", "--window-size=1000,1400", report.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    assert screenshot.stat().st_size > 10_000


_MEASURE = """<script>
const rgb = s => s.match(/[0-9.]+/g).slice(0, 3).map(Number);
const rows = [...document.querySelectorAll("mark, .swatch")].map(e => [
  rgb(getComputedStyle(e).color), rgb(getComputedStyle(e).backgroundColor)]);
document.body.setAttribute("data-colours", JSON.stringify(rows));
</script>"""


def _contrast_in_chromium(report: Path, tmp_path: Path, profile: list[str]) -> float:
    """The lowest text/background contrast of any highlight or swatch, as Chromium computes the colours."""
    measured = tmp_path / "measured.html"
    measured.write_text(report.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *profile, "--dump-dom", measured.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    rows = json.loads(re.search(r'data-colours="([^"]*)"', dom).group(1).replace("&quot;", '"'))  # type: ignore[union-attr]
    hexes = [["#" + "".join(f"{int(c):02x}" for c in colour) for colour in row] for row in rows]
    assert len(rows) > len(LABEL_INFO), "Chromium found no highlights to measure"
    return min(_contrast(_linear(fg), _linear(bg)) for fg, bg in hexes)
