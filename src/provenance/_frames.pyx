# cython: language_level=3, boundscheck=False, wraparound=False
"""Compiled reading of attribution frames: the per-cue loop of ``AttributionLexicon.find_many``.

A port of the reading functions in ``attribution.py`` (``_sourceless`` to ``_has_outlet``), which stay
the definition: ``tests/test_speedups.py`` holds the two equal frame for frame. The port keeps the
reference's functions, names and order of tests, so that a change there is easy to mirror here. What
it changes is representation: a token is its index in its sentence (text, lower-cased text and offsets
are read from the sentence's ``_Words``), a window or a phrase is a range of indices, and a token's
strings are interned, so that reading a sentence makes no object per token.
"""

from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDIGIT, Py_UNICODE_ISSPACE, Py_UNICODE_ISUPPER
from libc.stdint cimport uint64_t
from libc.stdlib cimport free, malloc

from provenance._chars cimport PyUnicode_DATA, PyUnicode_KIND, _ascii_lower, _at, _word, _word_end
from provenance._strings cimport StringSlots, _slot_of, _slots_close, _slots_fill, _slots_open, _string_hash
from provenance._tuples cimport provenance_named, provenance_settle


cdef inline bint _first_upper(str text):
    return Py_UNICODE_ISUPPER(text[0])


cdef tuple _POSSESSIVE = ("'s", "\u2019s")
cdef frozenset _NOUN_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those"})
cdef frozenset _POST_MODIFIER_NEXT = frozenset({"by", "on", "in", "at", "to", "about", "last", "earlier"})
cdef frozenset _LEFT_STOPS = frozenset({",", "\u2019", "'", '"', "\u201d", "\u2014", "\u2013", ":", "-"})
cdef frozenset _INSERTION_STOPS = frozenset({",", ";", ":", '"', "\u201c", "\u201d", "(", ")"})
cdef frozenset _JOINERS = frozenset({"and", "&"})
cdef frozenset _RECORD_KINDS = frozenset({"public_record", "document"})
cdef frozenset _SHOWN_KINDS = frozenset({"public_record", "document", "unnamed_group"})
cdef frozenset _RUMOURS = frozenset({"reports", "rumours", "rumors"})
cdef frozenset _RUN_JOINERS = frozenset({"&", "of", "de", "for"})
cdef frozenset _BEEN = frozenset({"been", "being"})


cdef class Reader:
    """One attribution lexicon's word lists and the reference module's constants, held in C fields."""

    cdef object raw_frame, writer_search
    cdef dict cue_classes, pronouns
    cdef object lexical, phrase_words, modifiers, outlet_first_words, outlets, outlet_heads, org_heads
    cdef object participles, documents, public_records, secrecy, public_modifiers, institutions
    cdef object outlet_nouns, role_singular, role_plural, groups
    cdef object skip, negations, passive, control, prepositions, np_fillers, numbers, single, definite
    cdef object determiners, counted_of, stop_capitals, post_modifiers, representatives, noun_like
    cdef object after_noun, spokespeople, agentless_ok, agentless_lemmas
    cdef tuple role_endings
    cdef Py_ssize_t window, max_phrase
    cdef _Interned interned

    def __init__(self, lex, Py_ssize_t interned_limit=1 << 16):
        """``interned_limit``: distinct token strings kept for reuse (65,536 by default: a few MB)."""
        from provenance import attribution as a  # imported here: attribution imports this module's loader

        self.raw_frame, self.writer_search = a.RawFrame, lex.writer_pattern.search
        self.cue_classes, self.pronouns = lex.cue_classes, lex.pronouns
        self.lexical, self.phrase_words, self.modifiers = lex.lexical, lex.phrase_words, lex.modifiers
        self.outlet_first_words, self.outlets, self.outlet_heads = lex.outlet_first_words, lex.outlets, lex.outlet_heads
        self.org_heads, self.participles, self.documents = lex.org_heads, lex.participles, lex.documents
        self.public_records, self.secrecy, self.public_modifiers = lex.public_records, lex.secrecy, lex.public_modifiers
        self.institutions, self.outlet_nouns = lex.institutions, lex.outlet_nouns
        self.role_singular, self.role_plural, self.groups = lex.role_singular, lex.role_plural, lex.groups
        self.skip, self.negations, self.passive, self.control = a._SKIP, a._NEGATIONS, a._PASSIVE, a._CONTROL
        self.prepositions, self.np_fillers, self.numbers = a._PREPOSITIONS, a._NP_FILLERS, a._NUMBERS
        self.single, self.definite, self.determiners = a._SINGLE, a._DEFINITE, a._DETERMINERS
        self.counted_of, self.stop_capitals, self.post_modifiers = a._COUNTED_OF, a._STOP_CAPITALS, a._POST_MODIFIERS
        self.representatives, self.noun_like, self.after_noun = a._REPRESENTATIVES, a._NOUN_LIKE, a._AFTER_NOUN
        self.spokespeople, self.agentless_ok, self.agentless_lemmas = a._SPOKESPEOPLE, a._AGENTLESS_OK, a._AGENTLESS_LEMMAS
        self.role_endings, self.window, self.max_phrase = a._ROLE_ENDINGS, a._WINDOW_WORDS, a._MAX_PHRASE
        self.interned = _Interned(interned_limit)


