"""Batch use of the installed ``provenance`` command: records name their input, failures are reported
and counted, filters apply to every format, renders of many inputs go into a directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import provenance

COMMAND = str(Path(sys.executable).parent / "provenance")
GOOD = "Sources said the deal collapsed. Mayor Ana Ruiz said the road reopened."


def provenance_cli(*argv: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *argv], input=stdin.decode() if stdin else None, capture_output=True,
                          text=True, timeout=120, check=False, env=env)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "c.txt").write_text("It rained. Officials said so.", encoding="utf-8")
    return tmp_path


def test_a_bad_file_is_reported_and_the_rest_scored(corpus: Path) -> None:
    result = provenance_cli("score", str(corpus), "--format", "jsonl")
    assert result.returncode == 4
    assert [json.loads(line)["path"] for line in result.stdout.splitlines()] == [str(corpus / "a.txt"), str(corpus / "c.txt")]
    assert result.stderr.strip() == f"provenance: {corpus / 'b.txt'}: not UTF-8 text (byte 0xff at offset 0); " \
        "convert it to UTF-8, or name its encoding with --encoding"


def test_a_missing_file_after_a_good_one_exits_4_and_fail_fast_exits_2(corpus: Path) -> None:
    result = provenance_cli("score", str(corpus / "a.txt"), "nope.txt", "--format", "json")
    assert result.returncode == 4 and "nope.txt: no such file or directory" in result.stderr
    assert [r["path"] for r in json.loads(result.stdout)] == [str(corpus / "a.txt")]
    fast = provenance_cli("score", str(corpus / "b.txt"), str(corpus / "a.txt"), "--fail-fast")
    assert fast.returncode == 2 and fast.stdout == "" and "b.txt" in fast.stderr


def test_json_is_one_array_whatever_the_count_and_stdin_has_a_name(corpus: Path) -> None:
    one = json.loads(provenance_cli("score", str(corpus / "a.txt"), "--format", "json").stdout)
    two = json.loads(provenance_cli("score", str(corpus / "a.txt"), "-", "--format", "json", stdin=b"It rained.").stdout)
    named = json.loads(provenance_cli("score", "-", "--stdin-name", "wire/1.txt", "--format", "json", stdin=b"x.").stdout)
    assert isinstance(one, list) and len(one) == 1 and [r["path"] for r in two] == [str(corpus / "a.txt"), "-"]
    assert named[0]["path"] == "wire/1.txt"


def test_labels_and_threshold_apply_to_json_and_on_record_is_shown(corpus: Path) -> None:
    records = json.loads(provenance_cli("score", str(corpus / "a.txt"), "--format", "json", "--labels", "on_record").stdout)
    labels = {label for sentence in records[0]["sentences"] for label in sentence["labels"]}
    assert labels == {"on_record"} and records[0]["counts"]["anonymous_source"] == 0
    assert all(cue["label"] == "on_record" for s in records[0]["sentences"] for cue in s["cues"])
    text = provenance_cli("score", str(corpus / "a.txt"), "--labels", "on_record").stdout
    assert "on_record" in text and "Ana Ruiz" in text
    high = json.loads(provenance_cli("score", str(corpus / "a.txt"), "--format", "jsonl", "--threshold", "1").stdout)
    assert all(s["labels"] == [] or all(s["probabilities"][lb] >= 1 for lb in s["labels"]) for s in high["sentences"])
    assert provenance_cli("score", str(corpus / "a.txt"), "--threshold", "5").returncode == 2


def test_render_of_a_directory_writes_one_report_each_and_an_index(corpus: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = provenance_cli("render", str(corpus), "-o", str(reports))
    assert result.returncode == 4 and "b.txt" in result.stderr
    assert sorted(p.name for p in reports.iterdir()) == ["a.html", "c.html", "index.html"]
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="a.html"' in index and 'href="c.html"' in index
    assert "<mark" in (reports / "a.html").read_text(encoding="utf-8")


def test_render_of_an_empty_directory_is_a_clean_error(tmp_path: Path) -> None:
    result = provenance_cli("render", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "no .txt files in this directory" in result.stderr
    assert "Traceback" not in result.stderr and "StopIteration" not in result.stderr
    assert not (tmp_path / "out").exists(), "nothing was rendered, so no output directory"


def test_version_and_no_color(corpus: Path) -> None:
    version = provenance_cli("--version")
    assert version.returncode == 0 and version.stdout == f"provenance {provenance.__version__}\n"
    script = (f"import sys, pty, os; pid, fd = pty.fork()\n"
              f"if pid == 0: os.execv({COMMAND!r}, [{COMMAND!r}, 'score', {str(corpus / 'a.txt')!r}])\n"
              "out = b''\n"
              "while True:\n"
              "    try: chunk = os.read(fd, 4096)\n"
              "    except OSError: break\n"
              "    if not chunk: break\n"
              "    out += chunk\n"
              "sys.stdout.write(repr(out))\n")
    coloured = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    plain = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "NO_COLOR": "1"}).stdout
    assert "\\x1b[1;33m" in coloured and "\\x1b[" not in plain and "[[" in plain


def test_crlf_and_bom_give_offsets_into_the_text_as_read(tmp_path: Path) -> None:
    data = "\ufeffSources said the deal collapsed.\r\nMayor Ana Ruiz said the road reopened.\r\n".encode()
    path = tmp_path / "crlf.txt"
    path.write_bytes(data)
    from_file = json.loads(provenance_cli("score", str(path), "--format", "jsonl").stdout)
    from_stdin = json.loads(provenance_cli("score", "-", "--format", "jsonl", stdin=data).stdout)
    text = data.decode("utf-8").removeprefix("\ufeff")
    assert from_file["sentences"] == from_stdin["sentences"]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in from_file["sentences"])
    assert not from_file["sentences"][0]["text"].startswith("\ufeff")


def test_html_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>Sources said so.</p><script>var x = 1;</script>", encoding="utf-8")
    result = provenance_cli("score", str(page))
    assert result.returncode == 2 and f"{page}: HTML is not scored" in result.stderr and "as .txt" in result.stderr


def test_the_over_length_error_names_the_file_and_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Sources said so. " * 10, encoding="utf-8")
    result = provenance_cli("score", str(path), "--max-chars", "50")
    assert result.returncode == 2 and str(path) in result.stderr and "--max-chars 50" in result.stderr


def test_some_inputs_failed_is_in_help() -> None:
    assert "  4    some inputs failed" in provenance_cli("score", "--help").stdout
