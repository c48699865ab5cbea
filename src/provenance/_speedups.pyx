# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Compiled versions of the featuriser's per-character and per-token loops.

Each function here equals a pure-Python reference elsewhere in the package, which stays the
definition (``tests/test_speedups.py`` holds them equal on random and real text); ``provenance.speedups``
decides which one runs. Characters are classified with the same C-API predicates that CPython's
``re`` module uses for ``\\w`` and ``\\s`` on ``str`` patterns, so token boundaries agree exactly,
lone surrogates and all.
"""

from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISLOWER, Py_UNICODE_ISSPACE

from libc.math cimport sqrt
from libc.stdint cimport int64_t, uint64_t

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    static inline int provenance_lowest_bit(unsigned long long bits) { return __builtin_ctzll(bits); }
    #else
    static inline int provenance_lowest_bit(unsigned long long bits) {
        int n = 0;
        while (!(bits & 1)) { bits >>= 1; n++; }
        return n;
    }
    #endif
    """
    int _lowest_bit "provenance_lowest_bit"(uint64_t bits) noexcept nogil

import numpy as np

from provenance._chars cimport PyUnicode_DATA, PyUnicode_KIND, _ascii_lower, _at, _feature_mark, _word, _word_end
from provenance._strings cimport StringSlots, _slot_of, _slots_close, _slots_fill, _slots_open, _string_hash
from provenance._tuples cimport provenance_named, provenance_settle


def attribution_tokens(str sentence, object tok_type):
    """``attribution._TOKEN.finditer`` as (tokens, starts): each token a ``tok_type`` of
    (text, start, end, text.lower()), with the list of starts. ``tuple`` as ``tok_type`` gives plain
    tuples, which come from the interpreter's free list (the compiled frame reader's own tokens)."""
    cdef Py_ssize_t n = len(sentence), i = 0, end
    cdef bint plain = tok_type is tuple
    cdef list tokens = [], starts = []
    cdef str text, low
    cdef Py_UCS4 c
    cdef int kind = PyUnicode_KIND(sentence)
    cdef const void* data = PyUnicode_DATA(sentence)
    while i < n:
        c = _at(kind, data, i)
        if _word(c):
            end = _word_end(kind, data, i, n, True)
        elif Py_UNICODE_ISSPACE(c):
            i += 1
            continue
        else:
            end = i + 1
        text = sentence[i:end]
        start = i
        starts.append(start)
        low = text if _ascii_lower(kind, data, i, end) else text.lower()  # lower already: no copy
        if plain:
            tokens.append(provenance_settle((text, start, end, low)))
        else:
            tokens.append(provenance_named(tok_type, (text, start, end, low)))
        i = end
    return tokens, starts


def lexicon_hits(tuple labels, list spans, list sentences, object hit_type):
    """``cues.Lexicon.find_many``'s loop: each label's match spans in the joined sentences, as a
    ``hit_type`` (label, start, end) in the sentence it falls in, a tuple per sentence; empty matches
    and matches running past their sentence's end are refused."""
    cdef list found = [None] * len(sentences)  # a sentence's list made at its first hit
    cdef list starts = [0] * len(sentences)  # where each sentence starts in the joined text
    cdef Py_ssize_t i, start, end, low, high, middle, n = len(sentences), at = 0
    for i in range(1, n):
        at += len(<str>sentences[i - 1]) + 1
        starts[i] = at
    for label, label_spans in zip(labels, spans):
        for start, end in <list>label_spans:
            low, high = 0, n  # bisect_right(starts, start) - 1
            while low < high:
                middle = (low + high) >> 1
                if start < <Py_ssize_t>starts[middle]:
                    high = middle
                else:
                    low = middle + 1
            i = low - 1
            if start < end <= <Py_ssize_t>starts[i] + len(<str>sentences[i]):
                if found[i] is None:
                    found[i] = []
                (<list>found[i]).append(provenance_named(hit_type, (label, start - <Py_ssize_t>starts[i],
                                                                    end - <Py_ssize_t>starts[i])))
    return [provenance_settle(tuple(hits)) if hits is not None else () for hits in found]


cdef inline Py_ssize_t _feature_token_end(int kind, const void* data, Py_ssize_t i, Py_ssize_t n) noexcept:
    """End of the ``features._TOKEN`` token starting at ``i``, or -1 where none starts there."""
    cdef Py_UCS4 c = _at(kind, data, i)
    if _word(c):
        return _word_end(kind, data, i, n, False)
    if _feature_mark(c):
        return i + 1
    return -1


