"""The compiled featuriser (``provenance._speedups``) equals the pure-Python reference: tokens, n-gram
columns, attribution frames, feature matrices and whole results, on random and real text.

Skipped only where the extension is not built (an install without a C compiler); the switch between
the two paths is tested either way.
"""

from __future__ import annotations

import gc
import os
import pickle
import random
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from reference import PIECES, labelled_sentences

import provenance
from provenance import speedups
from provenance.attribution import _TOKEN as ATTRIBUTION_TOKEN
from provenance.attribution import _Tok, _Words, default_lexicon, frame_features, frame_features_many
from provenance.columns import featurise_columns, tables_for, tokenise
from provenance.features import _TOKEN as FEATURE_TOKEN
from provenance.labels import LABELS
from provenance.modelfile import load_default_model
from provenance.rules import HouseRules
from provenance.segment import Sentence, segment

BUILT = speedups.extension_built()
needs_extension = pytest.mark.skipif(
    not BUILT, reason="provenance._speedups is not built (installed without a C compiler): nothing compiled to compare"
)
MODEL = load_default_model()
SENTENCES = labelled_sentences()
# Characters that decide token and sentence edges: joiners, quotes, marks, breaks, surrogates, non-ASCII.
EDGES = st.sampled_from(list("-'\u2019.&_\"\u201c\u201d\u201e\u00ab\u00bb?!:, \t\n\u2028\u2029\u0085\u00a0\u3000")
                        + ["\ud800", "\udfff", "\u0301", "\u00e9", "\u0661", "\u00b2", "\u2167", "\U0001d7d8"])
# Words joined by the characters that may (or may not) hold a token together: "AT&T", "U.S.", "x-".
JOINED = st.tuples(st.sampled_from(["AT", "x", "\u00e9", "\u0663", "_", "", " "]), EDGES,
                   st.sampled_from(["T", "y", "\u00df", "2", "", "-", "."])).map("".join)
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(SENTENCES), EDGES, JOINED,
              st.text(st.characters(exclude_categories=()), max_size=12)),
    max_size=16,
).map("".join)
T = TypeVar("T")


def _lexicon_words() -> list[str]:
    """Words that steer frame reading: cues, pronouns, outlets, organisation heads, source nouns."""
    lex = default_lexicon()
    words = set(lex.cue_classes) | set(lex.pronouns) | set(lex.outlets) | set(lex.org_heads) | set(lex.modifiers)
    words |= lex.role_singular | lex.role_plural | lex.groups | lex.documents | lex.public_records | lex.secrecy
    return sorted(words)


# Names, joiners, brackets, negations and auxiliaries: as likely as all the lexicon words together.
GLUE = ["Ana", "Ruiz", "Harlow", "Energy", "NATO", "Monday", "However", "the", "a", "of", "and", "&", ",", "(", ")",
        ":", "\u2014", '"', "'s", "\u2019s", "to", "not", "declined", "has", "been", "was", "by", "them", "two", "3",
        "specialists", "campaigner", "rebels", "Syrian", "adding", "citing", "familiar", "with", "said", "told",
        "according", "official", "officials", "spokesperson", "report", "Reuters", "she", "they", "it", "we"]
SOURCING = st.lists(st.one_of(st.sampled_from(GLUE), st.sampled_from(_lexicon_words())), min_size=1, max_size=40).map(" ".join)


def _paths(function: Callable[[], T]) -> tuple[T, T]:
    """``function``'s result on the compiled path and on the pure-Python path."""
    with speedups.compiled():
        fast = function()
    with speedups.pure_python():
        reference = function()
    return fast, reference


def _featurised(sentences: list[str]) -> dict[str, Any]:
    """Everything the featuriser hands on, as plain values."""
    frames = default_lexicon().attribute(sentences)
    hits = MODEL.lexicon.find_many(sentences)
    features = [frame_features(f, len(s)) for s, f in zip(sentences, frames)]
    featured = featurise_columns(sentences, hits, features, tables_for(MODEL))
    return {
        "frames": frames,
        "matrix": [getattr(featured.matrix, name).tolist() for name in ("indptr", "indices", "data")],
        "described": tokenise(sentences, tables_for(MODEL)).described.tolist(),
        "first_token": featured.first_token.tolist(),
        "wordy": featured.wordy.tolist(),
        "families": {name: columns.tolist() for name, columns in featured.families.items()},
    }


