"""Atomic file writing: a failure leaves no partial file behind."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

from csperf.errors import ConfigError, CsperfError, WriteError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "STALE_AFTER",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_not_input",
    "write_error",
]

STALE_AFTER = 3600.0
"""Seconds after which a temporary file of an earlier write of the same target is stale.

A process killed while writing (SIGKILL, a power cut) cannot remove its temporary file; the
next successful write of the same target removes those last modified this long ago (a write
still running in another process keeps its file fresh)."""


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Write a file atomically.

    ``write`` is called with a temporary path in the target's directory; when it returns, the
    temporary file is flushed to the disk (``fsync``) and replaces ``path`` in one step
    (``os.replace``), and the directory entry is flushed too. If ``write`` raises, the
    temporary file is removed and ``path`` is left as it was.

    The new file has the mode of the file it replaces (a 0644 report stays 0644), or, for a
    new file, the mode the process's umask gives any file it creates (0644 under the usual
    umask 022). Temporary files that a killed writer of the same target left behind
    (``.<name>.<8 hex digits>.tmp``, last modified :data:`STALE_AFTER` seconds ago or more)
    are removed after the write.

    Args:
        path: The file to write.
        write: Writes the content to the path it is given.

    Returns:
        The target path.

    Raises:
        WriteError: When the system refuses (a missing or read-only directory, a directory
            in the file's place, a full disk, a file too large), naming the file and the
            system's reason.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        tmp = _new_temporary(directory, target.name)
    except OSError as exc:
        raise write_error(target, exc) from None
    try:
        write(tmp)
        _settle(tmp, target)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, CsperfError):
            raise write_error(target, exc) from None
        raise
    _sync_directory(directory)
    _remove_stale(directory, target.name)
    return target


def _remove_stale(directory: Path, name: str) -> None:
    """Remove the stale temporary files of earlier writes of ``name`` (see :data:`STALE_AFTER`).

    Only regular files (no links) named as :func:`_new_temporary` names them, owned by this
    process's user where the system has owners; any error leaves the file.
    """
    pattern = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp", re.ASCII)
    oldest = time.time() - STALE_AFTER
    owner = getattr(os, "getuid", lambda: None)()
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if (
                    stat.S_ISREG(info.st_mode)
                    and info.st_mtime <= oldest
                    and (owner is None or info.st_uid == owner)
                ):
                    os.unlink(entry.path)


def _new_temporary(directory: Path, name: str) -> Path:
    """A new empty file ``.<name>.<random>.tmp`` in ``directory``, created with mode 0666.

    The process's umask applies to it as to any file the process creates (``tempfile``
    creates its files 0600 whatever the umask).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", os.fspath(directory))


def _settle(tmp: Path, target: Path) -> None:
    """Give ``tmp`` the mode of the ``target`` it replaces, and flush it to the disk."""
    with contextlib.suppress(FileNotFoundError):
        before = target.stat()
        if stat.S_ISREG(before.st_mode):
            os.chmod(tmp, stat.S_IMODE(before.st_mode))
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_directory(directory: Path) -> None:
    """Flush a directory's entries to the disk (where the system allows opening a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # (Windows cannot open a directory)
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_error(target: Path, exc: OSError) -> WriteError:
    """The :class:`WriteError` for the system's refusal ``exc`` to write ``target``."""
    reason = exc.strerror or str(exc)
    hint = ""
    if isinstance(exc, FileNotFoundError) and not target.parent.exists():
        hint = f" (the directory {os.fspath(target.parent)!r} does not exist)"
    elif isinstance(exc, IsADirectoryError) or target.is_dir():
        hint = " (it is a directory)"
    name = os.fspath(target)
    return WriteError(
        msg=f"cannot write the file: {reason}{hint}",
        errno=exc.errno,
        path=name,
        source=name,
        value=name,
    )


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes atomically (see :func:`atomic_write`)."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return atomic_write(path, write)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write`)."""

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8", newline="")

    return atomic_write(path, write)


def check_not_input(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Refuse to overwrite an input file.

    Raises:
        ConfigError: When ``output`` is the same file as one of ``inputs``.
    """
    out = Path(output).resolve()
    for item in inputs:
        if Path(item).resolve() == out:
            raise ConfigError(
                msg=f"refusing to overwrite the input file {os.fspath(item)!r} with output",
                field="path",
                value=os.fspath(output),
                path=os.fspath(output),
            )
