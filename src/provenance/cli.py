"""The ``provenance`` command: a thin layer over the library's typed functions.

``run(argv)`` returns an :class:`ExitStatus` so tests can call it without a subprocess.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
from collections.abc import Iterator, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any, Final, TextIO

from provenance.errors import ProvenanceError
from provenance.labels import LABELS
from provenance.pipeline import DEFAULT_MAX_CHARS, Scorer
from provenance.results import ArticleScore, Cue, SentenceScore
from provenance.rules import load_rules

_EXAMPLES = """examples:
  provenance score article.txt
  provenance score articles/ --format jsonl > scores.jsonl
  cat article.txt | provenance score - --fail-above 0.6
  provenance render article.txt -o report.html
  provenance train --data my_sentences/ --out my_model/
  provenance evaluate my_sentences.jsonl
"""
_COLOUR = "\033[1;33m"
_RESET = "\033[0m"
_UNDERLINE = "\033[4m"


class ExitStatus(IntEnum):
    """Exit codes: 0 ok, 1 an article is over --fail-above, 2 usage or input error."""

    OK = 0
    OVER_THRESHOLD = 1
    USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``run`` can return a status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    """A usage or input problem, reported in one line with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(
        prog="provenance",
        description="Flag weak sourcing in news articles, sentence by sentence.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    score = _command(commands, "score", "score files, directories or standard input",
                     "Score articles. A directory scores every .txt/.html file in it; a glob (quoted or not) every file it matches.", _EXAMPLES)
    score.add_argument("paths", nargs="+", help="files, directories, or - for standard input")
    score.add_argument("--format", choices=("text", "json", "jsonl", "html"), default="text")
    score.add_argument("--threshold", type=float, default=0.0, help="show flags with probability >= this")
    score.add_argument("--labels", help="comma-separated label ids to show (default: all)")
    score.add_argument("--fail-above", type=float, metavar="RISK", help="exit 1 if any article's risk exceeds RISK")
    score.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="longest text accepted")
    _add_model_options(score)

    train = _command(commands, "train", "retrain the model from labelled JSONL",
                     "Retrain from JSONL in the taxonomy format (the shipped sentences by default).",
                     "example:\n  provenance train --data my_sentences/ --out my_model/ --seed 0")
    train.add_argument("--data", type=Path, action="append", help="JSONL file or directory (repeatable)")
    train.add_argument("--out", type=Path, help="model directory to write (default: the package's own)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    evaluate = _command(commands, "evaluate", "precision/recall/F1 of the model on your labelled JSONL",
                        "Per-label precision, recall and F1 of the current model on labelled sentences.",
                        "example:\n  provenance evaluate my_sentences.jsonl --format json")
    evaluate.add_argument("data", type=Path, help="JSONL file in the taxonomy format")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    _add_model_options(evaluate)

    render = _command(commands, "render", "write a self-contained HTML report with highlighted cues",
                      "Render one article as a single HTML file (no scripts, no network requests).",
                      "example:\n  provenance render article.txt -o report.html")
    render.add_argument("path", help="article file, or - for standard input")
    render.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    render.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="longest text accepted")
    _add_model_options(render)
    return parser


def _command(commands: Any, name: str, summary: str, description: str, epilog: str) -> argparse.ArgumentParser:
    """One subcommand with its help line, description and example."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    """--model and --rules, shared by the commands that score."""
    parser.add_argument("--model", type=Path, help="model directory from `provenance train` (default: shipped)")
    parser.add_argument("--rules", type=Path, help="house rules file (TOML or JSON): extra cues, disabled labels")


def run(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> ExitStatus:
    """Run the command line; never raises for user errors."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        command = {"score": _score, "train": _train, "evaluate": _evaluate, "render": _render}[args.command]
        return command(args, out, err)
    except _UsageError as error:
        print(error, file=err)
        return ExitStatus.USAGE_ERROR
    except (ProvenanceError, OSError, UnicodeDecodeError) as error:
        print(f"provenance: {error}", file=err)
        return ExitStatus.USAGE_ERROR


def main() -> None:
    """Console-script entry point."""
    sys.exit(int(run()))


def _scorer(args: argparse.Namespace) -> Scorer:
    """The Scorer the options ask for."""
    rules = load_rules(args.rules) if args.rules else None
    max_chars = getattr(args, "max_chars", DEFAULT_MAX_CHARS)
    if args.model:
        return Scorer.from_directory(args.model, max_chars=max_chars, rules=rules)
    return Scorer(max_chars=max_chars, rules=rules)


