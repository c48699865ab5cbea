"""Degenerate sizes: a text that splits into far more sentences than an article has is refused
early with a clear message, by the API and the CLI, instead of costing a result row per fragment."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import provenance


def test_hundreds_of_thousands_of_fragments_are_refused_with_the_fix() -> None:
    text = "a\n\n" * 333_333  # under the default max_chars
    tracemalloc.start()
    with pytest.raises(provenance.TooManySentencesError, match="333,333 sentences.*raise max_chars") as caught:
        provenance.score(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(caught.value, ValueError)
    assert peak < 400 * 2**20  # the segmentation, not a result row per fragment (was 1.4 GB)


def test_the_limit_follows_max_chars() -> None:
    text = "Short line.\n\n" * 200
    with pytest.raises(provenance.TooManySentencesError):
        provenance.score(text, max_chars=4_000)  # 100 sentences allowed
    assert len(provenance.score(text, max_chars=10_000).sentences) == 200


def test_real_articles_are_far_from_the_limit() -> None:
    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert len(provenance.score(text, max_chars=len(text)).sentences) * 40 <= len(text) * 2


def test_cli_reports_it_as_an_input_error(tmp_path: Path) -> None:
    article = tmp_path / "list.txt"
    article.write_text("a\n\n" * 333_333, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "provenance", "score", str(article), "--format", "jsonl"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == "" and "sentences" in done.stderr and len(done.stderr.strip().splitlines()) == 1