def cue_span(const int64_t[:] columns, Py_ssize_t first, Py_ssize_t stop, Py_ssize_t width, int64_t column,
             const int64_t[:] wordy, str sentence):
    """``classify._Spans.of`` past the family lookup: the first token of the sentence (chunk tokens
    ``first:stop``) where ``column``'s feature starts, its ``width`` tokens less the ones without a
    letter or digit at either edge, as a character span of ``sentence`` (None when no word is left)."""
    cdef Py_ssize_t t, start = -1, left = 0, right = width - 1
    for t in range(first, min(stop - width + 1, columns.shape[0])):
        if columns[t] == column:
            start = t
            break
    if start < 0:
        raise ValueError(f"column {column} is not in the sentence")
    while left <= right and not wordy[start + left]:
        left += 1
    while right >= left and not wordy[start + right]:
        right -= 1
    if left > right:
        return None
    return feature_token_span(sentence, start + left - first, start + right - first)


def feature_token_span(str sentence, Py_ssize_t first, Py_ssize_t last):
    """(start of token ``first``, end of token ``last``) of ``features._TOKEN.finditer(sentence)``."""
    cdef Py_ssize_t n = len(sentence), i = 0, end, index = 0, start = -1
    cdef int kind = PyUnicode_KIND(sentence)
    cdef const void* data = PyUnicode_DATA(sentence)
    while i < n:
        end = _feature_token_end(kind, data, i, n)
        if end < 0:
            i += 1
            continue
        if index == first:
            start = i
        if index == last:
            return start, end
        index += 1
        i = end
    raise IndexError(f"the sentence has {index} tokens, not {last + 1}")


cdef class TokenIndex:
    """Distinct feature tokens -> their row in a table of descriptions, found straight from each
    sentence's characters: a token already seen costs a hash of its characters and one comparison, no
    string. The compiled counterpart of ``columns._TokenTable``'s index (the table itself, and the
    descriptions in it, stay in Python)."""

    cdef StringSlots slots
    cdef list texts  # row -> the token

    def __cinit__(self):
        self.texts = []
        _slots_open(&self.slots, 1 << 12)

    def __dealloc__(self):
        _slots_close(&self.slots)

    def __len__(self):
        return len(self.texts)

    def locate(self, list sentences, Py_ssize_t max_tokens):
        """``(where, first_token, first_new)`` for the ``features._TOKEN`` tokens of ``sentences``: each
        token's row, where each sentence's tokens start, and the first row added by this call (the
        tokens from there on, :meth:`tokens_from`, need describing). An index holding more than
        ``max_tokens`` tokens starts afresh first (then ``first_new`` is 0: every row is rewritten)."""
        if len(self.texts) > max_tokens:
            self.texts = []
            _slots_open(&self.slots, 1 << 12)
        cdef Py_ssize_t first_new = len(self.texts), total = 0, i, n, end, count = 0, s
        cdef str sentence
        for sentence in sentences:
            total += len(sentence)
        where_array = np.empty(total, dtype=np.int64)  # a sentence has fewer tokens than characters
        first_array = np.empty(len(sentences) + 1, dtype=np.int64)
        cdef int64_t[::1] where = where_array, first = first_array
        cdef int kind
        cdef const void* data
        for s in range(len(sentences)):
            sentence = sentences[s]
            kind, data = PyUnicode_KIND(sentence), PyUnicode_DATA(sentence)
            first[s] = count
            n = len(sentence)
            i = 0
            while i < n:
                end = _feature_token_end(kind, data, i, n)
                if end < 0:
                    i += 1
                    continue
                where[count] = self._row(sentence, kind, data, i, end)
                count += 1
                i = end
        first[len(sentences)] = count
        return where_array[:count], first_array, first_new

    def tokens_from(self, Py_ssize_t row):
        """The tokens of rows ``row`` onwards, in row order."""
        return self.texts[row:]

    cdef Py_ssize_t _row(self, str sentence, int kind, const void* data, Py_ssize_t start, Py_ssize_t end) except -1:
        """The row of ``sentence[start:end]`` (read through ``kind`` and ``data``), added as a new row when
        not seen before."""
        cdef uint64_t code = _string_hash(kind, data, start, end)
        cdef Py_ssize_t slot = _slot_of(&self.slots, self.texts, code, kind, data, start, end)
        if self.slots.hashes[slot] != 0:
            return self.slots.rows[slot]
        self.texts.append(sentence[start:end])
        _slots_fill(&self.slots, slot, code, len(self.texts) - 1, len(self.texts))
        return len(self.texts) - 1


