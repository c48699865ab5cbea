"""Eight threads, or joblib worker processes, give exactly the results of sequential scoring."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conftest import FixtureArticle

import provenance


def test_threads_match_sequential(fixture_articles: list[FixtureArticle], seed_texts: dict[str, str]) -> None:
    texts = [a.text for a in fixture_articles] + list(seed_texts.values())
    texts = texts * 4
    sequential = [provenance.score(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(provenance.score, texts))
    assert threaded == sequential


def test_worker_processes_match_sequential(fixture_articles: list[FixtureArticle]) -> None:
    texts = [a.text for a in fixture_articles] * 3
    assert list(provenance.score_many(texts, n_jobs=2)) == [provenance.score(t) for t in texts]
