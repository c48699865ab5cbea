"""Labelled sentences from JSONL (the taxonomy's data format), validated line by line.

A file is read whole and checked before anything is trained: one bad line stops everything with an
error naming the file, the line and the fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from provenance.errors import TrainingDataError
from provenance.labels import LABELS, LabelId


class LabelledSentence(BaseModel):
    """One line of training data: ``{"text": ..., "labels": [...], "source": ...}``."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    text: str
    labels: tuple[LabelId, ...]
    source: str

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

    @field_validator("source")
    @classmethod
    def _known_source(cls, source: str) -> str:
        if source != "authored" and not (source.startswith("seed:") and len(source) > 5):
            raise ValueError(f"source {source!r} must be 'authored' or 'seed:<seed file name>'")
        return source


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
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise TrainingDataError(path, 0, f"not UTF-8 ({error}); re-save the file as UTF-8") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise TrainingDataError(
                path, number, f"not valid JSON ({error.msg}); write one JSON object per line"
            ) from None
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


def _expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; directories become their ``*.jsonl`` files in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise TrainingDataError(path, 0, "no such file or directory")
    return files


def _describe(error: ValidationError) -> str:
    """Turn pydantic's report into one line that names the field and the fix."""
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "line"
        if item["type"] == "literal_error":
            problems.append(f"{field}: unknown label {item['input']!r}; use one of {', '.join(LABELS)}")
        elif item["type"] == "extra_forbidden":
            problems.append(f"{field}: unexpected key; only text, labels and source are allowed")
        elif item["type"] == "missing":
            problems.append(f"{field}: missing; every line needs text, labels and source")
        else:
            problems.append(f"{field}: {item['msg']}")
    return "; ".join(problems)