def _assert_same_featurised(sentences: list[str]) -> None:
    fast, reference = _paths(lambda: _featurised(sentences))
    for key in reference:
        assert fast[key] == reference[key], (key, sentences)


@needs_extension
@given(TEXT)
@example("AT&T's U.S.-based co-op \u2019s x--y a.b. & _&_ \ud800x\u2019y \u00e9.\u0663")
def test_tokens_equal_the_regexes_on_random_text(text: str) -> None:
    from provenance import _speedups

    with speedups.pure_python():
        words = _Words(text)
    tokens, starts = _speedups.attribution_tokens(text, _Tok)
    assert [tuple(t) for t in tokens] == [tuple(t) for t in words.tokens] and starts == words.starts
    assert all(type(t) is _Tok for t in tokens)
    assert [t.text for t in tokens] == ATTRIBUTION_TOKEN.findall(text)
    texts = [text, "", text[::-1], text]
    index = _speedups.TokenIndex()
    where, first_token, first_new = index.locate(texts, 1 << 20)
    tokens = index.tokens_from(0)
    found = [[tokens[row] for row in where[first_token[n] : first_token[n + 1]]] for n in range(len(texts))]
    assert found == [FEATURE_TOKEN.findall(t) for t in texts] and first_new == 0
    assert len(set(tokens)) == len(tokens) == len(index)  # each distinct token once
    spans = [match.span() for match in FEATURE_TOKEN.finditer(text)]
    for first in range(len(spans)):
        for last in range(first, min(len(spans), first + 3)):
            assert _speedups.feature_token_span(text, first, last) == (spans[first][0], spans[last][1])
    with pytest.raises(IndexError):
        _speedups.feature_token_span(text, 0, len(spans))


@needs_extension
@given(st.one_of(TEXT, SOURCING, st.text(st.sampled_from(list("the of and Was BY x\u00e9\u0130 \t\n\u3000")), max_size=80)))
@example("")
@example("The\u3000cat SAID it was THE one, and-the \u0130t")
def test_english_share_is_identical(text: str) -> None:
    from provenance import _speedups
    from provenance.language import _ENGLISH_FUNCTION_WORDS, _LONGEST_FUNCTION_WORD, english_share

    fast, reference = _paths(lambda: english_share(text))
    assert fast == reference
    # Word sets the pass cannot code as numbers (over eight letters, not plain letters, too many) are
    # looked up as strings: the same shares.
    for words in (_ENGLISH_FUNCTION_WORDS | {"wherefore", "n't"}, frozenset(f"w{n}" for n in range(80)) | {"the"},
                  frozenset({"the", "said"})):
        longest = max(map(len, words))
        expected = sum(w.lower() in words for w in re.findall("[A-Za-z]+", text) if len(w) <= longest)
        share = _speedups.english_share(text, words, longest)
        assert share == (expected / len(text.split()) if text.split() else 0.0)
    assert _speedups.english_share(text, _ENGLISH_FUNCTION_WORDS, _LONGEST_FUNCTION_WORD) == reference


@needs_extension
def test_article_risk_is_bit_identical_to_numpy() -> None:
    """The compiled risk adds its three sums up as numpy does (pairwise), so the bits are the same,
    at every length numpy's summation changes strategy (8, 128 and past)."""
    from provenance.risk import article_risk

    rng = np.random.default_rng(11)
    for n in [*range(0, 40), 127, 128, 129, 255, 256, 257, 1000, 4099]:
        probabilities = rng.random((n, len(LABELS)))
        labels = [tuple(label for label in LABELS if rng.random() < 0.3) for _ in range(n)]
        fast, reference = _paths(lambda: article_risk(probabilities, labels))
        assert fast == reference, n
        assert article_risk(probabilities[::-1], tuple(labels[::-1])) >= 0.0  # strided rows, labels as a tuple
    # A caller's float32 or integer probabilities (the benchmark's embedding baseline gives float32) are
    # summed by numpy in their own precision; the compiled pass takes float64 only (it raised ValueError).
    probabilities = rng.random((40, len(LABELS)))
    labels = [tuple(label for label in LABELS if rng.random() < 0.3) for _ in range(40)]
    for array in (probabilities.astype(np.float32), (probabilities > 0.5).astype(np.int64)):
        fast, reference = _paths(lambda array=array: article_risk(array, labels))
        assert fast == reference and 0.0 < fast < 1.0