cdef class _Interned:
    """Each distinct token's text and lower-cased text, made once: a token already seen is found from
    its characters (a hash of its code points, then one comparison), so no string is made for it."""

    cdef StringSlots slots
    cdef Py_ssize_t limit
    cdef list texts, lows  # by row

    def __cinit__(self, Py_ssize_t limit):
        """``limit``: distinct tokens held before the table starts afresh."""
        self.limit = limit
        self.texts, self.lows = [], []
        _slots_open(&self.slots, 1 << 12)

    def __dealloc__(self):
        _slots_close(&self.slots)

    cdef Py_ssize_t find(self, str sentence, int kind, const void* data, Py_ssize_t start, Py_ssize_t end) except -1:
        """The row of ``sentence[start:end]``, added when new.

        Every Python object is made before the table changes: making one can run the collector, and a
        finaliser can let another thread in, which must find the lists and the slots in step."""
        cdef uint64_t code = _string_hash(kind, data, start, end)
        cdef Py_ssize_t slot = _slot_of(&self.slots, self.texts, code, kind, data, start, end)
        cdef list texts, lows
        if self.slots.hashes[slot] != 0:
            return self.slots.rows[slot]
        if len(self.texts) >= self.limit:  # afresh: words already read keep their strings
            texts, lows = [], []
            _slots_open(&self.slots, 1 << 12)
            self.texts, self.lows = texts, lows
            slot = _slot_of(&self.slots, self.texts, code, kind, data, start, end)
        text = sentence[start:end]
        low = text if _ascii_lower(kind, data, start, end) else text.lower()  # lower already: no copy
        self.texts.append(text)
        self.lows.append(low)
        _slots_fill(&self.slots, slot, code, len(self.texts) - 1, len(self.texts))
        return len(self.texts) - 1


cdef class _Words:
    """attribution._Words: a sentence's tokens (``attribution._TOKEN``), made once however many cues it
    has. Token ``t`` is the index ``t``: its strings are ``text(t)`` and ``low(t)`` (interned), its
    offsets ``starts[t]`` and ``ends[t]``. A window of tokens is a range of indices."""

    cdef str sentence
    cdef list texts, lows
    cdef Py_ssize_t n
    cdef Py_ssize_t* starts
    cdef Py_ssize_t* ends

    def __cinit__(self):
        self.starts = NULL
        self.ends = NULL

    def __dealloc__(self):
        free(self.starts)
        free(self.ends)

    def __init__(self, str sentence, _Interned interned):
        cdef Py_ssize_t length = len(sentence), i = 0, end, count = 0, row
        cdef int kind = PyUnicode_KIND(sentence)
        cdef const void* data = PyUnicode_DATA(sentence)
        cdef Py_UCS4 c
        self.sentence = sentence
        self.texts, self.lows = [], []
        self.starts = <Py_ssize_t*>malloc((length + 1) * sizeof(Py_ssize_t))
        self.ends = <Py_ssize_t*>malloc((length + 1) * sizeof(Py_ssize_t))
        if self.starts == NULL or self.ends == NULL:
            raise MemoryError()
        while i < length:
            c = _at(kind, data, i)
            if _word(c):
                end = _word_end(kind, data, i, length, True)
            elif Py_UNICODE_ISSPACE(c):
                i += 1
                continue
            else:
                end = i + 1
            row = interned.find(sentence, kind, data, i, end)
            self.texts.append(interned.texts[row])
            self.lows.append(interned.lows[row])
            self.starts[count] = i
            self.ends[count] = end
            count += 1
            i = end
        self.n = count

    cdef inline str text(self, Py_ssize_t t):
        return <str>self.texts[t]

    cdef inline str low(self, Py_ssize_t t):
        return <str>self.lows[t]

    cdef Py_ssize_t _first_from(self, Py_ssize_t position):
        """``bisect_right(starts, position - 1)``: the first token starting at or after ``position``."""
        cdef Py_ssize_t low = 0, high = self.n, middle
        while low < high:
            middle = (low + high) >> 1
            if position - 1 < self.starts[middle]:
                high = middle
            else:
                low = middle + 1
        return low

    cdef Py_ssize_t end_before(self, Py_ssize_t position):
        """Where the window before ``position`` ends (the reference's ``before``: tokens ending at or
        before it); the window starts ``window`` tokens earlier, or at 0."""
        cdef Py_ssize_t end = self._first_from(position)
        while end > 0 and self.ends[end - 1] > position:
            end -= 1
        return end

    cdef Py_ssize_t start_after(self, Py_ssize_t position):
        """Where the window after ``position`` starts (the reference's ``after``)."""
        return self._first_from(position)


