"""The command line, called in-process through run(argv) (and once as a real console script)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import provenance
from provenance.cli import ExitStatus, run

SEED = min((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def call(*argv: str, stdin: str | bytes | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None and monkeypatch is not None:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    status = run(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_text_output_shows_flags_cues_and_risk() -> None:
    status, out, _ = call("score", str(SEED))
    assert status == ExitStatus.OK
    assert "[[" in out and "risk " in out and "(high)" in out


def test_text_output_names_each_frames_source_and_kind(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("A senior official said the plan was dead, according to Reuters.", encoding="utf-8")
    status, out, _ = call("score", str(article))
    assert status == ExitStatus.OK
    assert "source _A senior official_ [anonymous person] via \"said\"" in out
    assert "source _Reuters_ [outlet] via \"according to\"" in out


def test_json_is_an_array_of_the_models_own_dump_with_its_path() -> None:
    status, out, _ = call("score", str(SEED), "--format", "json")
    assert status == 0
    [record] = json.loads(out)
    assert record.pop("path") == str(SEED)
    assert provenance.ArticleScore.model_validate(record) == provenance.score(SEED.read_text(encoding="utf-8"))


def test_jsonl_from_stdin_and_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("Sources said the deal collapsed.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Mayor Ana Ruiz said the road reopened.", encoding="utf-8")
    (tmp_path / "skip.csv").write_text("x", encoding="utf-8")
    status, out, _ = call("score", str(tmp_path), "-", "--format", "jsonl", stdin="It rained.", monkeypatch=monkeypatch)
    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and len(records) == 3
    assert records[-1]["sentences"][0]["text"] == "It rained."
    assert [r["path"] for r in records] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-"]


def test_fail_above_gates_a_pipeline() -> None:
    assert call("score", str(SEED), "--fail-above", "0.3")[0] == ExitStatus.OVER_THRESHOLD
    assert call("score", str(SEED), "--fail-above", "0.99")[0] == ExitStatus.OK


def test_labels_and_threshold_filter_what_is_shown() -> None:
    _, out, _ = call("score", str(SEED), "--labels", "leaked_document", "--threshold", "0.5")
    shown = [line for line in out.splitlines() if line.startswith("[")]
    assert shown and all("leaked_document" in line and "anonymous_source" not in line for line in shown)


def test_a_quoted_glob_is_expanded(tmp_path: Path) -> None:
    for name in ("one.txt", "two.txt", "three.md"):
        (tmp_path / name).write_text("Sources said the deal collapsed.", encoding="utf-8")
    status, out, _ = call("score", str(tmp_path / "*.txt"), "--format", "jsonl")
    assert status == 0 and len(out.splitlines()) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "missing.txt"], "missing.txt: no such file or directory"),
        (["score", str(SEED), "--threshold", "5"], "not a number from 0 to 1"),
        (["score", "nowhere/*.txt"], "nowhere/*.txt: no file matches this pattern"),
        (["score", "x.txt", "--labels", "gossip"], "unknown label"),
        (["score", str(SEED), str(SEED), "--format", "html"], "--format html takes one input"),
        (["score"], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
        (["score", str(SEED), "--rules", "missing.toml"], "missing.toml:0: cannot read"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], message: str) -> None:
    status, out, err = call(*argv)
    assert status == ExitStatus.USAGE_ERROR and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_binary_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\x00bad")
    status, _, err = call("score", str(path))
    assert status == 2 and "not UTF-8" in err and "bad.txt" in err


def test_render_and_evaluate(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    assert call("render", str(SEED), "-o", str(report))[0] == 0
    assert "<mark" in report.read_text(encoding="utf-8")
    data = tmp_path / "d.jsonl"
    data.write_text(
        json.dumps({"text": "Sources said the talks failed.", "labels": ["vague_attribution"], "source": "authored"}) + "\n",
        encoding="utf-8",
    )
    status, out, _ = call("evaluate", str(data), "--format", "json")
    assert status == 0 and json.loads(out)["per_label"][1]["label"] == "vague_attribution"


@pytest.mark.parametrize("command", [[], ["score"], ["train"], ["evaluate"], ["render"]])
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "provenance", *command, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "example" in result.stdout
