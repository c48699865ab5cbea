"""Eight threads, or joblib worker processes, give exactly the results of sequential scoring, and
failures in either arrive after every result computed before them."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
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


def _failing_stream(n: int) -> Iterator[str]:
    for i in range(n):
        yield f"Article {i}. Sources said item {i} leaked."
    raise RuntimeError(f"the stream broke after {n} texts")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_every_result_before_a_broken_input_stream_is_delivered(n_jobs: int) -> None:
    delivered = []
    with pytest.raises(RuntimeError, match="broke after 100 texts"):
        for result in provenance.score_many(_failing_stream(100), n_jobs=n_jobs):
            delivered.append(result)
    assert len(delivered) == 100
    assert delivered[-1] == provenance.score("Article 99. Sources said item 99 leaked.")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_every_result_before_a_failing_text_is_delivered(n_jobs: int) -> None:
    texts: list[object] = [f"Text {i}. Officials said so." for i in range(70)]
    texts[50] = b"bytes are not text"
    delivered = []
    with pytest.raises(TypeError, match="Decode bytes first"):
        for result in provenance.score_many(texts, n_jobs=n_jobs):  # type: ignore[arg-type]
            delivered.append(result)
    assert len(delivered) == 50


def test_errors_with_their_own_fields_cross_process_boundaries() -> None:
    import pickle

    from provenance.errors import InputTooLargeError, ModelFileError, RulesError

    for error in (InputTooLargeError(10, 5), ModelFileError("/m", "gone", "save"), RulesError("r.toml", 3, "bad")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
    delivered = []
    with pytest.raises(ValueError, match="over the limit of 20 characters"):
        for result in provenance.score_many(["short", "x" * 21, "short"] * 20, n_jobs=2, max_chars=20):
            delivered.append(result)
    assert len(delivered) == 1


SUBPROCESS = """
import provenance, itertools
def stream():
    for i in range(100):
        yield f"Sources said item {i} leaked."
    raise RuntimeError("broken")
got = 0
try:
    for r in provenance.score_many(stream(), n_jobs=2):
        got += 1
except RuntimeError:
    pass
for _ in range(5):  # stopping early, while batches are in flight: several tries at loky's race
    for r in itertools.islice(provenance.score_many((f"Text {i}." for i in range(10**6)), n_jobs=2), 5):
        got += 1
print(got)
"""


def test_no_leaked_semaphores_or_pool_errors() -> None:
    """Regression: closing joblib's generator with batches in flight killed the workers, and loky's
    manager thread then printed a KeyError traceback (seen once scoring got fast enough for batches to
    finish while others were queued); stopping now lets the handed-out batches finish."""
    import subprocess
    import sys

    output = subprocess.run([sys.executable, "-W", "always", "-c", SUBPROCESS], capture_output=True, text=True,
                            timeout=300, check=True)
    assert output.stdout.strip() == "125"
    assert "leaked" not in output.stderr and "KeyError" not in output.stderr and "Traceback" not in output.stderr


def test_batches_fill_one_featuriser_chunk_without_a_sliver(
    fixture_articles: list[FixtureArticle], monkeypatch: pytest.MonkeyPatch
) -> None:
    """score_many (and each worker's batch) cuts a stream into runs that fit one featuriser chunk: an
    article that would overflow starts the next run. Runs of 256 + a few sentences had cost a second
    pass through the featuriser's fixed costs for the few (3.98 against 4.17 MB/s)."""
    from provenance import pipeline

    sizes: list[int] = []
    scored = pipeline.Scorer._scored_parts

    def recording(self: pipeline.Scorer, batch: list[tuple[str, tuple[object, ...]]]) -> list[object]:
        sizes.append(sum(len(sentences) for _, sentences in batch))
        return scored(self, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.Scorer, "_scored_parts", recording)
    texts = [a.text for a in fixture_articles] * 20
    one_by_one = [provenance.score(t) for t in texts[:40]]
    sizes.clear()
    assert list(provenance.score_many(texts))[:40] == one_by_one
    assert max(sizes) <= pipeline.BATCH_SENTENCES and sum(sizes) == sum(len(pipeline.segment(t)) for t in texts)
    assert min(sizes[:-1]) > pipeline.BATCH_SENTENCES // 2  # full runs, not slivers
    sizes.clear()
    runs = list(pipeline._chunked([(t, pipeline.segment(t)) for t in texts]))
    assert [len(run) for run in runs] and all(sum(len(s) for _, s in run) <= pipeline.BATCH_SENTENCES for run in runs)
    long_article = " ".join(f"Sentence {n} is here." for n in range(600))
    assert [len(run) for run in pipeline._chunked([(t, pipeline.segment(t)) for t in (texts[0], long_article, texts[1])])] == [1, 1, 1]


def test_a_worker_sends_plain_tuples_that_build_the_same_results(fixture_articles: list[FixtureArticle]) -> None:
    """Workers send sentences, frames and cues as plain tuples when the caller's result builder is
    compiled: NamedTuples had cost a Python call each to pickle and to unpickle, and n_jobs=2 had
    fallen to 1.0x on 1,000 articles (1.3x with plain tuples)."""
    import pickle

    from provenance import pipeline, speedups

    if speedups.plain_tuples() is None:
        pytest.skip("the result builder is not compiled: workers send NamedTuples")
    texts = [a.text for a in fixture_articles[:6]]
    outcome = pickle.loads(pickle.dumps(pipeline._score_batch(texts, None, 1_000_000, None, True)))
    first = outcome.results[0]
    assert type(first.sentences[0]) is tuple and type(first.predictions.cues) is list
    frames = [f for part in outcome.results for fs in part.frames for f in fs]
    cues = [c for part in outcome.results for found in part.predictions.cues for c in found]
    assert frames and cues and all(type(f) is tuple and type(f[0]) is tuple for f in frames)
    assert all(type(c) is tuple for c in cues)
    assert [pipeline._article_score(t, *parts) for t, parts in zip(texts, outcome.results)] == [
        provenance.score(t) for t in texts
    ]