cdef inline int64_t _lookup(const int64_t[::1] keys, const int64_t[::1] columns, int64_t key) noexcept:
    """Column of ``key`` in sorted ``keys`` (its leftmost occurrence), -1 when absent."""
    cdef Py_ssize_t low = 0, high = keys.shape[0], middle
    while low < high:
        middle = (low + high) >> 1
        if keys[middle] < key:
            low = middle + 1
        else:
            high = middle
    if low < keys.shape[0] and keys[low] == key:
        return columns[low]
    return -1


cdef inline Py_ssize_t _home(int64_t key, Py_ssize_t mask) noexcept:
    """A key's first slot: Fibonacci hashing, the high half folded onto the low."""
    cdef uint64_t hashed = <uint64_t>key * <uint64_t>0x9E3779B97F4A7C15
    return <Py_ssize_t>((hashed ^ (hashed >> 32)) & <uint64_t>mask)


def hash_table(const int64_t[::1] keys, const int64_t[::1] columns):
    """An open-addressing table (slot keys, slot columns; -1: empty) of sorted ``keys`` and their
    ``columns``, at most half full. A repeated key keeps its leftmost column, as ``_lookup`` finds it."""
    cdef Py_ssize_t n = keys.shape[0], size = 16, i, slot, mask
    while size < 2 * n:
        size <<= 1
    mask = size - 1
    slot_keys_array = np.full(size, -1, dtype=np.int64)
    slot_columns_array = np.full(size, -1, dtype=np.int64)
    cdef int64_t[::1] slot_keys = slot_keys_array, slot_columns = slot_columns_array
    for i in range(n):
        slot = _home(keys[i], mask)
        while slot_keys[slot] != -1 and slot_keys[slot] != keys[i]:
            slot = (slot + 1) & mask
        if slot_keys[slot] == -1:
            slot_keys[slot], slot_columns[slot] = keys[i], columns[i]
    return slot_keys_array, slot_columns_array


cdef inline int64_t _probe(const int64_t[::1] slot_keys, const int64_t[::1] slot_columns, int64_t key) noexcept:
    """Column of ``key`` in a ``hash_table``, -1 when absent (the same answer as ``_lookup``)."""
    cdef Py_ssize_t mask = slot_keys.shape[0] - 1, slot = _home(key, mask)
    while slot_keys[slot] != -1:
        if slot_keys[slot] == key:
            return slot_columns[slot]
        slot = (slot + 1) & mask
    return -1


def ngram_columns(
    const int64_t[:, ::1] described, const int64_t[::1] rows, const int64_t[::1] first_token,
    int64_t capital, int64_t acronym, int64_t base,
    const int64_t[::1] bigram_keys, const int64_t[::1] bigram_columns,
    const int64_t[::1] shape2_keys, const int64_t[::1] shape2_columns,
    const int64_t[::1] shape3_keys, const int64_t[::1] shape3_columns,
    const int64_t[::1] class2_keys, const int64_t[::1] class2_columns,
):
    """Columns of the bigram, shape-bigram, shape-trigram and class-bigram at each chunk token
    (-1: none), as ``columns._families`` finds them; ``described`` columns as in ``columns``. Each
    family's (keys, columns) is its ``hash_table`` (one probe, where a binary search over the sorted
    keys missed the cache at every step)."""
    cdef Py_ssize_t n = described.shape[0], t, s
    cdef Py_ssize_t n2 = n - 1 if n > 1 else 0
    cdef Py_ssize_t n3 = n - 2 if n > 2 else 0
    shape_array = np.empty(n, dtype=np.int64)
    bigram_array = np.full(n2, -1, dtype=np.int64)
    shape2_array = np.full(n2, -1, dtype=np.int64)
    class2_array = np.full(n2, -1, dtype=np.int64)
    triple_array = np.full(n3, -1, dtype=np.int64)
    cdef int64_t[::1] shape = shape_array, bigram = bigram_array, shape2 = shape2_array
    cdef int64_t[::1] class2 = class2_array, triple = triple_array
    # Columns of a description row (see provenance.columns): LOW 0, SHAPE 3, FIRST_SHAPE 4, STREAM 5, KIND 6.
    for t in range(n):
        shape[t] = described[t, 3]
    for s in range(first_token.shape[0] - 1):
        if first_token[s] < first_token[s + 1]:
            shape[first_token[s]] = described[first_token[s], 4]
    for t in range(n2):
        if rows[t] != rows[t + 1]:
            continue
        bigram[t] = _probe(bigram_keys, bigram_columns, described[t, 0] * base + described[t + 1, 0])
        if _named(shape[t], capital, acronym) or _named(shape[t + 1], capital, acronym):
            shape2[t] = _probe(shape2_keys, shape2_columns, shape[t] * base + shape[t + 1])
        if described[t, 6] >= 0 or described[t + 1, 6] >= 0:
            class2[t] = _probe(class2_keys, class2_columns, described[t, 5] * base + described[t + 1, 5])
    for t in range(n3):
        if rows[t] != rows[t + 2]:
            continue
        if _named(shape[t], capital, acronym) or _named(shape[t + 1], capital, acronym) or _named(shape[t + 2], capital, acronym):
            triple[t] = _probe(shape3_keys, shape3_columns, (shape[t] * base + shape[t + 1]) * base + shape[t + 2])
    return bigram_array, shape2_array, triple_array, class2_array