def _score(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``score`` subcommand."""
    shown = _parse_labels(args.labels)
    scorer = _scorer(args)
    status = ExitStatus.OK
    documents = []
    colour = out.isatty()
    inputs = _read_inputs(args.paths)
    if err.isatty() and any(Path(p).is_dir() for p in args.paths):
        from tqdm import tqdm

        inputs = tqdm(inputs, desc="scoring", unit=" files", file=err)
    for name, text in inputs:
        result = scorer.score(text)
        if args.fail_above is not None and result.risk > args.fail_above:
            status = ExitStatus.OVER_THRESHOLD
        if args.format == "jsonl":
            out.write(result.to_json() + "\n")
        elif args.format == "json":
            documents.append(result.to_json(indent=2))
        elif args.format == "html":
            from provenance.report import render_html

            out.write(render_html(result, text, name))
        else:
            out.write(format_text(name, result, shown, args.threshold, colour))
    if args.format == "json":
        out.write(documents[0] + "\n" if len(documents) == 1 else "[\n" + ",\n".join(documents) + "\n]\n")
    return status


def _train(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``train`` subcommand: progress on stderr, the cross-validated table on stdout."""
    from tqdm import tqdm

    from provenance.evaluation.metrics import format_table
    from provenance.training import train
    from provenance.training.fit import C_GRID, N_FOLDS

    with tqdm(total=len(C_GRID) * (N_FOLDS + 1) + 1, desc="training", file=err, disable=not err.isatty()) as bar:

        def progress(message: str) -> None:
            bar.update(1)
            if not err.isatty():
                print(message, file=err)

        path, validation = train(args.data, args.out, seed=args.seed, progress=progress)
    out.write(f"grouped {validation.n_folds}-fold cross-validation (C={validation.c:g}):\n")
    out.write(format_table(validation.report) + f"\nwrote {path}\n")
    return ExitStatus.OK


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``evaluate`` subcommand."""
    from provenance.evaluation import evaluate
    from provenance.evaluation.metrics import format_table, macro_f1
    from provenance.training.corpus import read_jsonl

    sentences = read_jsonl(args.data)
    report = evaluate(_scorer(args), sentences)
    if args.format == "json":
        rows = [row.as_dict() for row in report]
        out.write(json.dumps({"sentences": len(sentences), "macro_f1": round(macro_f1(report), 4), "per_label": rows}, indent=2) + "\n")
    else:
        out.write(f"{len(sentences)} sentences from {args.data}\n{format_table(report)}\n")
    return ExitStatus.OK


def _render(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``render`` subcommand."""
    from provenance.report import render_html

    name, text = next(_read_inputs([args.path]))
    result = _scorer(args).score(text)
    args.output.write_text(render_html(result, text, name), encoding="utf-8")
    out.write(f"wrote {args.output}: risk {result.risk:.2f} ({result.level}), {len(result.flagged)} flagged sentences\n")
    return ExitStatus.OK


def format_text(name: str, result: ArticleScore, shown: set[str], threshold: float, colour: bool) -> str:
    """A person's view: each flagged sentence, its labels and cues, then the article's risk."""
    lines = [f"== {name}"]
    for sentence in result.sentences:
        flags = [
            label for label in sentence.flags
            if label in shown and sentence.probabilities[label] >= threshold
        ]
        if not flags:
            continue
        labels = ", ".join(f"{label} {sentence.probabilities[label]:.2f}" for label in flags)
        lines.append(f"[{sentence.start}:{sentence.end}] {labels}")
        lines.append("    " + _highlight(sentence.text, sentence.start, [c for c in sentence.cues if c.label in flags], colour))
        lines.extend(_frame_lines(sentence, colour))
    counts = ", ".join(f"{label} {n}" for label, n in result.counts.items() if n)
    lines.append(f"risk {result.risk:.2f} ({result.level}); {len(result.sentences)} sentences; {counts or 'no labels'}")
    return "\n".join(lines) + "\n\n"


def _frame_lines(sentence: SentenceScore, colour: bool) -> list[str]:
    """One line per attribution frame: the source (underlined on a terminal), its kind and its cue."""
    lines = []
    for frame in sentence.attributions:
        if frame.source is None:
            source = "(no stated source)"
        else:
            source = f"{_UNDERLINE}{frame.source.text}{_RESET}" if colour else f"_{frame.source.text}_"
        lines.append(f"      source {source} [{frame.kind.replace('_', ' ')}] via \"{frame.cue.text}\"")
    return lines


def _highlight(text: str, offset: int, cues: Sequence[Cue], colour: bool) -> str:
    """Mark cue words: bold yellow on a terminal, [[brackets]] otherwise."""
    spans = sorted({(c.start - offset, c.end - offset) for c in cues})
    pieces = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        opening, closing = (_COLOUR, _RESET) if colour else ("[[", "]]")
        pieces.append(text[position:start] + opening + text[start:end] + closing)
        position = end
    pieces.append(text[position:])
    return "".join(pieces).replace("\n", " ")


def _parse_labels(value: str | None) -> set[str]:
    """Check ``--labels`` against the taxonomy."""
    if value is None:
        return set(LABELS)
    chosen = {label.strip() for label in value.split(",") if label.strip()}
    unknown = chosen - set(LABELS)
    if unknown:
        raise _UsageError(f"provenance: unknown label(s) {sorted(unknown)}; choose from {', '.join(LABELS)}")
    return chosen


ARTICLE_SUFFIXES: Final = frozenset({".txt", ".html", ".htm"})


def _read_inputs(paths: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Yield (name, text) for stdin, files and every .txt/.html file in directories."""
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.read()
            continue
        for file in _files_for(raw):
            try:
                yield str(file), file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise _UsageError(f"provenance: {file}: not UTF-8 text; convert it to UTF-8 first") from None


def _files_for(raw: str) -> list[Path]:
    """The files one command-line path names: itself, the articles under a directory, or a glob's matches.

    Globs are expanded here too, so a quoted pattern works the same on every shell.
    """
    path = Path(raw)
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
    if any(character in raw for character in "*?["):
        matches = [Path(match) for match in sorted(glob.glob(raw, recursive=True))]
        files = [p for p in matches if p.is_file()]
        files += [f for d in matches if d.is_dir() for f in _files_for(str(d))]
        if files:
            return files
        raise _UsageError(f"provenance: {raw}: no file matches this pattern")
    raise _UsageError(f"provenance: {raw}: no such file or directory")
