"""Every error the library raises, with its message template in one place.

Each class subclasses a built-in so callers can catch ``TypeError``/``ValueError``/``OSError`` as usual.
Each also pickles (``__reduce__``), because ``score_many`` workers send errors back to the caller.
"""

from __future__ import annotations

from pathlib import Path


class ProvenanceError(Exception):
    """Base class of every error raised on purpose by provenance."""


class InputTypeError(ProvenanceError, TypeError):
    """A public function got a value of the wrong type."""

    @classmethod
    def for_text(cls, param: str, caller: str, value: object) -> InputTypeError:
        """Name what was passed and say how to get a ``str``."""
        hint = "Pass the article as a str."
        if isinstance(value, (bytes, bytearray, memoryview)):
            hint = "Decode bytes first, e.g. data.decode('utf-8')."
        elif value is None:
            hint = "Pass an empty string '' for an empty article."
        return cls(
            f"The {param!r} parameter of {caller} must be a str. "
            f"Got {type(value).__name__} ({_preview(value)}) instead. {hint}"
        )


class TooManySentencesError(ProvenanceError, ValueError):
    """The text splits into more sentences than its length allows an article to have."""

    def __init__(self, sentences: int, limit: int, max_chars: int) -> None:
        super().__init__(
            f"The text splits into {sentences:,} sentences, over the limit of {limit:,} (one per "
            f"{CHARS_PER_SENTENCE} characters of max_chars={max_chars:,}): it reads like a list or a table, "
            f"not an article, and every sentence costs a full result row. Split the text, or raise "
            f"max_chars to raise the limit."
        )
        self.sentences = sentences
        self.limit = limit
        self.max_chars = max_chars

    def __reduce__(self) -> tuple[type[TooManySentencesError], tuple[int, int, int]]:
        return type(self), (self.sentences, self.limit, self.max_chars)


#: An article may have one sentence per this many characters of ``max_chars`` (1,000,000 characters:
#: 25,000 sentences; real news averages well over 100 characters a sentence).
CHARS_PER_SENTENCE = 40


class InputTooLargeError(ProvenanceError, ValueError):
    """The text is longer than the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"The text is {length:,} characters long, over the limit of {limit:,} characters. "
            f"Split the text, or raise the limit with score(text, max_chars=...) or "
            f"Scorer(max_chars=...)."
        )
        self.length = length
        self.limit = limit

    def __reduce__(self) -> tuple[type[InputTooLargeError], tuple[int, int]]:
        return type(self), (self.length, self.limit)


class ModelFileError(ProvenanceError, OSError):
    """A model file is missing, malformed, tampered with, truncated or of another format version."""

    def __init__(self, path: object, problem: str, action: str = "load") -> None:
        super().__init__(f"Cannot {action} the model at {str(path)!r}: {problem}")
        self.path = str(path)
        self.problem = problem
        self.action = action

    def __reduce__(self) -> tuple[type[ModelFileError], tuple[str, str, str]]:
        return type(self), (self.path, self.problem, self.action)


class FileLineError(ProvenanceError, ValueError):
    """A user file has a problem at a line; the message reads ``path:line: problem and fix``."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem

    def __reduce__(self) -> tuple[type[FileLineError], tuple[str, int, str]]:
        return type(self), (self.path, self.line, self.problem)


class TrainingDataError(FileLineError):
    """A labelled-data (JSONL) file has a line that cannot be used."""


class RulesError(FileLineError):
    """House rules have a problem: ``path:line: problem`` for a file; rules built in code (``path``
    :data:`IN_CODE`) have no file or line to name, so their message says where they came from instead."""

    IN_CODE = "<rules>"

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(path, line, problem)
        if str(path) == self.IN_CODE:
            self.args = (f"house rules given in code (HouseRules.create or HouseRules(...)): {problem}",)


def _preview(value: object, limit: int = 40) -> str:
    """Return a short repr of ``value`` for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
