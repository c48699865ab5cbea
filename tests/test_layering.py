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
