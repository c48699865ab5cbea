# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled cue choice: ``classify``'s loops over flagged (sentence, label) pairs.

Ports of ``classify.flagged``, ``_pair_weights``, ``_choose`` and the helpers it calls (``_frame_cues``,
``_frame_span``, ``_words_only``, ``_apart``) and of ``labels_and_cues``'s gathering, which stay the
definition; ``tests/test_speedups.py`` holds the two equal. Sorting is the reference's stable sort,
written as an insertion (each list holds a few cues). What a batch keeps (chosen cues, candidates,
each sentence's labels and cues) is returned as untracked tuples, which the collector never follows.
"""

from cpython.unicode cimport Py_UNICODE_ISALNUM
from libc.stdint cimport int8_t, int64_t

import numpy as np
from provenance._tuples cimport provenance_named, provenance_settle


cdef inline bint _apart(Py_ssize_t start, Py_ssize_t end, list chosen):
    """Whether ``start:end`` overlaps none of the cues already chosen."""
    for other in chosen:
        if not (end <= <Py_ssize_t>other[1] or start >= <Py_ssize_t>other[2]):
            return False
    return True


cdef inline bint _alnum(str text, Py_ssize_t i):
    return Py_UNICODE_ISALNUM(text[i])


cdef tuple _words_only(str sentence, Py_ssize_t start, Py_ssize_t end):
    """``start:end`` without edge punctuation and without a bracket left open at its end."""
    cdef Py_ssize_t opened = sentence.rfind("(", start, end)
    if opened > start and sentence.find(")", opened, end - 1) < 0:
        end = opened
    while start < end and not _alnum(sentence, start):
        start += 1
    while end > start and not _alnum(sentence, end - 1):
        end -= 1
    return start, end


cdef list _by_weight(list cues):
    """``sorted(cues, key=lambda cue: -cue.weight)``: stable, strongest first."""
    cdef list out = []
    cdef Py_ssize_t j
    for cue in cues:
        j = 0
        while j < len(out) and not (out[j][3] < cue[3]):
            j += 1
        out.insert(j, cue)
    return out


cdef inline tuple _settled(list items):
    """``items`` as a tuple of untracked values, untracked itself (the empty tuple when none)."""
    return provenance_settle(tuple(items)) if items else ()


cdef list _by_start(list cues):
    """``sorted(cues, key=lambda cue: cue.start)``: stable."""
    cdef list out = []
    cdef Py_ssize_t j
    for cue in cues:
        j = 0
        while j < len(out) and not (cue[1] < out[j][1]):
            j += 1
        out.insert(j, cue)
    return out


cdef class Chooser:
    """The constants of cue choice, read once from ``classify``."""

    cdef object cue_type
    cdef tuple labels
    cdef dict frame_kinds, kind_index
    cdef Py_ssize_t max_cues, max_gap, gated
    cdef double min_share
    cdef frozenset checkable, source_labels

    def __init__(self, cue_type, tuple labels, dict frame_kinds, dict kind_index, Py_ssize_t max_cues,
                 double min_share, Py_ssize_t max_gap, frozenset checkable, Py_ssize_t gated,
                 frozenset source_labels):
        self.cue_type = cue_type
        self.labels = labels
        self.frame_kinds = frame_kinds
        self.kind_index = kind_index
        self.max_cues = max_cues
        self.min_share = min_share
        self.max_gap = max_gap
        self.checkable = checkable
        self.gated = gated
        self.source_labels = source_labels

    def flagged(self, const double[:, :] probabilities, const double[::1] thresholds, frames, hits):
        """``classify.flagged``: (sentence, label) pairs over threshold in reading order, kept where
        ``classify._allowed`` allows them."""
        cdef list rows = [], ks = []
        cdef Py_ssize_t i, k
        for i in range(probabilities.shape[0]):
            for k in range(probabilities.shape[1]):
                if probabilities[i, k] >= thresholds[k] and self._allowed(i, k, frames, hits):
                    rows.append(i)
                    ks.append(k)
        return rows, ks

    cdef bint _allowed(self, Py_ssize_t i, Py_ssize_t k, frames, hits):
        """``classify._allowed``: the on_record gate and the lone-pronoun rule."""
        cdef tuple sentence_frames = frames[i]
        if k == self.gated:  # attribution.is_checkable
            for frame in sentence_frames:
                if frame[1] in self.checkable and not frame[0][7]:
                    return True
            return False
        if k not in self.source_labels or not sentence_frames:
            return True
        for frame in sentence_frames:  # attribution.only_unresolved_pronouns
            if frame[1] != "pronoun":
                return True
        label = self.labels[k]
        for hit in hits[i]:
            if hit[0] == label:
                return True
        return False

    def choose_all(self, list rows, list ks, list lexicon_weights, list candidates, const double[:, ::1] kind_weights,
                   frames, sentences, hits, span_of):
        """The cues of every pair, as ``[_choose(...) for ...]`` in ``select_cues``; ``kind_weights`` is
        the (pairs, source kinds) array of which the reference reads rows as lists."""
        cdef list out = []
        cdef Py_ssize_t n, i
        for n in range(len(rows)):
            i = rows[n]
            label = self.labels[ks[n]]
            out.append(self._choose(
                label, self._frame_cues(label, frames[i], sentences[i], kind_weights, n), hits[i],
                lexicon_weights[n], candidates[n], i, span_of,
            ))
        return out

    def shown(self, Py_ssize_t n_sentences, list rows, list ks, list chosen):
        """The labels and cues of each sentence, as ``classify.labels_and_cues`` gathers them: a label
        is shown only with its cues. Tuples, untracked: a batch holds them through many collections.
        Pairs come in reading order, so each sentence's run of pairs is gathered at once (no list is
        made for a sentence without a pair)."""
        cdef list labels = [()] * n_sentences, cues = [()] * n_sentences, row_labels, row_cues
        cdef Py_ssize_t n = 0, m, i, total = len(rows)
        while n < total:
            i = rows[n]
            row_labels, row_cues = [], []
            m = n
            while m < total and <Py_ssize_t>rows[m] == i:
                if chosen[m]:
                    row_labels.append(self.labels[ks[m]])
                    row_cues.extend(<tuple>chosen[m])
                m += 1
            if row_labels:  # a sentence met again out of order keeps what it had
                labels[i] = provenance_settle(<tuple>labels[i] + tuple(row_labels))
                cues[i] = provenance_settle(<tuple>cues[i] + tuple(row_cues))
            n = m
        return labels, cues

    cdef list _frame_cues(self, str label, frames, str sentence, const double[:, ::1] kind_weights, Py_ssize_t row):
        kinds = self.frame_kinds.get(label)
        if not kinds or not frames:
            return []
        cdef list cues = []
        cdef Py_ssize_t start, end, gap, cue_start, cue_end, source_start, source_end
        for frame in frames:  # Frame (raw, kind, antecedent); RawFrame fields by position, as in _frames.pyx
            kind = frame[1]
            raw = frame[0]
            if kind not in kinds or raw[7]:
                continue
            weight = kind_weights[row, <Py_ssize_t>self.kind_index[kind]]
            if weight > 0:
                cue_start, cue_end, source_start, source_end = raw[0], raw[1], raw[3], raw[4]
                if source_start < 0:
                    start, end = cue_start, cue_end
                else:
                    gap = max(cue_start - source_end, source_start - cue_end)
                    if gap > self.max_gap:
                        start, end = source_start, source_end
                    else:
                        start, end = min(cue_start, source_start), max(cue_end, source_end)
                start, end = _words_only(sentence, start, end)
                if start < end:
                    cues.append(provenance_named(self.cue_type, (label, start, end, weight)))
        return _by_weight(cues)

    cdef tuple _choose(self, str label, list frame_cues, hits, lexicon_weight, candidates, Py_ssize_t i, span_of):
        cdef list chosen = []
        cdef list lexicon_hits = []
        cdef Py_ssize_t max_cues = self.max_cues
        for cue in frame_cues:
            if len(chosen) < max_cues and _apart(cue[1], cue[2], chosen):
                chosen.append(cue)
        for hit in hits:
            if hit[0] == label:
                lexicon_hits.append(hit)
        weight = lexicon_weight if lexicon_hits else 0.0
        for hit in lexicon_hits:
            if len(chosen) < max_cues and _apart(hit[1], hit[2], chosen):
                chosen.append(provenance_named(self.cue_type, (label, hit[1], hit[2], weight)))
        if not candidates:
            return _settled(_by_start(chosen))
        top = weight
        if candidates[0][1] > top:
            top = candidates[0][1]
        for cue in chosen:
            if cue[3] > top:
                top = cue[3]
        floor = self.min_share * top
        for column, candidate_weight in candidates:
            if len(chosen) >= max_cues or (chosen and candidate_weight < floor):
                break
            span = span_of(i, column)
            if span is not None and _apart(span[0], span[1], chosen):
                chosen.append(provenance_named(self.cue_type, (label, span[0], span[1], candidate_weight)))
        return _settled(_by_start(chosen))


def weigh_pairs(const int64_t[::1] indptr, const int64_t[::1] indices, const double[:, :] contributions,
                list rows, list ks, int8_t[::1] cue_ok, judge, const int64_t[::1] frame_kinds,
                const int64_t[::1] lexicon_columns, Py_ssize_t n_kinds, Py_ssize_t keep):
    """``classify._pair_weights`` in one pass over each flagged row's stored entries: per pair, up to
    ``keep`` (column, weight) that add to its label and may be shown, strongest first with ties in
    stored order (``_ranked_candidates``); what its label's lexicon column adds (``_lexicon_weights``);
    and what the frame features of each source kind add, summed in stored order as ``np.add.at`` sums
    (``_kind_weights``). ``cue_ok`` is the tables' per-column verdict (-1: not judged yet), filled in
    through ``judge(column)`` as the reference fills it."""
    cdef Py_ssize_t n_pairs = len(rows), p, e, j, r, k, kind
    cdef list found = [None] * n_pairs, lexicon_weights = [], ranked
    cdef int64_t c
    cdef double w, lexicon_weight
    kinds_array = np.zeros((n_pairs, n_kinds), dtype=np.float64)
    cdef double[:, ::1] kinds = kinds_array
    for p in range(n_pairs):
        r, k = rows[p], ks[p]
        ranked = []
        lexicon_weight = 0.0
        for e in range(indptr[r], indptr[r + 1]):
            c = indices[e]
            w = contributions[e, k]
            if c == lexicon_columns[k]:
                lexicon_weight = w
            kind = frame_kinds[c]
            if kind >= 0:
                kinds[p, kind] += w
            if not w > 0:
                continue
            if cue_ok[c] < 0:
                cue_ok[c] = 1 if judge(c) else 0
            if cue_ok[c] <= 0:
                continue
            j = len(ranked)
            while j > 0 and <double>(<tuple>ranked[j - 1])[1] < w:  # after every earlier one at least as strong
                j -= 1
            if j < keep:
                ranked.insert(j, provenance_settle((c, w)))
                if len(ranked) > keep:
                    ranked.pop()
        found[p] = _settled(ranked)
        lexicon_weights.append(lexicon_weight)
    return found, lexicon_weights, kinds_array
