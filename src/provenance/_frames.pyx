# cython: language_level=3
"""Compiled reading of attribution frames: the per-cue loop of ``AttributionLexicon.find_many``.

A line-for-line port of the reading functions in ``attribution.py`` (``_sourceless`` to
``_has_outlet``), which stay the definition: ``tests/test_speedups.py`` holds the two equal frame for
frame. The port keeps the reference's structure and names so that a change there is easy to mirror
here; what makes it faster is C calls between the functions, typed indices and tuple access without
attribute lookups, not a different algorithm.
"""

from cpython.tuple cimport PyTuple_GET_ITEM
from provenance._tuples cimport provenance_named, provenance_settle
from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDIGIT, Py_UNICODE_ISUPPER

from provenance._speedups import attribution_tokens

# Fields of a token: an attribution._Tok's, as a plain tuple.
cdef inline str _text(object tok):
    return <str><object>PyTuple_GET_ITEM(tok, 0)


cdef inline Py_ssize_t _start(object tok):
    return <object>PyTuple_GET_ITEM(tok, 1)


cdef inline Py_ssize_t _end(object tok):
    return <object>PyTuple_GET_ITEM(tok, 2)


cdef inline str _low(object tok):
    return <str><object>PyTuple_GET_ITEM(tok, 3)


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

    cdef object raw_frame, tok_type, writer_search
    cdef dict cue_classes, pronouns
    cdef object lexical, phrase_words, modifiers, outlet_first_words, outlets, outlet_heads, org_heads
    cdef object participles, documents, public_records, secrecy, public_modifiers, institutions
    cdef object outlet_nouns, role_singular, role_plural, groups
    cdef object skip, negations, passive, control, prepositions, np_fillers, numbers, single, definite
    cdef object determiners, counted_of, stop_capitals, post_modifiers, representatives, noun_like
    cdef object after_noun, spokespeople, agentless_ok, agentless_lemmas
    cdef tuple role_endings
    cdef Py_ssize_t window, max_phrase

    def __init__(self, lex):
        from provenance import attribution as a  # imported here: attribution imports this module's loader

        self.raw_frame, self.tok_type, self.writer_search = a.RawFrame, tuple, lex.writer_pattern.search
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


cdef class _Words:
    """attribution._Words: a sentence's tokens, made once however many cues it has. A window of tokens
    is a range of indices into ``tokens`` (no list is sliced per cue)."""

    cdef str sentence
    cdef list tokens, starts

    def __init__(self, str sentence, tok_type):
        self.sentence = sentence
        self.tokens, self.starts = attribution_tokens(sentence, tok_type)

    cdef Py_ssize_t _first_from(self, Py_ssize_t position):
        """``bisect_right(starts, position - 1)``: the first token starting at or after ``position``."""
        cdef Py_ssize_t low = 0, high = len(self.starts), middle
        while low < high:
            middle = (low + high) >> 1
            if position - 1 < <Py_ssize_t>self.starts[middle]:
                high = middle
            else:
                low = middle + 1
        return low

    cdef Py_ssize_t end_before(self, Py_ssize_t position):
        """Where the window before ``position`` ends (the reference's ``before``: tokens ending at or
        before it); the window starts ``window`` tokens earlier, or at 0."""
        cdef Py_ssize_t end = self._first_from(position)
        while end > 0 and _end(self.tokens[end - 1]) > position:
            end -= 1
        return end

    cdef Py_ssize_t start_after(self, Py_ssize_t position):
        """Where the window after ``position`` starts (the reference's ``after``)."""
        return self._first_from(position)


cdef inline tuple _cue_entry(Reader r, str cue):
    """(cue class, side, lemma) of a lower-cased cue, as the reference's ``cue_classes.get`` defaults it."""
    entry = r.cue_classes.get(cue)
    return <tuple>entry if entry is not None else ("speech", "left", cue)


