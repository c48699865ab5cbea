"""Stage 1: sentence segmentation edge cases, each offset checked against the input."""

from __future__ import annotations

import pytest

from provenance.segment import MAX_SENTENCE_CHARS, segment


def texts(text: str) -> list[str]:
    """Segment and check offsets on the way."""
    sentences = segment(text)
    for s in sentences:
        assert text[s.start : s.end] == s.text
    return [s.text for s in sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("Gen. Ivanov and Lt. Col. Petrov arrived.", ["Gen. Ivanov and Lt. Col. Petrov arrived."]),
        ("U.S. officials said so. The talks ended.", ["U.S. officials said so.", "The talks ended."]),
        ("He moved to the U.S. The move was quick.", ["He moved to the U.S.", "The move was quick."]),
        ("It began at 9 a.m. on Monday.", ["It began at 9 a.m. on Monday."]),
        ("Prices rose 3.5 percent. Rents fell.", ["Prices rose 3.5 percent.", "Rents fell."]),
        ("Wait... what happened? Nobody knew.", ["Wait... what happened?", "Nobody knew."]),
        ("He paused... Then he left.", ["He paused...", "Then he left."]),
        ('"Are you sure?" she asked. "Yes."', ['"Are you sure?" she asked.', '"Yes."']),
        ("\u201cWe won.\u201d The crowd cheered.", ["\u201cWe won.\u201d", "The crowd cheered."]),
        ("'It is over,' he said. Then silence.", ["'It is over,' he said.", "Then silence."]),
        ("Drones Hit Moscow Suburb\nResidents woke to sirens.", ["Drones Hit Moscow Suburb", "Residents woke to sirens."]),
        ("First paragraph ends.\n\nSecond one starts.", ["First paragraph ends.", "Second one starts."]),
        ("A caption ending in the\n \r\n\nNext Paragraph", ["A caption ending in the", "Next Paragraph"]),
        ("Line one ends with the\nNext Line", ["Line one ends with the\nNext Line"]),
        ("A wrapped line that goes\non to the next line.", ["A wrapped line that goes\non to the next line."]),
        ("这是第一句。这是第二句！", ["这是第一句。", "这是第二句！"]),
        ("Москва заявила об атаке. Жертв нет.", ["Москва заявила об атаке.", "Жертв нет."]),
        ("J. R. Hartley wrote it. Nobody read it.", ["J. R. Hartley wrote it.", "Nobody read it."]),
        ("Acme Inc. The company said so.", ["Acme Inc.", "The company said so."]),
        ("No full stop at the end", ["No full stop at the end"]),
        ("Line one\r\nLine two.", ["Line one", "Line two."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_segmentation_cases(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_non_whitespace_is_covered_and_order_kept() -> None:
    text = "Alpha beta. Gamma!\n\nDelta? <b>Epsilon</b> \u200b\U0001f600 zeta"
    sentences = segment(text)
    covered = set()
    last = 0
    for s in sentences:
        assert s.start >= last
        last = s.end
        covered.update(range(s.start, s.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_long_run_on_text_is_cut_into_bounded_pieces() -> None:
    text = "word " * 10_000 + "x" * 5_000
    sentences = segment(text)
    assert max(len(s.text) for s in sentences) <= MAX_SENTENCE_CHARS
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")
