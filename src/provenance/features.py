"""Stage 2: sentence (and its attribution frames) -> feature strings. The ONE definition, shared by
training and scoring.

Word features are unigrams and bigrams, 5-letter prefixes (a cheap stem: "anony" covers
anonymous/anonymity) and "shape" n-grams that replace capitalised words with ``C`` (acronyms with
``A``) so that "C said" generalises over names; they are TF-IDF weighted. Structural features are
binary and sit outside the TF-IDF norm: one ``l:<label>`` per lexicon hit and the ``f:...`` features
of the sentence's attribution frames (source kind, cue class, side, position, negation, follow-up),
which is how the model reads the structure of sourcing rather than its wording.
``Extracted.span`` gives the words behind any word feature, so the scorer can point at them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final, NamedTuple

import numpy as np

from provenance.cues import CueMatch, Lexicon

_TOKEN: Final = re.compile(r"\w+(?:[-'\u2019]\w+)*|[\"\u201c\u201d\u201e\u00ab\u00bb?!:,]")
_QUOTES: Final = frozenset('"\u201c\u201d\u201e\u00ab\u00bb')
_STEM_LEN: Final = 5
_PLACEHOLDERS: Final = frozenset({"C", "A"})
#: Value of a lexicon column when a cue phrase of its label occurs in the sentence: about the size of
#: one TF-IDF value, chosen by grouped CV (0.07: 0.840, 0.15: 0.858, 0.3: 0.842 macro-F1; no lexicon: 0.819).
LEXICON_VALUE: Final = 0.15
#: Value of an attribution-frame column (``f:...``); see ``docs/model.md`` for how it was chosen.
FRAME_VALUE: Final = 0.15
#: Words apart within which two word classes count as one construction (see ``_class_pairs``).
CLASS_WINDOW: Final = 4
# Capitalised words that open sentences without being names; any other capitalised first word is
# treated as a name, so "Salazar said" and "Mayor Ruiz said" share the shape "C said".
_OPENERS: Final = frozenset(
    """a an the this that these those there here it its he she they we i you his her their our my your
    in on at by for from with without after before during since until as when while if although though
    but and or so yet however meanwhile instead still also then now today yesterday tonight last next
    one two three four five some many most several few all both each every no not nobody none nothing
    what who whom which where why how according asked speaking despite under over about among between
    more less other such only even just another any""".split()  # noqa: SIM905 -- a word list reads better as prose
)


class Extracted(NamedTuple):
    """A sentence's features and where each came from.

    ``features`` are the word features (duplicates kept: they count as tf), laid out in blocks:
    words, prefixes, bigrams, shape bigrams, shape trigrams; ``token_spans`` and the per-block token
    indices map each back to text. ``structural`` are the binary lexicon and frame features.
    """

    features: list[str]
    token_spans: list[tuple[int, int]]
    blocks: tuple[tuple[int, list[int], int], ...]  # (first feature index, first token of each, n tokens)
    lexicon_spans: list[tuple[int, int]]
    lexicon_labels: list[str]
    structural: list[str]

    def span(self, index: int) -> tuple[int, int]:
        """Half-open span, relative to the sentence, of the words behind word feature ``index``."""
        tokens = self._token_range(index)
        if tokens is None:
            raise IndexError(f"feature {index} is not a word feature")
        return self.token_spans[tokens[0]][0], self.token_spans[tokens[1]][1]

    def word_span(self, index: int) -> tuple[int, int] | None:
        """Like :meth:`span`, minus punctuation at either edge; None when feature ``index`` has no word.

        A cue shown to an editor should be words ("though"), not the comma the bigram ", though" began with.
        """
        tokens = self._token_range(index)
        if tokens is None:
            return self.span(index)
        low, high = tokens
        while low <= high and not self._is_word(low):
            low += 1
        while high >= low and not self._is_word(high):
            high -= 1
        return (self.token_spans[low][0], self.token_spans[high][1]) if low <= high else None

    def _token_range(self, index: int) -> tuple[int, int] | None:
        """First and last token of n-gram feature ``index``; None past the word features."""
        for first, tokens, width in self.blocks:
            if first <= index < first + len(tokens):
                token = tokens[index - first]
                return token, token + width - 1
        return None

    def _is_word(self, token: int) -> bool:
        """Whether token ``token`` has a letter or digit (the word block's features are the tokens, in order)."""
        return any(character.isalnum() for character in self.features[token][2:])


def _normalise(token: str) -> str:
    """Lower-case a token, fold every quote mark to ``"`` and every number to ``0``."""
    if token in _QUOTES:
        return '"'
    if token[0].isdigit():
        return "0"
    return token.lower()


def _shape(token: str, position: int, lower: str) -> str:
    """Map names and acronyms to placeholders; keep other words as they are."""
    if len(token) > 1 and token.isupper() and token.isalpha():
        return "A"
    if token[0].isupper() and (position > 0 or lower not in _OPENERS):
        return "C"
    return lower


def extract(
    sentence: str,
    lexicon: Lexicon,
    hits: list[CueMatch] | None = None,
    frame_features: Sequence[str] = (),
    word_classes: Mapping[str, str] | None = None,
) -> Extracted:
    """Compute every feature of one sentence (``hits``: its lexicon matches, if already found;
    ``frame_features``: what :func:`provenance.attribution.frame_features` says of its frames)."""
    matches = list(_TOKEN.finditer(sentence))
    raw = [m.group() for m in matches]
    low = [token.lower() if token[0].isalpha() else _normalise(token) for token in raw]
    shape = [_shape(token, i, low[i]) if token[0].isupper() else low[i] for i, token in enumerate(raw)]
    n = len(low)
    stems = [i for i in range(n) if len(low[i]) > _STEM_LEN + 1]
    named = [x in _PLACEHOLDERS for x in shape]
    shape2 = [i for i in range(n - 1) if named[i] or named[i + 1]]
    shape3 = [i for i in range(n - 2) if named[i] or named[i + 1] or named[i + 2]]
    features = [f"w:{x}" for x in low]
    features += [f"p:{low[i][:_STEM_LEN]}" for i in stems]
    features += [f"b:{x} {y}" for x, y in pairwise(low)]
    features += [f"s:{shape[i]} {shape[i + 1]}" for i in shape2]
    features += [f"s:{shape[i]} {shape[i + 1]} {shape[i + 2]}" for i in shape3]
    classes = word_classes or {}
    kind = [classes.get(x) for x in low]
    typed = [i for i in range(n) if kind[i] is not None]
    typed2 = [i for i in range(n - 1) if kind[i] is not None or kind[i + 1] is not None]
    stream = [k or x for k, x in zip(kind, low)]
    features += [f"k:{kind[i]}" for i in typed]
    features += [f"k:{stream[i]} {stream[i + 1]}" for i in typed2]
    near = _class_pairs(kind, typed)
    hits = lexicon.find(sentence) if hits is None else hits
    structural = sorted({"l:" + hit.label for hit in hits} | set(frame_features) | near)
    blocks_in_order = (
        (list(range(n)), 1), (stems, 1), (list(range(n - 1)), 2), (shape2, 2), (shape3, 3), (typed, 1), (typed2, 2)
    )
    blocks = []
    first = 0
    for tokens, width in blocks_in_order:
        blocks.append((first, tokens, width))
        first += len(tokens)
    return Extracted(
        features,
        [m.span() for m in matches],
        tuple(blocks),
        [(hit.start, hit.end) for hit in hits],
        [hit.label for hit in hits],
        structural,
    )


def _class_pairs(kind: Sequence[str | None], typed: Sequence[int]) -> set[str]:
    """``f:A~B`` for each word of class A followed within :data:`CLASS_WINDOW` words by one of class B
    ("a private supporters' forum": PRIV~CHAN), so a construction is seen whatever fills the gap."""
    pairs = set()
    for n, i in enumerate(typed):
        for j in typed[n + 1 :]:
            if j - i > CLASS_WINDOW:
                break
            if kind[i] != kind[j]:
                pairs.add(f"f:{kind[i]}~{kind[j]}")
    return pairs


def structural_value(feature: str) -> float:
    """The value a structural feature's column takes when the feature is present."""
    return LEXICON_VALUE if feature.startswith("l:") else FRAME_VALUE


@dataclass(frozen=True)
class Matrix:
    """Feature rows in compressed sparse row form: row i is ``indices/data[indptr[i]:indptr[i + 1]]``."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of row ``i``."""
        a, b = self.indptr[i], self.indptr[i + 1]
        return self.indices[a:b], self.data[a:b]


def vectorize(items: Sequence[Extracted], vocabulary: dict[str, int], idf: np.ndarray) -> Matrix:
    """Feature matrix for many sentences, exactly as training builds it.

    Word features: TF-IDF as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` computes it
    (out-of-vocabulary features dropped before the l2 norm). Structural features: one column each,
    set to :func:`structural_value`, outside the norm, so a cue phrase or a frame weighs the same in a
    long sentence as in a short one. One dictionary pass and a few whole-array operations.
    """
    get = vocabulary.get
    columns: list[int] = []
    lengths: list[int] = []
    lexicon_columns: list[int] = []
    lexicon_values: list[float] = []
    lexicon_lengths: list[int] = []
    for item in items:
        known = [column for column in map(get, item.features) if column is not None]
        columns += known
        lengths.append(len(known))
        found = sorted((vocabulary[f], structural_value(f)) for f in item.structural if f in vocabulary)
        lexicon_columns += [column for column, _ in found]
        lexicon_values += [value for _, value in found]
        lexicon_lengths.append(len(found))
    rows = np.arange(len(lengths), dtype=np.int64)
    return tfidf_matrix(
        len(lengths),
        (np.repeat(rows, lengths), np.asarray(columns, dtype=np.int64)),
        (np.repeat(rows, lexicon_lengths), np.asarray(lexicon_columns, dtype=np.int64),
         np.asarray(lexicon_values, dtype=np.float64)),
        idf,
    )


def tfidf_matrix(
    n_rows: int,
    words: tuple[np.ndarray, np.ndarray],
    structural: tuple[np.ndarray, np.ndarray, np.ndarray],
    idf: np.ndarray,
) -> Matrix:
    """The arithmetic of :func:`vectorize`, shared with the scoring featuriser so both give the same bits.

    ``words`` is (row, column) of every known word feature occurrence, in any order (repeats count as
    term frequency); ``structural`` is (row, column, value) of each row's distinct structural columns.
    """
    word_rows, word_columns = words
    structural_rows, structural_columns, structural_values = structural
    n_columns = len(idf)
    keys, counts = np.unique(word_rows * n_columns + word_columns, return_counts=True)
    key_rows = keys // n_columns
    values = (np.log(counts) + 1.0) * idf[keys % n_columns]
    norms = np.sqrt(np.bincount(key_rows, weights=values * values, minlength=n_rows))
    if len(values):
        values /= norms[key_rows]
    all_keys = np.concatenate([keys, structural_rows * n_columns + structural_columns])
    all_values = np.concatenate([values, structural_values])
    order = np.argsort(all_keys, kind="stable")
    all_keys, all_values = all_keys[order], all_values[order]
    all_rows, all_columns = np.divmod(all_keys, n_columns)
    indptr = np.searchsorted(all_rows, np.arange(n_rows + 1, dtype=np.int64))
    return Matrix(indptr, all_columns, all_values)
