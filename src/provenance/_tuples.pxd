# Shared by the compiled modules: NamedTuples filled without a Python-level call to their class
# (a NamedTuple's __new__ is a Python function: about half a microsecond a tuple).

cdef extern from *:
    """
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
        return r;
    }
    """
    object provenance_named(object type, tuple items)