# A phrase: tokens first to stop - 1 of one sentence (first >= stop: none, the reference's [] or None).
ctypedef struct Phrase:
    Py_ssize_t first
    Py_ssize_t stop

cdef Phrase _NONE = Phrase(0, 0)


cdef inline Phrase _phrase(Py_ssize_t first, Py_ssize_t stop) noexcept:
    return Phrase(first, stop)


cdef inline bint _empty(Phrase phrase) noexcept:
    return phrase.first >= phrase.stop


cdef inline tuple _cue_entry(Reader r, str cue):
    """(cue class, side, lemma) of a lower-cased cue, as the reference's ``cue_classes.get`` defaults it."""
    entry = r.cue_classes.get(cue)
    return <tuple>entry if entry is not None else ("speech", "left", cue)


def read_frames(Reader r, sentences, list matches):
    """Frames of each sentence, as ``find_many``'s loop finds them and ``_drop_redundant`` keeps them;
    ``matches`` are the cue spans in the sentences joined by newlines."""
    cdef list found = [[] for _ in sentences]
    cdef Py_ssize_t i = 0, start, end, offset = 0, tokenised = -1, n_sentences = len(sentences)
    cdef _Words words = None
    cdef str sentence = sentences[0] if n_sentences else ""
    cdef str cue
    cdef tuple entry
    for start, end in matches:
        while i + 1 < n_sentences and offset + len(sentence) + 1 <= start:  # matches come in text order
            offset += len(sentence) + 1
            i += 1
            sentence = sentences[i]
        cue = sentence[start - offset : end - offset].lower()
        entry = _cue_entry(r, cue)
        frame = _sourceless(r, sentence, start - offset, end - offset, entry)
        if frame is None:
            if tokenised != i:  # only the current sentence's tokens are kept
                words, tokenised = _Words(sentence, r.interned), i
            frame = _read_frame(r, words, start - offset, end - offset, cue, entry)
            if frame is None:
                frame = _shared_subject(r, words, start - offset, end - offset, cue, entry, found[i])
        if frame is not None:
            (<list>found[i]).append(frame)
    return [_drop_redundant(frames) for frames in found]


cdef list _drop_redundant(list frames):
    """``attribution._drop_redundant``: "in a statement" adds nothing beside a verb frame of the same sentence."""
    if len(frames) < 2:
        return frames
    cdef list verbs = [f for f in frames if f[2] != "statement"]
    return verbs if verbs else frames


cdef object _sourceless(Reader r, str sentence, Py_ssize_t cue_start, Py_ssize_t cue_end, tuple entry):
    cue_class, side = entry[0], entry[1]
    if side == "none" or (cue_start > 0 and Py_UNICODE_ISUPPER(sentence[cue_start]) and cue_class != "according"):
        return provenance_named(r.raw_frame, (cue_start, cue_end, cue_class, -1, -1, "none", "none", False, "", False))
    return None


