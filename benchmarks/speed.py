"""Speed of provenance alone, for run.py: where one article's time goes, how far it is from the floor,
batch throughput, when worker processes pay off, and the compiled featuriser against pure Python.

Every figure is a median of repeated runs; stages are timed round-robin (one call of each in turn),
and the compiled and pure-Python paths are called in turn in one process, so load from other
processes on the machine falls on all of them alike.

Run alone (the speed figures only, without run.py's training and quality runs):

    python benchmarks/speed.py [--quick] [--out DIRECTORY]

writes speed.md and speed.json to benchmarks/results, or with --quick to benchmarks/results/quick.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import provenance
from provenance import speedups
from provenance.attribution import default_lexicon, frame_features
from provenance.classify import labels_and_cues, score_matrix
from provenance.columns import look_up, tables_for, tokenise, weigh
from provenance.features import _TOKEN
from provenance.modelfile import Model
from provenance.language import detect_language
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
    "language",
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
    language = detect_language(article)
    return {
        "segmentation": lambda: segment(article),
        "attribution": lambda: lexicon.attribute(texts),
        "lexicon scan": lambda: model.lexicon.find_many(texts),
        "tokenise + features": lambda: ([frame_features(f, len(t)) for t, f in zip(texts, frames)],
                                        tokenise(texts, tables)),
        "vocabulary lookup": lambda: look_up(tokens, hits, features, tables),
        "TF-IDF + matrix product + calibration": lambda: score_matrix(weigh(tokens, entries, hits, tables).matrix, model),
        "cue selection": lambda: labels_and_cues(featured, frames, contributions, probabilities, model, tables),
        "language": lambda: detect_language(article),
        "result rows + validation": lambda: _article_score(article, sentences, frames, predictions, model.version,
                                                           language),
        "risk": lambda: article_risk(probabilities, predictions.labels),
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
    """MB/s and articles/s of ``score_many(n_jobs=1)`` (run where the process is held to one core),
    results held as a caller collecting them would; and the share of that time the cyclic garbage
    collector takes (the same run with it switched off)."""
    size = sum(len(t.encode("utf-8")) for t in texts)
    list(provenance.score_many(texts[:50]))
    seconds = statistics.median(timed(lambda: list(provenance.score_many(texts)), repeats))
    gc.disable()
    try:
        quiet = statistics.median(timed(lambda: list(provenance.score_many(texts)), repeats))
    finally:
        gc.enable()
    return {"articles": len(texts), "mb_per_s_per_core": round(size / seconds / 1e6, 3),
            "articles_per_s": round(len(texts) / seconds, 1), "gc_share": round(max(0.0, 1 - quiet / seconds), 3)}


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
        f"({batch['articles_per_s']:,.0f} articles/s), of which the cyclic garbage collector "
        f"{100 * batch['gc_share']:.0f} % (the same run with it switched off).",
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
    if "paths" in speed:
        lines += ["", f"Compiled featuriser (in use: {provenance.speedups_enabled()}) against pure Python:", ""]
        lines += render_paths(speed["paths"])
    return lines


def paths(model: Model, article: str, texts: list[str], repeats: int, batch_repeats: int) -> dict[str, Any]:
    """The compiled featuriser against pure Python, each figure measured in turns in one process:
    p50/p95 of the article, score_many(n_jobs=1) MB/s, the stage table and cold start."""
    scorer = provenance.Scorer(model, max_chars=10**9)
    latencies = in_turns(lambda: scorer.score(article), repeats)
    size = sum(len(t.encode("utf-8")) for t in texts)
    batches = in_turns(lambda: list(provenance.score_many(texts)), batch_repeats)
    return {
        "compiled_available": speedups.extension_built(),
        "latency": {path: _percentiles(times) for path, times in latencies.items()},
        "batch_mb_per_s": {path: round(size / statistics.median(times) / 1e6, 3) for path, times in batches.items()},
        "batch_articles": len(texts),
        "stages": paired_stage_tables(model, article, max(repeats // 2, 20)),
        "cold_start_s": cold_starts(11 if repeats > 200 else 3),
    }


def in_turns(function: Callable[[], Any], repeats: int) -> dict[str, list[float]]:
    """Seconds of each call of ``function`` on each path, the paths taking turns and swapping which
    goes first every round (whichever runs second finds the caches warm from the first)."""
    times: dict[str, list[float]] = {"compiled": [], "pure": []}
    for round_ in range(repeats):
        for path in ("compiled", "pure") if round_ % 2 == 0 else ("pure", "compiled"):
            with _path(path):
                times[path] += timed(function, 1)
    return times


def _path(path: str) -> AbstractContextManager[None]:
    return nullcontext() if path == "compiled" else speedups.pure_python()


def paired_stage_tables(model: Model, article: str, repeats: int) -> dict[str, dict[str, Any]]:
    """:func:`stage_table` on each path: every round times all stages on one path, then all on the
    other, the first path swapping each round, so that both see the same load and the same caches."""
    steps = {}
    for path in ("compiled", "pure"):
        with _path(path):
            steps[path] = _stage_steps(model, article)
    times: dict[str, dict[str, list[float]]] = {path: {name: [] for name in steps[path]} for path in steps}
    for round_ in range(repeats):
        for path in ("compiled", "pure") if round_ % 2 == 0 else ("pure", "compiled"):
            with _path(path):
                for name, step in steps[path].items():
                    times[path][name] += timed(step, 1)
    tables = {}
    for path, path_times in times.items():
        ms = {name: 1000 * statistics.median(values) for name, values in path_times.items()}
        ms["result rows + validation"] -= ms["risk"]
        stages = {name: round(ms[name], 4) for name in STAGES}
        tables[path] = {"stages_ms": stages, "sum_ms": round(sum(stages.values()), 4), "score_ms": round(ms["score()"], 4)}
    return tables


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"p50_ms": round(1000 * statistics.median(ordered), 3),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 3)}


COLD = "import provenance; provenance.score('x')"


def cold_starts(repeats: int) -> dict[str, float]:
    """Median seconds for a fresh interpreter to import provenance and score one text, on each path
    (taken in turns), and what ``python -X importtime`` says the import spends on its largest parts."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    pure_env = {**env, speedups.PURE_PYTHON_VARIABLE: "1"}
    compiled: list[float] = []
    pure: list[float] = []
    for round_ in range(repeats):
        for times, path_env in ((compiled, env), (pure, pure_env))[:: 1 if round_ % 2 == 0 else -1]:
            times += timed(lambda path_env=path_env: subprocess.run([sys.executable, "-c", COLD], check=True, env=path_env), 1)
    return {"compiled": round(statistics.median(compiled), 3), "pure": round(statistics.median(pure), 3),
            "import_ms": import_breakdown(env)}


