"""The ``provenance`` command: a thin layer over the library's typed functions.

``run(argv)`` returns an :class:`ExitStatus` so tests can call it without a subprocess; it never
raises. Input files and standard input are read the same way: size-checked before reading, decoded
strictly with ``--encoding`` (UTF-8 by default), a leading byte-order mark dropped and line ends kept
as they are, so offsets index the decoded text exactly as read. Text output escapes control
characters, so an article or a file name cannot drive the terminal. A batch keeps going past an input
that fails, reports it on stderr and ends with :attr:`ExitStatus.SOME_INPUTS_FAILED`.
"""

from __future__ import annotations

import argparse
import codecs
import collections
import glob
import itertools
import json
import math
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any, Final, TextIO

from provenance.errors import ProvenanceError
from provenance import __version__
from provenance.labels import FLAGS, LABELS
from provenance.pipeline import DEFAULT_MAX_CHARS, Scorer
from provenance.results import ArticleScore, Cue, FrozenDict, SentenceScore
from provenance.risk import risk_level, risk_of
from provenance.rules import load_rules
from provenance.safefile import FileProblem, FileTooLarge, read_limited, read_stream_limited, write_atomic

_EXAMPLES = """examples:
  provenance score article.txt
  provenance score articles/ --format jsonl > scores.jsonl
  cat article.txt | provenance score - --fail-above 0.6
  provenance render article.txt -o report.html
  provenance summarize articles/ --html summary.html
  provenance train --data my_sentences/ --out my_model/
  provenance evaluate my_sentences.jsonl
"""
_EXIT_CODES = """exit codes:
  0    ok
  1    an article's risk is over --fail-above (nothing else exits 1)
  2    usage or input error: bad option, missing or unreadable file, bad rules, model or data
  3    internal error (a bug): one line, the traceback with --debug; please report it
  4    some inputs failed (each reported on stderr with its path); the others were scored
  130  interrupted (Ctrl-C)
  141  standard output closed early (e.g. | head); nothing is printed
"""
_COLOUR = "\033[1;33m"
_RESET = "\033[0m"
_UNDERLINE = "\033[4m"
#: Bytes one character can take in any encoding we read (UTF-8 and UTF-32 at most 4), so a file over
#: ``4 * --max-chars`` bytes is refused before it is read, and no more than that is ever read.
_MAX_BYTES_PER_CHAR: Final = 4
# Characters that could move the cursor, recolour, clear or reorder a terminal, or break a line:
# C0 and C1 controls (not tab), line and paragraph separators, bidirectional controls, lone surrogates.
_UNPRINTABLE: Final = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


class ExitStatus(IntEnum):
    """Exit codes; the table is in ``provenance --help`` and the README."""

    OK = 0
    OVER_THRESHOLD = 1
    USAGE_ERROR = 2
    INTERNAL_ERROR = 3
    SOME_INPUTS_FAILED = 4
    INTERRUPTED = 130
    BROKEN_PIPE = 141


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
        epilog=_EXAMPLES + "\n" + _EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="print the traceback of an internal error")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=False, parser_class=_Parser)
    score = _command(commands, "score", "score files, directories or standard input",
                     "Score articles. A directory scores every .txt file below it; a glob (quoted or not) every file "
                     "it matches. Every record names its input; an input that fails is reported on stderr and the "
                     "rest are scored (exit 4 at the end).", _EXAMPLES + "\n" + _EXIT_CODES)
    score.add_argument("paths", nargs="+", help="files, directories, FIFOs, or - for standard input")
    score.add_argument("--format", choices=("text", "json", "jsonl", "html"), default="text",
                       help="text; json (one array of records); jsonl (one record a line); html (one input only)")
    score.add_argument("--threshold", type=_probability, default=0.0,
                       help="keep labels with probability >= this (0 to 1), in every format")
    score.add_argument("--labels", help="comma-separated label ids to keep, in every format (default: the flags)")
    score.add_argument("--fail-above", type=_probability, metavar="RISK", help="exit 1 if any article's risk exceeds RISK (0 to 1)")
    score.add_argument("--fail-fast", action="store_true", help="stop at the first input that fails (exit 2)")
    score.add_argument("--stdin-name", default="-", metavar="NAME", help="the path records give standard input (default -)")
    _add_input_options(score)
    _add_model_options(score)

    train = _command(commands, "train", "retrain the model from labelled JSONL",
                     "Retrain from JSONL in the taxonomy format (the shipped sentences by default) into a directory "
                     "of your own; load it with --model.",
                     "example:\n  provenance train --data my_sentences/ --out my_model/ --seed 0")
    train.add_argument("--data", type=Path, action="append", help="JSONL file or directory (repeatable)")
    train.add_argument("--out", type=Path, required=True,
                       help="model directory to write: new, empty or holding a model; never inside the package")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    evaluate = _command(commands, "evaluate", "precision/recall/F1 of the model on your labelled JSONL",
                        "Per-label precision, recall and F1 of the current model on labelled sentences.",
                        "example:\n  provenance evaluate my_sentences.jsonl --format json")
    evaluate.add_argument("data", type=Path, nargs="+",
                          help="JSONL files or directories of them, in the taxonomy format (as train --data reads)")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    _add_model_options(evaluate)

    render = _command(commands, "render", "write self-contained HTML reports with highlighted cues",
                      "Render one article as a single HTML file (no scripts, no network requests), or several "
                      "(a directory, a glob, many paths) as one report each plus index.html in the --output "
                      "directory. Each file is replaced only once its report is complete.",
                      "examples:\n  provenance render article.txt -o report.html\n"
                      "  provenance render articles/ -o reports/")
    render.add_argument("paths", nargs="+", help="article files, directories, globs, or - for standard input")
    render.add_argument("-o", "--output", type=Path, required=True,
                        help="HTML file to write (one input) or directory (several)")
    render.add_argument("--fail-fast", action="store_true", help="stop at the first input that fails (exit 2)")
    _add_input_options(render)
    _add_model_options(render)
    _add_summarize(commands)
    return parser


