"""Float arrays from an ``.npz`` archive, each checked against the shape it must have before any memory
is allocated for it.

``numpy.load`` trusts an ``.npy`` header: one that declares 10^11 elements allocates (or fails with
an uncaught ``MemoryError``), and a deflated member can inflate to gigabytes. Here the archive must
hold exactly the expected members, each header must declare float64 and the expected shape, and no
member is ever decompressed beyond the bytes that shape needs. No pickle is ever involved.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Mapping
from typing import IO

import numpy as np

_FORMAT = np.lib.format


class ArrayFileError(ValueError):
    """The archive is not the arrays it should be; the message says which member and why."""


def read_float_arrays(data: bytes, shapes: Mapping[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Read the members ``<name>.npy`` of the archive ``data``; exactly ``shapes`` must be there."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            expected = sorted(f"{name}.npy" for name in shapes)
            if sorted(names) != expected:
                raise ArrayFileError(f"the archive holds {_listing(names)}; expected exactly {_listing(expected)}")
            return {name: _read_member(archive, name, shape) for name, shape in shapes.items()}
    except ArrayFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, KeyError) as error:
        raise ArrayFileError(f"not a readable .npz archive ({type(error).__name__}: {error})") from None


def _read_member(archive: zipfile.ZipFile, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One array: header checked first, then exactly the bytes its shape needs, as read-only float64."""
    with archive.open(f"{name}.npy") as stream:
        dtype, declared, fortran = _header(stream, name)
        if dtype.kind != "f" or dtype.itemsize != 8 or declared != shape:
            raise ArrayFileError(
                f"array {name!r} is declared {dtype.str} {declared}; expected float64 {shape}"
            )
        size = math.prod(shape) * 8
        raw = stream.read(size + 1)
    if len(raw) != size:
        raise ArrayFileError(f"array {name!r} holds {len(raw):,} bytes of data; its shape needs {size:,}")
    array = np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    result = np.ascontiguousarray(array, dtype=np.float64)
    result.flags.writeable = False
    return result


def _header(stream: IO[bytes], name: str) -> tuple[np.dtype[np.generic], tuple[int, ...], bool]:
    """The dtype, shape and order an ``.npy`` header declares (versions 1.0 and 2.0)."""
    try:
        version = _FORMAT.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = _FORMAT.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = _FORMAT.read_array_header_2_0(stream)
        else:
            raise ArrayFileError(f"array {name!r} has .npy format version {version}; expected 1.0 or 2.0")
    except ArrayFileError:
        raise
    except (ValueError, TypeError, SyntaxError, OverflowError, MemoryError) as error:
        raise ArrayFileError(f"array {name!r} has an unreadable .npy header ({error})") from None
    return dtype, tuple(shape), bool(fortran)


def _listing(names: list[str]) -> str:
    """A short, safe listing of member names for a message."""
    shown = [repr(name[:40]) for name in names[:6]]
    return "[" + ", ".join(shown) + (", ..." if len(names) > 6 else "") + "]"
