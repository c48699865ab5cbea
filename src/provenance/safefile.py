"""Reading and writing files without surprises.

Reading checks the size before reading and never reads more than the limit, so a huge file, a FIFO
or ``/dev/zero`` cannot exhaust memory. Writing puts the whole content in a temporary file (or
directory) beside the target and then replaces the target in one step, so a failure half-way never
leaves a truncated or half-written file where the old one was.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO, Final

_CHUNK: Final = 1 << 20
_AT_FDCWD: Final = -100
_RENAME_EXCHANGE: Final = 2


class FileProblem(OSError):
    """A file that must not be read as asked; ``str(error)`` says why, to follow the file's name."""


class FileTooLarge(FileProblem):
    """A file or stream over the size limit; ``size`` is None when only a stream was read."""

    def __init__(self, size: int | None, limit: int) -> None:
        known = f"is {size:,} bytes" if size is not None else "is longer"
        super().__init__(f"{known}, over the limit of {limit:,} bytes")
        self.size = size
        self.limit = limit


def read_limited(path: Path | str, limit: int, *, regular_only: bool = False, no_symlink: bool = False) -> bytes:
    """Read at most ``limit`` bytes of ``path``; more raises :class:`FileTooLarge` before reading on.

    ``regular_only`` refuses devices, FIFOs and sockets without blocking on them; ``no_symlink``
    refuses a symbolic link as the last path component. Streams (a FIFO, ``/dev/stdin``) are read
    when allowed. A missing file raises ``FileNotFoundError`` as usual.
    """
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if no_symlink:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    if regular_only:
        flags |= getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer we will refuse
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if no_symlink and error.errno == errno.ELOOP:
            raise FileProblem("is a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem("is a directory")
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise FileProblem("is not a regular file (a device, FIFO or socket)")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        return _read_up_to(lambda n: os.read(fd, n), limit)
    finally:
        os.close(fd)


def read_stream_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read a binary stream (standard input) to its end, but never more than ``limit`` bytes."""
    return _read_up_to(stream.read, limit)


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; on any failure the old file is left as it was.

    A symbolic link is written through (the link stays). A device or FIFO (``/dev/stdout``) has
    nothing to truncate, so it is written directly.
    """
    target = Path(os.path.realpath(path))
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, "wb") as stream:
            stream.write(data)
        return
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            if existing is not None and hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), stat.S_IMODE(existing.st_mode))
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(target.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable where the platform allows it (best effort)."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_up_to(read: Callable[[int], bytes], limit: int) -> bytes:
    """Call ``read(n)`` until end of input; more than ``limit`` bytes raises :class:`FileTooLarge`."""
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        chunk = read(min(remaining, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise FileTooLarge(None, limit)
    return b"".join(chunks)


def replace_directory(target: Path | str, files: Mapping[str, bytes], replaceable: frozenset[str]) -> None:
    """Make ``target`` a directory holding exactly ``files``, in one step.

    The files are written and synced in a new sibling directory, which then takes the place of the
    old one, so a reader (or a crash) sees the old directory or the new one, never a mix. An existing
    ``target`` may hold only names in ``replaceable``: a directory with anything else in it is
    refused, so that a mistyped path cannot replace a directory of someone's files.
    """
    target = Path(os.path.realpath(target))
    check_replaceable(target, replaceable)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    os.mkdir(staging, 0o777)
    try:
        for name, data in files.items():
            _write_new(staging / name, data)
        fsync_directory(staging)
        if os.path.lexists(target):
            _swap(staging, target)  # afterwards ``staging`` holds the old directory
        else:
            os.rename(staging, target)
        fsync_directory(target.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_replaceable(target: Path, replaceable: frozenset[str]) -> None:
    """Refuse a target that is not a directory, or one holding anything but ``replaceable`` names."""
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise FileProblem("is a file, not a directory")
    foreign = sorted(name for name in os.listdir(target) if name not in replaceable)
    if foreign:
        shown = ", ".join(repr(name) for name in foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise FileProblem(
            f"holds other files ({shown}); write to a new or empty directory, or to one holding only "
            f"{', '.join(sorted(replaceable))}"
        )


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with ``data``, synced to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _swap(new: Path, old: Path) -> None:
    """Exchange two directories: atomically where the kernel can, else with two renames."""
    if _exchange(new, old):
        return
    aside = old.with_name(f".{old.name}.{secrets.token_hex(6)}.old")
    os.rename(old, aside)
    try:
        os.rename(new, old)
    except BaseException:
        os.rename(aside, old)
        raise
    os.rename(aside, new)


def _exchange(first: Path, second: Path) -> bool:
    """``renameat2(RENAME_EXCHANGE)`` on Linux; False where it is unavailable or unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # only here: saving a model is rare, and scoring should not pay for the import

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(second))