cdef inline bint _named(int64_t shape, int64_t capital, int64_t acronym) noexcept:
    return shape == capital or shape == acronym


# --- segmentation: the scans of segment._LINE_BREAKS and segment._TERMINAL ----------------------------


cdef inline bint _line_break(Py_UCS4 c) noexcept:
    return c in u"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


cdef inline bint _latin_mark(Py_UCS4 c) noexcept:
    return c in u".!?\u2026\u203c\u2047\u2048\u2049"


cdef inline bint _cjk_mark(Py_UCS4 c) noexcept:
    return c in u"\u3002\uff01\uff1f\uff61"


cdef inline bint _cjk_closer(Py_UCS4 c) noexcept:
    return c in u"\u300d\u300f\u201d\u2019)\uff09"


cdef inline bint _latin_closer(Py_UCS4 c) noexcept:
    return c in u"\"'\u201d\u2019\u00bb\u203a)]"


cdef inline bint _word_or_dot(Py_UCS4 c) noexcept:
    """``[\\w.]`` of a ``str`` pattern."""
    return c == u'.' or _word(c)


cdef bint _ends_sentence(str text, Py_ssize_t mark, Py_ssize_t cut, Py_ssize_t block_end, tuple words) except -1:
    """``segment._ends_sentence``; ``words`` is (never break, titles, ambiguous, openers)."""
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = len(text), limit = min(block_end, cut + 40), k = cut, end, start, m
    cdef Py_UCS4 first
    while k < limit and Py_UNICODE_ISSPACE(_at(kind, data, k)):  # following = text[cut:limit].lstrip()
        k += 1
    if k >= limit:
        return True
    first = _at(kind, data, k)
    if Py_UNICODE_ISLOWER(first) or first == u',' or first == u';' or first == u':':
        return False
    if _at(kind, data, mark) != u'.' or (mark + 1 < n and _at(kind, data, mark + 1) == u'.'):
        return True
    # _WORD_BEFORE.search(text, max(0, mark - 12), mark): "[\w.]{1,12}$", where "$" also matches
    # before a newline that ends the searched stretch; the leftmost start wins.
    end = mark - 1 if mark > 0 and _at(kind, data, mark - 1) == u'\n' else mark
    start = end
    while start > max(0, mark - 12) and _word_or_dot(_at(kind, data, start - 1)):
        start -= 1
    if start == end:
        return True
    word = text[start:end].lower()
    if word in <frozenset>words[0]:
        return False
    m = k  # _WORD_AFTER.match(following): "\w{1,12}"
    while m < limit and m - k < 12 and _word(_at(kind, data, m)):
        m += 1
    next_is_opener = m > k and text[k:m].lower() in <frozenset>words[3]
    if word in <frozenset>words[1]:
        return False
    if len(word) == 1 and word.isalpha():
        return next_is_opener and Py_UNICODE_ISLOWER(_at(kind, data, mark - 1))
    if word in <frozenset>words[2] or "." in word:
        return next_is_opener
    return True


