"""Hostile sizes finish in time linear in their length; memory stays bounded; input is untouched.

Linear time is checked by comparing an input with one 100 times larger: a linear scorer takes about
100 times longer, a quadratic one about 10,000 times. The bound used (400x) is generous for noise.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

import provenance

UNLIMITED = provenance.Scorer(max_chars=10**8)
# The memory bound the README documents: a fixed working set (features go through in chunks of sentences)
# plus the result itself, which grows with the number of sentences.
WORKING_MEMORY = 64_000_000
RESULT_MEMORY_PER_SENTENCE = 4_000
HOSTILE: dict[str, Callable[[int], str]] = {
    "no punctuation": lambda n: "word " * (n // 5),
    "full stops": lambda n: "." * n,
    "newlines": lambda n: "\n" * n,
    "one long word": lambda n: "x" * n,
    "nested quotes": lambda n: "\u201c" * (n // 2) + "\u201d" * (n // 2),
    "repeated cue": lambda n: "sources said " * (n // 13),
    "abbreviations": lambda n: "Mr. U.S. a.m. " * (n // 14),
    "ellipses and spaces": lambda n: ". . . " * (n // 6),
}


def seconds(text: str) -> float:
    """Best of three, so a noisy neighbour cannot fail the test."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        UNLIMITED.score(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_time_grows_linearly(name: str) -> None:
    small, large = HOSTILE[name](10_000), HOSTILE[name](1_000_000)
    ratio = seconds(large) / max(seconds(small), 1e-4)
    print(f"{name}: 100x the input took {ratio:.0f}x the time")
    assert ratio < 400, f"{name}: {ratio:.0f}x slower for 100x the input"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "text"),
    [("5 MB without punctuation", "word " * 1_000_000), ("20,000 two-word sentences", "It rained. " * 20_000)],
)
def test_memory_stays_within_the_documented_bound(name: str, text: str) -> None:
    tracemalloc.start()
    result = UNLIMITED.score(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bound = WORKING_MEMORY + RESULT_MEMORY_PER_SENTENCE * len(result.sentences)
    print(f"{name}: {len(result.sentences)} sentences, peak traced memory {peak / 1e6:.0f} MB (bound {bound / 1e6:.0f} MB)")
    assert all(len(s.text) <= 1_500 for s in result.sentences)
    assert peak < bound


def test_default_size_limit_holds() -> None:
    with pytest.raises(ValueError, match="over the limit"):
        provenance.score("x" * (provenance.DEFAULT_MAX_CHARS + 1))


def test_long_texts_are_predicted_in_chunks_with_identical_results(
    monkeypatch: pytest.MonkeyPatch, seed_texts: dict[str, str]
) -> None:
    import provenance.classify

    text = "\n\n".join(seed_texts.values())
    whole = provenance.score(text)
    monkeypatch.setattr(provenance.classify, "CHUNK_SENTENCES", 7)
    chunked = provenance.score(text)
    assert len(whole.sentences) > 3 * 7 and chunked == whole
