"""The output guard for speed work: texts whose full ``ArticleScore`` JSON was saved before any
optimisation (``tests/data/reference_scores.jsonl.gz``), and the comparison a test runs against them.

Run ``python tests/reference.py`` to rewrite the file, and only when the model or the scoring rules
change on purpose: a speed change must leave every saved result as it is.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "reference_scores.jsonl.gz"
TOLERANCE = 1e-12
#: Every n-th labelled sentence is scored as a text of its own.
SENTENCE_STRIDE = 24
# Pieces that stress offsets: non-ASCII, lone surrogates, breaks, abbreviations, cue words.
PIECES = (
    "Sources said", " a senior official, speaking on condition of anonymity,", " leaked memo", ". ", "? ",
    "!\u201d ", "\n", "\r\n", "\n\n", "\r", "\u2028", "\u200b", "\u200e", "\u202e", "\ufeff", "\x00",
    "\u0301", "\U0001f525", "Mr. ", "U.S. ", "3.5 ", "...", "\u00ab", "\u201c", "'", '"', "\u3002",
    "\u0964", "\u041c\u043e\u0441\u043a\u0432\u0430. ", "\u5317\u4eac\u3002", "<b>", "reportedly",
    "\ud800", "\udfff", "\t", "Caf\u00e9 owner Ren\u00e9e M\u00fcller said", " according to \u00c9lodie Durand,",
)


def reference_texts() -> Iterator[tuple[str, str]]:
    """(name, text) of every reference input, in a fixed order."""
    articles = sorted((ROOT / "fixtures").glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    bodies = [path.read_text(encoding="utf-8") for path in articles]
    for path, body in zip(articles, bodies):
        yield f"{path.parent.name}/{path.name}", body
    yield "all articles joined", "\n\n".join(bodies)  # more sentences than one featuriser chunk
    sentences = labelled_sentences()
    for n, text in enumerate(sentences[::SENTENCE_STRIDE]):
        yield f"sentence {n * SENTENCE_STRIDE}", text
    rng = random.Random(11)
    for n in range(120):
        parts = [rng.choice(PIECES) if rng.random() < 0.6 else rng.choice(sentences) for _ in range(rng.randint(1, 12))]
        yield f"mixed {n}", " ".join(parts) if n % 2 else "".join(parts)


def labelled_sentences() -> list[str]:
    """The texts of the shipped labelled data, file by file."""
    folder = ROOT / "src" / "provenance" / "data" / "sentences"
    return [
        json.loads(line)["text"]
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def load_reference() -> list[dict[str, Any]]:
    """The saved rows: name, text and the full score as plain JSON data."""
    return [json.loads(line) for line in gzip.decompress(REFERENCE.read_bytes()).decode("utf-8").splitlines()]


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where two JSON documents differ: floats by more than TOLERANCE, anything else at all."""
    if isinstance(expected, float) or isinstance(actual, float):
        ok = isinstance(expected, (int, float)) and isinstance(actual, (int, float)) and abs(expected - actual) <= TOLERANCE
        return [] if ok else [f"{where}: {expected!r} != {actual!r}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            return [f"{where}: keys {list(expected)} != {list(actual)}"]
        return [d for key in expected for d in differences(expected[key], actual[key], f"{where}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items != {len(actual)}"]
        return [d for n, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{where}[{n}]")]
    return [] if expected == actual else [f"{where}: {expected!r} != {actual!r}"]


def write_reference() -> int:
    """Score every reference text with the shipped model and save the results."""
    sys.path.insert(0, str(ROOT / "src"))
    import provenance

    out = io.StringIO()
    for name, text in reference_texts():
        score = json.loads(provenance.score(text).to_json())
        out.write(json.dumps({"name": name, "score": score}, ensure_ascii=True) + "\n")
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_bytes(gzip.compress(out.getvalue().encode("utf-8"), mtime=0))
    return 0


if __name__ == "__main__":
    sys.exit(write_reference())
