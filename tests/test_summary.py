"""The corpus summary: tallies checked by hand, groups by folder, file and JSONL field, the JSON, CSV,
text and HTML outputs, and bad inputs (CLI tests run the installed ``provenance`` command)."""

from __future__ import annotations

import csv
import doctest
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import provenance
import provenance.summary
from provenance.labels import LABEL_INFO, LABELS
from provenance.summary import MISSING, TOTAL, CueCount, SummaryBuilder, summarize
from provenance.summary_html import SCOPE, STYLE, render_summary_html
from provenance.summary_text import summary_csv, summary_table

COMMAND = str(Path(sys.executable).parent / "provenance")
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"


def provenance_cli(*argv: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *argv], input=stdin, capture_output=True, text=True, timeout=180, check=False,
                          cwd=cwd)


def article(risk: float, *sentences: tuple[tuple[str, ...], tuple[tuple[str, str], ...]]) -> provenance.ArticleScore:
    """A hand-made result: each sentence is (labels, cues as (label, text)); offsets are not checked here."""
    level = "high" if risk >= 0.55 else "medium" if risk >= 0.33 else "low"
    rows = []
    for labels, cues in sentences:
        rows.append({
            "text": "x", "start": 0, "end": 1, "labels": list(labels),
            "probabilities": {label: 0.9 if label in labels else 0.1 for label in LABELS},
            "cues": [{"text": text, "start": 0, "end": 1, "label": label, "weight": 1.0} for label, text in cues],
        })
    counts = {label: sum(label in labels for labels, _ in sentences) for label in LABELS}
    return provenance.ArticleScore.model_validate(
        {"risk": risk, "level": level, "counts": counts, "sentences": rows, "model_version": "test"})


def hand_made() -> provenance.Summary:
    first = article(
        0.2,
        (("anonymous_source", "vague_attribution"), (("anonymous_source", "Sources"), ("vague_attribution", "people  familiar"))),
        (("on_record",), (("on_record", "said"),)),
        ((), ()),
    )
    second = article(0.6, (("unverified_claim",), (("unverified_claim", "Reportedly"), ("anonymous_source", "sources "))))
    third = article(0.4)
    fourth = article(0.1, (("anonymous_source",), (("anonymous_source", "a mole"), ("anonymous_source", "an aide"))))
    return summarize(iter([("Daily", first), ("Daily", second), ("Ledger", third), ("Wire", fourth)]), top=2)


def test_tallies_match_hand_counts() -> None:
    summary = hand_made()
    daily, ledger, wire = summary.groups
    assert [g.name for g in summary.groups] == ["Daily", "Ledger", "Wire"] and summary.total.name == TOTAL
    assert (daily.articles, daily.sentences, daily.flagged_sentences, daily.unlabelled_sentences) == (2, 4, 2, 1)
    assert dict(daily.label_sentences) == {**dict.fromkeys(LABELS, 0), "anonymous_source": 1, "vague_attribution": 1,
                                           "unverified_claim": 1, "on_record": 1}
    assert daily.flagged_share == 0.5 and daily.mean_risk == pytest.approx(0.4) and daily.median_risk == pytest.approx(0.4)
    assert dict(daily.levels) == {"low": 1, "medium": 0, "high": 1, "unsupported": 0}
    assert daily.risk_histogram[4] == 1 and daily.risk_histogram[12] == 1 and sum(daily.risk_histogram) == 2
    # cues are case-folded and whitespace-collapsed: "Sources" and "sources " are one cue
    assert daily.top_cues["anonymous_source"] == (CueCount("sources", 2),)
    assert daily.top_cues["vague_attribution"] == (CueCount("people familiar", 1),)
    assert daily.top_cues["closed_channel"] == ()
    # an article with no sentences: no share, but a risk
    assert (ledger.sentences, ledger.flagged_share, ledger.mean_risk) == (0, None, 0.4)
    # ties are alphabetical, and top cuts the list
    assert wire.top_cues["anonymous_source"] == (CueCount("a mole", 1), CueCount("an aide", 1))
    total = summary.total
    assert (total.articles, total.sentences, total.flagged_sentences, total.unlabelled_sentences) == (4, 5, 3, 1)
    assert total.mean_risk == pytest.approx(1.3 / 4) and total.median_risk == pytest.approx(0.3)
    assert dict(total.levels) == {"low": 2, "medium": 1, "high": 1, "unsupported": 0}
    assert total.top_cues["anonymous_source"] == (CueCount("sources", 2), CueCount("a mole", 1))


def test_summary_is_frozen_and_top_is_checked() -> None:
    summary = hand_made()
    with pytest.raises(AttributeError):
        summary.total.articles = 9  # type: ignore[misc]
    with pytest.raises(TypeError):
        summary.total.label_sentences["on_record"] = 9  # type: ignore[index]
    with pytest.raises(ValueError, match="top"):
        SummaryBuilder(-1)
    empty = summarize([])
    assert empty.groups == () and empty.total.articles == 0 and empty.total.mean_risk is None