def sentences(str text, Py_ssize_t max_sentence_chars, object sentence_type, object is_hard_break,
              tuple sentence_end_words, object cap_length):
    """``segment.segment``: the line-break and sentence-end scans and the sentence-end decision in C;
    the hard-break and over-long-sentence decisions still made by the reference's own functions, passed
    in. ``sentence_end_words`` is (never break, titles, ambiguous, openers), from ``segment``."""
    cdef list blocks = [], out = []
    cdef Py_ssize_t n = len(text), i = 0, j, k, start = 0, breaks, block_start, block_end, piece_start
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    while i < n:  # blocks: cut at blank lines and at line breaks that end a line
        if not _line_break(_at(kind, data, i)):
            i += 1
            continue
        j = i + 1
        while j < n and (_line_break(_at(kind, data, j)) or _at(kind, data, j) == u' ' or _at(kind, data, j) == u'\t'):
            j += 1
        breaks = 0  # line breaks in the run, CR LF counted once (segment._is_blank_line)
        k = i
        while k < j:
            c = _at(kind, data, k)
            if c == u'\r' and k + 1 < j and _at(kind, data, k + 1) == u'\n':
                k += 1
            if c != u' ' and c != u'\t':
                breaks += 1
            k += 1
        if breaks > 1 or is_hard_break(text, start, i, j):
            blocks.append((start, i))
            start = j
        i = j
    blocks.append((start, n))
    for block_start, block_end in blocks:
        piece_start = block_start
        i = block_start
        while i < block_end:
            c = _at(kind, data, i)
            if _cjk_mark(c):
                j = i + 1
                while j < block_end and _cjk_mark(_at(kind, data, j)):
                    j += 1
                while j < block_end and _cjk_closer(_at(kind, data, j)):
                    j += 1
            elif c == u'\u0964' or c == u'\u0965':
                j = i + 1
            elif _latin_mark(c) and (i == 0 or not _latin_mark(_at(kind, data, i - 1))):
                j = i + 1
                while j < block_end and _latin_mark(_at(kind, data, j)):
                    j += 1
                while j < block_end and _latin_closer(_at(kind, data, j)):
                    j += 1
                if j < block_end and not Py_UNICODE_ISSPACE(_at(kind, data, j)):
                    i += 1
                    continue
                if not _ends_sentence(text, i, j, block_end, sentence_end_words):
                    i = j
                    continue
            else:
                i += 1
                continue
            _add(out, text, piece_start, j, max_sentence_chars, sentence_type, cap_length)
            piece_start = i = j
        _add(out, text, piece_start, block_end, max_sentence_chars, sentence_type, cap_length)
    return provenance_settle(tuple(out))  # of untracked Sentences: untracked too


cdef _add(list out, str text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t limit, object sentence_type, object cap_length):
    """One piece, trimmed of whitespace; an over-long one cut by the reference's ``_cap_length``."""
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    while start < end and Py_UNICODE_ISSPACE(_at(kind, data, start)):
        start += 1
    while end > start and Py_UNICODE_ISSPACE(_at(kind, data, end - 1)):
        end -= 1
    if 0 < end - start <= limit:
        out.append(provenance_named(sentence_type, (text[start:end], start, end)))
    elif end > start:
        for piece_start, piece_end in cap_length(text, start, end, limit):
            out.append(provenance_named(sentence_type, (text[piece_start:piece_end], piece_start, piece_end)))


# --- structural columns: columns._structural -------------------------------------------------------


def structural_entries(list hits, object frame_features, const int64_t[:] kinds, const int64_t[::1] rows,
                       dict vocabulary, const int64_t[:, ::1] pair_columns, int64_t n_columns,
                       double lexicon_value, double frame_value, Py_ssize_t window):
    """(row, column, value) of each sentence's distinct lexicon, frame and class-pair features, sorted
    by (row, column), a repeated one keeping its first value (lexicon, then frame, then class pair)."""
    cdef Py_ssize_t row, i, j, n = kinds.shape[0], found = 0, capacity = n * window
    cdef int64_t column
    for row in range(len(hits)):
        capacity += len(hits[row])
    for row in range(len(frame_features)):
        capacity += len(frame_features[row])
    keys_array = np.empty(capacity, dtype=np.int64)
    values_array = np.empty(capacity, dtype=np.float64)
    cdef int64_t[::1] keys = keys_array
    cdef double[::1] values = values_array
    for row in range(len(hits)):
        for hit in hits[row]:
            column = vocabulary.get("l:" + hit[0], -1)
            if column >= 0:
                keys[found], values[found] = row * n_columns + column, lexicon_value
                found += 1
    for row in range(len(frame_features)):
        for feature in frame_features[row]:
            column = vocabulary.get(feature, -1)
            if column >= 0:
                keys[found], values[found] = row * n_columns + column, frame_value
                found += 1
    for i in range(n):  # a word of class A followed within ``window`` tokens of its sentence by one of class B
        if kinds[i] < 0:
            continue
        for j in range(i + 1, min(i + window + 1, n)):
            if rows[j] != rows[i]:
                break
            if kinds[j] >= 0 and kinds[j] != kinds[i]:
                column = pair_columns[kinds[i], kinds[j]]
                if column >= 0:
                    keys[found], values[found] = rows[i] * n_columns + column, frame_value
                    found += 1
    # Sorted by key, the first of a repeated key kept: a stable sort, then the head of each run.
    order_array = np.argsort(keys_array[:found], kind="stable")
    cdef const int64_t[::1] order = order_array
    kept_array = np.empty(found, dtype=np.int64)
    kept_values_array = np.empty(found, dtype=np.float64)
    cdef int64_t[::1] kept = kept_array
    cdef double[::1] kept_values = kept_values_array
    cdef Py_ssize_t distinct = 0
    for i in range(found):
        if distinct == 0 or keys[order[i]] != kept[distinct - 1]:
            kept[distinct], kept_values[distinct] = keys[order[i]], values[order[i]]
            distinct += 1
    return kept_array[:distinct] // n_columns, kept_array[:distinct] % n_columns, kept_values_array[:distinct]