def read_frames(Reader r, sentences, list starts, list matches):
    """Frames of each sentence, as ``find_many``'s loop finds them and ``_drop_redundant`` keeps them."""
    cdef list found = [[] for _ in sentences]
    cdef Py_ssize_t i = 0, start, end, offset, tokenised = -1, n_starts = len(starts)
    cdef _Words words = None
    cdef str sentence, cue
    cdef tuple entry
    for start, end in matches:
        while i + 1 < n_starts and <Py_ssize_t>starts[i + 1] <= start:  # matches come in text order
            i += 1
        offset = starts[i]
        sentence = sentences[i]
        cue = sentence[start - offset : end - offset].lower()
        entry = _cue_entry(r, cue)
        frame = _sourceless(r, sentence, start - offset, end - offset, entry)
        if frame is None:
            if tokenised != i:  # only the current sentence's tokens are kept
                words, tokenised = _Words(sentence, r.tok_type), i
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


cdef object _read_frame(Reader r, _Words words, Py_ssize_t cue_start, Py_ssize_t cue_end, str cue, tuple entry):
    # The reference's windows ``left`` and ``right`` as index ranges of ``toks``: left[k] is
    # toks[lo + k], right[k] is toks[rs + k]; "i >= 0" in the reference reads "i >= lo" here.
    cdef str sentence = words.sentence
    cdef list toks = words.tokens
    cdef Py_ssize_t i, hi = words.end_before(cue_start), rs = words.start_after(cue_end)
    cdef Py_ssize_t lo = max(0, hi - r.window), re = min(len(toks), rs + r.window)
    cdef bint negated, passive, has_left = hi > lo, has_right = re > rs
    cue_class, side, lemma = entry
    if has_left and (_text(toks[hi - 1]).endswith(_POSSESSIVE) or _low(toks[hi - 1]) in _NOUN_DETERMINERS):
        return None
    if cue in r.noun_like and (has_right and _low(toks[rs]) in r.after_noun
                               or has_left and Py_UNICODE_ISDIGIT(_text(toks[hi - 1])[0])):
        return None
    if cue in r.post_modifiers and has_right and _low(toks[rs]) in _POST_MODIFIER_NEXT:
        return None
    if side == "right":
        phrase = _phrase_right(r, toks, rs, re, rs)
        return _frame(r, sentence, cue_start, cue_end, cue, cue_class, phrase, "right", False)
    i = hi - 1
    negated = False
    passive = False
    while i >= lo and _low(toks[i]) in r.skip:
        word = _low(toks[i])
        negated = negated or word in r.negations
        passive = passive or (word in r.passive and i == hi - 1 or word in _BEEN)
        i -= 1
    if i >= lo + 1 and _low(toks[i]) == "to" and _low(toks[i - 1]) in r.control:
        negated = negated or _low(toks[i - 1]) in r.negations
        i -= 2
        while i >= lo and _low(toks[i]) in r.skip:
            i -= 1
    if passive and cue in r.participles:
        if has_right and _low(toks[rs]) == "by":
            phrase = _phrase_right(r, toks, rs + 1, re, rs)
            return _frame(r, sentence, cue_start, cue_end, cue, cue_class, phrase, "right", negated)
        if cue_class in r.agentless_ok or lemma in r.agentless_lemmas:
            return provenance_named(r.raw_frame, (cue_start, cue_end, cue_class, -1, -1, "none", "none", negated, "", False))
        return None
    if cue_class == "statement":
        while i >= lo and _text(toks[i]) == ",":
            i -= 1
    if cue_class == "access":
        while i >= lo and _text(toks[i]) == ",":
            i -= 1
        return _frame(r, sentence, cue_start, cue_end, cue, cue_class, _phrase_left(r, toks, i, lo, lo), "left", negated)
    if i < lo or _text(toks[i]) in _LEFT_STOPS:
        if i >= lo and _text(toks[i]) == ",":
            inserted = _insertion(r, toks, i, lo)
            if inserted is not None:
                return _frame(r, sentence, cue_start, cue_end, cue, cue_class, inserted, "left", negated)
        after = _phrase_right(r, toks, rs, re, rs) if cue_class != "statement" else None
        return _frame(r, sentence, cue_start, cue_end, cue, cue_class, after, "right", negated)
    return _frame(r, sentence, cue_start, cue_end, cue, cue_class, _phrase_left(r, toks, i, lo, lo), "left", negated)