cdef object _read_frame(Reader r, _Words w, Py_ssize_t cue_start, Py_ssize_t cue_end, str cue, tuple entry):
    # The reference's windows ``left`` and ``right`` as index ranges: left[k] is token lo + k, right[k]
    # is token rs + k; "i >= 0" in the reference reads "i >= lo" here.
    cdef Py_ssize_t i, hi = w.end_before(cue_start), rs = w.start_after(cue_end)
    cdef Py_ssize_t lo = max(0, hi - r.window), re = min(w.n, rs + r.window)
    cdef bint negated, passive, has_left = hi > lo, has_right = re > rs
    cdef Phrase inserted
    cue_class, side, lemma = entry
    if has_left and (w.text(hi - 1).endswith(_POSSESSIVE) or w.low(hi - 1) in _NOUN_DETERMINERS):
        return None
    if cue in r.noun_like and (has_right and w.low(rs) in r.after_noun
                               or has_left and Py_UNICODE_ISDIGIT(w.text(hi - 1)[0])):
        return None
    if cue in r.post_modifiers and has_right and w.low(rs) in _POST_MODIFIER_NEXT:
        return None
    if side == "right":
        return _frame(r, w, cue_start, cue_end, cue, cue_class, _phrase_right(r, w, rs, re, rs), "right", False)
    i = hi - 1
    negated = False
    passive = False
    while i >= lo and w.low(i) in r.skip:
        word = w.low(i)
        negated = negated or word in r.negations
        passive = passive or (word in r.passive and i == hi - 1 or word in _BEEN)
        i -= 1
    if i >= lo + 1 and w.low(i) == "to" and w.low(i - 1) in r.control:
        negated = negated or w.low(i - 1) in r.negations
        i -= 2
        while i >= lo and w.low(i) in r.skip:
            i -= 1
    if passive and cue in r.participles:
        if has_right and w.low(rs) == "by":
            return _frame(r, w, cue_start, cue_end, cue, cue_class, _phrase_right(r, w, rs + 1, re, rs), "right", negated)
        if cue_class in r.agentless_ok or lemma in r.agentless_lemmas:
            return provenance_named(r.raw_frame, (cue_start, cue_end, cue_class, -1, -1, "none", "none", negated, "", False))
        return None
    if cue_class == "statement":
        while i >= lo and w.text(i) == ",":
            i -= 1
    if cue_class == "access":
        while i >= lo and w.text(i) == ",":
            i -= 1
        return _frame(r, w, cue_start, cue_end, cue, cue_class, _phrase_left(r, w, i, lo, lo), "left", negated)
    if i < lo or w.text(i) in _LEFT_STOPS:
        if i >= lo and w.text(i) == ",":
            inserted = _insertion(r, w, i, lo)
            if not _empty(inserted):
                return _frame(r, w, cue_start, cue_end, cue, cue_class, inserted, "left", negated)
        if cue_class == "statement":
            return None
        return _frame(r, w, cue_start, cue_end, cue, cue_class, _phrase_right(r, w, rs, re, rs), "right", negated)
    return _frame(r, w, cue_start, cue_end, cue, cue_class, _phrase_left(r, w, i, lo, lo), "left", negated)


cdef object _shared_subject(Reader r, _Words w, Py_ssize_t cue_start, Py_ssize_t cue_end, str cue, tuple entry,
                            list earlier):
    cdef str sentence = w.sentence
    cdef str before = sentence[max(0, cue_start - 12) : cue_start].rstrip()
    cdef bint joined = before.endswith(",") or before.endswith((" and", " but")) or before.endswith(("\u2014", "\u2013"))
    cdef Py_ssize_t hi, lo
    cdef Phrase subject = _NONE
    if not joined or not (cue.endswith("ing") or before.endswith((" and", " but"))):
        return None
    cue_class = entry[0]
    if earlier:
        last = earlier[len(earlier) - 1]
        return last._replace(cue_start=cue_start, cue_end=cue_end, cue_class=cue_class, side="left", negated=False)
    if w.n and w.starts[0] < cue_start:
        hi = w.end_before(cue_start)
        lo = max(0, hi - r.window)
        subject = _phrase_right(r, w, lo, min(hi, lo + r.max_phrase), lo)
    if _empty(subject) or subject.first != 0:  # the subject opens the sentence
        subject = _NONE
    return _frame(r, w, cue_start, cue_end, cue, cue_class, subject, "left", False)


