"""Atomic file writing: a failure leaves no partial file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from csperf.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text", "check_not_input"]


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Write a file atomically.

    ``write`` is called with a temporary path in the target's directory; when it returns, the
    temporary file replaces ``path`` in one step (``os.replace``). If ``write`` raises, the
    temporary file is removed and ``path`` is left as it was.

    Args:
        path: The file to write.
        write: Writes the content to the path it is given.

    Returns:
        The target path.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return target


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
