"""The scoring featuriser (``provenance.columns``) equals the reference definition (``features.extract``
then ``features.vectorize``) feature for feature, on real and random text: the same matrix bit for bit,
and the same words behind every feature a cue could show."""

from __future__ import annotations

import json

import numpy as np
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from reference import PIECES, labelled_sentences

from provenance.attribution import default_lexicon, frame_features
from provenance.classify import _Spans, featurise
from provenance.columns import Featured, featurise_columns, tables_for
from provenance.features import Extracted, vectorize
from provenance.modelfile import load_default_model
from provenance.segment import segment

MODEL = load_default_model()
SENTENCES = labelled_sentences()
TEXT = st.lists(
    st.one_of(
        st.sampled_from(PIECES), st.sampled_from(SENTENCES), st.text(st.characters(exclude_categories=()), max_size=12)
    ),
    max_size=12,
).map("".join)


def _both(sentences: list[str]) -> tuple[list[Extracted], Featured]:
    """The reference features and the scoring featuriser's, for one run of sentences."""
    frames = default_lexicon().attribute(sentences)
    reference = featurise(sentences, frames, MODEL.lexicon)
    hits = MODEL.lexicon.find_many(sentences)
    features = [frame_features(f, len(s)) for s, f in zip(sentences, frames)]
    return reference, featurise_columns(sentences, hits, features, tables_for(MODEL))


def _assert_same(sentences: list[str]) -> None:
    reference, featured = _both(sentences)
    expected = vectorize(reference, MODEL.vocabulary, MODEL.idf)
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(featured.matrix, name), getattr(expected, name), err_msg=name)
    spans = _Spans(featured, tables_for(MODEL))
    names = tables_for(MODEL).names
    for i, item in enumerate(reference):
        columns, _ = featured.matrix.row(i)
        for column in columns.tolist():
            name = names[column]
            if name.startswith(("l:", "f:")):
                continue
            assert spans.of(i, column) == item.word_span(item.features.index(name)), (sentences[i], name)


def testlabelled_sentences_featurise_identically() -> None:
    for start in range(0, len(SENTENCES), 256):
        _assert_same(SENTENCES[start : start + 256])


def test_fixture_and_seed_articles_featurise_identically() -> None:
    for pattern in ("fixtures/*.txt", "seeds/*.txt"):
        for path in sorted(ROOT.glob(pattern)):
            _assert_same([s.text for s in segment(path.read_text(encoding="utf-8"))])


@given(st.lists(TEXT, min_size=1, max_size=6))
def test_random_text_featurises_identically(texts: list[str]) -> None:
    _assert_same(texts)


def test_an_empty_chunk_and_empty_sentences() -> None:
    _assert_same([])
    _assert_same(["", "\u2014", "Sources said so.", ""])


def test_a_long_run_of_names_and_classes() -> None:
    words = json.dumps(SENTENCES[:40]).replace('"', " ")
    _assert_same([words[:1500], words.upper()[:1500], words.title()[:1500]])