cdef Phrase _insertion(Reader r, _Words w, Py_ssize_t comma, Py_ssize_t base):
    cdef Py_ssize_t j = comma - 1
    while j >= base and comma - j <= 28 and w.text(j) not in _INSERTION_STOPS:
        j -= 1
    if j < base or w.text(j) != ",":
        return _NONE
    cdef Phrase inner = _phrase_left(r, w, comma - 1, j + 1, base)
    cdef Phrase before = _phrase_left(r, w, j - 1, base, base)
    if not _empty(inner) and _is_name(r, w, inner) and inner.first == j + 1:
        return inner
    if not _empty(before) and _head(r, w, before) >= 0:
        return before
    return _NONE


cdef bint _allowed(Reader r, _Words w, Py_ssize_t t):
    cdef str text = w.text(t)
    if not Py_UNICODE_ISALNUM(text[0]):
        return text == "&"
    cdef str low = w.low(t)
    if Py_UNICODE_ISUPPER(text[0]):
        return text not in r.stop_capitals and (low not in r.cue_classes or low in r.lexical)
    if low in r.post_modifiers:
        return True
    if low in r.cue_classes and low not in r.lexical:
        return False
    return low in r.phrase_words or Py_UNICODE_ISDIGIT(text[0]) or "-" in low or low.endswith(_POSSESSIVE)


cdef Phrase _phrase_left(Reader r, _Words w, Py_ssize_t end, Py_ssize_t floor, Py_ssize_t base):
    """``base``: where the window starts (the reference's index 0), which ``_opens_phrase`` looks no further back than."""
    cdef Py_ssize_t start, inner
    while end >= floor and w.text(end) == ")":
        end = _skip_parenthesis(w, end, floor)
    if end < floor:
        return _NONE
    if w.low(end) == "them" and end - 2 >= floor and w.low(end - 1) == "of":
        return _phrase(end - 2, end + 1) if w.low(end - 2) in r.counted_of else _NONE
    if w.low(end) in r.pronouns:
        return _phrase(end, end + 1)
    if not _allowed(r, w, end) and not (_unknown_word(w, end) and (
        end - 1 >= floor and _opens_phrase(r, w, end - 1, base)
        or w.text(end).endswith("s") and (end == floor or _first_upper(w.text(end - 1)))
    )):
        return _NONE
    start = end
    while start - 1 >= floor and end - start < r.max_phrase:
        if w.text(start - 1) == ")":
            inner = _skip_parenthesis(w, start - 1, floor)
            if inner < floor:
                break
            start = inner + 1
            continue
        if w.low(start - 1) in r.pronouns:
            break
        if _allowed(r, w, start - 1) or (_unknown_word(w, start - 1) and start - 2 >= floor
                                         and _opens_phrase(r, w, start - 2, base)):
            start -= 1
            continue
        break
    return _trim(r, w, start, end + 1)


cdef Phrase _phrase_right(Reader r, _Words w, Py_ssize_t start, Py_ssize_t n, Py_ssize_t base):
    """Tokens ``start`` to ``n`` (the window's end) at most; ``base`` as in :func:`_phrase_left`."""
    cdef Py_ssize_t end, k
    cdef bint ahead
    if start >= n:
        return _NONE
    if w.low(start) in r.pronouns:
        return _phrase(start, start + 1)
    end = start
    while end < n and end - start < r.max_phrase:
        if w.low(end) in r.pronouns and w.low(end) != "it":
            break
        if _allowed(r, w, end) or w.text(end) == "(" or w.text(end) == ")":
            end += 1
            continue
        if _unknown_word(w, end) and w.low(end) not in r.cue_classes and end > start and _opens_phrase(r, w, end - 1, base):
            ahead = False
            for k in range(end + 1, min(end + 3, n)):
                if w.low(k) in r.lexical or _first_upper(w.text(k)):
                    ahead = True
                    break
            if ahead:
                end += 1
                continue
        break
    return _trim(r, w, start, end)


cdef Py_ssize_t _skip_parenthesis(_Words w, Py_ssize_t close, Py_ssize_t floor):
    cdef Py_ssize_t j = close - 1
    while j >= floor and close - j <= 8 and w.text(j) != "(":
        j -= 1
    return j - 1 if j >= floor and w.text(j) == "(" else floor - 1


cdef inline bint _unknown_word(_Words w, Py_ssize_t t):
    cdef str text = w.text(t)
    return text.isalpha() and text.islower()


