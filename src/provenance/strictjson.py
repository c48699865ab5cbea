"""Strict JSON for the files people and programs hand us (model manifests, lexicons, rules, training lines).

The standard ``json`` module is lenient where a file format must not be: a repeated key silently keeps
the last value, ``NaN`` and ``Infinity`` are accepted, a BOM is an error, and deep nesting raises
``RecursionError``. Here each of those is one :class:`JSONProblem` with the line it is on, so every
caller can turn it into its own error naming the file.
"""

from __future__ import annotations

import json
from typing import Any, Final

#: Deeper documents are refused: no format of ours nests more than a few levels.
MAX_DEPTH: Final = 32
_BOM: Final = "\ufeff"


class JSONProblem(ValueError):
    """Why a document is not acceptable JSON, and the 1-based line of the problem (0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def decode_utf8(data: bytes) -> str:
    """UTF-8 text without a leading BOM; an invalid byte raises with its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise JSONProblem(
            f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); save the file as UTF-8", line
        ) from None
    return text[1:] if text.startswith(_BOM) else text


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text`` (a leading BOM is dropped); refuse repeated keys, NaN/Infinity and deep nesting."""
    if text.startswith(_BOM):
        text = text[1:]
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except JSONProblem as problem:
        raise JSONProblem(problem.message, problem.line or _line_of_key(text, problem)) from None
    except json.JSONDecodeError as error:
        raise JSONProblem(f"not valid JSON ({error.msg})", error.lineno) from None
    except RecursionError:
        raise JSONProblem(f"nested more than {max_depth} levels deep") from None
    except ValueError as error:  # e.g. an integer longer than Python's digit limit
        raise JSONProblem(f"not valid JSON ({error})") from None
    if _depth_exceeds(document, max_depth):
        raise JSONProblem(f"nested more than {max_depth} levels deep")
    return document


class _DuplicateKey(JSONProblem):
    """A key repeated inside one object."""

    def __init__(self, key: str) -> None:
        super().__init__(f"key {key!r} appears twice in one object; keep one of them")
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that refuses a repeated key instead of keeping the last value."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return document


def _no_constant(name: str) -> Any:
    """``parse_constant`` that refuses ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON)."""
    raise JSONProblem(f"{name} is not a JSON number; write a finite number")


def _line_of_key(text: str, problem: JSONProblem) -> int:
    """Line of a repeated key's second occurrence (0 when the problem is not a repeated key)."""
    if not isinstance(problem, _DuplicateKey):
        return 0
    needle = json.dumps(problem.key)
    first = text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    return text.count("\n", 0, second) + 1 if second >= 0 else 0


def _depth_exceeds(document: Any, max_depth: int) -> bool:
    """Whether containers nest deeper than ``max_depth`` (iterative: no recursion limit to hit)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
