# Shared by the compiled modules: distinct strings found from a text's characters, with no string made
# for one already held. The owner keeps the strings in a list, in row order; this open-addressing table
# maps a hash of a string's code points to its row. The token index of the featuriser
# (``_speedups.TokenIndex``) and the frame reader's interned words (``_frames._Interned``) use it.

from libc.stdint cimport uint64_t
from libc.stdlib cimport calloc, free, malloc

from provenance._chars cimport _at, _same


ctypedef struct StringSlots:
    uint64_t* hashes  # each slot's hash (0: empty) ...
    Py_ssize_t* rows  # ... and the row of its string in the owner's list
    Py_ssize_t mask  # slots - 1 (a power of two less one)


cdef inline int _slots_open(StringSlots* slots, Py_ssize_t capacity) except -1:
    """Empty ``slots`` of ``capacity`` (a power of two), the old arrays freed once the new ones exist.
    No Python object is made here, so no other thread can run in between."""
    cdef uint64_t* hashes = <uint64_t*>calloc(capacity, sizeof(uint64_t))
    cdef Py_ssize_t* rows = <Py_ssize_t*>malloc(capacity * sizeof(Py_ssize_t))
    if hashes == NULL or rows == NULL:
        free(hashes)
        free(rows)
        raise MemoryError()
    free(slots.hashes)
    free(slots.rows)
    slots.hashes, slots.rows, slots.mask = hashes, rows, capacity - 1
    return 0


cdef inline void _slots_close(StringSlots* slots) noexcept:
    free(slots.hashes)
    free(slots.rows)
    slots.hashes, slots.rows, slots.mask = NULL, NULL, 0


cdef inline uint64_t _string_hash(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """FNV-1a over the code points of characters ``start:end``; never 0 (0 marks an empty slot)."""
    cdef uint64_t code = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(start, end):
        code = (code ^ <uint64_t>_at(kind, data, i)) * 1099511628211ULL
    return code | 1


cdef inline Py_ssize_t _slot_of(StringSlots* slots, list strings, uint64_t code, int kind, const void* data,
                                Py_ssize_t start, Py_ssize_t end) noexcept:
    """The slot holding the string of characters ``start:end`` (its row is ``rows[slot]``), or the empty
    slot where it belongs (``hashes[slot] == 0``)."""
    cdef Py_ssize_t slot = <Py_ssize_t>(code & <uint64_t>slots.mask)
    while slots.hashes[slot] != 0:
        if slots.hashes[slot] == code and _same(<str>strings[slots.rows[slot]], kind, data, start, end):
            return slot
        slot = (slot + 1) & slots.mask
    return slot


cdef inline int _slots_fill(StringSlots* slots, Py_ssize_t slot, uint64_t code, Py_ssize_t row,
                            Py_ssize_t count) except -1:
    """Put ``row`` in the empty ``slot``; with ``count`` strings held, the table doubles once more than
    half full."""
    slots.hashes[slot] = code
    slots.rows[slot] = row
    if 2 * count <= slots.mask:
        return 0
    cdef StringSlots grown
    grown.hashes, grown.rows = NULL, NULL
    _slots_open(&grown, 2 * (slots.mask + 1))
    cdef Py_ssize_t k
    for k in range(slots.mask + 1):
        if slots.hashes[k] != 0:
            slot = <Py_ssize_t>(slots.hashes[k] & <uint64_t>grown.mask)
            while grown.hashes[slot] != 0:
                slot = (slot + 1) & grown.mask
            grown.hashes[slot] = slots.hashes[k]
            grown.rows[slot] = slots.rows[k]
    _slots_close(slots)
    slots[0] = grown
    return 0