cdef object _shared_subject(Reader r, _Words words, Py_ssize_t cue_start, Py_ssize_t cue_end, str cue, tuple entry,
                            list earlier):
    cdef str sentence = words.sentence
    cdef str before = sentence[max(0, cue_start - 12) : cue_start].rstrip()
    cdef bint joined = before.endswith(",") or before.endswith((" and", " but")) or before.endswith(("\u2014", "\u2013"))
    cdef Py_ssize_t hi, lo
    if not joined or not (cue.endswith("ing") or before.endswith((" and", " but"))):
        return None
    cue_class = entry[0]
    if earlier:
        last = earlier[-1]
        return last._replace(cue_start=cue_start, cue_end=cue_end, cue_class=cue_class, side="left", negated=False)
    cdef list subject
    if words.starts and words.starts[0] < cue_start:
        hi = words.end_before(cue_start)
        lo = max(0, hi - r.window)
        subject = _phrase_right(r, words.tokens, lo, min(hi, lo + r.max_phrase), lo)
    else:
        subject = []
    if not (subject and _start(subject[0]) == _start(words.tokens[0])):
        subject = []
    return _frame(r, sentence, cue_start, cue_end, cue, cue_class, subject, "left", False)


cdef object _insertion(Reader r, list toks, Py_ssize_t comma, Py_ssize_t base):
    cdef Py_ssize_t j = comma - 1
    while j >= base and comma - j <= 28 and _text(toks[j]) not in _INSERTION_STOPS:
        j -= 1
    if j < base or _text(toks[j]) != ",":
        return None
    cdef list inner = _phrase_left(r, toks, comma - 1, j + 1, base)
    cdef list before = _phrase_left(r, toks, j - 1, base, base)
    if inner and _is_name(r, inner) and _start(inner[0]) == _start(toks[j + 1]):
        return inner
    if before and _head(r, before) is not None:
        return before
    return None


cdef bint _allowed(Reader r, object tok):
    cdef str text = _text(tok)
    if not Py_UNICODE_ISALNUM(text[0]):
        return text == "&"
    cdef str low = _low(tok)
    if Py_UNICODE_ISUPPER(text[0]):
        return text not in r.stop_capitals and (low not in r.cue_classes or low in r.lexical)
    if low in r.post_modifiers:
        return True
    if low in r.cue_classes and low not in r.lexical:
        return False
    return low in r.phrase_words or Py_UNICODE_ISDIGIT(text[0]) or "-" in low or low.endswith(_POSSESSIVE)


cdef list _phrase_left(Reader r, list toks, Py_ssize_t end, Py_ssize_t floor, Py_ssize_t base):
    """``base``: where the window starts (the reference's index 0), which ``_opens_phrase`` looks no further back than."""
    cdef Py_ssize_t start, inner
    while end >= floor and _text(toks[end]) == ")":
        end = _skip_parenthesis(toks, end, floor)
    if end < floor:
        return []
    if _low(toks[end]) == "them" and end - 2 >= floor and _low(toks[end - 1]) == "of":
        return toks[end - 2 : end + 1] if _low(toks[end - 2]) in r.counted_of else []
    if _low(toks[end]) in r.pronouns:
        return [toks[end]]
    if not _allowed(r, toks[end]) and not (_unknown_word(toks[end]) and (
        end - 1 >= floor and _opens_phrase(r, toks, end - 1, base)
        or _text(toks[end]).endswith("s") and (end == floor or _first_upper(_text(toks[end - 1])))
    )):
        return []
    start = end
    while start - 1 >= floor and end - start < r.max_phrase:
        tok = toks[start - 1]
        if _text(tok) == ")":
            inner = _skip_parenthesis(toks, start - 1, floor)
            if inner < floor:
                break
            start = inner + 1
            continue
        if _low(tok) in r.pronouns:
            break
        if _allowed(r, tok) or (_unknown_word(tok) and start - 2 >= floor and _opens_phrase(r, toks, start - 2, base)):
            start -= 1
            continue
        break
    return _trim(r, toks[start : end + 1])


