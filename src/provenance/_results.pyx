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

from cpython.dict cimport PyDict_SetItem
from cpython.object cimport PyObject_GenericSetAttr

cdef extern from "Python.h":
    void PyObject_GC_UnTrack(void* op)

cdef extern from *:
    """
    #include "structmember.h"
    /* object.__new__(cls) without the Python-level lookup and call: the allocation BaseModel inherits. */
    static PyObject* provenance_new(PyObject* cls, PyObject* no_args) {
        return PyBaseObject_Type.tp_new((PyTypeObject*)cls, no_args, NULL);
    }
    /* dict.__new__(cls): an empty instance of a dict subclass. */
    static PyObject* provenance_new_dict(PyObject* cls, PyObject* no_args) {
        return PyDict_Type.tp_new((PyTypeObject*)cls, no_args, NULL);
    }
    /* Where a __slots__ member lives in its instances (-1: ``descriptor`` is not a slot's member). */
    static Py_ssize_t provenance_slot_offset(PyObject* descriptor) {
        if (Py_TYPE(descriptor) != &PyMemberDescr_Type) return -1;
        PyMemberDef* member = ((PyMemberDescrObject*)descriptor)->d_member;
        return member->type == T_OBJECT_EX || member->type == T_OBJECT ? member->offset : -1;
    }
    /* Fill an empty slot of a new instance, as its member descriptor's __set__ would. */
    static void provenance_fill_slot(PyObject* instance, Py_ssize_t offset, PyObject* value) {
        PyObject** slot = (PyObject**)((char*)instance + offset);
        PyObject* old = *slot;
        Py_INCREF(value);
        *slot = value;
        Py_XDECREF(old);
    }
    """
    object provenance_new(object cls, object no_args)
    object provenance_new_dict(object cls, object no_args)
    Py_ssize_t provenance_slot_offset(object descriptor)
    void provenance_fill_slot(object instance, Py_ssize_t offset, object value)
    int PyObject_GenericSetDict(object instance, object value, void* context) except -1

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


cdef class _Slots:
    """Where BaseModel keeps its three per-instance values: read once from its member descriptors, so
    that each model is filled by three stores instead of three attribute assignments (-1 where
    pydantic lays them out otherwise: then they are assigned)."""

    cdef Py_ssize_t fields_set, extra, private

    def __init__(self, model_type):
        self.fields_set = provenance_slot_offset(getattr(model_type, _FIELDS_SET, None))
        self.extra = provenance_slot_offset(getattr(model_type, _EXTRA, None))
        self.private = provenance_slot_offset(getattr(model_type, _PRIVATE, None))


cdef inline object _model(object cls, dict values, frozenset fields, _Slots slots):
    """An instance of ``cls`` holding ``values`` as its fields, as ``model_construct`` leaves one."""
    cdef object instance = provenance_new(cls, _NO_ARGS)
    PyObject_GenericSetDict(instance, _untracked(values), NULL)
    if slots.fields_set >= 0 and slots.extra >= 0 and slots.private >= 0:
        provenance_fill_slot(instance, slots.fields_set, _untracked(set(fields)))
        provenance_fill_slot(instance, slots.extra, None)
        provenance_fill_slot(instance, slots.private, None)
    else:
        PyObject_GenericSetAttr(instance, _FIELDS_SET, _untracked(set(fields)))
        PyObject_GenericSetAttr(instance, _EXTRA, None)
        PyObject_GenericSetAttr(instance, _PRIVATE, None)
    return _untracked(instance)


