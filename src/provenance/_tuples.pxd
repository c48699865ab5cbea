# Shared by the compiled modules: NamedTuples filled without a Python-level call to their class
# (a NamedTuple's __new__ is a Python function: about half a microsecond a tuple), and tuples of
# atomic values left out of the cyclic garbage collector at once.

cdef extern from *:
    """
    /* Untrack a tuple whose items are all untracked or not containers: it can never be in a reference
       cycle. CPython does this itself for exact tuples at their first collection, and never for tuple
       subclasses (NamedTuples), which a collector pass would otherwise walk as long as they live. */
    static void provenance_untrack_atomic(PyObject* r) {
        Py_ssize_t n = PyTuple_GET_SIZE(r);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject* item = PyTuple_GET_ITEM(r, i);
            if (PyObject_IS_GC(item) && PyObject_GC_IsTracked(item)) return;
        }
        PyObject_GC_UnTrack(r);
    }
    /* ``r`` itself (a new reference, as Cython expects of a function returning an object). */
    static PyObject* provenance_settle(PyObject* r) {
        provenance_untrack_atomic(r);
        Py_INCREF(r);
        return r;
    }
    /* An instance of a tuple subclass (a NamedTuple) holding the items of ``items``. */
    static PyObject* provenance_named(PyObject* type, PyObject* items) {
        PyTypeObject* t = (PyTypeObject*)type;
        Py_ssize_t n = PyTuple_GET_SIZE(items);
        PyObject* r = t->tp_alloc(t, n);
        if (r == NULL) return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject* item = PyTuple_GET_ITEM(items, i);
            Py_INCREF(item);
            PyTuple_SET_ITEM(r, i, item);
        }
        provenance_untrack_atomic(r);
        return r;
    }
    """
    object provenance_named(object type, tuple items)
    object provenance_settle(object tuple_)