cdef list _phrase_right(Reader r, list toks, Py_ssize_t start, Py_ssize_t n, Py_ssize_t base):
    """Tokens ``start`` to ``n`` (the window's end) at most; ``base`` as in :func:`_phrase_left`."""
    cdef Py_ssize_t end, k
    cdef bint ahead
    if start >= n:
        return []
    if _low(toks[start]) in r.pronouns:
        return [toks[start]]
    end = start
    while end < n and end - start < r.max_phrase:
        tok = toks[end]
        if _low(tok) in r.pronouns and _low(tok) != "it":
            break
        if _allowed(r, tok) or _text(tok) == "(" or _text(tok) == ")":
            end += 1
            continue
        if _unknown_word(tok) and _low(tok) not in r.cue_classes and end > start and _opens_phrase(r, toks, end - 1, base):
            ahead = False
            for k in range(end + 1, min(end + 3, n)):
                if _low(toks[k]) in r.lexical or _first_upper(_text(toks[k])):
                    ahead = True
                    break
            if ahead:
                end += 1
                continue
        break
    return _trim(r, toks[start:end])


cdef Py_ssize_t _skip_parenthesis(list toks, Py_ssize_t close, Py_ssize_t floor):
    cdef Py_ssize_t j = close - 1
    while j >= floor and close - j <= 8 and _text(toks[j]) != "(":
        j -= 1
    return j - 1 if j >= floor and _text(toks[j]) == "(" else floor - 1


cdef inline bint _unknown_word(object tok):
    cdef str text = _text(tok)
    return text.isalpha() and text.islower()


cdef bint _opens_phrase(Reader r, list toks, Py_ssize_t i, Py_ssize_t base):
    cdef str low = _low(toks[i])
    if low in r.definite or low in r.single or low in r.modifiers or low in r.prepositions or low in r.numbers:
        return True
    if low.endswith(_POSSESSIVE):
        return True
    return _unknown_word(toks[i]) and i >= base + 1 and (_low(toks[i - 1]) in r.determiners or _low(toks[i - 1]) in r.modifiers)


cdef list _trim(Reader r, list phrase):
    cdef Py_ssize_t a = 0, b = len(phrase), k
    cdef str text
    while a < b:
        text = _text(phrase[a])
        if text in r.prepositions or text in r.np_fillers or text == "(" or text == ")" or not (_allowed(r, phrase[a]) or text == "("):
            a += 1
        else:
            break
    while a < b:
        tok = phrase[b - 1]
        if (_low(tok) in r.prepositions or _low(tok) in _JOINERS or _low(tok) in r.determiners or _text(tok) == "("
                or not (_allowed(r, tok) or _unknown_word(tok) or _text(tok) == ")")):
            b -= 1
        else:
            break
    if a < b and _text(phrase[b - 1]) == ")":
        for k in range(a, b):
            if _text(phrase[k]) == "(":
                break
        else:
            b -= 1
    return phrase[a:b]


cdef object _head(Reader r, list phrase):
    cdef Py_ssize_t n, ncore = len(phrase), length = len(phrase)
    cdef str low, text
    for n in range(1, length):
        if _low(phrase[n]) in r.prepositions:
            ncore = n
            break
    if ncore and _unknown_word(phrase[ncore - 1]):
        text = _text(phrase[ncore - 1])
        if text.endswith("s") and len(text) > 3:
            return phrase[ncore - 1]
    for n in range(ncore - 1, -1, -1):
        if _decides(r, phrase[n]):
            return phrase[n]
    for n in range(length - 1, ncore - 1, -1):
        if _decides(r, phrase[n]):
            return phrase[n]
    for n in range(ncore - 1, -1, -1):
        tok = phrase[n]
        if _unknown_word(tok) and (_text(tok).endswith(r.role_endings) or n == ncore - 1 and _text(tok).endswith("s")):
            return tok
    return None


cdef bint _decides(Reader r, object tok):
    """The test in ``_head``'s middle loops: a word that names a source."""
    if not Py_UNICODE_ISALNUM(_text(tok)[0]):
        return False
    cdef str low = _low(tok)
    return low in r.lexical or low in r.pronouns or _is_name_word(r, tok)