def test_the_token_table_starts_afresh_without_losing_the_chunk_at_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_CACHED_TOKENS distinct tokens the table starts afresh. It used to keep only the chunk's
    new tokens and then look up the chunk's known ones: KeyError, on a long enough stream of articles,
    on both paths. Both now featurise a stream with a tiny table exactly as with a large one."""
    from provenance import columns

    chunks = [[f"Officer {n} said the {word} plan was {n * 7} days late." for word in ("new", "old", "odd")]
              for n in range(12)] * 2
    expected = [_matrix(chunk, ColumnTablesFor.fresh()) for chunk in chunks]
    monkeypatch.setattr(columns, "MAX_CACHED_TOKENS", 20)
    for path in (speedups.compiled, speedups.pure_python) if BUILT else (speedups.pure_python,):
        with path():
            tables = ColumnTablesFor.fresh()
            assert [_matrix(chunk, tables) for chunk in chunks] == expected


class ColumnTablesFor:
    """Column tables of the test model made afresh (``tables_for`` keeps one per model and process)."""

    @staticmethod
    def fresh() -> Any:
        from provenance.columns import ColumnTables

        return ColumnTables(MODEL, default_lexicon().word_classes)


def _matrix(sentences: list[str], tables: Any) -> list[list[Any]]:
    frames = default_lexicon().attribute(sentences)
    hits = MODEL.lexicon.find_many(sentences)
    featured = featurise_columns(sentences, hits, frame_features_many(frames, sentences), tables)
    return [getattr(featured.matrix, name).tolist() for name in ("indptr", "indices", "data")]


# Sentence ends, abbreviations, CJK and Devanagari marks, closers, blank and wrapped lines.
ENDS = st.sampled_from([". ", "! ", "?\u201d ", "...", ".\u00bb ", ".)", ".]", "\u2026 ", "\u203c", "\u3002", "\uff01\u300d",
                        "\u0964", "\u0965", "\n", "\r\n", "\n\n", " \n\t\n", "\r", "\u2028", "\u0085", "\x0c", "Mr. ",
                        "e.g. ", "Inc. The ", "J. Smith", "a. the", "3.5", "U.S. Army", ",\n", "the\n", "said\nshe",
                        "the\r\n", "\u3002\u2019", "\uff61\uff09"])
PROSE = st.lists(st.one_of(ENDS, TEXT), max_size=12).map("".join)


@needs_extension
@given(PROSE, st.sampled_from([1_500, 40, 7, 1]))
@example("Mr. Smith said. \u3002\u300d.\u3002 A\r\n\r\nB\n\n\nx.\u201d y", 1_500)
@example("Officials said the\r\nroad reopened. She told\r\n the\u2028court \u3002\u2019x\uff61\uff09y\u0965z", 1_500)
@example("Jan. The word\n. The a. the A. Smith said etc. However U.S. The x.\n. And e.g. The \u0130. The", 1_500)
def test_random_text_segments_identically(text: str, max_sentence_chars: int) -> None:
    fast, reference = _paths(lambda: segment(text, max_sentence_chars))
    assert fast == reference
    assert all(type(s) is Sentence for s in fast)


def test_sentence_end_decisions_are_identical_in_bulk() -> None:
    """The compiled sentence-end decision against ``segment._ends_sentence``: abbreviations, titles,
    initials, openers, a newline right before the stop, words of 12 characters and more, in bulk."""
    from provenance.segment import _AMBIGUOUS, _NEVER_BREAK, _OPENERS, _TITLES

    chance = random.Random(5)
    words = sorted(_AMBIGUOUS | _NEVER_BREAK | _OPENERS | _TITLES) + [
        "A", "J", "x", "\u00e9", "\u0130", "U.S", "abcdefghijklm", "Word", "3", "_", "\n", "", "Mr", "ETC", "\u03a3"]
    marks = [". ", ".  ", ".\n", "..", ". ,", ". ;", "? ", "! ", "\u2026 ", ".\u201d ", ". \n "]
    texts = []
    for _ in range(20_000):
        parts = []
        for _ in range(chance.randint(1, 5)):
            parts += [chance.choice(words), chance.choice(["", " ", "\n", "."]), chance.choice(words), chance.choice(marks)]
        texts.append("".join(parts))
    fast, reference = _paths(lambda: [segment(text) for text in texts])
    for text, a, b in zip(texts, fast, reference):
        assert a == b, text


@needs_extension
@given(st.lists(TEXT, max_size=6))
def test_random_sentences_featurise_identically(sentences: list[str]) -> None:
    _assert_same_featurised(sentences)


@needs_extension
@settings(max_examples=300)
@given(st.lists(SOURCING, max_size=4))
def test_sourcing_word_salad_reads_identically(sentences: list[str]) -> None:
    fast, reference = _paths(lambda: default_lexicon().attribute(sentences))
    assert fast == reference
    features, reference_features = _paths(lambda: frame_features_many(reference, sentences))
    assert features == reference_features == [tuple(frame_features(f, len(s))) for f, s in zip(reference, sentences)]


@needs_extension
def test_twenty_thousand_sourcing_sentences_read_identically() -> None:
    """Bulk beside the shrinking search above: rare word orders ("Harlow & said") turn up here."""
    chance = random.Random(11)
    lexicon_words = _lexicon_words()
    sentences = [
        " ".join(chance.choice(GLUE if chance.random() < 0.5 else lexicon_words) for _ in range(chance.randint(1, 30)))
        for _ in range(20_000)
    ]
    fast, reference = _paths(lambda: default_lexicon().attribute(sentences))
    assert sum(map(len, reference)) > 10_000  # the sentences do exercise frame reading
    for sentence, fast_frames, reference_frames in zip(sentences, fast, reference):
        assert fast_frames == reference_frames, sentence


@needs_extension
def test_a_reader_whose_interned_tokens_start_afresh_reads_identically() -> None:
    """The compiled reader interns each distinct token's strings, up to a limit past which it starts
    afresh; words already read keep theirs. With a limit of 8 it starts afresh inside most sentences."""
    from provenance import _frames
    from provenance.scan import find_spans

    chance = random.Random(5)
    sentences = [" ".join(chance.choice(GLUE + _lexicon_words()) for _ in range(chance.randint(1, 30)))
                 for _ in range(2_000)]
    lexicon = default_lexicon()
    matches = find_spans([lexicon.scanner], "\n".join(sentences))[0]
    small = _frames.read_frames(_frames.Reader(lexicon, interned_limit=8), sentences, matches)
    with speedups.pure_python():
        reference = lexicon.find_many(sentences)
    assert sum(map(len, reference)) > 1_000 and small == reference


@needs_extension
def test_ngram_hash_tables_hold_every_key_once_with_its_leftmost_column() -> None:
    """The compiled n-gram lookup probes a hash table where the reference binary-searches sorted keys:
    the table must hold every key, a repeated key with the column a leftmost search finds."""
    import numpy as np

    from provenance import _speedups

    chance = np.random.default_rng(3)
    for n in (0, 1, 7, 1000):
        keys = np.sort(chance.integers(0, max(n // 2, 1) * 10**12, n)).astype(np.int64)
        keys[1::3] = keys[:-1:3] if n > 1 else keys[1::3]  # repeats, side by side as after sorting
        keys = np.sort(keys)
        columns = np.arange(n, dtype=np.int64)[::-1].copy()
        slot_keys, slot_columns = _speedups.hash_table(keys, columns)
        held = slot_keys >= 0
        assert held.sum() == len(set(keys.tolist())) and len(slot_keys) >= 2 * n
        leftmost = {key: columns[np.searchsorted(keys, key)] for key in set(keys.tolist())}
        assert {k: c for k, c in zip(slot_keys[held].tolist(), slot_columns[held].tolist())} == leftmost


@needs_extension
def test_log_odds_are_bit_identical_to_numpy() -> None:
    """The compiled products and sums against numpy's (whose ``add.reduceat`` sums pairwise): exactly
    equal, for rows empty, short, a block of 8 and over 128 entries long (the recursive halving)."""
    import numpy as np

    from provenance import _speedups
    from provenance.classify import log_odds
    from provenance.features import Matrix

    chance = np.random.default_rng(13)
    for lengths in ([], [0], [1, 2, 7, 8, 9], [15, 16, 17, 0, 129], [300, 1000, 0, 3]):
        indptr = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)
        indices = chance.integers(0, MODEL.weights.shape[0], int(indptr[-1])).astype(np.int64)
        data = chance.random(int(indptr[-1])) * chance.choice([1e-3, 1.0, 1e3], int(indptr[-1]))
        contributions, logits = _speedups.linear_rows(indptr, indices, data, MODEL.weights, MODEL.bias)
        reference = MODEL.weights[indices] * data[:, None]
        assert np.array_equal(contributions, reference)
        assert np.array_equal(logits, log_odds(Matrix(indptr, indices, data), reference, MODEL))


@needs_extension
def test_cue_candidates_and_weights_are_identical() -> None:
    """The compiled pass over each flagged row's entries against the reference's sort, mask and
    ``np.add.at``: tied, negative and unjudged weights, lexicon and frame-kind columns, rows flagged
    for several labels; each path with verdicts of its own (the tables cache them)."""
    from provenance import classify
    from provenance.columns import ColumnTables
    from provenance.features import Matrix

    chance = np.random.default_rng(8)
    tables = ColumnTables(MODEL, default_lexicon().word_classes)
    special = np.array([*MODEL.lexicon_columns, *np.flatnonzero(tables.frame_kinds >= 0)[:40]], dtype=np.int64)
    special = special[special >= 0]
    for n_rows, per_row in ((1, 0), (3, 40), (60, 50)):
        lengths = chance.integers(0, per_row + 1, n_rows)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        indices = np.concatenate([
            np.sort(chance.choice(np.concatenate([special, chance.integers(0, len(MODEL.vocabulary), 80)]), n,
                                  replace=False)) for n in lengths
        ] or [np.zeros(0)]).astype(np.int64)
        matrix = Matrix(indptr, indices, np.ones(len(indices)))
        contributions = np.round(chance.normal(0.0, 1.0, (len(indices), len(LABELS))), 1)  # rounded: many ties
        pairs = sorted({(int(chance.integers(0, n_rows)), int(chance.integers(0, len(LABELS)))) for _ in range(2 * n_rows)})
        rows, ks = [r for r, _ in pairs], [k for _, k in pairs]
        found = []
        for path in (speedups.compiled, speedups.pure_python):
            tables = ColumnTables(MODEL, default_lexicon().word_classes)
            with path():
                candidates, lexicon_weights, kind_weights = classify._pair_weights(
                    matrix, contributions, rows, ks, MODEL, tables)
            found.append(([list(c) for c in candidates], lexicon_weights, kind_weights.tolist(),
                          tables.cue_verdicts.tolist()))
        assert found[0] == found[1]
        assert any(found[0][1]) or n_rows < 60  # lexicon columns were drawn and weighed
        assert any(any(row) for row in found[0][2]) or n_rows < 60  # so were frame kinds


@needs_extension
def test_labelled_sentences_featurise_identically() -> None:
    for start in range(0, len(SENTENCES), 256):
        _assert_same_featurised(SENTENCES[start : start + 256])


@needs_extension
def test_fixtures_and_seeds_score_identically() -> None:
    paths = sorted((ROOT / "fixtures").glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    assert len(paths) > 10
    texts = [path.read_text(encoding="utf-8") for path in paths]
    for text in texts:
        _assert_same_featurised([s.text for s in segment(text)])
    fast, reference = _paths(lambda: [provenance.score(text) for text in texts])
    assert fast == reference
    fast_many, reference_many = _paths(lambda: list(provenance.score_many(texts)))
    assert fast_many == reference_many == reference


def _built_alike(fast: object, reference: object, where: str = "result") -> None:
    """Equal values of the same types all the way down, and every model filled as validation fills one."""
    assert type(fast) is type(reference), where
    if isinstance(reference, BaseModel):
        for name in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            assert getattr(fast, name) == getattr(reference, name), (where, name)
        assert list(fast.__dict__) == list(reference.__dict__), where
        for name, value in reference.__dict__.items():
            _built_alike(fast.__dict__[name], value, f"{where}.{name}")
    elif isinstance(reference, (tuple, list)):
        assert len(fast) == len(reference), where  # type: ignore[arg-type]
        for n, (a, b) in enumerate(zip(fast, reference)):  # type: ignore[call-overload]
            _built_alike(a, b, f"{where}[{n}]")
    elif isinstance(reference, dict):
        assert list(fast.items()) == list(reference.items()), where  # type: ignore[attr-defined]
        for key, value in reference.items():
            _built_alike(fast[key], value, f"{where}[{key!r}]")  # type: ignore[index]
    else:
        assert fast == reference, where


def _assert_same_scores(texts: list[str], rules: HouseRules | None = None) -> None:
    fast, reference = _paths(lambda: [provenance.score(text, rules=rules) for text in texts])
    _built_alike(fast, reference)
    for a, b in zip(fast, reference):
        assert a.to_json() == b.to_json() and hash(a) == hash(b)
        assert pickle.loads(pickle.dumps(a)) == b
        assert a.model_copy(update={"risk": 0.5}).model_fields_set == b.model_copy(update={"risk": 0.5}).model_fields_set


@needs_extension
def test_results_are_built_as_validation_builds_them() -> None:
    """The compiled result builder skips validation; what it builds must not tell: the same fields, types,
    set fields, JSON, hash and pickle, for English, unsupported and empty text, with and without rules."""
    paths = sorted((ROOT / "fixtures").glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    texts += ["", "   ", "x", "Der Minister sagte am Montag, dass die Strasse wieder offen sei und niemand verletzt wurde."]
    _assert_same_scores(texts)
    _assert_same_scores(texts, HouseRules.create(cues={"unverified_claim": ["wieder offen", "the road"]}))


def _containers(value: object) -> list[object]:
    """Every container of a result: models, their field dicts and field sets, tuples and mappings."""
    found: list[object] = []
    if isinstance(value, BaseModel):
        found += [value, value.__dict__, value.__pydantic_fields_set__]
        for field in value.__dict__.values():
            found += _containers(field)
    elif isinstance(value, (tuple, dict)):
        found.append(value)
        for item in value.values() if isinstance(value, dict) else value:
            found += _containers(item)
    return found


@needs_extension
def test_compiled_results_are_left_out_of_the_cyclic_collector() -> None:
    """An immutable result cannot be in a reference cycle: the collector need not walk held results
    (a quarter of batch time before). Dropping one still frees it (reference counting)."""
    text = (ROOT / "seeds" / "000_325d432c3ea24cc0.txt").read_text(encoding="utf-8")
    with speedups.compiled():
        result = provenance.score(text)
        containers = _containers(result)
        assert len(containers) > 300 and not any(gc.is_tracked(c) for c in containers)
        gc.collect()
        before = len(gc.get_objects())
        held = [provenance.score(text) for _ in range(20)]
        assert len(gc.get_objects()) - before < 100  # not 20 x the result's containers
    del held, containers
    with speedups.pure_python():
        validated = provenance.score(text)
    # No stray reference: the compiled result is held exactly as often as the validated one.
    assert sys.getrefcount(result) == sys.getrefcount(validated)
    assert sys.getrefcount(result.sentences) == sys.getrefcount(validated.sentences)
    assert sys.getrefcount(result.sentences[0].cues) == sys.getrefcount(validated.sentences[0].cues)


@needs_extension
def test_compiled_tuples_of_plain_values_are_left_out_of_the_collector() -> None:
    """Sentences, lexicon hits, frames and cue spans from compiled code hold only strings, numbers and
    such tuples: they are untracked at once (CPython never untracks a NamedTuple itself), so the
    collector does not walk a batch's worth of them at every pass."""
    from provenance import _speedups
    from provenance.classify import predict

    text = (ROOT / "seeds" / "000_325d432c3ea24cc0.txt").read_text(encoding="utf-8")
    with speedups.compiled():
        sentences = segment(text)
        texts = [s.text for s in sentences]
        frames = default_lexicon().attribute(texts)
        hits = MODEL.lexicon.find_many(texts)
        cues = predict(texts, MODEL, frames).cues
        held = predict(texts, MODEL, frames)
        per_sentence = [sentences, *frames, *MODEL.lexicon.hits_of(texts), *held.labels, *held.cues,
                        *frame_features_many(frames, texts)]
    everything = [*sentences, *(h for found in hits for h in found), *(f for fs in frames for f in fs),
                  *(f.raw for fs in frames for f in fs), *(c for found in cues for c in found)]
    assert len(everything) > 60 and not any(gc.is_tracked(t) for t in everything)
    # A batch holds these containers of each sentence through many collections: none is followed.
    assert len(per_sentence) > 120 and not any(gc.is_tracked(t) for t in per_sentence)
    holder = [1]
    assert gc.is_tracked(_speedups.attribution_tokens("a b", tuple)[0][0]) is False
    assert gc.is_tracked(Sentence("x", 0, 1)) and gc.is_tracked((holder,))  # built in Python: tracked as ever


