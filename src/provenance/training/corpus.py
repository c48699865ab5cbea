"""Labelled sentences from JSONL (the taxonomy's data format), validated line by line.

A file is read whole (up to ``MAX_FILE_BYTES``) and checked before anything is trained: one bad line
stops everything with an error naming the file, the line and the fix. Lines end at ``\n`` only (a JSON
string may hold U+2028 or U+0085, as ``json.dumps(ensure_ascii=False)`` writes them); a BOM and CRLF
line ends are accepted. :func:`require_trainable` then checks that the groups and labels can support
grouped cross-validation, and says in one line what is missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from provenance.errors import TrainingDataError
from provenance.labels import LABELS, LabelId
from provenance.safefile import FileProblem, read_limited
from provenance.strictjson import JSONProblem, decode_utf8, loads

#: Largest training file read (the shipped files are under 1 MB each); split bigger ones.
MAX_FILE_BYTES: Final = 256 << 20


class LabelledSentence(BaseModel):
    """One line of training data: ``{"text": ..., "labels": [...], "source": ...}``."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    text: str
    labels: tuple[LabelId, ...]
    source: str  # any string: "authored" and "seed:<file>" are the project's own; others are kept as given

    @field_validator("text")
    @classmethod
    def _text_has_words(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text is empty; remove the line or write the sentence")
        return text

    @field_validator("labels")
    @classmethod
    def _labels_unique(cls, labels: tuple[LabelId, ...]) -> tuple[LabelId, ...]:
        if len(set(labels)) != len(labels):
            raise ValueError(f"labels {list(labels)} repeat an id; list each label once")
        return labels


@dataclass(frozen=True)
class Corpus:
    """Validated sentences with the group each belongs to (a seed article or an authored file)."""

    sentences: tuple[LabelledSentence, ...]
    groups: tuple[str, ...]


def default_data_directory() -> Path:
    """The labelled data shipped with the package."""
    return Path(str(resources.files("provenance") / "data" / "sentences"))


def read_jsonl(path: Path) -> list[LabelledSentence]:
    """Read one JSONL file; raise ``TrainingDataError`` naming ``path:line`` on the first bad line."""
    try:
        text = decode_utf8(read_limited(path, MAX_FILE_BYTES))
    except JSONProblem as problem:
        raise TrainingDataError(path, problem.line, problem.message) from None
    except FileProblem as problem:
        raise TrainingDataError(path, 0, f"the file {problem}; split it into files of at most "
                                f"{MAX_FILE_BYTES:,} bytes") from None
    except OSError as error:
        raise TrainingDataError(path, 0, f"cannot read the file ({error.strerror or error})") from None
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip(" \t\r"):
            continue
        try:
            raw = loads(line)
        except JSONProblem as problem:
            raise TrainingDataError(path, number, f"{problem.message}; write one JSON object per line") from None
        if not isinstance(raw, dict):
            raise TrainingDataError(path, number, "expected a JSON object with text, labels and source")
        try:
            records.append(LabelledSentence.model_validate_json(line))
        except ValidationError as error:
            raise TrainingDataError(path, number, _describe(error)) from None
    return records


def read_corpus(paths: Iterable[Path]) -> Corpus:
    """Read JSONL files (or directories of them) into one corpus; duplicate texts are an error."""
    sentences: list[LabelledSentence] = []
    groups: list[str] = []
    seen: dict[str, tuple[Path, int]] = {}
    for path in _expand(paths):
        for number, record in enumerate(read_jsonl(path), start=1):
            key = " ".join(record.text.split()).lower()
            if key in seen:
                first_path, first_line = seen[key]
                raise TrainingDataError(
                    path, number, f"duplicate text, first seen at {first_path}:{first_line}; keep one of them"
                )
            seen[key] = (path, number)
            sentences.append(record)
            groups.append(record.source if record.source.startswith("seed:") else path.stem)
    if not sentences:
        raise TrainingDataError(Path(*[str(p) for p in paths][:1] or ["."]), 0, "no labelled sentences found")
    return Corpus(tuple(sentences), tuple(groups))


def require_trainable(corpus: Corpus, where: Path | str) -> None:
    """Refuse, in one line, a corpus that grouped cross-validation cannot fit.

    Cross-validation leaves out one group (an authored file or a seed article) at a time, so there
    must be two groups, and every label must have sentences with it and sentences without it in at
    least two groups; otherwise a fold trains on one class only and the solver fails.
    """
    groups_with: dict[str, set[str]] = defaultdict(set)
    groups_without: dict[str, set[str]] = defaultdict(set)
    for sentence, group in zip(corpus.sentences, corpus.groups):
        for label in LABELS:
            (groups_with if label in sentence.labels else groups_without)[label].add(group)
    problems = []
    names = sorted(set(corpus.groups))
    if len(names) < 2:
        problems.append(f"all {len(corpus.sentences)} sentences are in one group ({names[0]!r})")
    for label in LABELS:
        with_label, without_label = sorted(groups_with[label]), sorted(groups_without[label])
        if len(with_label) < 2:
            problems.append(f"{label!r} is in {_count_groups(with_label)}")
        if len(without_label) < 2:
            problems.append(f"sentences without {label!r} are in {_count_groups(without_label)}")
    if problems:
        raise TrainingDataError(
            where, 0, "cannot cross-validate: " + "; ".join(problems) + ". Each label needs sentences with "
            "and without it in at least two groups (a group is a file, or a seed article); add sentences "
            "or split the data into more files",
        )


def _count_groups(names: list[str]) -> str:
    """'no group', "1 group ('a')" or the count, for the message above."""
    if not names:
        return "no group"
    return f"1 group ({names[0]!r})" if len(names) == 1 else f"{len(names)} groups"


def _expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; directories become their ``*.jsonl`` files in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.exists():
            files.append(path)  # a regular file, or a FIFO / process substitution
        else:
            raise TrainingDataError(path, 0, "no such file or directory")
    return files


def _describe(error: ValidationError) -> str:
    """Turn pydantic's report into one line that names the field and the fix."""
    problems = []
    for item in error.errors():
        field = ".".join(_field_name(part) for part in item["loc"]) or "line"
        if item["type"] == "literal_error":
            problems.append(f"{field}: unknown label {item['input']!r}; use one of {', '.join(LABELS)}")
        elif item["type"] == "extra_forbidden":
            problems.append(f"{field}: unexpected key; only text, labels and source are allowed")
        elif item["type"] == "missing":
            problems.append(f"{field}: missing; every line needs text, labels and source")
        else:
            problems.append(f"{field}: {item['msg']}")
    return "; ".join(problems)


def _field_name(part: str | int) -> str:
    """A key as written in the message: plain when it is a name, quoted and escaped otherwise."""
    return str(part) if isinstance(part, int) or part.isidentifier() else repr(part)