def tfidf_rows(list families, const int64_t[::1] first_token, const int64_t[::1] structural_rows,
               const int64_t[::1] structural_columns, const double[::1] structural_values, const double[::1] idf):
    """``features.tfidf_matrix`` over ``columns._word_entries``: (indptr, indices, data) of the chunk.

    ``families`` holds, per word-feature family, the column of the feature starting at each chunk token
    (-1: none; an n-gram family is shorter by its width less one). The arithmetic is the reference's,
    operation for operation and in the same order: counts are logged by numpy itself, each row's sum of
    squares runs in column order as ``bincount`` adds, and the module is built without contracting a
    multiply and an add into one instruction (``setup.py``), so every value is bit-identical.

    A row's distinct columns come out in order without a sort: each is counted in a per-column array
    and marked in a bitmap over the columns, itself marked in a bitmap of its non-empty words, so a
    row reads only the words it marked, in order.
    """
    cdef Py_ssize_t n_rows = first_token.shape[0] - 1, n_families = len(families), n_columns = idf.shape[0]
    cdef Py_ssize_t r, t, f, j, m, capacity = 0, distinct = 0, s, out, stop, word, group
    cdef int64_t column
    cdef uint64_t bits, groups
    if n_families > 16:
        raise ValueError(f"{n_families} word-feature families; the compiled pass takes at most 16")
    cdef const int64_t* family_columns[16]
    cdef Py_ssize_t family_length[16]
    cdef const int64_t[::1] view
    held = []  # keeps each family's buffer alive while its pointer is read
    for f in range(n_families):
        array = np.ascontiguousarray(families[f], dtype=np.int64)
        held.append(array)
        view = array
        family_length[f] = view.shape[0]
        family_columns[f] = &view[0] if view.shape[0] else NULL
        capacity += view.shape[0]
    marks_array = np.zeros((n_columns + 63) >> 6, dtype=np.uint64)
    summary_array = np.zeros((marks_array.shape[0] + 63) >> 6, dtype=np.uint64)
    seen_array = np.zeros(n_columns, dtype=np.int64)
    cdef uint64_t[::1] marks = marks_array, summary = summary_array
    cdef int64_t[::1] seen = seen_array
    keys_array = np.empty(capacity, dtype=np.int64)
    counts_array = np.empty(capacity, dtype=np.int64)
    distinct_end_array = np.zeros(n_rows + 1, dtype=np.int64)
    cdef int64_t[::1] keys = keys_array, counts = counts_array, distinct_end = distinct_end_array
    for r in range(n_rows):
        for f in range(n_families):
            stop = min(first_token[r + 1], family_length[f])
            for t in range(first_token[r], stop):
                column = family_columns[f][t]
                if column >= 0:
                    seen[column] += 1
                    word = column >> 6
                    marks[word] |= (<uint64_t>1) << (column & 63)
                    summary[word >> 6] |= (<uint64_t>1) << (word & 63)
        for group in range(summary.shape[0]):
            groups = summary[group]
            while groups:
                word = (group << 6) + _lowest_bit(groups)
                groups &= groups - 1
                bits = marks[word]
                while bits:
                    column = (word << 6) + _lowest_bit(bits)
                    bits &= bits - 1
                    keys[distinct] = column
                    counts[distinct] = seen[column]
                    seen[column] = 0
                    distinct += 1
                marks[word] = 0
            summary[group] = 0
        distinct_end[r + 1] = distinct
    cdef const double[::1] logs = np.log(counts_array[:distinct])
    values_array = np.empty(distinct, dtype=np.float64)
    cdef double[::1] values = values_array
    cdef double norm
    for r in range(n_rows):
        norm = 0.0
        for j in range(distinct_end[r], distinct_end[r + 1]):
            values[j] = (logs[j] + 1.0) * idf[keys[j]]
            norm += values[j] * values[j]
        norm = sqrt(norm)
        for j in range(distinct_end[r], distinct_end[r + 1]):
            values[j] /= norm
    # Merged with the structural entries (sorted by row, then column), words first on a tie.
    total = distinct + structural_rows.shape[0]
    indptr_array = np.zeros(n_rows + 1, dtype=np.int64)
    indices_array = np.empty(total, dtype=np.int64)
    data_array = np.empty(total, dtype=np.float64)
    cdef int64_t[::1] indptr = indptr_array, indices = indices_array
    cdef double[::1] data = data_array
    s = 0
    out = 0
    for r in range(n_rows):
        j, m = distinct_end[r], distinct_end[r + 1]
        while True:
            if j < m and (s >= structural_rows.shape[0] or structural_rows[s] != r or keys[j] <= structural_columns[s]):
                indices[out], data[out] = keys[j], values[j]
                j += 1
            elif s < structural_rows.shape[0] and structural_rows[s] == r:
                indices[out], data[out] = structural_columns[s], structural_values[s]
                s += 1
            else:
                break
            out += 1
        indptr[r + 1] = out
    return indptr_array, indices_array, data_array


