"""The ``provenance`` command: a thin layer over the library's typed functions.

``run(argv)`` returns an :class:`ExitStatus` so tests can call it without a subprocess.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from enum import IntEnum
from pathlib import Path
from typing import TextIO

from provenance.errors import ProvenanceError
from provenance.labels import LABELS
from provenance.pipeline import DEFAULT_MAX_CHARS, Scorer
from provenance.results import ArticleScore

_EXAMPLES = """examples:
  provenance score article.txt
  provenance score articles/ --format jsonl > scores.jsonl
  cat article.txt | provenance score - --fail-above 0.6
"""
_COLOUR = "\033[1;33m"
_RESET = "\033[0m"


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
    score = commands.add_parser(
        "score",
        help="score files, directories or standard input",
        description="Score articles. A directory scores every .txt/.html file in it.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    score.add_argument("paths", nargs="+", help="files, directories, or - for standard input")
    score.add_argument("--format", choices=("text", "json", "jsonl"), default="text")
    score.add_argument("--threshold", type=float, default=0.0, help="show flags with probability >= this")
    score.add_argument("--labels", help="comma-separated label ids to show (default: all)")
    score.add_argument("--fail-above", type=float, metavar="RISK", help="exit 1 if any article's risk exceeds RISK")
    score.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="longest text accepted")
    score.add_argument("--model", type=Path, help="model directory from `provenance train` (default: shipped)")
    return parser


def run(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> ExitStatus:
    """Run the command line; never raises for user errors."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        return _score(args, out)
    except _UsageError as error:
        print(error, file=err)
        return ExitStatus.USAGE_ERROR
    except (ProvenanceError, OSError, UnicodeDecodeError) as error:
        print(f"provenance: {error}", file=err)
        return ExitStatus.USAGE_ERROR


def main() -> None:
    """Console-script entry point."""
    sys.exit(int(run()))


def _score(args: argparse.Namespace, out: TextIO) -> ExitStatus:
    """The ``score`` subcommand."""
    shown = _parse_labels(args.labels)
    scorer = Scorer.from_directory(args.model, max_chars=args.max_chars) if args.model else Scorer(max_chars=args.max_chars)
    status = ExitStatus.OK
    documents = []
    colour = out.isatty()
    for name, text in _read_inputs(args.paths):
        result = scorer.score(text)
        if args.fail_above is not None and result.risk > args.fail_above:
            status = ExitStatus.OVER_THRESHOLD
        if args.format == "jsonl":
            out.write(result.model_dump_json() + "\n")
        elif args.format == "json":
            documents.append(result.model_dump_json(indent=2))
        else:
            out.write(format_text(name, result, shown, args.threshold, colour))
    if args.format == "json":
        out.write(documents[0] + "\n" if len(documents) == 1 else "[\n" + ",\n".join(documents) + "\n]\n")
    return status


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
    counts = ", ".join(f"{label} {n}" for label, n in result.counts.items() if n)
    lines.append(f"risk {result.risk:.2f} ({result.level}); {len(result.sentences)} sentences; {counts or 'no labels'}")
    return "\n".join(lines) + "\n\n"


def _highlight(text: str, offset: int, cues: Sequence[object], colour: bool) -> str:
    """Mark cue words: bold yellow on a terminal, [[brackets]] otherwise."""
    spans = sorted({(c.start - offset, c.end - offset) for c in cues})  # type: ignore[attr-defined]
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


def _read_inputs(paths: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Yield (name, text) for stdin, files and every .txt/.html file in directories."""
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.read()
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in {".txt", ".html", ".htm"})
        elif path.is_file():
            files = [path]
        else:
            raise _UsageError(f"provenance: {raw}: no such file or directory")
        for file in files:
            try:
                yield str(file), file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise _UsageError(f"provenance: {file}: not UTF-8 text; convert it to UTF-8 first") from None