def import_breakdown(env: dict[str, str]) -> dict[str, float]:
    """Cumulative import milliseconds of ``import provenance; score('x')`` and of the largest packages
    it loads (each package's root module, wherever it is first imported), from ``python -X importtime``."""
    output = subprocess.run([sys.executable, "-X", "importtime", "-c", COLD], check=True, env=env,
                            capture_output=True, text=True).stderr
    roots: dict[str, float] = {}
    for line in output.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if "." not in name.strip():
            roots[name.strip()] = roots.get(name.strip(), 0.0) + int(cumulative) / 1000
    largest = sorted(roots.items(), key=lambda kv: -kv[1])[:8]
    return {name: round(ms, 1) for name, ms in largest}


def render_paths(result: dict[str, Any]) -> list[str]:
    """Markdown: compiled against pure Python, figure by figure, with the ratio."""
    if not result["compiled_available"]:
        return ["The compiled featuriser is not built here: both columns are pure Python."]
    latency, batch, stages, cold = result["latency"], result["batch_mb_per_s"], result["stages"], result["cold_start_s"]
    rows = [
        ("800-word article p50 (ms)", latency["pure"]["p50_ms"], latency["compiled"]["p50_ms"]),
        ("800-word article p95 (ms)", latency["pure"]["p95_ms"], latency["compiled"]["p95_ms"]),
        (f"score_many(n_jobs=1), {result['batch_articles']:,} articles (MB/s per core)", batch["pure"], batch["compiled"]),
        ("cold start, import + score('x') (s)", cold["pure"], cold["compiled"]),
    ]
    rows += [(f"stage: {name} (ms)", stages["pure"]["stages_ms"][name], stages["compiled"]["stages_ms"][name])
             for name in STAGES]
    rows.append(("sum of stages (ms)", stages["pure"]["sum_ms"], stages["compiled"]["sum_ms"]))
    lines = ["| figure (paired, one core) | pure Python | compiled | compiled / pure |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {pure:g} | {fast:g} | {fast / pure:.2f}x |" for name, pure, fast in rows]
    lines += ["", "Import time of `import provenance; provenance.score('x')`, largest packages (ms, cumulative, "
              "nested in one another, `python -X importtime`, one run): "
              + ", ".join(f"{k} {v:g}" for k, v in cold["import_ms"].items()) + "."]
    return lines


def main() -> int:
    """The speed figures alone: both paths, the n_jobs comparison, on one core except n_jobs=2."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats; writes to benchmarks/results/quick")
    parser.add_argument("--out", type=Path, help="where to write speed.md and speed.json")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    out = args.out or root / "benchmarks" / "results" / ("quick" if args.quick else "")
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(root / "benchmarks"))
    from articles import article_of_words, load_fixtures

    from provenance.modelfile import load_default_model

    fixtures = load_fixtures()
    thousand = [fixtures[i % len(fixtures)]["text"] for i in range(1000)]
    jobs = jobs_comparison(thousand, 1 if args.quick else 3)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    model = load_default_model()
    article = article_of_words(fixtures, 800)
    provenance.Scorer(model).score(article)
    result = {
        "article_words": len(article.split()),
        "article_sentences": len(segment(article)),
        "latency": latency(model, article, 100 if args.quick else 1000),
        "stages": stage_table(model, article, 100 if args.quick else 500),
        "batch": batch_throughput(thousand, 1 if args.quick else 3),
        "jobs": jobs,
        "paths": paths(model, article, thousand, 100 if args.quick else 500, 1 if args.quick else 3),
    }
    lines = render(result)
    (out / "speed.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / "speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