cdef double _pairwise(const double[:, ::1] values, Py_ssize_t first, Py_ssize_t n, Py_ssize_t k) noexcept:
    """numpy's ``pairwise_sum`` of ``values[first:first + n, k]``: how its ``add`` reduces a column."""
    cdef double total, r0, r1, r2, r3, r4, r5, r6, r7
    cdef Py_ssize_t i, half
    if n < 8:
        total = 0.0
        for i in range(first, first + n):
            total += values[i, k]
        return total
    if n <= 128:
        r0, r1, r2, r3 = values[first, k], values[first + 1, k], values[first + 2, k], values[first + 3, k]
        r4, r5, r6, r7 = values[first + 4, k], values[first + 5, k], values[first + 6, k], values[first + 7, k]
        i = 8
        while i < n - n % 8:
            r0 += values[first + i, k]
            r1 += values[first + i + 1, k]
            r2 += values[first + i + 2, k]
            r3 += values[first + i + 3, k]
            r4 += values[first + i + 4, k]
            r5 += values[first + i + 5, k]
            r6 += values[first + i + 6, k]
            r7 += values[first + i + 7, k]
            i += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            total += values[first + i, k]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return _pairwise(values, first, half, k) + _pairwise(values, first + half, n - half, k)


def linear_rows(const int64_t[::1] indptr, const int64_t[::1] indices, const double[::1] data,
                const double[:, ::1] weights, const double[::1] bias):
    """``classify.score_matrix``'s products and ``log_odds``: each stored entry's contribution to every
    label, and each row's bias plus its entries' contributions, summed as numpy's ``add.reduceat``
    sums them (the first entry, plus numpy's pairwise sum of the rest), so, built without fused
    multiply-adds, the bits are the same."""
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1, n_labels = weights.shape[1], r, e, k, start, n
    contributions_array = np.empty((indices.shape[0], n_labels), dtype=np.float64)
    logits_array = np.empty((n_rows, n_labels), dtype=np.float64)
    cdef double[:, ::1] contributions = contributions_array, logits = logits_array
    cdef double total
    for e in range(indices.shape[0]):
        for k in range(n_labels):
            contributions[e, k] = weights[indices[e], k] * data[e]
    for r in range(n_rows):
        start, n = indptr[r], indptr[r + 1] - indptr[r]
        for k in range(n_labels):
            if n == 0:
                logits[r, k] = bias[k]
                continue
            total = contributions[start, k]
            if n > 1:
                total = total + _pairwise(contributions, start + 1, n - 1, k)
            logits[r, k] = bias[k] + total
    return contributions_array, logits_array



# --- language: language.english_share ----------------------------------------------------------


# (the last word set seen, its words as codes): one tuple, replaced whole, so that a thread never reads
# one set's codes beside another set.
cdef tuple _function_codes = (None, [])