def test_python_api_summarises_scored_articles() -> None:
    rows = [("Daily", "Sources said the canal will be drained. The mayor, Ines Cole, said it will not."),
            ("Daily", "It snowed overnight in the upper valley."), ("Ledger", "People familiar with the plan said so.")]
    scores = provenance.score_many(text for _, text in rows)
    summary = provenance.summarize((outlet, score) for (outlet, _), score in zip(rows, scores))
    expected = [provenance.score(text) for _, text in rows]
    assert summary.total.articles == 3 and summary.total.sentences == sum(len(r.sentences) for r in expected)
    assert summary.total.flagged_sentences == sum(len(r.flagged) for r in expected)
    assert summary.groups[0].label_sentences == {label: expected[0].counts[label] + expected[1].counts[label] for label in LABELS}
    failures, tried = doctest.testmod(provenance.summary)
    assert tried > 0 and failures == 0


def test_text_table_is_aligned_and_csv_has_one_row_per_group() -> None:
    summary = hand_made()
    table = summary_table(summary, "outlet").splitlines()
    head, *rows = table[:6]
    for row in (rows[0], rows[1], rows[2], rows[4]):
        assert len(row) == len(head), "every row ends under the last column"
        for column in ("articles", "mean risk", "high"):
            end = head.index(column) + len(column)
            assert row[end - 1] != " " and (end == len(row) or row[end] == " "), f"{column} is right-aligned"
    assert rows[4].startswith(TOTAL) and "grouped by outlet" in table[6]
    assert any('"sources" 2' in line for line in table)
    parsed = list(csv.DictReader(io.StringIO(summary_csv(summary))))
    assert [row["group"] for row in parsed] == ["Daily", "Ledger", "Wire", TOTAL]
    assert parsed[0]["anonymous_source"] == "1" and parsed[0]["flagged_share"] == "0.5000" and parsed[1]["flagged_share"] == ""
    assert set(LABELS) <= set(parsed[0])


def test_csv_cells_cannot_become_formulas() -> None:
    summary = summarize([("=HYPERLINK(\"x\")", article(0.1)), ("-", article(0.1))])
    rows = list(csv.reader(io.StringIO(summary_csv(summary))))
    assert [row[0] for row in rows[1:]] == ["-", "'=HYPERLINK(\"x\")", TOTAL]


