"""Stage 2 at scoring time: sentences straight to model columns, without building feature strings.

:func:`provenance.features.extract` is the definition (training uses it, and a property test holds
this module to it feature for feature). Here the same features are found as integers: each distinct
token is described once (normalised form, shape, prefix and word class, as columns and word ids) and
cached, and n-grams become integer keys looked up in sorted arrays made from the vocabulary once per
model. A chunk of sentences thus costs a few C-level passes and whole-array operations rather than a
Python loop per feature; the words behind a feature are found only for the features a cue shows.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import Final, NamedTuple

import numpy as np

from provenance import speedups
from provenance.attribution import SOURCE_KINDS, default_lexicon
from provenance.cues import CueMatch
from provenance.features import (
    _OPENERS,
    _STEM_LEN,
    _TOKEN,
    CLASS_WINDOW,
    FRAME_VALUE,
    LEXICON_VALUE,
    Matrix,
    _normalise,
    tfidf_matrix,
)
from provenance.modelfile import Model

# Columns of a token description (one row of ``_TokenTable``).
LOW, UNIGRAM, PREFIX, SHAPE, FIRST_SHAPE, STREAM, KIND, CLASS, WORDY = range(9)
_WIDTH: Final = 9
#: Distinct tokens remembered per model before the cache starts afresh (about 8 MB of descriptions).
MAX_CACHED_TOKENS: Final = 1 << 17
_PLACEHOLDERS: Final = ("C", "A")
_LABEL: Final = itemgetter(0)  # of a CueMatch
# Word-feature families: the vocabulary prefix, how many words, and which token column feeds them.
BIGRAM, SHAPE2, SHAPE3, CLASS2 = "b2", "s2", "s3", "k2"
_FAMILY_OF: Final = {("w:", 0): ("w", 1), ("p:", 0): ("p", 1), ("b:", 1): (BIGRAM, 2), ("s:", 1): (SHAPE2, 2),
                     ("s:", 2): (SHAPE3, 3), ("k:", 0): ("k", 1), ("k:", 1): (CLASS2, 2)}
_NGRAM_FAMILIES: Final = (BIGRAM, SHAPE2, SHAPE3, CLASS2)
_HEAD: Final = itemgetter(0)
_BODY: Final = itemgetter(slice(2, None))


class _Keys(NamedTuple):
    """Sorted integer keys of one n-gram family and the column of each."""

    keys: np.ndarray
    columns: np.ndarray

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Column of each key, -1 where the n-gram is not in the vocabulary."""
        if not len(self.keys):
            return np.full(len(keys), -1, dtype=np.int64)
        where = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[where] == keys, self.columns[where], -1)