cdef bint _opens_phrase(Reader r, _Words w, Py_ssize_t i, Py_ssize_t base):
    cdef str low = w.low(i)
    if low in r.definite or low in r.single or low in r.modifiers or low in r.prepositions or low in r.numbers:
        return True
    if low.endswith(_POSSESSIVE):
        return True
    return _unknown_word(w, i) and i >= base + 1 and (w.low(i - 1) in r.determiners or w.low(i - 1) in r.modifiers)


cdef Phrase _trim(Reader r, _Words w, Py_ssize_t a, Py_ssize_t b):
    cdef Py_ssize_t k
    cdef str text
    while a < b:
        text = w.text(a)
        if text in r.prepositions or text in r.np_fillers or text == "(" or text == ")" or not (_allowed(r, w, a) or text == "("):
            a += 1
        else:
            break
    while a < b:
        k = b - 1
        if (w.low(k) in r.prepositions or w.low(k) in _JOINERS or w.low(k) in r.determiners or w.text(k) == "("
                or not (_allowed(r, w, k) or _unknown_word(w, k) or w.text(k) == ")")):
            b -= 1
        else:
            break
    if a < b and w.text(b - 1) == ")":
        for k in range(a, b):
            if w.text(k) == "(":
                break
        else:
            b -= 1
    return _phrase(a, b)


cdef Py_ssize_t _head(Reader r, _Words w, Phrase phrase):
    """The head token's index, or -1 (the reference's None)."""
    cdef Py_ssize_t n, core = phrase.stop  # the reference's ``core`` ends here
    cdef str text
    for n in range(phrase.first + 1, phrase.stop):
        if w.low(n) in r.prepositions:
            core = n
            break
    if core > phrase.first and _unknown_word(w, core - 1):
        text = w.text(core - 1)
        if text.endswith("s") and len(text) > 3:
            return core - 1
    for n in range(core - 1, phrase.first - 1, -1):
        if _decides(r, w, n):
            return n
    for n in range(phrase.stop - 1, core - 1, -1):
        if _decides(r, w, n):
            return n
    for n in range(core - 1, phrase.first - 1, -1):
        if _unknown_word(w, n) and (w.text(n).endswith(r.role_endings) or n == core - 1 and w.text(n).endswith("s")):
            return n
    return -1


cdef bint _decides(Reader r, _Words w, Py_ssize_t t):
    """The test in ``_head``'s middle loops: a word that names a source."""
    if not Py_UNICODE_ISALNUM(w.text(t)[0]):
        return False
    cdef str low = w.low(t)
    return low in r.lexical or low in r.pronouns or _is_name_word(r, w, t)


cdef bint _is_name_word(Reader r, _Words w, Py_ssize_t t):
    cdef str low = w.low(t)
    if not _first_upper(w.text(t)) or low in r.definite or low in r.single:
        return False
    return not (w.starts[t] == 0 and (low in r.lexical or low in r.modifiers))


cdef bint _is_name(Reader r, _Words w, Phrase phrase):
    cdef Py_ssize_t head = _head(r, w, phrase)
    return head >= 0 and _first_upper(w.text(head)) and w.low(head) not in r.lexical


cdef object _frame(Reader r, _Words w, Py_ssize_t cue_start, Py_ssize_t cue_end, str cue, cue_class, Phrase phrase, side,
                   bint negated):
    if _empty(phrase):
        return None
    cdef Py_ssize_t head = _head(r, w, phrase)
    if head < 0:
        return None
    kind, plural = _kind(r, w, phrase, head)
    if kind is None and cue_class == "access":
        kind = "document"
    if kind is None:
        return None
    if cue_class == "showing" and kind not in _SHOWN_KINDS:
        return None
    if side == "left" and cue in r.lexical and kind in _RECORD_KINDS:
        return None
    return provenance_named(r.raw_frame, (cue_start, cue_end, cue_class, w.starts[phrase.first], w.ends[phrase.stop - 1],
                                          kind, side, negated, w.low(head), plural))