class _Checker(HTMLParser):
    """Well-formedness: every opened element is closed in order (void elements aside)."""

    VOID = {"meta", "br", "rect", "line", "path", "circle"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID and (not self.stack or self.stack[-1] != tag):
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def check_html(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert not checker.problems and not checker.stack, (checker.problems, checker.stack)
    return checker


def test_html_is_well_formed_accessible_scoped_and_escaped() -> None:
    summary = summarize([(HOSTILE, article(0.7, (("leaked_document",), (("leaked_document", "</desc><b>memo"),)))),
                         ("Daily", article(0.2))])
    page = render_summary_html(summary, by="<by>")
    checker = check_html(page)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;by&gt;" in page
    assert "&lt;/desc&gt;&lt;b&gt;memo" in page
    assert not re.search(r"(src|href)=|@import|url\(", page), "the page must make no network requests"
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2, "one SVG per plot: label mix and risk distribution"
    for svg in svgs:
        assert re.search(r'^<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', svg)
        assert "<title id=" in svg and "<desc id=" in svg
    assert "medium from 0.33" in page and "high from 0.55" in page  # the cut points, from risk.py
    assert all(info.colour in page for info in LABEL_INFO), "the report's palette"
    selectors = [rule.split("{")[0] for rule in STYLE.split("}") if rule.strip()]
    assert selectors and all(sel.startswith(f".{SCOPE}") and "," not in sel for sel in selectors)
    assert sum(tag == "style" for tag, _ in checker.tags) == 1


def test_html_fills_keep_near_black_text_over_aa() -> None:
    from provenance import summary_html

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    text = luminance("#111111")
    fills = [summary_html._NONE_COLOUR, *summary_html._BANDS.values(), *(info.colour for info in LABEL_INFO)]
    assert all((luminance(fill) + 0.05) / (text + 0.05) >= 4.5 for fill in fills)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two folders of invented articles, one with a file that is not UTF-8."""
    (tmp_path / "north").mkdir()
    (tmp_path / "south").mkdir()
    (tmp_path / "north" / "a.txt").write_text("People familiar with the talks said the ferry deal collapsed.", encoding="utf-8")
    (tmp_path / "north" / "b.txt").write_text("Harbour master Ines Cole said the pier reopened on Monday.", encoding="utf-8")
    (tmp_path / "south" / "c.txt").write_text("A leaked memo seen by this paper says the dam leaks. It rained.", encoding="utf-8")
    return tmp_path


def test_default_groups_by_folder_and_by_file_gives_one_group_each(corpus: Path) -> None:
    result = provenance_cli("summarize", str(corpus), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by"] == "dir" and [g["group"] for g in data["groups"]] == [str(corpus / "north"), str(corpus / "south")]
    assert [g["articles"] for g in data["groups"]] == [2, 1] and data["total"]["articles"] == 3
    assert data["total"]["group"] == TOTAL and data["failed_inputs"] == 0
    assert set(data["groups"][0]) >= {"sentences", "flagged_share", "labels", "mean_risk", "median_risk", "levels",
                                      "risk_histogram", "top_cues"}
    assert data["risk_levels"] == {"medium_from": 0.33, "high_from": 0.55}
    expected = provenance.score((corpus / "south" / "c.txt").read_text(encoding="utf-8"))
    south = data["groups"][1]
    assert south["sentences"] == len(expected.sentences) and south["mean_risk"] == round(expected.risk, 4)
    assert south["labels"] == dict(expected.counts)
    by_file = json.loads(provenance_cli("summarize", str(corpus), "--by", "file", "--format", "json").stdout)
    assert [g["group"] for g in by_file["groups"]] == [str(corpus / d / f) for d, f in
                                                       (("north", "a.txt"), ("north", "b.txt"), ("south", "c.txt"))]


def test_jsonl_groups_by_field_with_missing_values_in_none_and_bad_lines_named(tmp_path: Path) -> None:
    lines = [
        {"id": 1, "outlet": "Harbour Gazette", "text": "Sources close to the board said the chair will resign."},
        {"id": 2, "outlet": HOSTILE, "text": "Councillor Mira Osei said the budget passed on Tuesday."},
        {"id": 3, "text": "A draft report obtained by this newspaper shows the bridge is unsafe."},
        {"id": 4, "outlet": "Harbour Gazette", "body": "no text in this one"},
        {"id": 5, "outlet": "Harbour Gazette", "text": "The chair, Ana Ruiz, denied it in a statement."},
    ]
    wire = tmp_path / "wire.jsonl"
    wire.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n\n", encoding="utf-8")
    result = provenance_cli("summarize", str(wire), "--by", "outlet", "--format", "json", "--html", str(tmp_path / "s.html"))
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        f"provenance: {wire}:4: no \"text\" string; each line of a JSONL input is one JSON object with the article in \"text\"",
        f"provenance: {wire}:6: not valid JSON (Expecting value)",
    ]
    data = json.loads(result.stdout)
    assert [(g["group"], g["articles"]) for g in data["groups"]] == [(MISSING, 1), (HOSTILE, 1), ("Harbour Gazette", 2)]
    assert data["failed_inputs"] == 2
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    check_html(page)
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and page.count("<svg") == 2
    fast = provenance_cli("summarize", str(wire), "--by", "outlet", "--fail-fast")
    assert fast.returncode == 2 and fast.stdout == "" and f"{wire}:4: no \"text\" string" in fast.stderr


def test_csv_and_text_from_the_command_line(corpus: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(provenance_cli("summarize", str(corpus), "--format", "csv").stdout)))
    assert [row["group"] for row in rows] == [str(corpus / "north"), str(corpus / "south"), TOTAL]
    assert all(row[label].isdigit() for row in rows for label in LABELS)
    text = provenance_cli("summarize", str(corpus), "--top", "1")
    assert text.returncode == 0 and text.stdout.splitlines()[0].split()[:4] == ["group", "articles", "sentences", "flagged"]
    assert "most frequent cues (top 1 per label" in text.stdout and "\x1b[" not in text.stdout


def test_a_bad_file_in_a_folder_exits_4_and_the_rest_are_summarised(corpus: Path) -> None:
    (corpus / "south" / "bad.txt").write_bytes(b"\xff\xfe not utf-8")
    result = provenance_cli("summarize", str(corpus), "--format", "json")
    assert result.returncode == 4 and result.stderr.startswith(f"provenance: {corpus / 'south' / 'bad.txt'}: not UTF-8")
    assert json.loads(result.stdout)["total"]["articles"] == 3
    fast = provenance_cli("summarize", str(corpus), "--fail-fast")
    assert fast.returncode == 2 and fast.stdout == "" and "bad.txt" in fast.stderr


def test_an_article_that_cannot_be_scored_is_skipped_in_batches_and_in_workers(corpus: Path) -> None:
    (corpus / "north" / "list.txt").write_text("It rained. " * 12, encoding="utf-8")  # 12 sentences; 200 chars allow 5
    for jobs in ("1", "2"):
        result = provenance_cli("summarize", str(corpus), "--max-chars", "200", "--jobs", jobs, "--format", "json")
        assert result.returncode == 4 and "list.txt: The text splits into 12 sentences" in result.stderr
        data = json.loads(result.stdout)
        assert [g["articles"] for g in data["groups"]] == [2, 1], f"--jobs {jobs}"


def test_max_chars_applies_to_files_and_jsonl_records(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("Sources said the plan failed. " * 4, encoding="utf-8")
    wire = tmp_path / "wire.jsonl"
    wire.write_text(json.dumps({"text": "Sources said the plan failed. " * 4}) + "\n"
                    + json.dumps({"text": "It rained."}) + "\n", encoding="utf-8")
    result = provenance_cli("summarize", str(tmp_path / "long.txt"), str(wire), "--max-chars", "60", "--format", "json")
    assert result.returncode == 4
    assert f"{tmp_path / 'long.txt'}: 120 characters, over --max-chars 60" in result.stderr
    assert f"{wire}:1: 120 characters, over --max-chars 60" in result.stderr
    assert json.loads(result.stdout)["total"]["articles"] == 1


def test_stdin_empty_folder_and_bad_options(tmp_path: Path) -> None:
    piped = json.loads(provenance_cli("summarize", "-", "--stdin-name", "wire/1", "--format", "json",
                                      stdin="Officials said the road will close.").stdout)
    assert [g["group"] for g in piped["groups"]] == ["wire/1"] and piped["total"]["articles"] == 1
    (tmp_path / "empty").mkdir()
    empty = provenance_cli("summarize", str(tmp_path / "empty"))
    assert empty.returncode == 2 and "no .txt files in this directory" in empty.stderr and "Traceback" not in empty.stderr
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n", encoding="utf-8")
    nothing = provenance_cli("summarize", str(blank), "--format", "json")
    assert nothing.returncode == 0 and json.loads(nothing.stdout)["total"]["articles"] == 0
    assert provenance_cli("summarize", str(blank), "--top", "-1").returncode == 2
    assert provenance_cli("summarize", str(blank), "--jobs", "0").returncode == 2
    nowhere = provenance_cli("summarize", str(blank), "--html", str(tmp_path / "missing" / "s.html"))
    assert nowhere.returncode == 2 and "name a file in an existing directory" in nowhere.stderr
    assert "summarize" in provenance_cli("--help").stdout


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_summary_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    result = provenance_cli("summarize", "fixtures", "seeds", "--html", str(page), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert dom.count("<svg") == 2 and "Label mix per group" in dom and "(all)" in dom
    screenshot = Path(os.environ.get("PROVENANCE_SUMMARY_SCREENSHOT", tmp_path / "summary.png"))  # docs/summary.png
    subprocess.run([CHROMIUM, *flags, f"--screenshot={screenshot}", "--window-size=1100,1250", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert screenshot.stat().st_size > 10_000


def test_unrated_articles_are_counted_but_not_averaged() -> None:
    """A German article (invented here) is 'unsupported': counted as such, left out of the risk figures."""
    german = ("Ein hoher Beamter, der anonym bleiben wollte, sagte, der Entwurf sei bereits fertig. "
              "Die Angaben konnten nicht unabhängig überprüft werden.")
    english = "Sources say the deal collapsed. A senior official, speaking on condition of anonymity, said so."
    results = list(provenance.score_many([german, english]))
    summary = provenance.summarize(("desk", r) for r in results)
    (group,) = summary.groups
    assert group.articles == 2 and group.levels["unsupported"] == 1
    assert group.mean_risk == pytest.approx(results[1].risk) and sum(group.risk_histogram) == 1


def test_cli_says_once_how_many_articles_were_not_rated(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    records = [{"outlet": "Ledger", "text": "Sources say the deal collapsed on Friday after a long night of talks."},
               {"outlet": "Bote", "text": "Ein hoher Beamter sagte, der Entwurf sei bereits fertig und werde bald vorgelegt."},
               {"outlet": "Bote", "text": "Die Angaben konnten nicht unabhängig überprüft werden, hieß es am Montag."}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    run = subprocess.run([COMMAND, "summarize", str(corpus), "--by", "outlet"], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stderr.count("not rated") == 1 and "2 articles not in English" in run.stderr


def test_a_frame_cue_is_tallied_as_its_source_and_verb() -> None:
    """Insertions make every frame unique; the tally keeps the source and the verb, so phrasing adds up."""
    texts = ["A senior official, speaking on condition of anonymity, said the plan was dead.",
             "A senior official, who asked not to be named because the talks were private, said the deal held."]
    summary = provenance.summarize(("desk", r) for r in provenance.score_many(texts))
    assert summary.total.top_cues["anonymous_source"][0] == CueCount("a senior official ... said", 2)