cdef class Builder:
    """The result types, read once from ``provenance.results``."""

    cdef object article_type, sentence_type, cue_type, attribution_type, span_type, frozen_dict
    cdef tuple labels
    cdef _Slots slots

    def __init__(self, article_type, sentence_type, cue_type, attribution_type, span_type, frozen_dict,
                 tuple labels):
        self.article_type = article_type
        self.sentence_type = sentence_type
        self.cue_type = cue_type
        self.attribution_type = attribution_type
        self.span_type = span_type
        self.frozen_dict = frozen_dict
        self.labels = labels
        self.slots = _Slots(span_type)  # every result type is a BaseModel: one layout of these slots

    cdef inline object _span(self, str text, Py_ssize_t start, Py_ssize_t end):
        return _model(self.span_type, {"text": text[start:end], "start": start, "end": end}, _SPAN_FIELDS, self.slots)

    cdef object _frozen(self, tuple keys, const double[:, :] values, Py_ssize_t row):
        """``frozen_dict(zip(keys, values[row]))``, filled in place (FrozenDict refuses only Python-level edits)."""
        cdef object mapping = provenance_new_dict(self.frozen_dict, _NO_ARGS)
        cdef Py_ssize_t k
        for k in range(values.shape[1]):
            PyDict_SetItem(mapping, keys[k], values[row, k])
        return _untracked(mapping)

    def article(self, str text, sentences, frames, list labels, const double[:, :] probabilities, list cues,
                risk, str level, str version, language, bint supported):
        """The ``ArticleScore`` that ``_article_score`` validates, built directly; ``probabilities`` is
        the (sentences, labels) array, read a row at a time (no list of lists held for the article)."""
        cdef list rows = []
        cdef Py_ssize_t n, start, base, k
        cdef _Slots slots = self.slots
        counts = provenance_new_dict(self.frozen_dict, _NO_ARGS)  # every label, in order, then counted
        for label in self.labels:
            PyDict_SetItem(counts, label, 0)
        for sentence_labels in labels:
            for label in sentence_labels:
                PyDict_SetItem(counts, label, <object>counts[label] + 1)
        for n in range(len(sentences)):
            sentence = sentences[n]
            start = sentence[1]
            row_cues = []
            for cue in cues[n]:
                row_cues.append(_model(self.cue_type, {
                    "text": text[start + cue[1] : start + cue[2]], "start": start + cue[1], "end": start + cue[2],
                    "label": cue[0], "weight": cue[3],
                }, _CUE_FIELDS, slots))
            rows.append(_model(self.sentence_type, {
                "text": sentence[0], "start": start, "end": sentence[2], "labels": _untracked(labels[n]),
                "probabilities": self._frozen(self.labels, probabilities, n),
                "cues": _untracked(tuple(row_cues)) if row_cues else (),
                "attributions": self._attributions(text, sentences, start, frames[n]) if frames[n] else (),
            }, _SENTENCE_FIELDS, slots))
        return _model(self.article_type, {
            "risk": risk, "level": level, "counts": _untracked(counts), "sentences": _untracked(tuple(rows)),
            "model_version": version, "language": language, "supported": supported,
        }, _ARTICLE_FIELDS, slots)

    cdef tuple _attributions(self, str text, sentences, Py_ssize_t base, frames):
        """``pipeline._attribution_rows``: negated acts credit nothing and are left out."""
        cdef list out = []
        cdef Py_ssize_t where
        for frame in frames:  # Frame (raw, kind, antecedent); RawFrame fields by position, as in _frames.pyx
            raw = frame[0]
            if raw[7]:
                continue
            source = self._span(text, base + raw[3], base + raw[4]) if raw[3] >= 0 else None
            refers_to = None
            antecedent = frame[2]
            if antecedent is not None:
                where = antecedent[0]
                earlier = sentences[where][1]
                refers_to = self._span(text, earlier + antecedent[1], earlier + antecedent[2])
            out.append(_model(self.attribution_type, {
                "cue": self._span(text, base + raw[0], base + raw[1]), "source": source,
                "kind": frame[1], "refers_to": refers_to,
            }, _ATTRIBUTION_FIELDS, self.slots))
        return _untracked(tuple(out)) if out else ()


def plain(value):
    """``value`` with every tuple within it (through tuples and lists) made a plain tuple: NamedTuples
    become what the builder reads by position, and pickle without a Python call each (a worker's
    results travel to the caller this way)."""
    if type(value) is list:
        return [plain(item) for item in <list>value]
    if isinstance(value, tuple):
        return tuple([plain(item) for item in <tuple>value])
    return value
