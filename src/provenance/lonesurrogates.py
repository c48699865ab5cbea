"""JSON for text that holds lone surrogates, exact in both directions.

A Python ``str`` may hold surrogate code points (U+D800-U+DFFF) on their own; UTF-8 cannot encode
them, and JSON can only write them as ``\\uXXXX`` escapes. Standard readers merge an escaped high
surrogate followed by an escaped low one into a single character, so two code points come back as one
and every offset after them moves. Here the writer escapes only lone surrogates (real non-ASCII
characters are written as themselves), and the reader turns each escape into exactly one code point.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Callable
from typing import Any, Final

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE: Final = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_ESCAPED_SURROGATE_BYTES: Final = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_CHUNK: Final = re.compile(r'(.*?)(["\\\x00-\x1f])', re.DOTALL)
_ESCAPES: Final = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX: Final = frozenset("0123456789abcdefABCDEF")
# The pure-Python scanner honours ``parse_string``; the C one does not. (Not in typeshed's stubs.)
_PY_MAKE_SCANNER: Final[Callable[[json.JSONDecoder], Any]] = getattr(json.scanner, "py_make_scanner")


def dumps(document: Any, indent: int | None = None) -> str:
    """JSON text, non-ASCII characters as themselves and each lone surrogate as its own escape."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(document, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def has_escaped_surrogate(data: str | bytes) -> bool:
    """Whether ``data`` may hold an escaped surrogate (cheap; false positives only cost time)."""
    if isinstance(data, str):
        return _ESCAPED_SURROGATE.search(data) is not None
    return _ESCAPED_SURROGATE_BYTES.search(data) is not None


def loads(data: str | bytes) -> Any:
    """Parse JSON, reading every ``\\uXXXX`` string escape as exactly one code point."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        return _UnpairedDecoder().decode(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _scanstring(s: str, end: int, strict: bool = True) -> tuple[str, int]:
    """``json.decoder.scanstring`` without the merging of surrogate pairs; ``end`` is after the quote."""
    chunks: list[str] = []
    begin = end - 1
    while True:
        chunk = _CHUNK.match(s, end)
        if chunk is None:
            raise json.JSONDecodeError("Unterminated string starting at", s, begin)
        end = chunk.end()
        content, terminator = chunk.groups()
        chunks.append(content)
        if terminator == '"':
            return "".join(chunks), end
        if terminator != "\\":
            if strict:
                raise json.JSONDecodeError(f"Invalid control character {terminator!r} at", s, end - 1)
            chunks.append(terminator)
            continue
        escape = s[end : end + 1]
        if escape != "u":
            if escape not in _ESCAPES:
                raise json.JSONDecodeError(f"Invalid \\escape: {escape!r}", s, end)
            chunks.append(_ESCAPES[escape])
            end += 1
            continue
        digits = s[end + 1 : end + 5]
        if len(digits) != 4 or not _HEX.issuperset(digits):
            raise json.JSONDecodeError("Invalid \\uXXXX escape", s, end)
        chunks.append(chr(int(digits, 16)))
        end += 5


class _UnpairedDecoder(json.JSONDecoder):
    """The pure-Python scanner with :func:`_scanstring` for string values."""

    def __init__(self) -> None:
        super().__init__()
        self.parse_string = _scanstring
        self.scan_once = _PY_MAKE_SCANNER(self)