class ColumnTables:
    """Everything the scoring featuriser needs from one model, built once per model and process."""

    def __init__(self, model: Model, classes: Mapping[str, str]) -> None:
        self.vocabulary = model.vocabulary
        self.idf = model.idf
        self.classes = classes
        self.class_names = sorted(set(classes.values()))
        self._class_index = {name: i for i, name in enumerate(self.class_names)}
        self.words, self.ngrams = _ngram_keys(self.vocabulary, [*_PLACEHOLDERS, *self.class_names])
        self.base = len(self.words) + 1  # word ids run 0..len-1; len(words) is "unknown"
        self._tokens = _TokenTable(self._describe)
        self._cue_ok = np.full(len(self.vocabulary), -1, dtype=np.int8)
        self._family_of: dict[int, tuple[str, int]] = {}
        self._hash_tables: list[np.ndarray] | None = None
        get = self.vocabulary.get
        self.class_pair_columns = np.array(
            [[get(f"f:{a}~{b}", -1) for b in self.class_names] for a in self.class_names], dtype=np.int64
        ).reshape(len(self.class_names), len(self.class_names))

    @cached_property
    def names(self) -> list[str]:
        """Feature strings by column (only the features a cue shows are ever looked up)."""
        names = np.array(list(self.vocabulary), dtype=object)
        ordered: list[str] = names[np.argsort(np.fromiter(self.vocabulary.values(), np.int64))].tolist()
        return ordered

    def ngram_hash_tables(self, native: speedups.Native) -> list[np.ndarray]:
        """Each n-gram family's keys and columns as the compiled pass's hash table (built on first need)."""
        if self._hash_tables is None:
            self._hash_tables = [
                array for family in _NGRAM_FAMILIES
                for array in native.hash_table(*(np.ascontiguousarray(a, np.int64) for a in self.ngrams[family]))
            ]
        return self._hash_tables

    @cached_property
    def frame_kinds(self) -> np.ndarray:
        """For every column, the index in ``SOURCE_KINDS`` of the source kind its ``f:k=KIND...`` frame
        feature names, else -1: how cue selection weighs a frame (built on first need)."""
        index: dict[str, int] = {kind: n for n, kind in enumerate(SOURCE_KINDS)}
        kinds = np.full(len(self.vocabulary), -1, dtype=np.int64)
        for name, column in self.vocabulary.items():
            if name.startswith("f:k="):
                kinds[column] = index.get(name[4:].split("&", 1)[0], -1)
        return kinds

    def describe(self, tokens: list[str]) -> np.ndarray:
        """(len(tokens), 9) descriptions: see the column names at the top of this module."""
        return self._tokens.rows(tokens)

    def describe_sentences(self, native: speedups.Native, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`describe` of every token of ``sentences`` found by the compiled pass, and where each
        sentence's tokens start."""
        return self._tokens.sentence_rows(native, sentences if isinstance(sentences, list) else list(sentences))

    def _describe(self, token: str) -> tuple[int, ...]:
        """One token as :func:`provenance.features.extract` reads it, in columns and word ids."""
        unknown = self.base - 1
        low = token.lower() if token[0].isalpha() else _normalise(token)
        low_id = self.words.get(low, unknown)
        shape = first_shape = low_id
        if token[0].isupper():
            acronym = len(token) > 1 and token.isupper() and token.isalpha()
            shape = self.words["A" if acronym else "C"]
            first_shape = low_id if not acronym and low in _OPENERS else shape
        kind = self.classes.get(low)
        get = self.vocabulary.get
        return (
            low_id,
            get("w:" + low, -1),
            get("p:" + low[:_STEM_LEN], -1) if len(low) > _STEM_LEN + 1 else -1,
            shape,
            first_shape,
            low_id if kind is None else self.words[kind],
            -1 if kind is None else self._class_index[kind],
            -1 if kind is None else get("k:" + kind, -1),
            any(character.isalnum() for character in low),  # a word, not punctuation: may edge a cue
        )

    def family(self, column: int) -> tuple[str, int]:
        """The word-feature family of ``column`` and how many tokens its features span."""
        found = self._family_of.get(column)
        if found is None:
            name = self.names[column]
            found = self._family_of[column] = _FAMILY_OF[(name[:2], name.count(" "))]
        return found

    @property
    def cue_verdicts(self) -> np.ndarray:
        """Per column, whether its words may be shown as a cue: 1, 0, or -1 while not judged yet (the
        compiled cue ranking fills it in as :meth:`cue_columns` does)."""
        return self._cue_ok

    def cue_columns(self, columns: np.ndarray, can_cue: Callable[[str], bool]) -> np.ndarray:
        """Whether each column's words may be shown as a cue, judged once per column on first need
        (judging the whole vocabulary up front cost the first score 20 ms)."""
        flags = self._cue_ok[columns]
        # sorted(set()), not np.unique: numpy 2's unique imports numpy.ma (25 ms of every cold start).
        for column in sorted(set(columns[flags < 0].tolist())):
            self._cue_ok[column] = can_cue(self.names[column])
        return np.asarray(self._cue_ok[columns] > 0)


def _ngram_keys(vocabulary: Mapping[str, int], reserved: list[str]) -> tuple[dict[str, int], dict[str, _Keys]]:
    """Word ids for every word of an n-gram feature, and each family's sorted keys.

    C-level maps and whole-array operations only, no Python loop per feature: this is built during
    the first score of a process (about 25 ms for 22,000 n-grams).
    """
    names = list(compress(vocabulary, map(str.__contains__, vocabulary, repeat(" "))))
    heads = np.fromiter(map(ord, map(_HEAD, names)), np.int64, len(names))
    spaces = np.fromiter(map(str.count, names, repeat(" ")), np.int64, len(names))
    flat = " ".join(map(_BODY, names)).split(" ")
    unique = dict.fromkeys([*reserved, *flat])
    words = dict(zip(unique, range(len(unique))))
    base = len(words) + 1
    if base ** 3 * len(_NGRAM_FAMILIES) >= 2**63:
        raise ValueError(f"{len(words):,} distinct n-gram words are too many for 64-bit n-gram keys")
    ids = np.fromiter(map(words.__getitem__, flat), np.int64, len(flat))
    columns = np.fromiter(map(vocabulary.__getitem__, names), np.int64, len(names))
    first_word = np.cumsum(spaces + 1) - (spaces + 1)
    tables = {}
    for (head, n_spaces), (family, width) in _FAMILY_OF.items():
        if n_spaces == 0:
            continue
        members = (heads == ord(head[0])) & (spaces == n_spaces)
        keys = ids[first_word[members]]
        for k in range(1, width):
            keys = keys * base + ids[first_word[members] + k]
        order = np.argsort(keys)
        tables[family] = _Keys(keys[order], columns[members][order])
    return words, tables


class _TokenTable:
    """Token string -> its description row, computed once per distinct token; safe across threads.

    Holds at most about :data:`MAX_CACHED_TOKENS` tokens: past that it starts afresh, keeping the
    tokens of the chunk at hand. The compiled path finds rows from the sentences' characters with its
    own index (``_speedups.TokenIndex``) and rows; the descriptions are the same.
    """

    def __init__(self, describe: Callable[[str], tuple[int, ...]]) -> None:
        self._describe = describe
        self._lock = threading.Lock()
        self._index: dict[str, int] = {}
        self._rows = np.empty((1024, _WIDTH), dtype=np.int64)
        self._compiled: speedups.TokenIndex | None = None
        self._compiled_rows = np.empty((1024, _WIDTH), dtype=np.int64)

    def rows(self, tokens: list[str]) -> np.ndarray:
        with self._lock:
            index = self._index
            try:
                where = np.fromiter(map(index.__getitem__, tokens), np.int64, len(tokens))
            except KeyError:
                self._add(tokens)
                index = self._index
                where = np.fromiter(map(index.__getitem__, tokens), np.int64, len(tokens))
            return self._rows[where]

    def sentence_rows(self, native: speedups.Native, sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(the description of every token of ``sentences`` in order, where each sentence's tokens start)."""
        with self._lock:
            if self._compiled is None:
                self._compiled = native.TokenIndex()
            where, first_token, first_new = self._compiled.locate(sentences, MAX_CACHED_TOKENS)
            new = self._compiled.tokens_from(first_new)
            if new:
                self._compiled_rows = self._described(self._compiled_rows, first_new, new)
            return self._compiled_rows[where], first_token

    def _add(self, tokens: list[str]) -> None:
        new = set(tokens).difference(self._index)
        if len(self._index) + len(new) > MAX_CACHED_TOKENS:  # afresh, with every token of this chunk
            self._index, new = {}, set(tokens)
        start = len(self._index)
        ordered = list(new)
        self._rows = self._described(self._rows, start, ordered)
        self._index.update(zip(ordered, range(start, start + len(ordered))))

    def _described(self, rows: np.ndarray, start: int, tokens: list[str]) -> np.ndarray:
        """``rows`` (grown when needed) with the descriptions of ``tokens`` from row ``start`` on."""
        end = start + len(tokens)
        if end > len(rows):
            grown = np.empty((max(end, 2 * len(rows)), _WIDTH), dtype=np.int64)
            grown[:start] = rows[:start]
            rows = grown
        rows[start:end] = np.array([self._describe(token) for token in tokens], dtype=np.int64)
        return rows


_TABLES: weakref.WeakKeyDictionary[Model, ColumnTables] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def tables_for(model: Model) -> ColumnTables:
    """The model's tables, built on first use and kept as long as the model lives."""
    with _TABLES_LOCK:
        tables = _TABLES.get(model)
        if tables is None:
            tables = _TABLES[model] = ColumnTables(model, default_lexicon().word_classes)
        return tables


class Tokens(NamedTuple):
    """A chunk of sentences as tokens (as ``features._TOKEN`` finds them), each described (see
    :meth:`ColumnTables.describe`)."""

    sentences: Sequence[str]
    first_token: np.ndarray  # (n_sentences + 1,): where each sentence's tokens start in the chunk
    rows: np.ndarray  # per chunk token: its sentence
    described: np.ndarray


class Entries(NamedTuple):
    """Every known feature of a chunk as matrix entries, before weighting."""

    structural: tuple[np.ndarray, np.ndarray, np.ndarray]  # (row, column, value), distinct per row
    families: dict[str, np.ndarray]  # family -> column of the n-gram starting at each chunk token, or -1


class Featured(NamedTuple):
    """A chunk of sentences as a feature matrix, plus what it takes to point back at the words."""

    matrix: Matrix
    sentences: Sequence[str]
    first_token: np.ndarray
    wordy: np.ndarray  # per chunk token: whether it has a letter or digit once normalised
    families: dict[str, np.ndarray]
    hits: Sequence[Sequence[CueMatch]]


def featurise_columns(
    sentences: Sequence[str], hits: Sequence[Sequence[CueMatch]], frame_features: Sequence[Sequence[str]], tables: ColumnTables
) -> Featured:
    """The feature matrix of a chunk of sentences, equal to ``vectorize(featurise(...))``."""
    tokens = tokenise(sentences, tables)
    entries = look_up(tokens, hits, frame_features, tables)
    return weigh(tokens, entries, hits, tables)


def tokenise(sentences: Sequence[str], tables: ColumnTables) -> Tokens:
    """Tokens of every sentence (one C-level regex pass each) and their cached descriptions."""
    native = speedups.native()
    if native is not None:  # tokens found and looked up from the characters: no string per token
        described, first_token = tables.describe_sentences(native, sentences)
    else:
        tokens = [_TOKEN.findall(sentence) for sentence in sentences]
        lengths = np.fromiter(map(len, tokens), np.int64, len(tokens))
        first_token = np.concatenate([[0], np.cumsum(lengths)])
        described = tables.describe(list(chain.from_iterable(tokens)))
    rows = np.repeat(np.arange(len(sentences), dtype=np.int64), np.diff(first_token))
    return Tokens(sentences, first_token, rows, described)


def look_up(
    tokens: Tokens, hits: Sequence[Sequence[CueMatch]], frame_features: Sequence[Sequence[str]], tables: ColumnTables
) -> Entries:
    """The vocabulary columns of every word, lexicon, frame and class-pair feature of the chunk."""
    families = _families(tokens.described, tokens.rows, tokens.first_token, tables)
    structural = _structural(hits, frame_features, tokens.described, tokens.rows, tables)
    return Entries(structural, families)


def weigh(tokens: Tokens, entries: Entries, hits: Sequence[Sequence[CueMatch]], tables: ColumnTables) -> Featured:
    """TF-IDF weights (and the structural values) as a matrix, with what cue spans need."""
    native = speedups.native()
    if native is not None:  # one compiled pass per row instead of a sort over the chunk; the same bits
        matrix = Matrix(*native.tfidf_rows(list(entries.families.values()), tokens.first_token, *entries.structural,
                                           tables.idf))
    else:
        words = _word_entries(entries.families, tokens.rows)
        matrix = tfidf_matrix(len(tokens.sentences), words, entries.structural, tables.idf)
    wordy = tokens.described[:, WORDY]
    return Featured(matrix, tokens.sentences, tokens.first_token, wordy, entries.families, hits)


def _families(
    described: np.ndarray, rows: np.ndarray, first_token: np.ndarray, tables: ColumnTables
) -> dict[str, np.ndarray]:
    """Column of every word feature, by family, at the chunk position of its first token (-1: none)."""
    native = speedups.native()
    if native is not None:  # one compiled pass over the tokens, binary searches instead of array passes
        int64 = np.int64
        bigram, shape2, triples, class2 = native.ngram_columns(
            np.ascontiguousarray(described, int64), np.ascontiguousarray(rows, int64),
            np.ascontiguousarray(first_token, int64), tables.words["C"], tables.words["A"], tables.base,
            *tables.ngram_hash_tables(native),
        )
        return {"w": described[:, UNIGRAM], "p": described[:, PREFIX], BIGRAM: bigram, SHAPE2: shape2,
                SHAPE3: triples, "k": described[:, CLASS], CLASS2: class2}
    n = len(described)
    shape = described[:, SHAPE].copy()
    starts = first_token[:-1][first_token[:-1] < first_token[1:]]
    shape[starts] = described[starts, FIRST_SHAPE]
    named = (shape == tables.words["C"]) | (shape == tables.words["A"])
    typed = described[:, KIND] >= 0
    low, stream, base = described[:, LOW], described[:, STREAM], tables.base
    same2 = rows[:-1] == rows[1:]
    same3 = rows[:-2] == rows[2:] if n > 2 else np.zeros(0, dtype=bool)
    bigram, shape2, class2 = (np.full(max(n - 1, 0), -1, dtype=np.int64) for _ in range(3))
    triples = np.full(max(n - 2, 0), -1, dtype=np.int64)
    bigram[same2] = tables.ngrams[BIGRAM].lookup(low[:-1][same2] * base + low[1:][same2])
    wanted = same2 & (named[:-1] | named[1:])
    shape2[wanted] = tables.ngrams[SHAPE2].lookup(shape[:-1][wanted] * base + shape[1:][wanted])
    wanted3 = same3 & (named[:-2] | named[1:-1] | named[2:])
    keys3 = (shape[:-2][wanted3] * base + shape[1:-1][wanted3]) * base + shape[2:][wanted3]
    triples[wanted3] = tables.ngrams[SHAPE3].lookup(keys3)
    typed2 = same2 & (typed[:-1] | typed[1:])
    class2[typed2] = tables.ngrams[CLASS2].lookup(stream[:-1][typed2] * base + stream[1:][typed2])
    return {"w": described[:, UNIGRAM], "p": described[:, PREFIX], BIGRAM: bigram, SHAPE2: shape2,
            SHAPE3: triples, "k": described[:, CLASS], CLASS2: class2}


def _word_entries(families: dict[str, np.ndarray], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every known word feature occurrence in the chunk."""
    all_rows, all_columns = [], []
    for columns in families.values():
        known = columns >= 0
        all_rows.append(rows[: len(columns)][known])
        all_columns.append(columns[known])
    return np.concatenate(all_rows), np.concatenate(all_columns)


def _structural(
    hits: Sequence[Sequence[CueMatch]],
    frame_features: Sequence[Sequence[str]],
    described: np.ndarray,
    rows: np.ndarray,
    tables: ColumnTables,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of each sentence's distinct lexicon, frame and class-pair features."""
    native = speedups.native()
    if native is not None:  # one compiled pass and a dict instead of arrays and a sort per feature kind
        return native.structural_entries(
            hits, frame_features, described[:, KIND], np.ascontiguousarray(rows, np.int64), tables.vocabulary,
            np.ascontiguousarray(tables.class_pair_columns, np.int64), len(tables.idf), LEXICON_VALUE, FRAME_VALUE,
            CLASS_WINDOW,
        )
    n = len(hits)
    get = tables.vocabulary.get
    lexicon_rows = np.repeat(np.arange(n, dtype=np.int64), np.fromiter(map(len, hits), np.int64, n))
    lexicon_columns = np.fromiter(
        map(get, map("l:".__add__, map(_LABEL, chain.from_iterable(hits))), repeat(-1)), np.int64, len(lexicon_rows)
    )
    frame_rows = np.repeat(np.arange(n, dtype=np.int64), np.fromiter(map(len, frame_features), np.int64, n))
    frame_columns = np.fromiter(
        map(get, chain.from_iterable(frame_features), repeat(-1)), np.int64, len(frame_rows)
    )
    near_rows, near_columns = _class_pairs_of(described[:, KIND], rows, tables.class_pair_columns)
    all_rows = np.concatenate([lexicon_rows, frame_rows, near_rows])
    all_columns = np.concatenate([lexicon_columns, frame_columns, near_columns])
    values = np.concatenate([np.full(len(lexicon_rows), LEXICON_VALUE), np.full(len(all_rows) - len(lexicon_rows), FRAME_VALUE)])
    known = all_columns >= 0
    n_columns = len(tables.idf)
    keys, first = np.unique(all_rows[known] * n_columns + all_columns[known], return_index=True)
    return keys // n_columns, keys % n_columns, values[known][first]


def _class_pairs_of(kinds: np.ndarray, rows: np.ndarray, pair_columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every ``f:A~B`` feature, as ``features._class_pairs`` finds them: a word of
    class A followed within :data:`CLASS_WINDOW` tokens of the same sentence by one of class B."""
    typed = np.flatnonzero(kinds >= 0)
    typed_rows, typed_kinds = rows[typed], kinds[typed]
    found_rows, found_columns = [], []
    for offset in range(1, CLASS_WINDOW + 1):  # typed positions differ by at least their offset
        near = (typed[offset:] - typed[:-offset] <= CLASS_WINDOW) & (typed_rows[offset:] == typed_rows[:-offset])
        near &= typed_kinds[offset:] != typed_kinds[:-offset]
        found_rows.append(typed_rows[:-offset][near])
        found_columns.append(pair_columns[typed_kinds[:-offset][near], typed_kinds[offset:][near]])
    return np.concatenate(found_rows), np.concatenate(found_columns)
