# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled result building: ``pipeline._article_score`` without the trip through plain dicts and
pydantic validation.

The pure-Python path builds each sentence as plain data and lets pydantic-core validate the whole
article (about 0.8 microseconds a model, a third of scoring's fixed cost per sentence). Here every
model is filled the way ``BaseModel.model_construct`` fills one (its ``__dict__`` in field order,
every field set, no extra or private values), from values that are already what validation would
make of them: offsets are ints from the segmenter, probabilities Python floats, mappings
``FrozenDict``. ``tests/test_speedups.py`` holds the two paths equal, field by field and by type.

A result is an immutable tree of frozen models, tuples and read-only mappings holding strings and
numbers: it cannot take part in a reference cycle, so every container built here is left out of the
cyclic garbage collector's tracking, as CPython itself does for tuples and dicts of atomic values.
Without this, a process holding many results spent about a quarter of its batch scoring time in
collections that walked them all (``benchmarks/speed.py`` measures it); reference counting still
frees each result as soon as it is dropped.
"""

from cpython.object cimport PyObject_GenericSetAttr

cdef extern from "Python.h":
    void PyObject_GC_UnTrack(void* op)

cdef extern from *:
    """
    /* object.__new__(cls) without the Python-level lookup and call: the allocation BaseModel inherits. */
    static PyObject* provenance_new(PyObject* cls, PyObject* no_args) {
        return PyBaseObject_Type.tp_new((PyTypeObject*)cls, no_args, NULL);
    }
    """
    object provenance_new(object cls, object no_args)

cdef tuple _NO_ARGS = ()


cdef str _DICT = "__dict__"
cdef str _FIELDS_SET = "__pydantic_fields_set__"
cdef str _EXTRA = "__pydantic_extra__"
cdef str _PRIVATE = "__pydantic_private__"
cdef frozenset _SPAN_FIELDS = frozenset({"text", "start", "end"})
cdef frozenset _CUE_FIELDS = frozenset({"text", "start", "end", "label", "weight"})
cdef frozenset _ATTRIBUTION_FIELDS = frozenset({"cue", "source", "kind", "refers_to"})
cdef frozenset _SENTENCE_FIELDS = frozenset({"text", "start", "end", "labels", "probabilities", "cues", "attributions"})
cdef frozenset _ARTICLE_FIELDS = frozenset(
    {"risk", "level", "counts", "sentences", "model_version", "language", "supported"}
)


cdef inline object _untracked(object container):
    """``container``, left out of the cyclic garbage collector's tracking (see the module docstring)."""
    PyObject_GC_UnTrack(<void*>container)
    return container


cdef inline object _model(object cls, dict values, frozenset fields):
    """An instance of ``cls`` holding ``values`` as its fields, as ``model_construct`` leaves one."""
    cdef object instance = provenance_new(cls, _NO_ARGS)
    PyObject_GenericSetAttr(instance, _DICT, _untracked(values))
    PyObject_GenericSetAttr(instance, _FIELDS_SET, _untracked(set(fields)))
    PyObject_GenericSetAttr(instance, _EXTRA, None)
    PyObject_GenericSetAttr(instance, _PRIVATE, None)
    return _untracked(instance)


cdef class Builder:
    """The result types, read once from ``provenance.results``."""

    cdef object article_type, sentence_type, cue_type, attribution_type, span_type, frozen_dict
    cdef tuple labels

    def __init__(self, article_type, sentence_type, cue_type, attribution_type, span_type, frozen_dict,
                 tuple labels):
        self.article_type = article_type
        self.sentence_type = sentence_type
        self.cue_type = cue_type
        self.attribution_type = attribution_type
        self.span_type = span_type
        self.frozen_dict = frozen_dict
        self.labels = labels

    cdef inline object _span(self, str text, Py_ssize_t start, Py_ssize_t end):
        return _model(self.span_type, {"text": text[start:end], "start": start, "end": end}, _SPAN_FIELDS)

    def article(self, str text, sentences, frames, list labels, const double[:, :] probabilities, list cues,
                dict counts, risk, str level, str version, language, bint supported):
        """The ``ArticleScore`` that ``_article_score`` validates, built directly; ``probabilities`` is
        the (sentences, labels) array, read a row at a time (no list of lists held for the article)."""
        cdef list rows = []
        cdef Py_ssize_t n, start, base, k
        cdef tuple labels_of = self.labels
        for n in range(len(sentences)):
            sentence = sentences[n]
            start = sentence[1]
            row_cues = []
            for cue in cues[n]:
                row_cues.append(_model(self.cue_type, {
                    "text": text[start + cue[1] : start + cue[2]], "start": start + cue[1], "end": start + cue[2],
                    "label": cue[0], "weight": cue[3],
                }, _CUE_FIELDS))
            rows.append(_model(self.sentence_type, {
                "text": sentence[0], "start": start, "end": sentence[2], "labels": _untracked(labels[n]),
                "probabilities": _untracked(self.frozen_dict(
                    [(labels_of[k], probabilities[n, k]) for k in range(probabilities.shape[1])])),
                "cues": _untracked(tuple(row_cues)),
                "attributions": self._attributions(text, sentences, start, frames[n]) if frames[n] else (),
            }, _SENTENCE_FIELDS))
        return _model(self.article_type, {
            "risk": risk, "level": level, "counts": _untracked(self.frozen_dict(counts)), "sentences": _untracked(tuple(rows)),
            "model_version": version, "language": language, "supported": supported,
        }, _ARTICLE_FIELDS)

    cdef tuple _attributions(self, str text, sentences, Py_ssize_t base, frames):
        """``pipeline._attribution_rows``: negated acts credit nothing and are left out."""
        cdef list out = []
        cdef Py_ssize_t where
        for frame in frames:
            raw = frame[0]
            if raw.negated:
                continue
            source = self._span(text, base + raw.source_start, base + raw.source_end) if raw.source_start >= 0 else None
            refers_to = None
            antecedent = frame[2]
            if antecedent is not None:
                where = antecedent[0]
                earlier = sentences[where][1]
                refers_to = self._span(text, earlier + antecedent[1], earlier + antecedent[2])
            out.append(_model(self.attribution_type, {
                "cue": self._span(text, base + raw.cue_start, base + raw.cue_end), "source": source,
                "kind": frame[1], "refers_to": refers_to,
            }, _ATTRIBUTION_FIELDS))
        return _untracked(tuple(out))