@needs_extension
@settings(max_examples=200)
@given(st.lists(st.one_of(SOURCING, TEXT), min_size=1, max_size=6).map(". ".join))
def test_random_sourcing_text_scores_identically(text: str) -> None:
    """Cue choice and result building, compiled against pure Python, on text dense with sourcing words."""
    _assert_same_scores([text])


@needs_extension
def test_empty_input() -> None:
    _assert_same_featurised([])
    _assert_same_featurised(["", "", "x"])


def _enabled_in_a_fresh_process(environment: dict[str, str]) -> str:
    probe = "import provenance; print(provenance.speedups_enabled())"
    env = {**os.environ, **environment}
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env).stdout.strip()


def test_the_environment_variable_forces_pure_python() -> None:
    assert _enabled_in_a_fresh_process({speedups.PURE_PYTHON_VARIABLE: "1"}) == "False"
    assert _enabled_in_a_fresh_process({speedups.PURE_PYTHON_VARIABLE: "0"}) == str(BUILT)


def test_pure_python_switches_the_path_and_back() -> None:
    before = provenance.speedups_enabled()
    with speedups.pure_python():
        assert not provenance.speedups_enabled() and speedups.native() is None
    assert provenance.speedups_enabled() == before


@needs_extension
def test_labels_and_cues_gather_pairs_in_any_order_as_the_reference_does() -> None:
    """The compiled gathering walks each sentence's run of pairs (flagged pairs come in reading order);
    pairs out of that order, or a pair without cues, still give the reference's labels and cues."""
    from provenance import classify

    chooser = speedups.cue_chooser(classify._CHOICE_CONSTANTS)
    assert chooser is not None
    cue = classify.CueSpan
    rows, ks = [2, 0, 2, 1, 0, 2], [0, 3, 1, 2, 6, 4]
    chosen = [(cue(LABELS[0], 0, 3, 1.0),), (), (cue(LABELS[1], 4, 9, 0.5), cue(LABELS[1], 10, 12, 0.25)),
              (cue(LABELS[2], 1, 2, 2.0),), (cue(LABELS[6], 0, 5, 0.75),), (cue(LABELS[4], 13, 20, 0.1),)]
    for order in ([0, 1, 2, 3, 4, 5], [1, 4, 3, 0, 2, 5], [5, 4, 3, 2, 1, 0]):
        pair_rows, pair_ks, pair_cues = ([values[n] for n in order] for values in (rows, ks, chosen))
        labels: list[list[str]] = [[] for _ in range(4)]
        cues: list[list[Any]] = [[] for _ in range(4)]
        for i, k, found in zip(pair_rows, pair_ks, pair_cues):
            if found:
                labels[i].append(LABELS[k])
                cues[i].extend(found)
        shown = chooser.shown(4, pair_rows, pair_ks, pair_cues)
        assert shown == ([tuple(x) for x in labels], [tuple(x) for x in cues])