cdef tuple _kind(Reader r, _Words w, Phrase phrase, Py_ssize_t head):
    cdef list words = w.texts[phrase.first : phrase.stop]
    cdef list lows = w.lows[phrase.first : phrase.stop]
    cdef str low_text = w.sentence[w.starts[phrase.first] : w.ends[phrase.stop - 1]].lower()
    cdef str h = w.low(head)
    cdef str head_text = w.text(head)
    cdef list core
    cdef bint counted, behalf, of_organisation
    cdef Py_ssize_t t
    if h in r.pronouns:
        return "pronoun", r.pronouns[h] == "group"
    if r.writer_search(low_text):
        return "outlet", False
    if _has_outlet(r, words):
        return "outlet", False
    if _first_upper(head_text) and head_text in r.outlet_heads and (phrase.stop - phrase.first > 1 or w.starts[head] > 0):
        return "outlet", False
    if low_text.startswith("one of") or h == "both":
        return "anonymous_person", h == "both"
    if h in r.spokespeople or h in r.representatives:
        behalf = of_organisation = False  # capitalised words after the head: who is represented
        for t in range(phrase.first, phrase.stop):
            if _first_upper(w.text(t)) and w.starts[t] > w.starts[head]:
                behalf = True
                of_organisation = of_organisation or w.text(t) in r.org_heads
        if h in r.representatives and behalf and not of_organisation:
            return "named_person", False
        return "named_organisation", False
    core = lows[: lows.index(h) + 1] if h in lows else lows
    if h in r.documents or h in r.public_records:
        if any(word in r.secrecy for word in core):
            return "document", False
        if h in _RUMOURS and not any(word in r.public_modifiers for word in core):
            return "unnamed_group", True
        if any(word in r.public_modifiers for word in core) or "published" in lows or "released" in lows or h not in r.documents:
            return "public_record", False
        return "document", False
    if _first_upper(head_text) and not (w.starts[head] == 0 and h in r.lexical):
        if any(word in r.org_heads for word in _capital_run(w, phrase, head)) or (
            len(head_text) > 1 and head_text.isupper() and head_text.isalpha()
        ):
            return "named_organisation", False
        if h in r.institutions:
            return "named_organisation", False
        return "named_person", False
    if h in r.institutions:
        return "named_organisation", False
    if h in r.outlet_nouns:
        return "outlet", False
    counted = any(word in r.numbers or Py_UNICODE_ISDIGIT((<str>word)[0]) for word in core[: len(core) - 1])
    if h in r.role_singular and h not in r.role_plural:
        return "anonymous_person", False
    if h in r.role_plural or h in r.groups:
        return ("anonymous_person" if counted else "unnamed_group"), True
    if any(word in r.secrecy for word in lows):
        return "document", False
    if h.endswith(r.role_endings) or (h.isalpha() and h.islower() and h.endswith("s") and h not in r.lexical):
        plural = h.endswith("s")
        return ("unnamed_group" if plural and not counted else "anonymous_person"), plural
    return None, False


cdef list _capital_run(_Words w, Phrase phrase, Py_ssize_t head):
    cdef Py_ssize_t start = head, end = head
    while start > phrase.first and (_first_upper(w.text(start - 1)) or w.text(start - 1) in _RUN_JOINERS):
        start -= 1
    while end + 1 < phrase.stop and _first_upper(w.text(end + 1)):
        end += 1
    return w.texts[start : end + 1]


cdef bint _has_outlet(Reader r, list words):
    cdef Py_ssize_t n = len(words), i, j
    cdef str word
    for i in range(n):
        word = words[i]
        if not _first_upper(word) or word not in r.outlet_first_words:
            continue
        for j in range(i + 1, min(n, i + 4) + 1):
            if " ".join(words[i:j]) in r.outlets:
                return True
    return False


# --- follow-ups: attribution.resolve ------------------------------------------------------------
# RawFrame fields by position: cue_start 0, cue_end 1, cue_class 2, source_start 3, source_end 4,
# kind 5, side 6, negated 7, head 8, plural 9.


