"""The scoring path never imports training, evaluation, scikit-learn, joblib or tqdm (this also guards cold start)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = (
    "import sys, provenance; provenance.score('Sources said so.'); "
    "print(','.join(sorted(m for m in sys.modules if m.startswith(('provenance.training', "
    "'provenance.evaluation', 'sklearn', 'scipy', 'joblib', 'tqdm', 'Cython')))))"
)


def test_scoring_imports_no_offline_code() -> None:
    output = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == ""


@pytest.mark.parametrize("module", ["provenance.segment", "provenance.labels", "provenance.results", "provenance.errors"])
def test_contract_and_stage_modules_import_alone(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)


SUMMARY_MODULES = ("provenance.summary", "provenance.summary_text", "provenance.summary_html")


@pytest.mark.parametrize("module", SUMMARY_MODULES)
def test_summary_modules_import_alone_and_only_the_contract(module: str) -> None:
    """The corpus summary sits beside the report: it reads results and the taxonomy, never the
    pipeline, the model or the command line, so nothing it does can change a score."""
    import ast
    import importlib.util

    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(open(spec.origin, encoding="utf-8").read())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    ours = {name for name in imported if name.startswith("provenance")}
    assert ours <= {"provenance.labels", "provenance.results", "provenance.risk", *SUMMARY_MODULES}, ours


def test_importing_provenance_leaves_the_summary_renderers_unloaded() -> None:
    probe = "import sys, provenance; print(sorted(m for m in sys.modules if m.startswith('provenance.summary_')))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"
