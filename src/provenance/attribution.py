"""Stage 1b: sentences -> attribution frames (who or what each claim is credited to).

A frame is one act of sourcing: a **cue** (a sourcing predicate: "said", "according to", "seen by",
"it is understood"), the **source** phrase that fills it ("a senior official", "Reuters", "court
records", or none) and the source's **kind**, read from the phrase's shape. Pronoun and definite
follow-up sources ("she said", "the source added") take the kind of the most recent compatible
source earlier in the article: a few lines of state, not a coreference model.

Speed: one RE2 scan finds every cue in a run of sentences; only the few words either side of each
cue are then read, so the cost grows with the number of cues, not with the length of the text. The
word lists are data (``data/attribution/*.json``), each with an examples table that a test runs.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from itertools import accumulate, repeat
from typing import Any, Final, Literal, NamedTuple

import re2

from provenance import speedups
from provenance.scan import find_spans

SourceKind = Literal[
    "named_person",
    "named_organisation",
    "outlet",
    "public_record",
    "document",
    "pronoun",
    "anonymous_person",
    "unnamed_group",
    "none",
]
SOURCE_KINDS: Final[tuple[SourceKind, ...]] = (
    "named_person", "named_organisation", "outlet", "public_record", "document", "pronoun",
    "anonymous_person", "unnamed_group", "none",
)
#: Kinds a reader can check: only a frame with one of these sources can put a claim on the record.
CHECKABLE: Final[frozenset[str]] = frozenset({"named_person", "named_organisation", "outlet", "public_record"})
Side = Literal["left", "right", "none"]

# Words within reach of a cue, punctuation one character at a time.
_TOKEN: Final = re.compile(r"\w+(?:[-'\u2019.&]\w+)*|\S")
_WINDOW_WORDS: Final = 40
_MAX_PHRASE: Final = 12
_NEGATIONS: Final = frozenset({"nobody", "none", "neither", "not", "never", "n't", "no", "declined", "refused", "failed", "cannot", "can't", "won't", "didn't", "doesn't", "wouldn't"})
# Auxiliaries and adverbs that sit between a source and its verb ("has also said").
_SKIP: Final = frozenset(
    """has have had is are was were be been being will would could can may might must shall should do does did
    also later previously earlier repeatedly recently publicly privately separately again then subsequently further
    once already first initially now still allegedly reportedly openly told not never n't cannot can't won't didn't
    doesn't wouldn't just only even since often frequently nobody""".split()
)
_PASSIVE: Final = frozenset({"is", "are", "was", "were", "been", "be", "being"})
_CONTROL: Final = frozenset({"declined", "refused", "failed", "wanted", "agreed", "tried", "went", "used", "continued", "appeared", "seemed", "sought"})
_PREPOSITIONS: Final = frozenset(
    "of for at in within inside from with to on close familiar near across among between behind around under over by".split()
)
_NP_FILLERS: Final = frozenset(
    """familiar close knowledge direct briefed matter matters talks situation negotiations plans plan discussions
    investigation case deal thinking decision issue process operation probe inquiry and & de la van von der del""".split()
)
_NUMBERS: Final = frozenset("two three four five six seven eight nine ten eleven twelve dozen handful couple pair trio".split())
_SINGLE: Final = frozenset({"a", "an", "one", "another", "someone", "anyone"})
_DEFINITE: Final = frozenset({"the", "that", "this", "these", "those"})
_DETERMINERS: Final = _DEFINITE | _SINGLE
_COUNTED_OF: Final = _NUMBERS | _SINGLE | {"some", "none", "each", "both", "all", "most", "many"}  # "two of them"
_STOP_CAPITALS: Final = frozenset(
    """However But And Meanwhile Later Earlier Now Still Also Yet So Then Yesterday Today Tonight Last Next On In At
    According Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December While When As If After Before Although Though Since Because Despite""".split()
)
# Participles that belong to a source phrase rather than source it ("figures published by", "people
# briefed on"): a cue only when they are the main verb.
_POST_MODIFIERS: Final = frozenset({"published", "released", "posted", "issued", "compiled", "produced", "briefed", "involved", "run", "conducted", "commissioned", "prepared"})
# Endings of person nouns missing from the lexicon ("specialists", "a campaigner"): a last resort.
_ROLE_ENDINGS: Final = ("ist", "ists", "er", "ers", "ian", "ians", "ant", "ants", "ent", "ents", "or", "ors", "ee", "ees")
_REPRESENTATIVES: Final = frozenset({"representative", "rep", "publicist", "representatives"})
# Cue words that are also nouns, and words that follow the noun but never the verb.
_NOUN_LIKE: Final = frozenset({"report", "reports", "claim", "claims", "post", "posts", "comment", "comments", "quote", "quotes", "estimate", "estimates", "warning", "statement", "note", "notes", "fear", "fears"})
_AFTER_NOUN: Final = frozenset({"was", "is", "were", "are", "has", "had", "of", "on", "by", "in", "from", "for", "into", "about", "said", "says", "shows", "showed", "found", "suggests", "released", "published"})
_SPOKESPEOPLE: Final = frozenset({"spokesperson", "spokesman", "spokeswoman", "spokespeople", "spokesmen", "spokeswomen"})
_AGENTLESS_OK: Final = frozenset({"reporting", "cognition", "showing"})
_AGENTLESS_LEMMAS: Final = frozenset({"say", "claim", "allege", "confirm", "report", "announce", "estimate", "reveal", "disclose", "state"})


class RawFrame(NamedTuple):
    """One frame relative to its sentence; ``source_start == -1`` means no stated source."""

    cue_start: int
    cue_end: int
    cue_class: str
    source_start: int
    source_end: int
    kind: SourceKind
    side: Side
    negated: bool
    head: str  # the source's head word, lower-case ("" when none): what a follow-up must match
    plural: bool


class Frame(NamedTuple):
    """A frame after follow-ups are resolved; ``antecedent`` is (sentence index, start, end) or None."""

    raw: RawFrame
    kind: SourceKind
    antecedent: tuple[int, int, int] | None


@dataclass(frozen=True)
class AttributionLexicon:
    """The compiled cue scanner and the word lists that give a source its kind."""

    scanner: Any  # RE2 pattern: one alternation of every cue, longest first
    cue_classes: dict[str, tuple[str, str, str]]  # lower-case cue -> (class, side, lemma)
    role_singular: frozenset[str]
    role_plural: frozenset[str]
    groups: frozenset[str]
    institutions: frozenset[str]
    org_heads: frozenset[str]
    outlets: frozenset[str]
    outlet_nouns: frozenset[str]
    outlet_heads: frozenset[str]
    writer_phrases: frozenset[str]
    pronouns: dict[str, str]
    modifiers: frozenset[str]
    public_records: frozenset[str]
    documents: frozenset[str]
    secrecy: frozenset[str]
    public_modifiers: frozenset[str]
    participles: frozenset[str]
    word_classes: dict[str, str]  # lower-case word -> class name, for the featuriser
    sha256: str

    @cached_property
    def lexical(self) -> frozenset[str]:
        """Nouns that name a kind of source: one set instead of eight lookups per word."""
        return (self.role_singular | self.role_plural | self.groups | self.institutions | self.public_records
                | self.documents | self.outlet_nouns | _SPOKESPEOPLE)

    @cached_property
    def phrase_words(self) -> frozenset[str]:
        """Lower-case words that may sit inside a source phrase (see :func:`_allowed`)."""
        return (self.modifiers | self.role_singular | self.role_plural | self.groups | self.institutions
                | self.public_records | self.documents | self.secrecy | self.public_modifiers | self.outlet_nouns
                | _PREPOSITIONS | _NP_FILLERS | _NUMBERS | frozenset(self.pronouns))

    @cached_property
    def outlet_first_words(self) -> frozenset[str]:
        """The first word of every outlet name: no run of words starting otherwise can be one."""
        return frozenset(outlet.split(" ")[0] for outlet in self.outlets)

    @cached_property
    def writer_pattern(self) -> re.Pattern[str]:
        """Finds any writer phrase ("this newspaper") inside a lower-case text."""
        return re.compile("|".join(re.escape(p) for p in sorted(self.writer_phrases)))

    @classmethod
    def from_documents(
        cls, cues: dict[str, Any], sources: dict[str, Any], records: dict[str, Any], word_class_lists: dict[str, Any], sha256: str
    ) -> AttributionLexicon:
        """Compile the lexicon documents (see ``data/attribution/``)."""
        classes: dict[str, tuple[str, str, str]] = {}
        participles: set[str] = set()
        for lemma, entry in cues["verbs"].items():
            for form in entry["forms"]:
                classes.setdefault(form.lower(), (entry["class"], "left", lemma))
                if form.endswith(("ed", "id", "ld", "ght", "wn", "tten", "ood", "nt", "rd")) and form != lemma:
                    participles.add(form.lower())
        for phrase in cues["phrases"]:
            classes[phrase["text"].lower()] = (phrase["class"], phrase["side"], phrase["text"].lower())
        alternatives = sorted(classes, key=lambda c: (-len(c), c))
        options = re2.Options()
        options.case_sensitive = False
        scanner = re2.compile(r"\b(?:" + "|".join(re.escape(a) for a in alternatives) + r")\b", options=options)
        word_classes: dict[str, str] = {}
        for name, words in word_class_lists["classes"].items():
            for word in words:
                word_classes.setdefault(word.lower(), name)
        verb_class = {"speech": "SAY", "writing": "SAY", "reporting": "SAY", "cognition": "THINK"}
        for lemma, entry in cues["verbs"].items():
            for form in entry["forms"]:
                word_classes.setdefault(form.lower(), verb_class.get(entry["class"], "SAY"))
        for key, name in (("secrecy_modifiers", "SEC"), ("documents", "DOC"), ("public_records", "REC")):
            for word in records[key]:
                word_classes.setdefault(word.lower(), name)
        for key, name in (("role_singular", "ROLE"), ("role_plural", "ROLES"), ("group_words", "ROLES"), ("outlet_nouns", "OUTLET")):
            for word in sources[key]:
                word_classes.setdefault(word.lower(), name)
        return cls(
            scanner=scanner,
            cue_classes=classes,
            role_singular=_lowered("role_singular", sources),
            role_plural=_lowered("role_plural", sources),
            groups=_lowered("group_words", sources),
            institutions=_lowered("institutions", sources),
            org_heads=frozenset(sources["org_heads"]),
            outlets=frozenset(sources["outlets"]),
            outlet_nouns=_lowered("outlet_nouns", sources),
            outlet_heads=frozenset(sources["outlet_heads"]),
            writer_phrases=_lowered("writer_phrases", sources),
            pronouns={k.lower(): v for k, v in sources["pronouns"].items()},
            modifiers=_lowered("modifiers", sources),
            public_records=_lowered("public_records", records),
            documents=_lowered("documents", records),
            secrecy=_lowered("secrecy_modifiers", records),
            public_modifiers=_lowered("public_modifiers", records),
            participles=frozenset(participles),
            word_classes=word_classes,
            sha256=sha256,
        )

    def find_many(self, sentences: Sequence[str]) -> list[list[RawFrame]]:
        """Frames of each sentence, from one scan over the sentences joined by newlines."""
        matches = find_spans([self.scanner], "\n".join(sentences))[0]
        compiled = speedups.frame_reader(self)
        if compiled is not None:  # the loop below, compiled (where each sentence starts, too)
            return compiled(sentences, matches)
        starts = list(accumulate((len(s) + 1 for s in sentences[:-1]), initial=0))
        found: list[list[RawFrame]] = [[] for _ in sentences]
        tokenised: tuple[int, _Words] | None = None  # matches come in text order: one sentence's tokens kept
        for start, end in matches:
            i = bisect_right(starts, start) - 1
            offset = starts[i]
            frame = _sourceless(self, sentences[i], start - offset, end - offset)
            if frame is None:
                if tokenised is None or tokenised[0] != i:  # tokens only for sentences where a source is looked for
                    tokenised = (i, _Words(sentences[i]))
                words = tokenised[1]
                frame = _read_frame(self, words, start - offset, end - offset)
                if frame is None:
                    frame = _shared_subject(self, words, start - offset, end - offset, found[i])
            if frame is not None:
                found[i].append(frame)
        return [_drop_redundant(frames) for frames in found]

    def attribute(self, sentences: Sequence[str]) -> list[tuple[Frame, ...]]:
        """Frames of every sentence of one article, follow-ups resolved in reading order."""
        return resolve(self.find_many(sentences), sentences)


# --- reading one frame -------------------------------------------------------------------------


class _Tok(NamedTuple):
    text: str
    start: int  # relative to the sentence
    end: int
    low: str  # text.lower(), made once per token


_GROUP: Final = re.Match.group
_START: Final = re.Match.start
_END: Final = re.Match.end


class _Words:
    """A sentence's tokens, made once however many cues it has; windows are slices."""

    __slots__ = ("sentence", "tokens", "starts")

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        native = speedups.native()
        if native is not None:  # the same tokens, from one compiled pass
            self.tokens, self.starts = native.attribution_tokens(sentence, _Tok)
            return
        matches = list(_TOKEN.finditer(sentence))
        self.starts = list(map(_START, matches))
        # Built by C-level maps, without a Python call per token: a third of the stage's time before.
        texts = list(map(_GROUP, matches))
        columns = zip(texts, self.starts, map(_END, matches), map(str.lower, texts))
        self.tokens = list(map(tuple.__new__, repeat(_Tok), columns))

    def before(self, position: int) -> list[_Tok]:
        """Up to :data:`_WINDOW_WORDS` tokens ending at or before ``position``."""
        end = bisect_right(self.starts, position - 1)
        while end > 0 and self.tokens[end - 1].end > position:
            end -= 1
        return self.tokens[max(0, end - _WINDOW_WORDS) : end]

    def after(self, position: int) -> list[_Tok]:
        """Up to :data:`_WINDOW_WORDS` tokens starting at or after ``position``."""
        start = bisect_right(self.starts, position - 1)
        return self.tokens[start : start + _WINDOW_WORDS]