def _command(commands: Any, name: str, summary: str, description: str, epilog: str) -> argparse.ArgumentParser:
    """One subcommand with its help line, description and example."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    """--max-chars and --encoding, shared by the commands that read articles."""
    parser.add_argument("--max-chars", type=_positive_int, default=DEFAULT_MAX_CHARS,
                        help=f"longest article accepted, in characters (default {DEFAULT_MAX_CHARS:,})")
    parser.add_argument("--encoding", type=_text_encoding, default="utf-8",
                        help="encoding of the articles, files and standard input alike (default utf-8)")


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    """--model and --rules, shared by the commands that score."""
    parser.add_argument("--model", type=Path, help="model directory from `provenance train` (default: shipped)")
    parser.add_argument("--rules", type=Path, help="house rules file (TOML or JSON): extra cues, disabled labels")


def _probability(value: str) -> float:
    """A number from 0 to 1 (NaN and infinities refused: a gate that can never trip is a broken gate)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number from 0 to 1")
    return number


def _whole_number(value: str, minimum: int) -> int:
    """An integer of at least ``minimum``, or an argparse error that says which rule it broke."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < minimum:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least {minimum}")
    return number


def _positive_int(value: str) -> int:
    """An integer of at least 1."""
    return _whole_number(value, 1)


def _text_encoding(value: str) -> str:
    """A codec that decodes bytes to text (so not 'base64' or 'rot13')."""
    try:
        info = codecs.lookup(value)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):  # the flag bytes.decode() itself checks
        raise argparse.ArgumentTypeError(f"{value!r} is not a text encoding Python knows, e.g. utf-8, cp1252, latin-1")
    return value


def run(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> ExitStatus:
    """Run the command line and return its exit status; never raises (see :class:`ExitStatus`)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        if out is None:  # started with standard output closed (`provenance ... >&-`)
            raise _UsageError("provenance: standard output is closed; redirect it to a file or /dev/null")
        args = build_parser().parse_args(arguments)
        if args.version:
            out.write(f"provenance {__version__}\n")
            return ExitStatus.OK
        if args.command is None:
            raise _UsageError("provenance: choose a command: score, render, summarize, train or evaluate (see --help)")
        command = {"score": _score, "train": _train, "evaluate": _evaluate, "render": _render,
                   "summarize": _summarize}[args.command]
        status = command(args, out, err)
        out.flush()  # a closed pipe shows up here, not at interpreter exit
        return status
    except _UsageError as error:
        _report(err, str(error))
        return ExitStatus.USAGE_ERROR
    except BrokenPipeError:
        return ExitStatus.BROKEN_PIPE
    except KeyboardInterrupt:
        _report(err, "provenance: interrupted")
        return ExitStatus.INTERRUPTED
    except (ProvenanceError, OSError) as error:
        _report(err, f"provenance: {error}")
        return ExitStatus.USAGE_ERROR
    except Exception as error:  # noqa: BLE001 - the one place every other failure becomes exit 3
        _report(err, f"provenance: internal error: {type(error).__name__}: {error} "
                "(this is a bug: please report it; --debug shows the traceback)")
        if "--debug" in arguments:
            traceback.print_exc(file=err)
        return ExitStatus.INTERNAL_ERROR


