"""Shared fixtures: the shipped scorer (loaded once), seed and fixture articles; hypothesis profile."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import provenance

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
DATA = ROOT / "src" / "provenance" / "data" / "sentences"

settings.register_profile(
    "ci", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")


@dataclass(frozen=True)
class FixtureArticle:
    """A held-out article with its expected level and sentence-level gold labels."""

    name: str
    kind: str
    expected_level: str
    text: str
    gold: tuple[tuple[str, tuple[str, ...]], ...]


@pytest.fixture(scope="session")
def scorer() -> provenance.Scorer:
    """The shipped model, loaded once for the whole run."""
    scorer = provenance.Scorer()
    scorer.score("Warm up.")
    return scorer


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The four seed articles by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def load_fixture_articles() -> list[FixtureArticle]:
    """Every article listed in fixtures/fixtures.json, with its gold labels."""
    articles = []
    for entry in json.loads((FIXTURES / "fixtures.json").read_text(encoding="utf-8")):
        path = FIXTURES / entry["file"]
        gold_lines = path.with_suffix(".gold.jsonl").read_text(encoding="utf-8").splitlines()
        gold = tuple(
            (row["text"], tuple(row["labels"])) for row in map(json.loads, filter(str.strip, gold_lines))
        )
        articles.append(
            FixtureArticle(path.stem, entry["kind"], entry["expected_level"], path.read_text(encoding="utf-8"), gold)
        )
    return articles


@pytest.fixture(scope="session")
def fixture_articles() -> list[FixtureArticle]:
    """Held-out fixture articles (never trained on)."""
    return load_fixture_articles()
