"""Reading a file from outside: a regular file only, its size checked before a byte is read.

A path a user (or a file manager, or a script) gives lendready may name a
folder, a device, a FIFO that blocks forever, or a file far larger than any
case or forecast. :func:`read_regular` opens without blocking, checks on the
open descriptor (so the file cannot be swapped between check and read) that it
is a regular file within the limit, then reads at most the limit plus one byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnreadableFile(Exception):
    """The file cannot or may not be read; the message says why, for the user."""


def size_text(n: int) -> str:
    """A byte count as a reader says it: "5 MB", "1.8 KB", "312 bytes"."""
    if n >= 1024 * 1024:
        mb = n / (1024 * 1024)
        return f"{mb:.0f} MB" if mb >= 10 or mb.is_integer() else f"{mb:.1f} MB"
    if n >= 1024:
        kb = n / 1024
        return f"{kb:.0f} KB" if kb >= 10 or kb.is_integer() else f"{kb:.1f} KB"
    return f"{n} byte{'s' if n != 1 else ''}"


def read_regular(path: str | os.PathLike[str], max_bytes: int, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``, or UnreadableFile naming the problem.

    ``what`` names the kind of file in messages ("case file", "spreadsheet").
    """
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except IsADirectoryError:
        raise UnreadableFile(f"{p} is a folder, not a {what}") from None
    except FileNotFoundError:
        raise UnreadableFile(f"there is no file at {p}") from None
    except PermissionError:
        raise UnreadableFile(f"lendready is not allowed to read {p}") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"{p} is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{p} is not a regular file (a device, pipe or socket), so it is not a {what}")
        if info.st_size > max_bytes:
            raise UnreadableFile(
                f"{p.name} is larger than the {size_text(max_bytes)} a {what} may be ({info.st_size:,} bytes)"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except UnreadableFile:
        raise
    except OSError as exc:
        raise UnreadableFile(f"cannot read {p}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:  # grew while being read
        raise UnreadableFile(f"{p.name} is larger than the {size_text(max_bytes)} a {what} may be")
    return raw
