# Shared by the compiled modules: a string's characters read through its kind and data, and the
# character classes of the two token patterns (``features._TOKEN`` and ``attribution._TOKEN``).

from cpython.unicode cimport Py_UNICODE_ISALNUM


cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    const void* PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index) nogil
    Py_ssize_t PyUnicode_GET_LENGTH(object text)


cdef inline bint _word(Py_UCS4 c) noexcept:
    """``\\w`` of a ``str`` pattern; ASCII answered inline (the Unicode tables cost four calls a character)."""
    if c < 128:
        return (u'a' <= c <= u'z') or (u'A' <= c <= u'Z') or (u'0' <= c <= u'9') or c == u'_'
    return Py_UNICODE_ISALNUM(c)


cdef inline bint _attribution_joiner(Py_UCS4 c) noexcept:
    return c == u'-' or c == u"'" or c == u'\u2019' or c == u'.' or c == u'&'


cdef inline bint _feature_joiner(Py_UCS4 c) noexcept:
    return c == u'-' or c == u"'" or c == u'\u2019'


cdef inline bint _feature_mark(Py_UCS4 c) noexcept:
    return (c == u'"' or c == u'\u201c' or c == u'\u201d' or c == u'\u201e' or c == u'\u00ab'
            or c == u'\u00bb' or c == u'?' or c == u'!' or c == u':' or c == u',')


cdef inline Py_UCS4 _at(int kind, const void* data, Py_ssize_t i) noexcept:
    """Character ``i`` of a string given by its kind and data (read once per string, not per character)."""
    return PyUnicode_READ(kind, data, i)


cdef inline Py_ssize_t _word_end(int kind, const void* data, Py_ssize_t i, Py_ssize_t n, bint attribution) noexcept:
    """End of the word token starting at ``i``: ``\\w+(?:[joiner]\\w+)*``, greedy."""
    i += 1
    while i < n and _word(_at(kind, data, i)):
        i += 1
    while i + 1 < n and (_attribution_joiner(_at(kind, data, i)) if attribution else _feature_joiner(_at(kind, data, i))) \
            and _word(_at(kind, data, i + 1)):
        i += 2
        while i < n and _word(_at(kind, data, i)):
            i += 1
    return i


cdef inline bint _same(str token, int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether ``token`` equals the characters ``start:end`` of a string read through ``kind`` and ``data``."""
    cdef Py_ssize_t i
    if PyUnicode_GET_LENGTH(token) != end - start:
        return False
    cdef int token_kind = PyUnicode_KIND(token)
    cdef const void* token_data = PyUnicode_DATA(token)
    for i in range(end - start):
        if _at(token_kind, token_data, i) != _at(kind, data, start + i):
            return False
    return True


cdef inline bint _ascii_lower(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether characters ``start:end`` are ASCII without a capital, so that lower-casing leaves them as they are."""
    cdef Py_UCS4 c
    cdef Py_ssize_t i
    for i in range(start, end):
        c = _at(kind, data, i)
        if c >= 128 or (u'A' <= c <= u'Z'):
            return False
    return True
