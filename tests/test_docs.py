"""Docs stay true: docstring examples run, and CI runs the README's own test command."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import provenance.pipeline

ROOT = Path(__file__).resolve().parent.parent


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(provenance.pipeline, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ci in readme, f"the README does not show the command CI runs: {ci}"


@pytest.mark.parametrize("doc", ["README.md", "docs/taxonomy.md"])
def test_docs_name_every_label(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert all(label in text for label in provenance.LABELS)


def test_benchmark_setup_takes_torch_from_the_cpu_index() -> None:
    """A plain ``pip install torch`` on Linux fetches the CUDA build (several GB) for a CPU-only baseline."""
    setup = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    installs = [line for line in setup.splitlines() if line.startswith(".venv/bin/pip install torch")]
    assert installs and all("download.pytorch.org/whl/cpu" in line for line in installs)
