"""Speed of provenance alone, for run.py: where one article's time goes, how far it is from the floor,
batch throughput, and when worker processes pay off.

Every figure is a median of repeated runs; stages are timed round-robin (one call of each in turn),
so load from other processes on the machine falls on all of them alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import provenance
from provenance.attribution import default_lexicon, frame_features
from provenance.classify import labels_and_cues, score_matrix
from provenance.columns import look_up, tables_for, tokenise, weigh
from provenance.features import _TOKEN
from provenance.modelfile import Model
from provenance.pipeline import _article_score
from provenance.risk import article_risk
from provenance.segment import segment

STAGES = (
    "segmentation",
    "attribution",
    "lexicon scan",
    "tokenise + features",
    "vocabulary lookup",
    "TF-IDF + matrix product + calibration",
    "cue selection",
    "result rows + validation",
    "risk",
)
#: Articles per score_many call in the n_jobs comparison.
JOB_SIZES = (16, 64, 256, 1000)


def stage_table(model: Model, article: str, repeats: int) -> dict[str, Any]:
    """Median milliseconds of each stage of ``Scorer.score`` on one article, and of the whole call."""
    steps = _stage_steps(model, article)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    ms = {name: 1000 * statistics.median(values) for name, values in times.items()}
    ms["result rows + validation"] -= ms["risk"]  # the result step computes the risk too
    stages = {name: round(ms[name], 4) for name in STAGES}
    return {"stages_ms": stages, "sum_ms": round(sum(stages.values()), 4), "score_ms": round(ms["score()"], 4)}


def _stage_steps(model: Model, article: str) -> dict[str, Callable[[], object]]:
    """One callable per stage, each fed the previous stages' output, in the order ``score`` runs them."""
    scorer = provenance.Scorer(model, max_chars=10**9)
    lexicon, tables = default_lexicon(), tables_for(model)
    sentences = segment(article)
    texts = [s.text for s in sentences]
    frames = lexicon.attribute(texts)
    hits = model.lexicon.find_many(texts)
    features = [frame_features(f, len(t)) for t, f in zip(texts, frames)]
    tokens = tokenise(texts, tables)
    entries = look_up(tokens, hits, features, tables)
    featured = weigh(tokens, entries, hits, tables)
    contributions, probabilities = score_matrix(featured.matrix, model)
    predictions = labels_and_cues(featured, frames, contributions, probabilities, model, tables)
    return {
        "segmentation": lambda: segment(article),
        "attribution": lambda: lexicon.attribute(texts),
        "lexicon scan": lambda: model.lexicon.find_many(texts),
        "tokenise + features": lambda: ([frame_features(f, len(t)) for t, f in zip(texts, frames)],
                                        tokenise(texts, tables)),
        "vocabulary lookup": lambda: look_up(tokens, hits, features, tables),
        "TF-IDF + matrix product + calibration": lambda: score_matrix(weigh(tokens, entries, hits, tables).matrix, model),
        "cue selection": lambda: labels_and_cues(featured, frames, contributions, probabilities, model, tables),
        "result rows + validation": lambda: _article_score(article, sentences, frames, predictions, model.version),
        "risk": lambda: article_risk(probabilities),
        "score()": lambda: scorer.score(article),
    }


def latency(model: Model, article: str, repeats: int) -> dict[str, float]:
    """p50/p95 of ``score`` on one article, and the floor: the bare token regex over the same text."""
    scorer = provenance.Scorer(model, max_chars=10**9)
    scores, floors = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        scorer.score(article)
        middle = time.perf_counter()
        _TOKEN.findall(article)
        scores.append(middle - start)
        floors.append(time.perf_counter() - middle)
    scores.sort()
    p50, floor = statistics.median(scores), statistics.median(floors)
    size = len(article.encode("utf-8"))
    return {
        "p50_ms": round(1000 * p50, 3),
        "p95_ms": round(1000 * scores[int(0.95 * (len(scores) - 1))], 3),
        "floor_ms": round(1000 * floor, 4),
        "floor_mb_per_s": round(size / floor / 1e6, 2),
        "times_floor": round(p50 / floor, 1),
    }


