"""The benchmark's articles: the held-out fixtures with their gold labels, and longer articles made of
their paragraphs. Kept apart from ``run.py`` so that ``speed.py`` measures in a process holding only
provenance and numpy (``run.py`` loads scikit-learn and the peers, whose objects the garbage collector
would walk too).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from provenance.labels import LABELS

ROOT = Path(__file__).resolve().parent.parent


def load_fixtures() -> list[dict[str, Any]]:
    """Held-out articles with gold labels aligned to provenance's sentences."""
    articles = []
    for entry in json.loads((ROOT / "fixtures" / "fixtures.json").read_text(encoding="utf-8")):
        path = ROOT / "fixtures" / entry["file"]
        text = path.read_text(encoding="utf-8")
        gold = [json.loads(line) for line in path.with_suffix(".gold.jsonl").read_text(encoding="utf-8").splitlines()]
        articles.append({**entry, "text": text, "sentences": [g["text"] for g in gold],
                         "y": np.array([[label in g["labels"] for label in LABELS] for g in gold], dtype=int)})
    return articles


def article_of_words(articles: list[dict[str, Any]], words: int) -> str:
    """An article of about ``words`` words, made of fixture paragraphs."""
    paragraphs = [p for a in articles for p in a["text"].split("\n\n")]
    out: list[str] = []
    while sum(len(p.split()) for p in out) < words:
        out.append(paragraphs[len(out) % len(paragraphs)])
    return "\n\n".join(out)