cdef inline uint64_t _ascii_code(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Characters ``start:end`` lower-cased, eight bits a letter (ASCII letters only, at most eight)."""
    cdef uint64_t code = 0, c
    cdef Py_ssize_t i
    for i in range(start, end):
        c = <uint64_t>_at(kind, data, i)
        if 65 <= c <= 90:  # A-Z
            c += 32
        code = (code << 8) | c
    return code


cdef list _codes_of(frozenset function_words):
    """The codes of the words made of at most eight ASCII letters (no other can match a run)."""
    global _function_codes
    cdef tuple cached = _function_codes
    if cached[0] is not function_words:
        cached = (function_words, sorted({_ascii_code(PyUnicode_KIND(word), PyUnicode_DATA(word), 0, len(word))
                                          for word in function_words
                                          if 0 < len(word) <= 8 and word.isascii() and word.isalpha() and word.islower()}))
        _function_codes = cached
    return <list>cached[1]


def english_share(str sample, frozenset function_words, Py_ssize_t longest):
    """``language.english_share``: the runs of ASCII letters that are English function words (none is
    longer than ``longest``), over the whitespace-separated words of ``sample``. A run is compared as
    a number made of its lower-cased letters, so no string is made per word (a word set that cannot be
    coded so is looked up as strings)."""
    cdef Py_ssize_t n = len(sample), i, k, words = 0, english = 0, n_codes = 0
    cdef bint in_word = False
    cdef Py_UCS4 c
    cdef uint64_t code
    cdef uint64_t codes[64]
    cdef list known = _codes_of(function_words)
    cdef bint coded = longest <= 8 and len(known) <= 64 and len(known) == len(function_words)
    if coded:
        n_codes = len(known)
        for k in range(n_codes):
            codes[k] = known[k]
    cdef int kind = PyUnicode_KIND(sample)
    cdef const void* data = PyUnicode_DATA(sample)
    cdef Py_ssize_t run = -1  # where the current run of [A-Za-z] started, -1: none
    for i in range(n + 1):  # one pass: words as str.split() counts them, runs of [A-Za-z] as the regex finds them
        c = _at(kind, data, i) if i < n else u' '
        if (u'a' <= c <= u'z') or (u'A' <= c <= u'Z'):
            if run < 0:
                run = i
        elif run >= 0:
            if i - run <= longest:
                if not coded:
                    english += sample[run:i].lower() in function_words
                else:
                    code = _ascii_code(kind, data, run, i)
                    for k in range(n_codes):
                        if codes[k] == code:
                            english += 1
                            break
            run = -1
        if i < n:
            if Py_UNICODE_ISSPACE(c):
                in_word = False
            elif not in_word:
                in_word = True
                words += 1
    return english / <double>words if words else 0.0


cdef inline double _column_sum(const double[:, ::1] values, Py_ssize_t k) noexcept:
    """``values[:, k].sum()`` as numpy adds a column up: its pairwise sum."""
    return _pairwise(values, 0, values.shape[0], k)


def article_risk(const double[:, :] probabilities, list labels, dict label_index, tuple flag_columns,
                 Py_ssize_t positive, double on_record_weight, double neutral_weight, double prior):
    """``risk.article_risk``: each sentence's strongest shown flag, its shown on_record probability,
    and the three sums of the formula, added as numpy adds them (the same bits)."""
    cdef Py_ssize_t n = probabilities.shape[0], i, k
    cdef uint64_t shown
    cdef double weak, on_record, total_weak, credit, neutral
    if n == 0:
        return 0.0
    terms_array = np.empty((n, 3), dtype=np.float64)
    cdef double[:, ::1] terms = terms_array
    for i in range(n):
        shown = 0
        for label in labels[i]:
            shown |= (<uint64_t>1) << <Py_ssize_t>label_index[label]
        weak = 0.0  # probabilities are positive: a flag not shown counts as 0
        for column in flag_columns:
            k = column
            if shown >> k & 1 and probabilities[i, k] > weak:
                weak = probabilities[i, k]
        on_record = probabilities[i, positive] if shown >> positive & 1 else 0.0
        terms[i, 0] = weak
        terms[i, 1] = on_record * (1.0 - weak)
        terms[i, 2] = 1.0 - (weak if weak >= on_record else on_record)
    total_weak = _column_sum(terms, 0)
    credit = _column_sum(terms, 1)
    neutral = _column_sum(terms, 2)
    return min(1.0, max(0.0, total_weak / (total_weak + on_record_weight * credit + neutral_weight * neutral + prior)))


cdef inline Py_ssize_t _characters_in(const unsigned char* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """How many characters UTF-8 bytes ``start:end`` hold: the bytes that do not continue a character."""
    cdef Py_ssize_t i, n = 0
    for i in range(start, end):
        n += (data[i] & 0xC0) != 0x80
    return n


def character_spans(object match, object anchor, bytes data, bint ascii):
    """``scan._spans`` followed by ``scan._to_characters``: the spans of every match of one compiled RE2
    matcher in the UTF-8 ``data``, in characters. Matches come in order, so one cursor walks the bytes
    once; ``ascii`` (bytes are characters) skips it."""
    cdef Py_ssize_t end = len(data), position = 0, byte_at = 0, character_at = 0, start, stop, first
    cdef const unsigned char* raw = data
    cdef list spans = []
    while True:
        span = match(anchor, data, position, end)[0]
        start, stop = span
        if start < 0:
            return spans
        if ascii:
            spans.append(span)
        else:
            character_at += _characters_in(raw, byte_at, start)
            first = character_at
            character_at += _characters_in(raw, start, stop)
            byte_at = stop
            spans.append((first, character_at))
        if position == end:
            return spans
        if stop != position:
            position = stop
        else:  # after an empty match, on by one character (not one byte, which would land inside one)
            position += 1
            while position < end and raw[position] & 0xC0 == 0x80:
                position += 1