cdef class Resolver:
    """``attribution.resolve`` and ``_antecedent``, with the reference module's constants in C fields."""

    cdef object frame_type, named_before, person_kinds, definite
    cdef dict wanted

    def __init__(self):
        from provenance import attribution as a  # imported here: attribution imports this module's loader

        self.frame_type, self.named_before = a.Frame, a._named_before
        self.person_kinds, self.definite = a._PERSON_KINDS, a._DEFINITE
        self.wanted = {"he": a._PERSON_KINDS, "she": a._PERSON_KINDS, "i": a._PERSON_KINDS, "they": a._GROUP_KINDS,
                       "we": a._GROUP_KINDS | {"outlet"}, "it": a._THING_KINDS}

    def resolve(self, list found, sentences):
        """Frames of every sentence with follow-ups resolved in reading order (see ``attribution.resolve``)."""
        cdef list history = [], out = [], resolved
        cdef Py_ssize_t index
        for index in range(len(found)):
            sentence = sentences[index]
            resolved = []
            for frame in found[index]:
                kind = frame[5]
                antecedent = None
                head = frame[8]
                if kind == "pronoun" and head == "we" and (frame[2] == "cognition" or frame[2] == "speech"):
                    kind = "outlet"  # "we can reveal", "we understand": the outlet writing
                elif frame[3] >= 0:
                    target = self._antecedent(frame, sentence, index, history)
                    if target is not None:
                        earlier, earlier_kind, where = target
                        kind = earlier_kind
                        antecedent = provenance_settle((where, earlier[3], earlier[4]))
                    elif frame[5] == "pronoun" and (head == "he" or head == "she"):
                        named = self.named_before(sentences, index, frame[3])
                        if named is not None:
                            kind, antecedent = "named_person", named
                    history.append((frame, kind, index))
                resolved.append(provenance_named(self.frame_type, (frame, kind, antecedent)))
            out.append(provenance_settle(tuple(resolved)) if resolved else ())
        return out

    cdef object _antecedent(self, frame, str sentence, Py_ssize_t index, list history):
        cdef Py_ssize_t n, where, source_start = frame[3], source_end, space
        head = frame[8]
        if frame[5] == "pronoun":
            wanted = self.wanted.get(head, self.person_kinds)
            singular = head == "he" or head == "she" or head == "i"
            for n in range(len(history) - 1, -1, -1):
                earlier, kind, where = history[n]
                if not (where < index or earlier[4] <= source_start):
                    continue
                if kind in wanted and not (singular and earlier[9]):
                    return history[n]
            return None
        source_end = frame[4]
        space = sentence.find(" ", source_start, source_end)
        first = sentence[source_start : space if space >= 0 else source_end].lower()  # the first word
        if first not in self.definite:
            return None
        for n in range(len(history) - 1, -1, -1):
            earlier, kind, where = history[n]
            if not (where < index or earlier[4] <= source_start):
                continue
            if earlier[8] and _same_noun(earlier[8], head):
                return history[n]
        return None


cdef bint _same_noun(str a, str b):
    """Whether two head nouns are the same word, ignoring a plural -s ("official"/"officials")."""
    return a == b or a.rstrip("s") == b.rstrip("s") or (a == "person" and b == "people") or (a == "people" and b == "person")


# --- model features: attribution.frame_features -------------------------------------------------


cdef tuple _THIRDS = ("start", "middle", "end")
# (kind, cue class, side, third, negated, follow-up) -> that frame's feature strings: a few hundred
# combinations at most, each formatted once per process instead of once per frame.
cdef dict _FEATURES_OF = {}


def frame_features_many(frames_of, sentences):
    """``[tuple(attribution.frame_features(frames, len(sentence))) for ...]`` for every sentence of a chunk."""
    cdef list out = [], features
    cdef Py_ssize_t n, length
    cdef tuple key
    for n in range(len(frames_of)):
        length = len(sentences[n])
        features = []
        for frame in frames_of[n]:
            raw = frame[0]
            key = (frame[1], raw[2], raw[6], min(2, 3 * <Py_ssize_t>raw[0] // max(1, length)), raw[7],
                   frame[2] is not None or raw[5] == "pronoun")
            cached = _FEATURES_OF.get(key)
            if cached is None:
                cached = _FEATURES_OF[key] = _frame_features(key[0], key[1], key[2], key[3], key[4], key[5])
            features.extend(<tuple>cached)
        out.append(provenance_settle(tuple(features)) if features else ())
    return out


cdef tuple _frame_features(kind, cue_class, side, Py_ssize_t third, negated, bint followup):
    """The feature strings of one frame, as ``attribution.frame_features`` writes them."""
    cdef list features = [f"f:k={kind}", f"f:c={cue_class}", f"f:k={kind}&c={cue_class}", f"f:k={kind}&side={side}",
                          f"f:k={kind}&pos={_THIRDS[third]}"]
    if negated:
        features.append(f"f:neg&k={kind}")
    if followup:
        features.append(f"f:followup&k={kind}")
    return tuple(features)