cdef bint _is_name_word(Reader r, object tok):
    cdef str low = _low(tok)
    if not _first_upper(_text(tok)) or low in r.definite or low in r.single:
        return False
    return not (_start(tok) == 0 and (low in r.lexical or low in r.modifiers))


cdef bint _is_name(Reader r, list phrase):
    head = _head(r, phrase)
    return head is not None and _first_upper(_text(head)) and _low(head) not in r.lexical


cdef object _frame(Reader r, str sentence, Py_ssize_t cue_start, Py_ssize_t cue_end, str cue, cue_class, list phrase, side,
                   bint negated):
    if not phrase:
        return None
    head = _head(r, phrase)
    if head is None:
        return None
    kind, plural = _kind(r, sentence, phrase, head)
    if kind is None and cue_class == "access":
        kind = "document"
    if kind is None:
        return None
    if cue_class == "showing" and kind not in _SHOWN_KINDS:
        return None
    if side == "left" and cue in r.lexical and kind in _RECORD_KINDS:
        return None
    return provenance_named(r.raw_frame, (cue_start, cue_end, cue_class, _start(phrase[0]), _end(phrase[-1]), kind,
                                          side, negated, _low(head), plural))


cdef tuple _kind(Reader r, str sentence, list phrase, object head):
    cdef list words = [_text(t) for t in phrase]
    cdef list lows = [_low(t) for t in phrase]
    cdef str low_text = sentence[_start(phrase[0]) : _end(phrase[-1])].lower()
    cdef str h = _low(head)
    cdef str head_text = _text(head)
    cdef list core
    cdef bint counted
    if h in r.pronouns:
        return "pronoun", r.pronouns[h] == "group"
    if r.writer_search(low_text):
        return "outlet", False
    if _has_outlet(r, words):
        return "outlet", False
    if _first_upper(head_text) and head_text in r.outlet_heads and (len(phrase) > 1 or _start(head) > 0):
        return "outlet", False
    if low_text.startswith("one of") or h == "both":
        return "anonymous_person", h == "both"
    if h in r.spokespeople or h in r.representatives:
        behalf = [t for t in phrase if _first_upper(_text(t)) and _start(t) > _start(head)]
        if h in r.representatives and behalf and not any(_text(t) in r.org_heads for t in behalf):
            return "named_person", False
        return "named_organisation", False
    core = lows[: lows.index(h) + 1] if h in lows else lows
    if h in r.documents or h in r.public_records:
        if any(w in r.secrecy for w in core):
            return "document", False
        if h in _RUMOURS and not any(w in r.public_modifiers for w in core):
            return "unnamed_group", True
        if any(w in r.public_modifiers for w in core) or "published" in lows or "released" in lows or h not in r.documents:
            return "public_record", False
        return "document", False
    if _first_upper(head_text) and not (_start(head) == 0 and h in r.lexical):
        if any(w in r.org_heads for w in _capital_run(phrase, head)) or (
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
    counted = any(w in r.numbers or Py_UNICODE_ISDIGIT((<str>w)[0]) for w in core[:-1])
    if h in r.role_singular and h not in r.role_plural:
        return "anonymous_person", False
    if h in r.role_plural or h in r.groups:
        return ("anonymous_person" if counted else "unnamed_group"), True
    if any(w in r.secrecy for w in lows):
        return "document", False
    if h.endswith(r.role_endings) or (h.isalpha() and h.islower() and h.endswith("s") and h not in r.lexical):
        plural = h.endswith("s")
        return ("unnamed_group" if plural and not counted else "anonymous_person"), plural
    return None, False


cdef list _capital_run(list phrase, object head):
    cdef Py_ssize_t index = 0, start, end, n = len(phrase)
    while phrase[index] is not head:
        index += 1
    start = index
    while start > 0 and (_first_upper(_text(phrase[start - 1])) or _text(phrase[start - 1]) in _RUN_JOINERS):
        start -= 1
    end = index
    while end + 1 < n and _first_upper(_text(phrase[end + 1])):
        end += 1
    return [_text(t) for t in phrase[start : end + 1]]


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
        cdef Py_ssize_t n, where, source_start = frame[3]
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
        first = sentence[source_start : frame[4]].split(" ", 1)[0].lower()
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
