"""to_frame's list columns and evaluation that measures the labels present and refuses empty data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import provenance
from provenance.evaluation import evaluate
from provenance.evaluation.metrics import LabelReport, format_table, macro_f1

COMMAND = str(Path(sys.executable).parent / "provenance")
TEXT = "Sources said the deal collapsed. Mayor Ana Ruiz said the road reopened."


def test_to_frame_has_list_columns() -> None:
    pytest.importorskip("pandas")
    frame = provenance.to_frame([provenance.score(TEXT)])
    assert frame["labels"].map(type).eq(list).all() and frame["cues"].map(type).eq(list).all()
    cues = frame.explode("cues").dropna(subset=["cues"])["cues"]
    assert {"label", "text", "start", "end", "weight"} <= set(cues.iloc[0])


def test_macro_f1_leaves_out_labels_with_no_support() -> None:
    rows = [LabelReport("a", 1.0, 1.0, 1.0, 3, 3), LabelReport("b", 0.0, 0.0, 0.0, 0, 0)]
    assert macro_f1(rows) == 1.0 and "(1 of 2 labels with support)" in format_table(rows)


def test_evaluate_refuses_no_sentences() -> None:
    with pytest.raises(ValueError, match="at least one labelled sentence"):
        evaluate(provenance.Scorer(), [])


def _line(text: str, labels: list[str]) -> str:
    return json.dumps({"text": text, "labels": labels, "source": "authored"}) + "\n"


def test_evaluate_command_reads_directories_and_refuses_an_empty_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.jsonl").write_text(_line("Sources said the talks failed.", ["vague_attribution"]), encoding="utf-8")
    (data / "b.jsonl").write_text(_line("Mayor Ana Ruiz said the road reopened.", ["on_record"]), encoding="utf-8")
    result = subprocess.run([COMMAND, "evaluate", str(data), "--format", "json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sentences"] == 2 and report["macro_over"] == ["vague_attribution", "on_record"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = subprocess.run([COMMAND, "evaluate", str(empty)], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "empty.jsonl" in result.stderr and "no labelled sentences" in result.stderr