def _lowered(key: str, document: dict[str, Any]) -> frozenset[str]:
    """The words of one list of a lexicon document, lower-cased."""
    return frozenset(word.lower() for word in document[key])


def _sourceless(lex: AttributionLexicon, sentence: str, cue_start: int, cue_end: int) -> RawFrame | None:
    """The frame of a cue that takes no source ("it is understood") or is capitalised mid-sentence,
    read without tokens; None for every other cue."""
    cue = sentence[cue_start:cue_end].lower()
    cue_class, side, _ = lex.cue_classes.get(cue, ("speech", "left", cue))
    if side == "none" or (cue_start > 0 and sentence[cue_start].isupper() and cue_class != "according"):
        return RawFrame(cue_start, cue_end, cue_class, -1, -1, "none", "none", False, "", False)
    return None


def _read_frame(lex: AttributionLexicon, words: _Words, cue_start: int, cue_end: int) -> RawFrame | None:
    """Find the source of the cue at ``cue_start:cue_end`` (one :func:`_sourceless` leaves) and its
    kind; None when it sources nothing."""
    sentence = words.sentence
    cue = sentence[cue_start:cue_end].lower()
    cue_class, side, lemma = lex.cue_classes.get(cue, ("speech", "left", cue))
    left = words.before(cue_start)
    right = words.after(cue_end)
    if left and left[-1].text.endswith(("'s", "\u2019s")) or (left and left[-1].low in {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those"}):
        return None  # a noun ("the claims", "Ruiz's report"), not a sourcing verb
    if cue in _NOUN_LIKE and (right and right[0].low in _AFTER_NOUN or left and left[-1].text[0].isdigit()):
        return None  # "the MLB report was released", "his claims of fraud": a noun, not a sourcing verb
    if cue in _POST_MODIFIERS and right and right[0].low in {"by", "on", "in", "at", "to", "about", "last", "earlier"}:
        return None  # "figures published by the office": part of the source phrase, not a cue
    if side == "right":
        phrase = _phrase_right(lex, right, 0)
        return _frame(lex, sentence, cue_start, cue_end, cue_class, phrase, "right", False)
    i = len(left) - 1
    negated = False
    passive = False
    while i >= 0 and left[i].low in _SKIP:
        word = left[i].low
        negated = negated or word in _NEGATIONS
        passive = passive or (word in _PASSIVE and i == len(left) - 1 or word in {"been", "being"})
        i -= 1
    if i >= 1 and left[i].low == "to" and left[i - 1].low in _CONTROL:
        negated = negated or left[i - 1].low in _NEGATIONS
        i -= 2
        while i >= 0 and left[i].low in _SKIP:
            i -= 1
    if passive and cue in lex.participles:
        if right and right[0].low == "by":
            phrase = _phrase_right(lex, right, 1)
            return _frame(lex, sentence, cue_start, cue_end, cue_class, phrase, "right", negated)
        if cue_class in _AGENTLESS_OK or lemma in _AGENTLESS_LEMMAS:
            return RawFrame(cue_start, cue_end, cue_class, -1, -1, "none", "none", negated, "", False)
        return None
    if cue_class == "statement":
        while i >= 0 and left[i].text == ",":
            i -= 1
    if cue_class == "access":
        while i >= 0 and left[i].text == ",":
            i -= 1
        return _frame(lex, sentence, cue_start, cue_end, cue_class, _phrase_left(lex, left, i), "left", negated)
    if i < 0 or left[i].text in {",", "\u2019", "'", '"', "\u201d", "\u2014", "\u2013", ":", "-"}:
        if i >= 0 and left[i].text == ",":
            inserted = _insertion(lex, left, i)
            if inserted is not None:
                return _frame(lex, sentence, cue_start, cue_end, cue_class, inserted, "left", negated)
        after = _phrase_right(lex, right, 0) if cue_class != "statement" else None
        return _frame(lex, sentence, cue_start, cue_end, cue_class, after, "right", negated)
    return _frame(lex, sentence, cue_start, cue_end, cue_class, _phrase_left(lex, left, i), "left", negated)


def _shared_subject(
    lex: AttributionLexicon, words: _Words, cue_start: int, cue_end: int, earlier: list[RawFrame]
) -> RawFrame | None:
    """A verb sharing an earlier source: "…, adding that…", "…and warned…", "…, citing the need…"."""
    sentence = words.sentence
    cue = sentence[cue_start:cue_end].lower()
    before = sentence[max(0, cue_start - 12) : cue_start].rstrip()
    joined = before.endswith(",") or before.endswith((" and", " but")) or before.endswith(("\u2014", "\u2013"))
    if not joined or not (cue.endswith("ing") or before.endswith((" and", " but"))):
        return None
    cue_class = lex.cue_classes.get(cue, ("speech", "left", cue))[0]
    if earlier:
        last = earlier[-1]
        return last._replace(cue_start=cue_start, cue_end=cue_end, cue_class=cue_class, side="left", negated=False)
    subject = _phrase_right(lex, words.before(cue_start)[: _MAX_PHRASE], 0) if words.starts and words.starts[0] < cue_start else []
    subject = subject if subject and subject[0].start == words.tokens[0].start else []
    return _frame(lex, sentence, cue_start, cue_end, cue_class, subject, "left", False)


def _insertion(lex: AttributionLexicon, left: list[_Tok], comma: int) -> list[_Tok] | None:
    """A source before a comma-bounded insertion: "A senior official, speaking on condition of
    anonymity, said"; "Ruiz, the finance minister, said"; "The chairman, Tomas Berg, wrote"."""
    j = comma - 1
    while j >= 0 and comma - j <= 28 and left[j].text not in {",", ";", ":", '"', "\u201c", "\u201d", "(", ")"}:
        j -= 1
    if j < 0 or left[j].text != ",":
        return None
    inner = _phrase_left(lex, left, comma - 1, floor=j + 1)
    before = _phrase_left(lex, left, j - 1)
    if inner and _is_name(lex, inner) and inner[0].start == left[j + 1].start:
        return inner
    if before and _head(lex, before) is not None:
        return before
    return None


def _allowed(lex: AttributionLexicon, tok: _Tok) -> bool:
    """Whether a word can sit inside a source phrase."""
    text = tok.text
    if not (text[0].isalnum()):
        return text in {"&"}
    low = tok.low
    if text[0].isupper():
        return text not in _STOP_CAPITALS and (low not in lex.cue_classes or _is_lexical(lex, low))
    if low in _POST_MODIFIERS:
        return True
    if low in lex.cue_classes and not _is_lexical(lex, low):
        return False
    return low in lex.phrase_words or text[0].isdigit() or "-" in low or low.endswith(("'s", "\u2019s"))


def _phrase_left(lex: AttributionLexicon, toks: list[_Tok], end: int, floor: int = 0) -> list[_Tok]:
    """The source phrase ending at token ``end``, read leftwards."""
    while end >= floor and toks[end].text == ")":
        end = _skip_parenthesis(toks, end, floor)
    if end < floor:
        return []
    if toks[end].low == "them" and end - 2 >= floor and toks[end - 1].low == "of":
        return toks[end - 2 : end + 1] if toks[end - 2].low in _COUNTED_OF else []
    if toks[end].low in lex.pronouns:
        return [toks[end]]  # a pronoun is a whole source phrase by itself
        return []
    if not _allowed(lex, toks[end]) and not (_unknown_word(toks[end]) and (
        end - 1 >= floor and _opens_phrase(lex, toks, end - 1)
        or toks[end].text.endswith("s") and (end == floor or toks[end - 1].text[0].isupper())
    )):
        return []
    start = end
    while start - 1 >= floor and end - start < _MAX_PHRASE:
        tok = toks[start - 1]
        if tok.text == ")":
            inner = _skip_parenthesis(toks, start - 1, floor)
            if inner < floor:
                break
            start = inner + 1
            continue
        if tok.low in lex.pronouns:
            break
        if _allowed(lex, tok) or (_unknown_word(tok) and start - 2 >= floor and _opens_phrase(lex, toks, start - 2)):
            start -= 1
            continue
        break
    return _trim(lex, toks[start : end + 1])


def _phrase_right(lex: AttributionLexicon, toks: list[_Tok], start: int) -> list[_Tok]:
    """The source phrase starting at token ``start``, read rightwards (after "according to", inverted verbs)."""
    if start >= len(toks):
        return []
    if toks[start].low in lex.pronouns:
        return [toks[start]]
    end = start
    while end < len(toks) and end - start < _MAX_PHRASE:
        tok = toks[end]
        if tok.low in lex.pronouns and tok.low != "it":
            break
        if _allowed(lex, tok) or tok.text in "()":
            end += 1
            continue
        # An unknown word may extend a phrase ("the emergency services"), but a sourcing verb never does:
        # "said the source said ..." credits "the source", not "the source said".
        unknown = _unknown_word(tok) and tok.low not in lex.cue_classes
        if unknown and end > start and _opens_phrase(lex, toks, end - 1) and any(
            _is_lexical(lex, t.low) or t.text[0].isupper() for t in toks[end + 1 : end + 3]
        ):
            end += 1
            continue
        break
    return _trim(lex, toks[start:end])


def _skip_parenthesis(toks: list[_Tok], close: int, floor: int) -> int:
    """Index just before the "(" that matches the ")" at ``close`` (or floor - 1 if none is near)."""
    j = close - 1
    while j >= floor and close - j <= 8 and toks[j].text != "(":
        j -= 1
    return j - 1 if j >= floor and toks[j].text == "(" else floor - 1


def _unknown_word(tok: _Tok) -> bool:
    return tok.text.isalpha() and tok.text.islower()


def _opens_phrase(lex: AttributionLexicon, toks: list[_Tok], i: int) -> bool:
    """Whether token ``i`` can stand left of an unknown word inside a phrase ("the emergency services")."""
    low = toks[i].low
    if low in _DEFINITE or low in _SINGLE or low in lex.modifiers or low in _PREPOSITIONS or low in _NUMBERS:
        return True
    if low.endswith(("'s", "\u2019s")):
        return True
    return _unknown_word(toks[i]) and i >= 1 and (toks[i - 1].low in _DETERMINERS or toks[i - 1].low in lex.modifiers)


def _trim(lex: AttributionLexicon, phrase: list[_Tok]) -> list[_Tok]:
    """Drop connecting words and brackets from the edges of a phrase."""
    while phrase and (phrase[0].text in _PREPOSITIONS or phrase[0].text in _NP_FILLERS or phrase[0].text in "()" or not (_allowed(lex, phrase[0]) or phrase[0].text == "(")):
        phrase = phrase[1:]
    while phrase and (phrase[-1].low in _PREPOSITIONS or phrase[-1].low in {"and", "&"}
                      or phrase[-1].low in _DETERMINERS or phrase[-1].text == "("
                      or not (_allowed(lex, phrase[-1]) or _unknown_word(phrase[-1]) or phrase[-1].text == ")")):
        phrase = phrase[:-1]
    if phrase and phrase[-1].text == ")" and not any(t.text == "(" for t in phrase):
        phrase = phrase[:-1]
    return phrase


def _head(lex: AttributionLexicon, phrase: list[_Tok]) -> _Tok | None:
    """The word that decides the kind: the last noun before the first preposition."""
    core = phrase
    for n, tok in enumerate(phrase):
        if n > 0 and tok.low in _PREPOSITIONS:
            core = phrase[:n]
            break
    if core and _unknown_word(core[-1]) and core[-1].text.endswith("s") and len(core[-1].text) > 3:
        return core[-1]  # "Syrian rebels": an unlisted plural noun after its adjectives
    for part in (core, phrase[len(core):]):
        for tok in reversed(part):
            low = tok.low
            if not tok.text[0].isalnum():
                continue
            if _is_lexical(lex, low) or low in lex.pronouns or _is_name_word(lex, tok):
                return tok
    for tok in reversed(core):
        if _unknown_word(tok) and (tok.text.endswith(_ROLE_ENDINGS) or tok is core[-1] and tok.text.endswith("s")):
            return tok
    return None


def _is_name_word(lex: AttributionLexicon, tok: _Tok) -> bool:
    """A capitalised word that names something (not "The", not a sentence-initial "Internal")."""
    low = tok.low
    if not tok.text[0].isupper() or low in _DEFINITE or low in _SINGLE:
        return False
    return not (tok.start == 0 and (_is_lexical(lex, low) or low in lex.modifiers))


def _is_lexical(lex: AttributionLexicon, low: str) -> bool:
    return low in lex.lexical


def _is_name(lex: AttributionLexicon, phrase: list[_Tok]) -> bool:
    head = _head(lex, phrase)
    return head is not None and head.text[0].isupper() and not _is_lexical(lex, head.low)


def _frame(
    lex: AttributionLexicon, sentence: str, cue_start: int, cue_end: int, cue_class: str,
    phrase: list[_Tok] | None, side: Side, negated: bool,
) -> RawFrame | None:
    """Classify the phrase and build the frame; None when the phrase names no source."""
    if not phrase:
        return None
    head = _head(lex, phrase)
    if head is None:
        return None
    kind, plural = _kind(lex, sentence, phrase, head)
    if kind is None and cue_class == "access":
        kind = "document"  # what is "seen by" or "obtained by" someone is material, whatever its name
    if kind is None:
        return None
    cue = sentence[cue_start:cue_end].lower()
    if cue_class == "showing" and kind not in {"public_record", "document", "unnamed_group"}:
        return None  # "the firm had shown disregard": showing needs a record or a report as its subject
    if side == "left" and _is_lexical(lex, cue) and kind in {"public_record", "document"}:
        return None  # "audit reports": the cue word is the head noun of a record phrase
    return RawFrame(cue_start, cue_end, cue_class, phrase[0].start, phrase[-1].end, kind, side, negated, head.low, plural)


def _kind(lex: AttributionLexicon, sentence: str, phrase: list[_Tok], head: _Tok) -> tuple[SourceKind | None, bool]:
    """Read a source's kind from its shape; the bool says whether it is plural."""
    words = [t.text for t in phrase]
    lows = [w.lower() for w in words]
    text = sentence[phrase[0].start : phrase[-1].end]
    low_text = text.lower()
    h = head.low
    if h in lex.pronouns:
        return "pronoun", lex.pronouns[h] == "group"
    # (a "we" that reveals or understands is the outlet writing: handled in resolve())
    if lex.writer_pattern.search(low_text):
        return "outlet", False
    if _has_outlet(lex, words):
        return "outlet", False
    if head.text[0].isupper() and head.text in lex.outlet_heads and (len(phrase) > 1 or head.start > 0):
        return "outlet", False
    if low_text.startswith("one of") or h == "both":
        return "anonymous_person", h == "both"
    if h in _SPOKESPEOPLE or h in _REPRESENTATIVES:
        behalf = [t for t in phrase if t.text[0].isupper() and t.start > head.start]
        if h in _REPRESENTATIVES and behalf and not any(t.text in lex.org_heads for t in behalf):
            return "named_person", False
        return "named_organisation", False
    core = lows[: lows.index(h) + 1] if h in lows else lows
    if h in lex.documents or h in lex.public_records:
        if any(w in lex.secrecy for w in core):
            return "document", False
        if h in {"reports", "rumours", "rumors"} and not any(w in lex.public_modifiers for w in core):
            return "unnamed_group", True
        if any(w in lex.public_modifiers for w in core) or "published" in lows or "released" in lows or h not in lex.documents:
            return "public_record", False
        return "document", False
    capital = head.text[0].isupper() and not (head.start == 0 and _is_lexical(lex, h))
    if capital:
        run = _capital_run(phrase, head)
        if any(w in lex.org_heads for w in run) or (len(head.text) > 1 and head.text.isupper() and head.text.isalpha()):
            return "named_organisation", False
        if h in lex.institutions:
            return "named_organisation", False
        return "named_person", False
    if h in lex.institutions:
        return "named_organisation", False
    if h in lex.outlet_nouns:
        return "outlet", False
    counted = any(w in _NUMBERS or w[0].isdigit() for w in core[:-1])
    if h in lex.role_singular and h not in lex.role_plural:
        return "anonymous_person", False
    if h in lex.role_plural or h in lex.groups:
        return ("anonymous_person" if counted else "unnamed_group"), True
    if any(w in lex.secrecy for w in lows):
        return "document", False
    if h.endswith(_ROLE_ENDINGS) or (h.isalpha() and h.islower() and h.endswith("s") and not _is_lexical(lex, h)):
        plural = h.endswith("s")
        return ("unnamed_group" if plural and not counted else "anonymous_person"), plural
    return None, False


def _capital_run(phrase: list[_Tok], head: _Tok) -> list[str]:
    """The capitalised words around the head ("Harlow Energy", "Finance Minister Ana Ruiz")."""
    index = next(n for n, t in enumerate(phrase) if t is head)
    start = index
    while start > 0 and (phrase[start - 1].text[0].isupper() or phrase[start - 1].text in {"&", "of", "de", "for"}):
        start -= 1
    end = index
    while end + 1 < len(phrase) and phrase[end + 1].text[0].isupper():
        end += 1
    return [t.text for t in phrase[start : end + 1]]


def _has_outlet(lex: AttributionLexicon, words: list[str]) -> bool:
    """Whether a run of words contains an outlet's name (up to four words long)."""
    n = len(words)
    for i in range(n):
        if not words[i][:1].isupper() or words[i] not in lex.outlet_first_words:
            continue
        for j in range(i + 1, min(n, i + 4) + 1):
            if " ".join(words[i:j]) in lex.outlets:
                return True
    return False


def _drop_redundant(frames: list[RawFrame]) -> list[RawFrame]:
    """One frame per act: "in a statement" adds nothing beside a verb frame of the same sentence."""
    if len(frames) < 2:
        return frames
    verbs = [f for f in frames if f.cue_class != "statement"]
    return verbs if verbs else frames


# --- follow-ups ----------------------------------------------------------------------------------

_PERSON_KINDS: Final = frozenset({"named_person", "anonymous_person"})
_GROUP_KINDS: Final = frozenset({"unnamed_group", "anonymous_person", "named_organisation"})
_THING_KINDS: Final = frozenset({"named_organisation", "document", "public_record", "outlet"})


def resolve(found: list[list[RawFrame]], sentences: Sequence[str]) -> list[tuple[Frame, ...]]:
    """Give pronoun and definite follow-up sources the kind of what they point back to.

    A pronoun takes the most recent earlier source of a compatible kind (he/she: a person; they: a
    group, organisation or counted people; it: an organisation, outlet or record); "the official",
    "the source", "the aides" take the most recent earlier source with the same head noun, and
    otherwise the kind their own shape gives. With nothing to point back to, a pronoun stays "pronoun".
    """
    compiled = speedups.frame_resolver()
    if compiled is not None:  # the loop below, compiled
        return compiled(found, sentences)
    history: list[tuple[RawFrame, SourceKind, int]] = []  # every earlier source, resolved
    out: list[tuple[Frame, ...]] = []
    for index, (frames, sentence) in enumerate(zip(found, sentences)):
        resolved = []
        for frame in frames:
            kind: SourceKind = frame.kind
            antecedent = None
            if frame.kind == "pronoun" and frame.head == "we" and frame.cue_class in {"cognition", "speech"}:
                kind = "outlet"  # "we can reveal", "we understand": the outlet writing
            elif frame.source_start >= 0:
                target = _antecedent(frame, sentence, index, history)
                if target is not None:
                    earlier, earlier_kind, where = target
                    kind = earlier_kind
                    antecedent = (where, earlier.source_start, earlier.source_end)
                elif frame.kind == "pronoun" and frame.head in {"he", "she"}:
                    named = _named_before(sentences, index, frame.source_start)
                    if named is not None:
                        kind, antecedent = "named_person", named
                history.append((frame, kind, index))
            resolved.append(Frame(frame, kind, antecedent))
        out.append(tuple(resolved))
    return out


# A person's name: two or more capitalised words ("Sir Anthony Hammond", "Ana Ruiz").
_PERSON_NAME: Final = re.compile(r"\b[A-Z][\w\u2019'-]+(?:\s+[A-Z][\w\u2019'-]+)+")


def _named_before(sentences: Sequence[str], index: int, end: int) -> tuple[int, int, int] | None:
    """A person named before a he/she that no earlier source explains: earlier in its own sentence,
    else in the sentence before ("When Sir Anthony Hammond held an inquiry, he said…")."""
    for where, limit in ((index, end), (index - 1, None)):
        if where < 0:
            break
        text = sentences[where] if limit is None else sentences[where][:limit]
        found = None
        for match in _PERSON_NAME.finditer(text):
            words = match.group().split()
            while words and words[0] in _STOP_CAPITALS:
                words = words[1:]
            if len(words) >= 2:
                found = (where, match.end() - len(" ".join(words)), match.end())
        if found is not None:
            return found
    return None


def _antecedent(
    frame: RawFrame, sentence: str, index: int, history: list[tuple[RawFrame, SourceKind, int]]
) -> tuple[RawFrame, SourceKind, int] | None:
    """The earlier source a follow-up in sentence ``index`` points back to, or None.

    Only a mention that ends before this source is earlier: two cues can share one source phrase
    ("said the source said ..."), and a phrase is never its own antecedent.
    """
    first = sentence[frame.source_start : frame.source_end].split(" ", 1)[0].lower()
    earlier_mentions = (
        (earlier, kind, where) for earlier, kind, where in reversed(history)
        if where < index or earlier.source_end <= frame.source_start
    )
    if frame.kind == "pronoun":
        wanted = {"he": _PERSON_KINDS, "she": _PERSON_KINDS, "i": _PERSON_KINDS, "they": _GROUP_KINDS,
                  "we": _GROUP_KINDS | {"outlet"}, "it": _THING_KINDS}.get(frame.head, _PERSON_KINDS)
        for earlier, kind, where in earlier_mentions:
            if kind in wanted and not (frame.head in {"he", "she", "i"} and earlier.plural):
                return earlier, kind, where
        return None
    if first not in _DEFINITE:
        return None
    for earlier, kind, where in earlier_mentions:
        if earlier.head and _same_noun(earlier.head, frame.head):
            return earlier, kind, where
    return None


def _same_noun(a: str, b: str) -> bool:
    """Whether two head nouns are the same word, ignoring a plural -s ("official"/"officials")."""
    return a == b or a.rstrip("s") == b.rstrip("s") or {a, b} == {"person", "people"}


# --- model features ------------------------------------------------------------------------------


def frame_features(frames: Sequence[Frame], sentence_length: int) -> list[str]:
    """Feature strings of one sentence's frames: kind, cue class, side, position, negation, resolution."""
    features: list[str] = []
    for frame in frames:
        raw = frame.raw
        kind = frame.kind
        third = 3 * raw.cue_start // max(1, sentence_length)
        position = ("start", "middle", "end")[min(2, third)]
        features += [f"f:k={kind}", f"f:c={raw.cue_class}", f"f:k={kind}&c={raw.cue_class}",
                     f"f:k={kind}&side={raw.side}", f"f:k={kind}&pos={position}"]
        if raw.negated:
            features.append(f"f:neg&k={kind}")
        if frame.antecedent is not None or raw.kind == "pronoun":
            features.append(f"f:followup&k={kind}")
    return features


def frame_features_many(frames: Sequence[Sequence[Frame]], sentences: Sequence[str]) -> list[tuple[str, ...]]:
    """:func:`frame_features` of every sentence of a chunk (compiled where the extension is built), as
    tuples: a chunk holds them through many collections, and the collector need not follow tuples of str."""
    compiled = speedups.frame_featurer()
    if compiled is not None:
        return compiled(frames, sentences)
    return [tuple(frame_features(frames_of, len(sentence))) for frames_of, sentence in zip(frames, sentences)]


def only_unresolved_pronouns(frames: Sequence[Frame]) -> bool:
    """Whether every source in a sentence is a pronoun that points back to nothing ("She said…" as an
    article's first sentence): such a sentence credits its claim to nobody a reader can place."""
    return bool(frames) and all(frame.kind == "pronoun" for frame in frames)


def is_checkable(frames: Sequence[Frame]) -> bool:
    """Whether a sentence credits something to a source a reader could check (the on_record gate)."""
    return any(frame.kind in CHECKABLE and not frame.raw.negated for frame in frames)


@lru_cache(maxsize=1)
def default_lexicon() -> AttributionLexicon:
    """The attribution lexicons shipped with the package, compiled once per process."""
    import hashlib

    folder = resources.files("provenance") / "data" / "attribution"
    names = ("cues", "sources", "records", "classes")
    raw = {name: (folder / f"{name}.json").read_bytes() for name in names}
    digest = hashlib.sha256(b"".join(raw[name] for name in names)).hexdigest()
    cues, sources, records, classes = (json.loads(raw[name]) for name in names)
    return AttributionLexicon.from_documents(cues, sources, records, classes, digest)
