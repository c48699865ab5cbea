"""RE2 scans called through the compiled matcher equal the binding's own ``finditer``, offsets and all,
on the compiled path (one pass mapping bytes to characters) and in pure Python."""

from __future__ import annotations

import re2
from hypothesis import example, given
from hypothesis import strategies as st

from provenance import scan, speedups
from provenance.cues import CueMatch, Lexicon, compile_phrases

PATTERNS = [r"\bsaid\b", r"x*", r"(?:a|ab)", r"\b", r"é+", r"$", r"\b(?:according to|a senior official)\b"]
TEXT = st.lists(st.sampled_from(list("saidx abé \n\u2019\ud800") + ["according to", "a senior official", "said"]),
                max_size=30).map("".join)


def _reference(pattern: str, text: str) -> list[tuple[int, int]]:
    """Character spans as the binding's ``str`` interface finds them (lone surrogates replaced first)."""
    clean = scan.utf8(text).decode("utf-8")
    return [match.span() for match in re2.compile(pattern).finditer(clean)]


@given(TEXT)
@example("")
@example("xx said \u00e9\u00e9 a\ud800b")
def test_spans_equal_finditer(text: str) -> None:
    """Empty matches (``x*``, ``\\b``, ``$``) included: the advance rule after one is the binding's."""
    compiled = [re2.compile(pattern) for pattern in PATTERNS]
    expected = [_reference(pattern, text) for pattern in PATTERNS]
    assert scan.find_spans(compiled, text) == expected  # the compiled scan, where the extension is built
    with speedups.pure_python():
        assert scan.find_spans(compiled, text) == expected


def test_a_binding_without_the_compiled_matcher_falls_back_to_finditer() -> None:
    class Wrapped:
        """A pattern object that offers only ``finditer`` (as another binding might)."""

        def __init__(self, pattern: str) -> None:
            self._inner = re2.compile(pattern)

        def finditer(self, text: str):  # type: ignore[no-untyped-def]
            return self._inner.finditer(text)

    for text in ("She said, and they said it again, said he.", "xx said \u00e9\u00e9 a\ud800b \u2019x"):
        wrapped = [Wrapped(pattern) for pattern in PATTERNS]
        assert scan.find_spans(wrapped, text) == [_reference(pattern, text) for pattern in PATTERNS]


def test_a_lexicon_pattern_that_matches_nothing_reads_non_ascii_text() -> None:
    """Regression: an empty match stepped one byte into "\u00e9", and mapping that offset back to
    characters raised UnicodeDecodeError. A model's lexicon is input; empty matches are never cues."""
    lexicon = Lexicon((("vague_attribution", compile_phrases(["x*"])), ("unverified_claim", compile_phrases(["unconfirmed"]))))
    for path in (speedups.compiled, speedups.pure_python) if speedups.extension_built() else (speedups.pure_python,):
        with path():
            assert lexicon.find_many(["Caf\u00e9 r\u00e9sum\u00e9, unconfirmed.", "\u00e9"]) == [
                [CueMatch("unverified_claim", 13, 24)], []
            ]