def batch_throughput(texts: list[str], repeats: int) -> dict[str, float]:
    """MB/s and articles/s of ``score_many(n_jobs=1)`` (run where the process is held to one core)."""
    size = sum(len(t.encode("utf-8")) for t in texts)
    list(provenance.score_many(texts[:50]))
    seconds = statistics.median(timed(lambda: list(provenance.score_many(texts)), repeats))
    return {"articles": len(texts), "mb_per_s_per_core": round(size / seconds / 1e6, 3),
            "articles_per_s": round(len(texts) / seconds, 1)}


def jobs_comparison(texts: list[str], repeats: int) -> dict[str, Any]:
    """Seconds of ``score_many`` with 1 and 2 worker processes for calls of several sizes (workers
    already started), the first call's start-up, and the smallest call where 2 jobs win."""
    start = time.perf_counter()
    list(provenance.score_many(texts[:2], n_jobs=2))
    startup = time.perf_counter() - start
    rows = []
    for size in JOB_SIZES:
        part = texts[:size]
        one = statistics.median(timed(lambda part=part: list(provenance.score_many(part, n_jobs=1)), repeats))
        two = statistics.median(timed(lambda part=part: list(provenance.score_many(part, n_jobs=2)), repeats))
        rows.append({"articles": size, "n_jobs_1_s": round(one, 3), "n_jobs_2_s": round(two, 3),
                     "speedup": round(one / two, 2)})
    pays_off = next((row["articles"] for row in rows if row["speedup"] > 1.0), None)
    return {"worker_startup_s": round(startup, 2), "calls": rows, "pays_off_from_articles": pays_off}


def timed(function: Callable[[], Any], repeats: int) -> list[float]:
    """Wall-clock seconds of each call."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def render(speed: dict[str, Any]) -> list[str]:
    """Markdown lines: latency and floor, throughput, the stage table and the n_jobs table."""
    latency_row, stages, batch, jobs = speed["latency"], speed["stages"], speed["batch"], speed["jobs"]
    lines = [
        f"800-word article ({speed['article_words']} words, {speed['article_sentences']} sentences), one core: "
        f"p50 {latency_row['p50_ms']:.2f} ms, p95 {latency_row['p95_ms']:.2f} ms; floor (bare token regex over the "
        f"same text) {latency_row['floor_ms']:.3f} ms ({latency_row['floor_mb_per_s']:.1f} MB/s), so p50 is "
        f"{latency_row['times_floor']}x the floor.",
        "",
        f"score_many(n_jobs=1), {batch['articles']:,} articles on one core: {batch['mb_per_s_per_core']:.2f} MB/s per core "
        f"({batch['articles_per_s']:,.0f} articles/s).",
        "",
        "| stage (800-word article, one core) | ms | share |",
        "|---|---:|---:|",
    ]
    total = stages["sum_ms"]
    for name, ms in stages["stages_ms"].items():
        lines.append(f"| {name} | {ms:.3f} | {100 * ms / total:.0f} % |")
    lines.append(f"| **sum of stages** (score() measured alongside: {stages['score_ms']:.3f}) | **{total:.3f}** | |")
    lines += ["", f"score_many with worker processes (both cores; workers start once per process, first call "
              f"{jobs['worker_startup_s']} s):", "", "| articles per call | n_jobs=1 s | n_jobs=2 s | speed-up |",
              "|---:|---:|---:|---:|"]
    for row in jobs["calls"]:
        lines.append(f"| {row['articles']:,} | {row['n_jobs_1_s']:.3f} | {row['n_jobs_2_s']:.3f} | {row['speedup']:.2f}x |")
    pays = jobs["pays_off_from_articles"]
    lines.append(f"\nn_jobs=2 pays off from {pays} articles per call (workers already started)." if pays else
                 "\nn_jobs=2 paid off at none of the sizes tried: was another process holding the second core?")
    return lines
