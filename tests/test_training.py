"""Training data validation and deterministic training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from provenance.errors import TrainingDataError
from provenance.training.corpus import default_data_directory, read_corpus

GOOD = {"text": "Sources said the talks failed.", "labels": ["vague_attribution"], "source": "authored"}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({**GOOD, "text": "Other.", "labels": ["rumour"]}), "unknown label 'rumour'"),
        (json.dumps({**GOOD, "text": "   "}), "text is empty"),
        (json.dumps({**GOOD, "text": 5}), "text: Input should be a valid string"),
        (json.dumps({**GOOD, "text": "Other.", "labels": "on_record"}), "labels"),
        (json.dumps({**GOOD, "text": "Other.", "source": 5}), "source: Input should be a valid string"),
        (json.dumps({**GOOD, "text": "Other."}) + ', "text": "x"}', "not valid JSON"),
        ('{"text": "Other.", "text": "Again.", "labels": [], "source": "a"}', "key 'text' appears twice"),
        ('{"text": "Other.", "labels": [], "source": "a", "n": NaN}', "NaN is not a JSON number"),
        ("[" * 10_000 + "]" * 10_000, "nested more than"),
        (json.dumps({**GOOD, "text": "Other.", "extra": 1}), "unexpected key"),
        (json.dumps({"text": "Other.", "labels": []}), "source: missing"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({**GOOD, "text": "sources   said the TALKS failed."}), "duplicate text, first seen at .*:1"),
    ],
)
def test_bad_lines_name_file_line_and_fix(tmp_path: Path, bad_line: str, message: str) -> None:
    path = write_lines(tmp_path / "batch.jsonl", [json.dumps(GOOD), bad_line])
    with pytest.raises(TrainingDataError, match=message) as caught:
        read_corpus([path])
    assert caught.value.line == 2 and caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}:2: ")


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TrainingDataError, match="no such file"):
        read_corpus([tmp_path / "missing.jsonl"])


@pytest.mark.slow
def test_same_data_and_seed_give_identical_models(tmp_path: Path) -> None:
    from provenance import Scorer
    from provenance.modelfile import load_model
    from provenance.training import train

    files = sorted(default_data_directory().glob("*.jsonl"))[:3]
    subset = tmp_path / "data"
    subset.mkdir()
    for file in files:
        lines = file.read_text(encoding="utf-8").splitlines()[:120]
        write_lines(subset / file.name, lines)
    quiet = lambda _: None
    first, _ = train([subset], tmp_path / "a", seed=3, progress=quiet)
    second, _ = train([subset], tmp_path / "b", seed=3, progress=quiet)
    assert (tmp_path / "a" / "model.npz").read_bytes() == (tmp_path / "b" / "model.npz").read_bytes()
    assert first.read_text() .replace(str(tmp_path / "a"), "") == second.read_text().replace(str(tmp_path / "b"), "")
    texts = [json.loads(line)["text"] for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    a, b = Scorer(load_model(tmp_path / "a")), Scorer(load_model(tmp_path / "b"))
    for text in texts:
        assert a.score(text) == b.score(text)


def test_training_and_scoring_features_match() -> None:
    """scikit-learn's TF-IDF at training time equals the numpy TF-IDF used when scoring, structural
    (lexicon and frame) columns included."""
    from provenance.attribution import default_lexicon
    from provenance.classify import featurise
    from provenance.features import vectorize
    from provenance.modelfile import load_default_model
    from provenance.training.fit import make_vectorizer

    model = load_default_model()
    texts = [
        json.loads(line)["text"]
        for line in (default_data_directory() / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    items = featurise(texts, default_lexicon().attribute(texts), model.lexicon)
    assert any(f.startswith("f:") for item in items for f in item.structural)
    vectorizer = make_vectorizer()
    vectorizer.fit_transform(items)
    expected = vectorizer.transform(items).toarray()
    idf = np.asarray(vectorizer.idf_)
    matrix = vectorize(items, vectorizer.vocabulary_, idf)
    for i, row in enumerate(expected):
        columns, values = matrix.row(i)
        actual = np.zeros_like(row)
        actual[columns] = values
        np.testing.assert_allclose(actual, row, rtol=1e-12, atol=1e-12)
    hits = model.lexicon.find_many(texts)
    assert hits == [model.lexicon.find(text) for text in texts]


# --- careless and hostile training files ------------------------------------------------------------

from provenance.cli import run  # noqa: E402
from provenance.training.corpus import read_jsonl, require_trainable  # noqa: E402


def test_lines_end_at_newline_only_and_a_bom_is_accepted(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "He said\u2028so.", "labels": [], "source": "authored"}, ensure_ascii=False),
        json.dumps({"text": "Next\u0085line and \u2029 more.", "labels": [], "source": "authored"}, ensure_ascii=False),
        json.dumps({"text": "Form\x0cfeed.", "labels": ["on_record"], "source": "authored"}, ensure_ascii=False),
    ]
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n")
    records = read_jsonl(path)
    assert [r.text for r in records] == ["He said\u2028so.", "Next\u0085line and \u2029 more.", "Form\x0cfeed."]


@pytest.mark.parametrize("source", ["web", "", "seed:", "Reuters 2026-03-01", "\u6d88\u606f", "seed:a.txt"])
def test_any_source_string_is_accepted(tmp_path: Path, source: str) -> None:
    path = write_lines(tmp_path / "a.jsonl", [json.dumps({**GOOD, "source": source})])
    assert read_corpus([path]).sentences[0].source == source


def test_non_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"text": "caf\xe9"}\n')
    with pytest.raises(TrainingDataError, match=r"bad\.jsonl:2: not UTF-8 \(byte 0xe9"):
        read_corpus([path])


def _corpus_files(tmp_path: Path, files: dict[str, list[tuple[str, list[str]]]]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, rows in files.items():
        write_lines(folder / f"{name}.jsonl",
                    [json.dumps({"text": text, "labels": labels, "source": "authored"}) for text, labels in rows])
    return folder


ALL = list(__import__("provenance").LABELS)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"one": [(f"Sentence {i} said.", ALL[: i % 3]) for i in range(20)]}, "all 20 sentences are in one group"),
        ({"a": [("Sources said so.", ["vague_attribution"]), ("It rained.", [])],
          "b": [("A mole said so.", ["anonymous_source"]), ("It snowed.", [])]},
         "'vague_attribution' is in 1 group \\('a'\\)"),
        ({"a": [("Sources said so.", ["vague_attribution"])], "b": [("People say so.", ["vague_attribution"])]},
         "sentences without 'vague_attribution' are in no group"),
        ({"a": [("It rained.", [])], "b": [("It snowed.", [])]}, "'on_record' is in no group"),
    ],
)
def test_degenerate_corpora_are_refused_before_fitting_in_one_line(
    tmp_path: Path, files: dict[str, list[tuple[str, list[str]]]], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _corpus_files(tmp_path, files)
    with pytest.raises(TrainingDataError, match=message) as caught:
        require_trainable(read_corpus([folder]), folder)
    assert "\n" not in str(caught.value) and "cannot cross-validate" in str(caught.value)
    status = run(["train", "--data", str(folder), "--out", str(tmp_path / "model")])
    err = capsys.readouterr().err
    assert status == 2 and "cannot cross-validate" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "model").exists()


def test_a_trainable_corpus_passes_the_check() -> None:
    from provenance.training.corpus import default_data_directory

    corpus = read_corpus([default_data_directory()])
    require_trainable(corpus, default_data_directory())


def test_a_fold_without_a_rare_label_does_not_crash_training(tmp_path: Path) -> None:
    """With more groups than folds, a label seen in one group only is missing from some training
    fold; that fold predicts the label's base rate instead of failing inside scikit-learn."""
    from provenance.training.fit import fit_linear

    x = np.eye(4)
    y = np.array([[1, 0], [1, 0], [0, 0], [0, 1]], dtype=np.int8)
    weights, bias = fit_linear(x[:3], y[:3], 1.0, 0)  # label 1 absent from these rows
    assert np.all(weights[:, 1] == 0.0) and bias[1] < 0


def test_lexicon_families_equal_a_search_of_each_sentence() -> None:
    """The one-scan-per-pattern family finder picks what searching every sentence with every pattern picks."""
    from importlib import resources

    from provenance.training.families import _lexicon_families, _patterns

    texts = [s.text for s in read_corpus([default_data_directory()]).sentences][::3]
    texts += ["sources said", "", "Sources say\nan insider said", "said sources"]
    patterns = _patterns((resources.files("provenance") / "data" / "lexicon.json").read_bytes())

    def searched(text: str) -> str | None:
        hits = [(match.start(), n) for n, (_, p) in enumerate(patterns) if (match := p.search(text)) is not None]
        return patterns[min(hits)[1]][0] if hits else None

    assert _lexicon_families(texts, patterns) == [searched(text) for text in texts]