def entry(argv: Sequence[str] | None = None) -> int:
    """Run, then make a closed standard output quiet for the rest of the process; the exit code."""
    status = run(argv)
    if status == ExitStatus.BROKEN_PIPE:
        _silence_stdout()
    return int(status)


def main() -> None:
    """Console-script entry point."""
    sys.exit(entry())


def _report(err: TextIO, message: str) -> None:
    """One line on standard error, control characters escaped; a closed stderr is not an error."""
    try:
        err.write(printable(message) + "\n")
        err.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null so the final flush cannot raise (Python docs' advice)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal written as a Python escape."""
    return _UNPRINTABLE.sub(lambda match: repr(match.group())[1:-1], text)


def _scorer(args: argparse.Namespace) -> Scorer:
    """The Scorer the options ask for."""
    rules = load_rules(args.rules) if args.rules else None
    max_chars = getattr(args, "max_chars", DEFAULT_MAX_CHARS)
    if args.model:
        return Scorer.from_directory(args.model, max_chars=max_chars, rules=rules)
    return Scorer(max_chars=max_chars, rules=rules)


def _score(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``score`` subcommand: one record per input, failures reported and counted, not fatal."""
    shown = _parse_labels(args.labels)
    scorer = _scorer(args)
    sources = _sources(args.paths, args.stdin_name)
    if args.format == "html" and len(sources) > 1:
        raise _UsageError("provenance: --format html takes one input; for several, write one report each with "
                          "`provenance render INPUTS... -o DIRECTORY`")
    batch = _Batch(args.fail_fast, err)
    over = False
    records: list[str] = []
    for name, text in batch.read(_progress(sources, err), args.encoding, args.max_chars):
        result = batch.score(name, lambda: _filtered(scorer.score(text), shown, args.threshold))  # noqa: B023
        if result is None:
            continue
        over = over or (args.fail_above is not None and result.risk > args.fail_above)
        _emit(args.format, name, text, result, out, records, _colour(out), shown)
    if args.format == "json" and (batch.done or not batch.failed):
        out.write("[\n" + ",\n".join(records) + "\n]\n" if records else "[]\n")
    return batch.status(ExitStatus.OVER_THRESHOLD if over else ExitStatus.OK)


def _emit(fmt: str, name: str, text: str, result: ArticleScore, out: TextIO, records: list[str], colour: bool,
          shown: set[str] | None) -> None:
    """Write one scored input in ``fmt`` (JSON records are collected, to be written as one array)."""
    if fmt == "jsonl":
        out.write(record_json(name, result) + "\n")
    elif fmt == "json":
        records.append(record_json(name, result, indent=2))
    elif fmt == "html":
        from provenance.report import render_html

        out.write(render_html(result, text, name))
    else:
        out.write(format_text(name, result, shown or set(FLAGS), 0.0, colour))


def record_json(path: str, result: ArticleScore, indent: int | None = None) -> str:
    """The result's own JSON with ``"path"`` as its first field, so a record says where it came from."""
    body = result.to_json(indent=indent)
    separator = "\n" + " " * indent if indent else ""
    return "{" + separator + '"path":' + (" " if indent else "") + json.dumps(path) + "," + body[1:]


def _filtered(result: ArticleScore, shown: set[str] | None, threshold: float) -> ArticleScore:
    """The result keeping only the labels (and their cues) in ``shown`` at ``threshold`` or above."""
    if shown is None and threshold == 0.0:
        return result
    shown = set(LABELS) if shown is None else shown
    sentences = tuple(
        sentence.model_copy(update={
            "labels": kept,
            "cues": tuple(cue for cue in sentence.cues if cue.label in kept),
        })
        for sentence in result.sentences
        for kept in [tuple(label for label in sentence.labels
                           if label in shown and sentence.probabilities[label] >= threshold)]
    )
    counts = {label: sum(label in s.labels for s in sentences) for label in LABELS}
    update: dict[str, object] = {"sentences": sentences, "counts": FrozenDict(counts)}
    if result.supported:  # risk is a function of what is shown, so it follows the filter
        risk = risk_of(sentences)
        update.update(risk=risk, level=risk_level(risk))
    return result.model_copy(update=update)


def _colour(out: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return out.isatty() and not os.environ.get("NO_COLOR")


def _progress(sources: list[_Source], err: TextIO) -> Iterable[_Source]:
    """The sources, with a progress bar on a terminal stderr when there are several."""
    if not (err.isatty() and len(sources) > 1):
        return sources
    from tqdm import tqdm

    bar: Iterable[_Source] = tqdm(sources, desc="scoring", unit=" files", file=err)
    return bar


class _Batch:
    """Reads and scores inputs one by one: a failure is reported with its path and counted, or, with
    ``--fail-fast``, ends the run at once (exit 2)."""

    def __init__(self, fail_fast: bool, err: TextIO) -> None:
        self.fail_fast = fail_fast
        self.err = err
        self.failed = 0
        self.done = 0

    def read(self, sources: Iterable[_Source], encoding: str, max_chars: int) -> Iterator[tuple[str, str]]:
        """(name, text) for every source that can be read; the others are reported."""
        for source in sources:
            try:
                yield source.name, source.load(encoding, max_chars)
            except _UsageError as error:
                self._failed(error, str(error))

    def score(self, name: str, work: Callable[[], ArticleScore]) -> ArticleScore | None:
        """Run ``work`` for ``name``; None when it failed on this input (reported)."""
        try:
            result = work()
        except ProvenanceError as error:
            self._failed(error, f"provenance: {name}: {error}")
            return None
        self.done += 1
        if not result.supported:
            _report(self.err, unsupported_warning(name, result))
        return result

    def status(self, otherwise: ExitStatus) -> ExitStatus:
        """2 when nothing could be scored, 4 when some inputs failed, else ``otherwise``."""
        if self.failed and not self.done:
            return ExitStatus.USAGE_ERROR
        return ExitStatus.SOME_INPUTS_FAILED if self.failed else otherwise

    def _failed(self, error: Exception, message: str) -> None:
        if self.fail_fast:
            raise error
        self.failed += 1
        _report(self.err, message)


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
                print("\n".join(printable(line) for line in message.split("\n")), file=err)

        path, validation = train(args.data, args.out, seed=args.seed, progress=progress)
    out.write(f"grouped {validation.n_folds}-fold cross-validation (C={validation.c:g}):\n")
    out.write(format_table(validation.report) + f"\nwrote the model to {printable(str(path.parent))}; "
              f"score with it: provenance score --model {printable(str(path.parent))} ARTICLE\n")
    return ExitStatus.OK


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``evaluate`` subcommand."""
    from provenance.evaluation import evaluate
    from provenance.evaluation.metrics import format_table, macro_f1
    from provenance.training.corpus import read_corpus

    sentences = read_corpus(args.data).sentences  # files and directories, read as train reads them
    report = evaluate(_scorer(args), sentences)
    if args.format == "json":
        rows = [row.as_dict() for row in report]
        out.write(json.dumps({"sentences": len(sentences), "macro_f1": round(macro_f1(report), 4),
                              "macro_over": [row.label for row in report if row.support] or list(LABELS),
                              "per_label": rows}, indent=2) + "\n")
    else:
        names = ", ".join(printable(str(path)) for path in args.data)
        out.write(f"{len(sentences)} sentences from {names}\n{format_table(report)}\n")
    return ExitStatus.OK


def _render(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``render`` subcommand: one file for one input, else one report per input plus an index.

    Every report is built whole, then replaces its file in one step.
    """
    sources = _sources(args.paths)
    if len(sources) == 1 and not _names_many(args.paths):
        return _render_one(args, sources[0], out, err)
    scorer = _scorer(args)
    batch = _Batch(args.fail_fast, err)
    written: list[tuple[str, str, ArticleScore]] = []
    for name, text in batch.read(sources, args.encoding, args.max_chars):
        result = batch.score(name, lambda: scorer.score(text))  # noqa: B023
        if result is not None:
            written.append((name, _write_report(args.output, name, text, result, written), result))
    if not written:  # nothing to index: leave no empty directory behind
        return batch.status(ExitStatus.OK)
    _write_index(args.output, written)
    out.write(f"wrote {len(written)} reports and index.html to {printable(str(args.output))}\n")
    return batch.status(ExitStatus.OK)


def _names_many(paths: Sequence[str]) -> bool:
    """Whether the arguments name a set of inputs (several, a directory or a glob), not one file."""
    return len(paths) > 1 or any(Path(p).is_dir() or (not Path(p).exists() and any(c in p for c in "*?[")) for p in paths)


def unsupported_warning(name: str, result: ArticleScore) -> str:
    """The stderr line for a text in a language the model does not read."""
    return (f"provenance: warning: {name}: the text looks like language '{result.language}', and provenance "
            "reads English only: nothing in it was flagged or rated (level 'unsupported')")


def _render_one(args: argparse.Namespace, source: _Source, out: TextIO, err: TextIO) -> ExitStatus:
    """One input, one report at ``--output``."""
    from provenance.report import render_html

    text = source.load(args.encoding, args.max_chars)
    result = _scorer(args).score(text)
    if not result.supported:
        _report(err, unsupported_warning(source.name, result))
    write_atomic(args.output, render_html(result, text, source.name).encode("utf-8"))
    out.write(f"wrote {printable(str(args.output))}: risk {result.risk:.2f} ({result.level}), "
              f"{len(result.flagged)} flagged sentences\n")
    return ExitStatus.OK


def _write_report(directory: Path, name: str, text: str, result: ArticleScore,
                  written: Sequence[tuple[str, str, ArticleScore]]) -> str:
    """Write one input's report into ``directory`` under a name no earlier report took; that name."""
    from provenance.report import render_html

    stem = re.sub(r"[^\w.-]+", "_", Path(name).stem)[:80] or "stdin"
    taken = {file for _, file, _ in written} | {"index.html"}
    file = f"{stem}.html"
    number = 2
    while file in taken:
        file, number = f"{stem}-{number}.html", number + 1
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(directory / file, render_html(result, text, name).encode("utf-8"))
    return file


def _write_index(directory: Path, written: Sequence[tuple[str, str, ArticleScore]]) -> None:
    """index.html: one row per report, riskiest first, linking to it."""
    from html import escape
    from urllib.parse import quote

    rows = "".join(
        f"<tr><td><a href=\"{quote(file)}\">{escape(name)}</a></td><td>{result.risk:.2f}</td>"
        f"<td>{result.level}</td><td>{len(result.flagged)}</td></tr>"
        for name, file, result in sorted(written, key=lambda row: -row[2].risk)
    )
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>provenance reports</title>"
            "<style>body{font:15px system-ui,sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}</style>"
            "</head><body><h1>provenance reports</h1><table><tr><th>input</th><th>risk</th><th>level</th>"
            f"<th>flagged sentences</th></tr>{rows}</table></body></html>\n")
    write_atomic(directory / "index.html", page.encode("utf-8"))


def format_text(name: str, result: ArticleScore, shown: set[str], threshold: float, colour: bool) -> str:
    """A person's view: each flagged sentence, its labels and cues, then the article's risk.

    Article text and names are passed through :func:`printable`, so nothing in them reaches the
    terminal as a control sequence.
    """
    lines = [f"== {printable(name)}"]
    for sentence in result.sentences:
        flags = [
            label for label in sentence.labels
            if label in shown and sentence.probabilities[label] >= threshold
        ]
        if not flags:
            continue
        labels = ", ".join(f"{label} {sentence.probabilities[label]:.2f}" for label in flags)
        lines.append(f"[{sentence.start}:{sentence.end}] {labels}")
        lines.append("    " + _highlight(sentence.text, sentence.start, [c for c in sentence.cues if c.label in flags], colour))
        lines.extend(_frame_lines(sentence, colour))
    counts = ", ".join(f"{label} {n}" for label, n in result.counts.items() if n)
    if not result.supported:
        lines.append(f"not rated: language '{result.language}' is not supported (English only); "
                     f"{len(result.sentences)} sentences")
    else:
        lines.append(f"risk {result.risk:.2f} ({result.level}); {len(result.sentences)} sentences; "
                     f"{counts or 'no labels'}")
    return "\n".join(lines) + "\n\n"


def _frame_lines(sentence: SentenceScore, colour: bool) -> list[str]:
    """One line per attribution frame: the source (underlined on a terminal), its kind and its cue."""
    lines = []
    for frame in sentence.attributions:
        if frame.source is None:
            source = "(no stated source)"
        else:
            text = printable(frame.source.text)
            source = f"{_UNDERLINE}{text}{_RESET}" if colour else f"_{text}_"
        lines.append(f"      source {source} [{frame.kind.replace('_', ' ')}] via \"{printable(frame.cue.text)}\"")
    return lines


def _highlight(text: str, offset: int, cues: Sequence[Cue], colour: bool) -> str:
    """Mark cue words: bold yellow on a terminal, [[brackets]] otherwise; line breaks become spaces."""
    spans = sorted({(c.start - offset, c.end - offset) for c in cues})
    pieces = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        opening, closing = (_COLOUR, _RESET) if colour else ("[[", "]]")
        pieces.append(_flat(text[position:start]) + opening + _flat(text[start:end]) + closing)
        position = end
    pieces.append(_flat(text[position:]))
    return "".join(pieces)


def _flat(text: str) -> str:
    """One line of printable text: line breaks become spaces, other controls escapes."""
    return printable(text.replace("\r\n", " ").replace("\n", " "))


def _parse_labels(value: str | None) -> set[str] | None:
    """Check ``--labels`` against the taxonomy; None when not given."""
    if value is None:
        return None
    chosen = {label.strip() for label in value.split(",") if label.strip()}
    unknown = chosen - set(LABELS)
    if unknown:
        raise _UsageError(f"provenance: unknown label(s) {sorted(unknown)}; choose from {', '.join(LABELS)}")
    return chosen


ARTICLE_SUFFIXES: Final = frozenset({".txt"})
HTML_SUFFIXES: Final = frozenset({".html", ".htm", ".xhtml"})


class _Source:
    """One input named on the command line: a file, standard input (``path`` None), or a path that
    could not be expanded (``problem``), reported when it is its turn."""

    def __init__(self, name: str, path: Path | None, problem: str | None = None) -> None:
        self.name = name
        self.path = path
        self.problem = problem

    def load(self, encoding: str, max_chars: int) -> str:
        """The text, read as every input is read; a :class:`_UsageError` naming the input otherwise."""
        if self.problem is not None:
            raise _UsageError(f"provenance: {self.name}: {self.problem}")
        path = self.path
        if path is None:
            return _text(self.name, lambda limit: read_stream_limited(_stdin(), limit), encoding, max_chars)
        if path.suffix.lower() in HTML_SUFFIXES:
            raise _UsageError(f"provenance: {self.name}: HTML is not scored (markup and scripts would be read as "
                              "prose); save the article's text as .txt and score that")
        return _text(self.name, lambda limit: read_limited(path, limit), encoding, max_chars)


def _sources(paths: Sequence[str], stdin_name: str = "-") -> list[_Source]:
    """Every input the command line names, in order; paths that name nothing become failed sources."""
    sources = []
    for raw in paths:
        if raw == "-":
            sources.append(_Source(stdin_name, None))
            continue
        try:
            sources.extend(_Source(str(file), file) for file in _files_for(raw))
        except _UsageError as error:
            sources.append(_Source(raw, None, str(error).removeprefix(f"provenance: {raw}: ")))
    return sources


def _stdin() -> Any:
    """Standard input as bytes."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise _UsageError("provenance: -: standard input is closed or not a byte stream")
    return stream


def _text(name: str, read: Callable[[int], bytes], encoding: str, max_chars: int) -> str:
    """Read (never more than ``max_chars`` can need), decode strictly, drop a BOM, check length.

    Line ends are kept as they are (CRLF stays CRLF), so offsets index the decoded text as read.
    """
    limit = _MAX_BYTES_PER_CHAR * max_chars
    try:
        data = read(limit)
    except FileTooLarge as problem:
        size = f"{problem.size:,} bytes" if problem.size is not None else f"more than {limit:,} bytes"
        raise _UsageError(f"provenance: {name}: {size}, more than --max-chars {max_chars:,} can take; "
                          "raise --max-chars or split the text") from None
    except FileProblem as problem:
        raise _UsageError(f"provenance: {name}: {problem}") from None
    except OSError as error:
        raise _UsageError(f"provenance: {name}: cannot read it ({error.strerror or error})") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        shown = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
        raise _UsageError(
            f"provenance: {name}: not {shown} text (byte 0x{data[error.start]:02x} at offset {error.start:,}); "
            "convert it to UTF-8, or name its encoding with --encoding"
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark is not article text, whatever the encoding
    if len(text) > max_chars:
        raise _UsageError(f"provenance: {name}: {len(text):,} characters, over --max-chars {max_chars:,}; "
                          "raise --max-chars or split the text")
    return text


def _files_for(raw: str) -> list[Path]:
    """The files one command-line path names: itself, the articles under a directory, or a glob's matches.

    A path that exists and is not a directory is read as given, so FIFOs, ``/dev/stdin`` and process
    substitution work. Globs are expanded here too, so a quoted pattern works the same on every shell.
    """
    path = Path(raw)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        if not files:
            raise _UsageError(f"provenance: {raw}: no .txt files in this directory")
        return files
    if path.exists():
        return [path]
    if any(character in raw for character in "*?["):
        matches = [Path(match) for match in sorted(glob.glob(raw, recursive=True))]
        files = [p for p in matches if p.is_file()]
        files += [f for d in matches if d.is_dir() for f in _files_for(str(d))]
        if files:
            return files
        raise _UsageError(f"provenance: {raw}: no file matches this pattern")
    raise _UsageError(f"provenance: {raw}: no such file or directory")


# --- summarize: a corpus tallied per folder, file or JSONL field -------------------------------------

#: Files read as JSONL, one article per line with its text in "text"; everything else is one article.
JSONL_SUFFIXES: Final = frozenset({".jsonl"})
_SUMMARIZE_EPILOG = """examples:
  provenance summarize articles/                    # one row per folder, then (all)
  provenance summarize wire.jsonl --by outlet --html outlets.html
  provenance summarize 2026/ --by file --format csv > files.csv

Inputs: .txt files (a directory gives every .txt file below it, as for score), a .jsonl file (one JSON
object a line, the article in its "text" string, other fields to group by), or - for standard input
(one article). --by dir (the default) groups by the folder a file is in; --by file by input file (a
JSONL file is one group); --by FIELD by a JSONL field (a record without it, and every .txt article, goes
to "(none)"; write field:dir or field:file for JSONL fields with those names).
"""


def _add_summarize(commands: Any) -> None:
    """The ``summarize`` subcommand's options."""
    summarize = _command(commands, "summarize", "tally a corpus per folder, file or JSONL field (table, JSON, CSV, HTML)",
                         "Score every article and tally them per group: sentences per label, share of sentences "
                         "flagged, mean and median risk, articles per risk level and the most frequent cues, "
                         "plus an (all) row. An input that fails is reported on stderr and the rest are "
                         "summarised (exit 4 at the end).", _SUMMARIZE_EPILOG + "\n" + _EXIT_CODES)
    summarize.add_argument("paths", nargs="+", help="text files, directories, .jsonl files, or - for standard input")
    summarize.add_argument("--by", default="dir", metavar="dir|file|FIELD",
                           help="group by folder (default), by input file, or by a JSONL field such as outlet")
    summarize.add_argument("--top", type=_count, default=5, metavar="N", help="most frequent cues kept per label (default 5)")
    summarize.add_argument("--format", choices=("text", "json", "csv"), default="text",
                           help="text (an aligned table, default); json (one document); csv (one row per group)")
    summarize.add_argument("--html", type=Path, metavar="OUT.html",
                           help="also write one self-contained HTML page with the table and plots")
    summarize.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                           help="worker processes for scoring (default 1; -1 for every core)")
    summarize.add_argument("--fail-fast", action="store_true", help="stop at the first input that fails (exit 2)")
    summarize.add_argument("--stdin-name", default="-", metavar="NAME", help="the name standard input is given (default -)")
    _add_input_options(summarize)
    _add_model_options(summarize)


def _count(value: str) -> int:
    """A whole number of at least 0."""
    return _whole_number(value, 0)


def _jobs(value: str) -> int:
    """A number of worker processes: at least 1, or -1 for one per core (as joblib counts them)."""
    if value.strip() == "-1":
        return -1
    return _positive_int(value)


def _summarize(args: argparse.Namespace, out: TextIO, err: TextIO) -> ExitStatus:
    """The ``summarize`` subcommand: articles are read, scored in batches and tallied one at a time."""
    from provenance.summary import SummaryBuilder
    from provenance.summary_text import summary_csv, summary_table

    by = args.by.strip()
    if not by or by == "field:":
        raise _UsageError("provenance: --by needs dir, file or a JSONL field name")
    if args.html is not None and (args.html.is_dir() or not args.html.parent.is_dir()):
        raise _UsageError(f"provenance: --html {args.html}: name a file in an existing directory")  # before scoring
    scorer = _scorer(args)
    batch = _Batch(args.fail_fast, err)
    builder = SummaryBuilder(args.top)
    articles = _articles(_progress(_sources(args.paths, args.stdin_name), err), by, args, batch)
    for group, result in _scored(scorer, articles, args.jobs, batch):
        builder.add(group, result)
    if batch.failed and not batch.done:
        return ExitStatus.USAGE_ERROR  # every input failed, each already reported
    summary = builder.build()
    unrated = summary.total.levels["unsupported"]
    if unrated:
        _report(err, f"provenance: warning: {unrated} article{'s' if unrated > 1 else ''} not in English, so not "
                     "rated; counted in the 'unrated' column and left out of the risk figures")
    if args.html is not None:
        from provenance.summary_html import render_summary_html

        write_atomic(args.html, render_summary_html(summary, by=by).encode("utf-8"))
    if args.format == "json":
        out.write(json.dumps({"by": by, **summary.as_dict(), "failed_inputs": batch.failed}, indent=2,
                             ensure_ascii=False) + "\n")
    elif args.format == "csv":
        out.write(summary_csv(summary))
    else:
        out.write(summary_table(summary, by, printable))
        if args.html is not None:
            out.write(f"wrote {printable(str(args.html))}\n")
    return batch.status(ExitStatus.OK)


def _articles(sources: Iterable[_Source], by: str, args: argparse.Namespace,
              batch: _Batch) -> Iterator[tuple[tuple[str, str], str]]:
    """((name, group), text) for every article the sources hold; what cannot be read is reported."""
    from provenance.summary import MISSING

    field = by.removeprefix("field:") if by.startswith("field:") or by not in ("dir", "file") else None
    for source in sources:
        if by == "dir":
            group = str(source.path.parent) if source.path is not None and source.problem is None else source.name
        elif by == "file":
            group = source.name
        else:
            group = MISSING
        if source.path is not None and source.problem is None and source.path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_articles(source.name, source.path, field, group, args.encoding, args.max_chars, batch)
            continue
        try:
            text = source.load(args.encoding, args.max_chars)
        except _UsageError as error:
            _fail(batch, str(error))
            continue
        yield (source.name, group), text


def _jsonl_articles(name: str, path: Path, field: str | None, group: str, encoding: str, max_chars: int,
                    batch: _Batch) -> Iterator[tuple[tuple[str, str], str]]:
    """The articles of a JSONL file, line by line (never the whole file at once); a bad line is
    reported as ``FILE:LINE: problem`` and the rest are read."""
    from provenance.strictjson import JSONProblem
    from provenance.strictjson import loads as strict_loads

    if "\n".encode(encoding, "replace") != b"\n" or "{".encode(encoding, "replace") != b"{":
        _fail(batch, f"provenance: {name}: JSONL is read in encodings that write ASCII as ASCII "
                   f"(utf-8, cp1252, latin-1...), not {encoding}")
        return
    limit = 6 * max_chars + 65_536  # a text of --max-chars characters, every one written as \\uXXXX, plus fields
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a FIFO opens as well as a file
    except OSError as error:
        _fail(batch, f"provenance: {name}: cannot read it ({error.strerror or error})")
        return
    with handle:
        number = 0
        while True:
            where = f"{name}:{number + 1}"
            try:
                raw = handle.readline(limit)
                if len(raw) == limit and not raw.endswith(b"\n"):
                    while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
                        pass  # skip the rest of an overlong line
                    number += 1
                    _fail(batch, f"provenance: {where}: line longer than --max-chars "
                               f"{max_chars:,} allows; raise --max-chars or split the text")
                    continue
            except OSError as error:
                _fail(batch, f"provenance: {where}: cannot read it ({error.strerror or error})")
                return
            if not raw:
                return
            number += 1
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as error:
                shown = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
                _fail(batch, f"provenance: {where}: not {shown} text (byte 0x{raw[error.start]:02x} at column "
                           f"{error.start + 1}); convert it to UTF-8, or name its encoding with --encoding")
                continue
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                record = strict_loads(line)
            except JSONProblem as problem:
                _fail(batch, f"provenance: {where}: {problem.message}")
                continue
            if not isinstance(record, dict):
                _fail(batch, f"provenance: {where}: not a JSON object; each line of a JSONL input is one object "
                      "with the article in \"text\"")
                continue
            text = record.get("text")
            if not isinstance(text, str):
                _fail(batch, f"provenance: {where}: no \"text\" string; each line of a JSONL "
                           "input is one JSON object with the article in \"text\"")
                continue
            if len(text) > max_chars:
                _fail(batch, f"provenance: {where}: {len(text):,} characters, over --max-chars "
                           f"{max_chars:,}; raise --max-chars or split the text")
                continue
            yield (where, _field_group(record, field) if field is not None else group), text


def _fail(batch: _Batch, message: str) -> None:
    """Report a failed input (or, with ``--fail-fast``, end the run with exit 2 and this message)."""
    batch._failed(_UsageError(message), message)


def _field_group(record: dict[str, Any], field: str) -> str:
    """A record's group under ``--by FIELD``: a string as it is, other values as JSON; none or empty: (none)."""
    from provenance.summary import MISSING

    value = record.get(field)
    if value is None or value == "":
        return MISSING
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _scored(scorer: Scorer, articles: Iterator[tuple[tuple[str, str], str]], n_jobs: int,
            batch: _Batch) -> Iterator[tuple[str, ArticleScore]]:
    """(group, result) for every article, scored in batches by ``score_many``.

    ``score_many`` stops at the first text it cannot score; that text is reported and the stream
    resumes after it. Texts are held only while in flight: read but not yet scored.
    """
    pending: collections.deque[tuple[tuple[str, str], str]] = collections.deque()

    def feed(stream: Iterable[tuple[tuple[str, str], str]]) -> Iterator[str]:
        for item in stream:
            pending.append(item)
            yield item[1]

    while True:
        retry = list(pending)
        pending.clear()
        try:
            for result in scorer.score_many(feed(itertools.chain(retry, articles)), n_jobs=n_jobs):
                (_, group), _ = pending.popleft()
                batch.done += 1
                yield group, result
            return
        except ProvenanceError as error:
            (name, _), _ = pending.popleft()
            _fail(batch, f"provenance: {name}: {error}")
