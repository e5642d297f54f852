"""Atomic file writes: a reader never sees half a file, a failed run leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_all(files: dict[Path, bytes], stale: tuple[Path, ...] = ()) -> None:
    """Write a set of files produced in full beforehand, and remove ``stale`` outputs of an earlier
    run that this one did not produce.

    Every file is first written to a staging folder beside its target, then renamed into place,
    so a failed write leaves the old set untouched; only the renames, which do not fail for lack of
    space, follow the point of no return.
    """
    staged: list[tuple[Path, Path]] = []
    folders: set[Path] = set()
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=".optiops-staging-"))
            folders.add(staging)
            (staging / path.name).write_bytes(data)
            staged.append((staging / path.name, path))
        for tmp, path in staged:
            os.replace(tmp, path)
        for path in stale:
            if path not in files:
                path.unlink(missing_ok=True)
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
