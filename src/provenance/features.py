"""Stage 2: sentence -> feature strings. The ONE definition, shared by training and scoring.

Features are word unigrams and bigrams, 5-letter prefixes (a cheap stem: "anony" covers anonymous/anonymity),
"shape" n-grams that replace capitalised words with ``C`` (acronyms with ``A``) so that "C said"
generalises over names, and one ``l:<label>`` feature per lexicon hit. ``Extracted.span`` gives the
words behind any feature, so the scorer can point at them without a second pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    """A sentence's features (duplicates kept: they count as tf) and where each came from.

    ``features`` is laid out in blocks: words, prefixes, bigrams, shape bigrams, shape trigrams,
    lexicon hits. ``token_spans`` and the per-block token indices map a feature back to text.
    """

    features: list[str]
    token_spans: list[tuple[int, int]]
    blocks: tuple[tuple[int, list[int], int], ...]  # (first feature index, first token of each, n tokens)
    lexicon_spans: list[tuple[int, int]]
    lexicon_labels: list[str]

    def span(self, index: int) -> tuple[int, int]:
        """Half-open span, relative to the sentence, of the words behind feature ``index``."""
        tokens = self._token_range(index)
        if tokens is None:
            return self.lexicon_spans[index - self.blocks[-1][0] - len(self.blocks[-1][1])]
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
        """First and last token of n-gram feature ``index``; None for a lexicon-hit feature."""
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


def extract(sentence: str, lexicon: Lexicon, hits: list[CueMatch] | None = None) -> Extracted:
    """Compute every feature of one sentence (``hits``: its lexicon matches, if already found)."""
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
    hits = lexicon.find(sentence) if hits is None else hits
    features += ["l:" + hit.label for hit in hits]
    blocks_in_order = (
        (list(range(n)), 1), (stems, 1), (list(range(n - 1)), 2), (shape2, 2), (shape3, 3)
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
    )


def analyze(sentence: str, lexicon: Lexicon) -> list[str]:
    """The TF-IDF part of a sentence's features (the analyzer scikit-learn gets at training time).

    Lexicon hits are left out: they become separate 0/1 columns (see :func:`vectorize`).
    """
    item = extract(sentence, lexicon)
    return item.features[: len(item.features) - len(item.lexicon_labels)]


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
    (out-of-vocabulary features dropped before the l2 norm). Lexicon hits: one column per label set
    to 1.0, outside the norm, so a cue phrase weighs the same in a long sentence as in a short one.
    One dictionary pass and a few whole-array operations, instead of small array work per sentence.
    """
    get = vocabulary.get
    columns: list[int] = []
    lengths: list[int] = []
    lexicon_columns: list[int] = []
    lexicon_lengths: list[int] = []
    for item in items:
        n_words = len(item.features) - len(item.lexicon_labels)
        known = [column for column in map(get, item.features[:n_words]) if column is not None]
        columns += known
        lengths.append(len(known))
        hits = {vocabulary["l:" + label] for label in item.lexicon_labels}
        lexicon_columns += sorted(hits)
        lexicon_lengths.append(len(hits))
    n_rows, n_columns = len(lengths), len(idf)
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
    keys, counts = np.unique(rows * n_columns + np.asarray(columns, dtype=np.int64), return_counts=True)
    key_rows = keys // n_columns
    values = (np.log(counts) + 1.0) * idf[keys % n_columns]
    norms = np.sqrt(np.bincount(key_rows, weights=values * values, minlength=n_rows))
    if len(values):
        values /= norms[key_rows]
    lexicon_rows = np.repeat(np.arange(n_rows, dtype=np.int64), lexicon_lengths)
    all_keys = np.concatenate([keys, lexicon_rows * n_columns + np.asarray(lexicon_columns, dtype=np.int64)])
    all_values = np.concatenate([values, np.full(len(lexicon_columns), LEXICON_VALUE)])
    order = np.argsort(all_keys, kind="stable")
    all_keys, all_values = all_keys[order], all_values[order]
    all_rows, all_columns = np.divmod(all_keys, n_columns)
    indptr = np.searchsorted(all_rows, np.arange(n_rows + 1, dtype=np.int64))
    return Matrix(indptr, all_columns, all_values)
