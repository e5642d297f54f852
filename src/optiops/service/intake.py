"""Uploads turned into validated job inputs: safe unzipping, then the kind's own reader.

An upload is written to a staging folder and loaded exactly as ``optiops validate`` would load it,
so a bad instance gets the CLI's file/field/reason messages. Zips are read entry by entry: names
outside the folder, ``..`` parts, absolute paths and symlinks are refused, and the uncompressed size
is bounded both in total and as a ratio to the compressed size (a zip bomb is refused before it is
written out). Documents are parsed by :mod:`optiops.io.documents` (JSON, or YAML with ``safe_load``).
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from optiops.exceptions import InstanceError
from optiops.service.jobs import JobOptions

SCENARIO_MODES = ("plan", "replay")
CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What an upload may hold: unzipped bytes in all, the ratio unzipped/zipped, the number of entries."""

    unzipped_bytes: int = 1 << 30
    ratio: float = 200.0
    entries: int = 10_000


@dataclass(frozen=True)
class Intake:
    """A validated upload in its staging folder: the kind and where the input lies below ``input``."""

    staged: Path
    input_rel: str
    kind: str
    name: str
    options: JobOptions
    instance: Any = None


def safe_name(name: str) -> str:
    """A plain file name for an upload (no folders), or raise :class:`InstanceError`."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base in (".", "..") or base.startswith("."):
        raise InstanceError(f"not a usable file name: {name!r}", "upload")
    return base


def unzip(data: bytes, into: Path, limits: Limits) -> None:
    """Extract a zip into ``into``, refusing unsafe names, symlinks and archives that unzip too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise InstanceError(f"not a zip file: {exc}", "upload") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.entries:
            raise InstanceError(f"the zip holds {len(members)} entries, more than {limits.entries}", "upload")
        declared = sum(m.file_size for m in members)
        if declared > limits.unzipped_bytes:
            raise InstanceError(f"the zip unzips to {declared:,} bytes, more than {limits.unzipped_bytes:,}", "upload")
        if declared > limits.ratio * max(len(data), 1):
            raise InstanceError(f"the zip unzips {declared / max(len(data), 1):,.0f} times its size, more than "
                                f"{limits.ratio:g}: refused as a zip bomb", "upload")  # fmt: skip
        for member in members:
            _check_member(member)
        into.mkdir(parents=True, exist_ok=True)
        written = 0
        for member in members:
            target = into.joinpath(*PurePosixPath(member.filename).parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, target.open("wb") as dst:
                # the sizes in the header may lie: count what really comes out
                while chunk := src.read(CHUNK):
                    written += len(chunk)
                    if written > min(declared, limits.unzipped_bytes):
                        raise InstanceError("the zip unzips larger than its header says: refused", "upload")
                    dst.write(chunk)


def _check_member(member: zipfile.ZipInfo) -> None:
    name = member.filename
    path = PurePosixPath(name)
    if "\\" in name or path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise InstanceError(f"zip entry {name!r}: outside the folder; refused", "upload")
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise InstanceError(f"zip entry {name!r}: a symbolic link; refused", "upload")
    if member.flag_bits & 0x1:
        raise InstanceError(f"zip entry {name!r}: encrypted; refused", "upload")


def input_root(folder: Path) -> Path:
    """What an unzipped upload holds: down through folders of one entry each, to a file or a folder of several."""
    while True:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"]
        if len(entries) != 1:
            return folder
        if not entries[0].is_dir():
            return entries[0]
        folder = entries[0]


def from_upload(staged: Path, filename: str, data: bytes, options: JobOptions, limits: Limits) -> Intake:
    """Write an uploaded file (a zip is unzipped) into ``staged/input`` and validate it for ``options.mode``."""
    name = safe_name(filename)
    root = staged / "input"
    root.mkdir()
    if name.lower().endswith(".zip"):
        unzip(data, root / "upload", limits)
        path = input_root(root / "upload")
    else:
        path = root / name
        path.write_bytes(data)
    return validate(staged, path, name, options)


def from_document(staged: Path, document: dict[str, Any], options: JobOptions) -> Intake:
    """Write a JSON instance document into ``staged/input`` and validate it."""
    kind = document.get("kind")
    if kind == "scenario":
        raise InstanceError("kind: a scenario is a folder of tables: upload it zipped (multipart) with mode plan "
                            "or replay", "instance")  # fmt: skip
    root = staged / "input"
    root.mkdir()
    name = f"{kind if isinstance(kind, str) and kind.isidentifier() else 'instance'}.json"
    (root / name).write_text(json.dumps(document), encoding="utf-8")
    return validate(staged, root / name, name, options)


def validate(staged: Path, path: Path, name: str, options: JobOptions) -> Intake:
    """Load the input as the CLI would; :class:`InstanceError` names the upload, not the staging folder."""
    from optiops.kinds import LoadOptions, read_source, recognise

    try:
        source = read_source(path)
        kind = recognise(source)
        instance = kind.load(source, LoadOptions())
    except InstanceError as exc:
        raise _renamed(exc, staged / "input", name) from None
    scenario = kind.name == "scenario"
    if scenario and options.mode == "solve":
        options = options.model_copy(update={"mode": "plan"})
    if scenario != (options.mode in SCENARIO_MODES):
        raise InstanceError(f"mode: {options.mode!r} needs a scenario folder; this is a {kind.name} instance"
                            if not scenario else "mode: a scenario is planned or replayed", name)  # fmt: skip
    rel = path.relative_to(staged / "input")
    return Intake(staged, str(rel), kind.name, name, options, instance)


def _renamed(exc: InstanceError, root: Path, name: str) -> InstanceError:
    """The error with staging paths replaced by the upload's name, as a planner knows it."""

    def clean(text: str) -> str:
        for prefix in (str(root / "upload") + "/", str(root) + "/", str(root / "upload"), str(root)):
            text = text.replace(prefix, "")
        return text

    source = clean(exc.source) if exc.source else name
    return InstanceError([clean(p) for p in exc.problems], source or name)
