"""Literal phrases found on Unicode word edges, for many labels in one linear scan.

RE2's ``\\b`` knows only ASCII word characters, so "café", "источник" or "(sources)" never match and
"mole" matches inside "émole". The edge rule here is our own:

- a *word character* is a letter, digit, combining mark or ``_`` (``\\pL\\pN\\pM_``);
- where a phrase starts (ends) with a word character of a script written with spaces, the character
  before (after) it must not be a word character of such a script; the start or end of a sentence
  always qualifies;
- scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar)
  have no word edges, so "消息人士" is found inside a run of Chinese text;
- an edge that is punctuation or a symbol ("(sources)", "C++", "#metoo", "U.S.") needs no boundary.

Matching ignores case (Unicode simple case folding), and any run of whitespace in a phrase matches any
run of whitespace in the text, so "a  mole" matches "a mole" and a line-wrapped "a\\nmole".
RE2 has no look-around, so an edge character is consumed by the pattern and the next search starts
where the phrase ended: two phrases separated by a single space are both found.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Final

import re2

_WORD: Final = r"\pL\pN\pM_"
_UNSPACED: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_EDGE: Final = rf"(?:[^{_WORD}]|[{_UNSPACED}])"  # a character that may border a word-edged phrase
_SPACE: Final = r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]+"  # what str.isspace() accepts, as RE2 classes
_SEPARATOR: Final = "\x00"  # between sentences: no phrase can hold it, and it is an edge
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: RE2 memory budget per matcher; with the rules limits it keeps the DFA from running out of memory.
MAX_MEM: Final = 64 << 20


@dataclass(frozen=True)
class PhraseMatcher:
    """One compiled RE2 pattern for every label's phrases; group ``k + 1`` is ``labels[k]``."""

    pattern: Any  # compiled RE2 (pickles as its source and options)
    labels: tuple[str, ...]

    @classmethod
    def compile(cls, phrases: Iterable[tuple[str, Sequence[str]]]) -> PhraseMatcher:
        """Compile normalised phrases, given as (label, phrases) pairs; ``re2.error`` if RE2 cannot hold them."""
        parts: list[str] = []
        labels: list[str] = []
        for label, label_phrases in phrases:
            by_edges: dict[tuple[bool, bool], list[str]] = {}
            for phrase in dict.fromkeys(label_phrases):
                key = (needs_edge(phrase[0]), needs_edge(phrase[-1]))
                by_edges.setdefault(key, []).append(_literal(phrase))
            for (lead, trail), literals in by_edges.items():
                parts.append(f"{_EDGE if lead else ''}({'|'.join(literals)}){_EDGE if trail else ''}")
                labels.append(label)
        options = re2.Options()
        options.case_sensitive = False
        options.longest_match = True
        options.max_mem = MAX_MEM
        options.log_errors = False
        return cls(re2.compile("|".join(parts) or "(\\x00\\x00)", options=options), tuple(labels))

    def find_many(self, sentences: Sequence[str]) -> list[list[tuple[str, int, int]]]:
        """(label, start, end) of every phrase in each sentence, offsets relative to the sentence."""
        found: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        if not self.labels or not sentences:
            return found
        joined = _SEPARATOR + _SEPARATOR.join(sentences) + _SEPARATOR
        data = _SURROGATE.sub("\ufffd", joined).encode("utf-8")  # one-for-one: offsets do not move
        starts = list(accumulate((len(s) + 1 for s in sentences[:-1]), initial=1))
        byte, char = 0, 0  # a matched byte offset, converted to characters incrementally
        position = 0
        while (match := self.pattern.search(data, position)) is not None:
            group = match.lastindex
            begin, end = match.span(group)
            char += len(data[byte:begin].decode("utf-8"))
            start = char
            char += len(data[begin:end].decode("utf-8"))
            byte = end
            i = bisect_right(starts, start) - 1
            found[i].append((self.labels[group - 1], start - starts[i], char - starts[i]))
            position = end
        return found


def needs_edge(character: str) -> bool:
    """Whether a phrase edge on ``character`` needs a word boundary beside it (see the module docstring)."""
    return bool(_WORDLIKE.fullmatch(character)) and not _UNSPACED_CHARACTER.fullmatch(character)


def normalise(phrase: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(phrase.split())


def _literal(phrase: str) -> str:
    """A normalised phrase as an RE2 pattern: escaped words, any whitespace between them."""
    return _SPACE.join(re2.escape(word) for word in phrase.split(" "))


_WORDLIKE: Final = re2.compile(f"[{_WORD}]")
_UNSPACED_CHARACTER: Final = re2.compile(f"[{_UNSPACED}]")
