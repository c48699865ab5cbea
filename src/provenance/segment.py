"""Stage 1: text -> sentences with half-open character offsets into the caller's string.

Pure and model-free. Every sentence satisfies ``text[s.start:s.end] == s.text``; whitespace between
sentences belongs to none, every other character belongs to exactly one. Runs in time linear in the
length of the text: one pass of simple regular expressions with no nested quantifiers.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from provenance import speedups


class Sentence(NamedTuple):
    """One sentence: its text and half-open offsets, ``text == article[start:end]``."""

    text: str
    start: int
    end: int


#: Sentences longer than this are cut at the last space before it, so that one run-on "sentence"
#: (a scraped page with no punctuation) cannot make feature extraction quadratic or huge.
MAX_SENTENCE_CHARS: Final = 1_500

_BREAK_CHARS: Final = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# A line break and everything blank after it: one match per run keeps a page of empty lines as cheap
# as one. A single character class repeated needs no backtracking stack, however long the run.
_LINE_BREAKS = re.compile(f"[{_BREAK_CHARS}][{_BREAK_CHARS} \t]*")
# A run of terminal punctuation and any closing quotes or brackets after it; CJK and Devanagari
# full stops end a sentence without a following space. A Latin run must be followed by whitespace
# or the block's end (the lookahead): any other run cannot end a sentence, so it is never checked.
# The lookbehind starts a match only where a run starts, so a run that fails is tried once: linear.
# The leading class lets the scanner skip to the next terminal character in C (three times faster).
_LATIN_MARK = r"[.!?\u2026\u203c\u2047-\u2049]"
_LATIN_END = rf"(?<!{_LATIN_MARK}){_LATIN_MARK}+[\"'\u201d\u2019\u00bb\u203a)\]]*(?=\s|\Z)"
_CJK_END = r"[\u3002\uff01\uff1f\uff61]+[\u300d\u300f\u201d\u2019)\uff09]*|[\u0964\u0965]"
_ANY_MARK = r"[.!?\u2026\u203c\u2047-\u2049\u3002\uff01\uff1f\uff61\u0964\u0965]"
_TERMINAL = re.compile(rf"(?={_ANY_MARK})(?:({_CJK_END})|{_LATIN_END})")
_WORD_BEFORE = re.compile(r"[\w.]{1,12}$")
_WORD_AFTER = re.compile(r"\w{1,12}")

# Words before a full stop that almost never end a sentence.
_TITLES: Final = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cpt", "maj", "adm", "gov", "sen", "rep", "rev", "hon", "st", "mt", "ft", "fig", "no", "nos", "vs", "approx", "dept", "est", "ave", "blvd", "brig", "cmdr", "supt", "insp", "det", "pres", "amb", "atty", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
# Words before a full stop that end a sentence only when a typical sentence opener follows.
_AMBIGUOUS: Final = frozenset(["etc", "inc", "ltd", "co", "corp", "jr", "sr", "plc", "llc", "bros"])
_NEVER_BREAK: Final = frozenset({"e.g", "i.e", "cf", "viz"})
_OPENERS: Final = frozenset(
    ["the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "but", "and", "in", "on", "at", "this", "that", "these", "those", "there", "his", "her", "its", "their", "our", "as", "after", "before", "when", "while", "if", "however", "meanwhile", "yet", "so", "for", "one", "two", "three", "police", "officials", "no", "some", "many", "most", "according"]
)
#: What the compiled port of :func:`_ends_sentence` reads, in this order.
_SENTENCE_END_WORDS: Final = (_NEVER_BREAK, _TITLES, _AMBIGUOUS, _OPENERS)
# Line ends after which a single line break is a wrapped line, not a sentence boundary.
_CONTINUES: Final = frozenset(["the", "a", "an", "of", "to", "in", "and", "or", "by", "for", "with", "from", "at", "on", "said", "told", "that", "as"])


def segment(text: str, max_sentence_chars: int = MAX_SENTENCE_CHARS) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences whose offsets slice back to the input."""
    native = speedups.native()
    if native is not None:  # the same scans in C, the same decisions
        return native.sentences(text, max_sentence_chars, Sentence, _is_hard_break, _SENTENCE_END_WORDS, _cap_length)
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        for start, end in _split_block(text, block_start, block_end):
            start, end = _trim(text, start, end)
            if 0 < end - start <= max_sentence_chars:  # the common case, without building a list
                sentences.append(Sentence(text[start:end], start, end))
                continue
            for piece_start, piece_end in _cap_length(text, start, end, max_sentence_chars):
                sentences.append(Sentence(text[piece_start:piece_end], piece_start, piece_end))
    return tuple(sentences)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Cut at line breaks that end a headline, paragraph or line, not at wrapped lines."""
    blocks: list[tuple[int, int]] = []
    start = 0
    for match in _LINE_BREAKS.finditer(text):
        if _is_blank_line(match.group()) or _is_hard_break(text, start, match.start(), match.end()):
            blocks.append((start, match.start()))
            start = match.end()
    blocks.append((start, len(text)))
    return blocks


def _is_blank_line(run: str) -> bool:
    """Whether a run of breaks and blanks holds two or more line breaks (CR LF counts as one)."""
    return len(run) - run.count(" ") - run.count("\t") - run.count("\r\n") > 1  # the rest are breaks


def _is_hard_break(text: str, line_start: int, break_start: int, next_start: int) -> bool:
    """Decide whether a single line break ends a sentence (heading, list item) or wraps one."""
    before = text[max(line_start, break_start - 40) : break_start].rstrip()
    if not before:
        return True
    after = text[next_start : next_start + 40].lstrip(" \t")
    if not after or after[0].islower():
        return after == ""
    if before[-1] in ",;(-\u2013\u2014/&":
        return False
    last_word = before.rsplit(None, 1)[-1].lower()
    return last_word not in _CONTINUES


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut one block at sentence-final punctuation."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for match in _TERMINAL.finditer(text, start, end):
        cut = match.end()
        if match.group(1) is not None or _ends_sentence(text, match.start(), cut, end):
            pieces.append((piece_start, cut))
            piece_start = cut
    pieces.append((piece_start, end))
    return pieces


def _ends_sentence(text: str, mark: int, cut: int, block_end: int) -> bool:
    """Tell a sentence end from an abbreviation, decimal, initial or mid-sentence ellipsis."""
    following = text[cut : min(block_end, cut + 40)].lstrip()
    if not following:
        return True
    if following[0].islower() or following[0] in ",;:":
        return False
    if text[mark] != "." or text[mark : mark + 2] == "..":
        return True
    before = _WORD_BEFORE.search(text, max(0, mark - 12), mark)
    if before is None:
        return True
    word = before.group().lower()
    if word in _NEVER_BREAK:
        return False
    opener = _WORD_AFTER.match(following)
    next_is_opener = opener is not None and opener.group().lower() in _OPENERS
    if word in _TITLES:
        return False
    if len(word) == 1 and word.isalpha():
        return next_is_opener and text[mark - 1].islower()
    if word in _AMBIGUOUS or "." in word:
        return next_is_opener
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the bounds inwards past whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cap_length(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at spaces (or hard, inside one long word) into pieces <= limit."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = start + limit if cut <= start else cut
        pieces.append(_trim(text, start, cut))
        start, _ = _trim(text, cut, end)
    if end > start:
        pieces.append((start, end))
    return [p for p in pieces if p[1] > p[0]]
