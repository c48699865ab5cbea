"""A real dask.distributed LocalCluster (worker processes on loopback) scores 1,000 articles exactly as
score() does locally."""

from __future__ import annotations

import time

import pytest
from conftest import FixtureArticle

import provenance

distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")


def articles(fixture_articles: list[FixtureArticle], n: int) -> list[str]:
    """n distinct articles made of fixture sentences."""
    sentences = [text for a in fixture_articles for text, _ in a.gold]
    return ["\n".join(sentences[(i * 7 + j) % len(sentences)] for j in range(3 + i % 9)) for i in range(n)]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as client:
        yield client


def test_score_frame_on_a_cluster_matches_local(client, fixture_articles: list[FixtureArticle]) -> None:  # type: ignore[no-untyped-def]
    import provenance.dask as pdask

    texts = articles(fixture_articles, 1000)
    frame = dd.from_pandas(pd.DataFrame({"text": texts}), npartitions=8)
    start = time.perf_counter()
    scored = pdask.score_frame(frame, column="text").compute()
    seconds = time.perf_counter() - start
    print(f"\nDask LocalCluster (2 worker processes): {len(texts)} articles in {seconds:.2f} s, "
          f"{len(texts) / seconds:.0f} articles/s")
    local = [provenance.score(t) for t in texts]
    assert list(scored.index) == list(range(len(texts)))
    assert scored["risk"].tolist() == [r.risk for r in local]
    assert scored["level"].tolist() == [r.level for r in local]
    for label in provenance.LABELS:
        assert scored[f"n_{label}"].tolist() == [r.counts[label] for r in local]


def test_score_bag_and_flagged_sentences(client, fixture_articles: list[FixtureArticle]) -> None:  # type: ignore[no-untyped-def]
    import dask.bag as db

    import provenance.dask as pdask

    texts = articles(fixture_articles, 60)
    assert pdask.score_bag(db.from_sequence(texts, npartitions=4)).compute() == [provenance.score(t) for t in texts]
    flagged = pdask.flagged_sentences(dd.from_pandas(pd.DataFrame({"text": texts}), npartitions=3)).compute()
    expected = sum(len(provenance.score(t).flagged) for t in texts)
    assert len(flagged) == expected and set(flagged["article"]) <= set(range(len(texts)))
    with pytest.raises(KeyError, match="no column 'body'"):
        pdask.score_frame(dd.from_pandas(pd.DataFrame({"text": texts}), npartitions=1), column="body")


def test_to_frame_has_one_row_per_sentence(fixture_articles: list[FixtureArticle]) -> None:
    results = [provenance.score(a.text) for a in fixture_articles[:3]]
    frame = provenance.to_frame(results)
    assert len(frame) == sum(len(r.sentences) for r in results)
    assert {"article", "start", "end", "text", "labels", "p_on_record", "cues"} <= set(frame.columns)
