"""OR-Library capacitated warehouse location files, and YAML/JSON ``kind: facility`` documents.

OR-Library format (J. E. Beasley, http://people.brunel.ac.uk/~mastjjb/jeb/orlib/capinfo.html)::

    m n                      # warehouses, customers
    capacity fixed-cost      # m lines; capa/capb/capc have the word "capacity" instead of a number
    demand                   # then for each customer: its demand ...
    cost cost ... cost       # ... and m costs of serving *all* of its demand, over one or more lines

Warehouses are named ``W1..Wm`` and customers ``C1..Cn`` in file order.  Every problem names the
file, the line and the field.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from optiops.exceptions import InstanceError
from optiops.io.documents import DOCUMENT_SUFFIXES, read_as, read_document, validate_as
from optiops.model.network import FacilityInstance, FacilityPlan

PLACEHOLDER = "capacity"
ORLIB_SUFFIXES = {".txt"}


def read_orlib_cap(
    path: str | Path,
    capacity: float | None = None,
    name: str | None = None,
    single_sourcing: bool = False,
) -> FacilityInstance:
    """Read an OR-Library capacitated warehouse location file.

    Parameters
    ----------
    path : str or Path
        The ``capNN.txt`` / ``capa.txt`` file.
    capacity : float, optional
        Capacity of every warehouse whose capacity is the word ``capacity`` (``capa``-``capc``);
        required for those files and refused for files with numeric capacities.
    name : str, optional
        Instance name; default the file stem, plus ``-<capacity>`` with an override (``capa-8000``).
    single_sourcing : bool
        Solve the single-sourcing variant (the published optima are for split demand).

    Returns
    -------
    FacilityInstance
        Costs with ``cost_basis='total'`` (the cost of serving all of a customer's demand).

    Raises
    ------
    InstanceError
        With file, line and field of the first structural problem, or of every non-number.
    """
    path = Path(path)
    tokens, lines = _tokens(path)
    src = str(path)
    if len(tokens) < 2:
        raise InstanceError("line 1: expected 'm n' (numbers of warehouses and customers)", src)
    m, n = (_count(tokens[k], lines[k], what, src) for k, what in ((0, "warehouses m"), (1, "customers n")))
    expected = 2 + 2 * m + n * (1 + m)
    if len(tokens) < expected:
        k = len(tokens)
        raise InstanceError(f"file ends at line {lines[-1]} while reading {_field(k, m)}: expected "
                            f"{expected} numbers in all, found {k}", src)  # fmt: skip
    if len(tokens) > expected:
        raise InstanceError(f"line {lines[expected]}: unexpected data after the last customer", src)
    caps = tokens[2 : 2 + 2 * m : 2]
    placeholders = [i for i, t in enumerate(caps) if t.lower() == PLACEHOLDER]
    if placeholders and capacity is None:
        raise InstanceError(f"line {lines[2 + 2 * placeholders[0]]}: warehouse W{placeholders[0] + 1} capacity is "
                            f"the word '{PLACEHOLDER}': pass a capacity value (capa-8000 uses 8000)", src)  # fmt: skip
    if capacity is not None and not placeholders:
        raise InstanceError("a capacity override was given but every warehouse capacity is a number", src)
    values = _numbers(tokens, lines, m, src, skip={2 + 2 * i for i in placeholders})
    if placeholders:
        values[[2 + 2 * i for i in placeholders]] = capacity
    body = values[2 + 2 * m :].reshape(n, 1 + m)
    if name is None:
        name = f"{path.stem}-{capacity:g}" if capacity is not None else path.stem
    data = {
        "kind": "facility", "name": name, "cost_basis": "total", "single_sourcing": single_sourcing,
        "warehouses": [{"id": f"W{i + 1}", "capacity": values[2 + 2 * i], "fixed_cost": values[3 + 2 * i]}
                       for i in range(m)],
        "customers": [{"id": f"C{j + 1}", "demand": body[j, 0]} for j in range(n)],
        "cost": body[:, 1:].T.tolist(),
    }  # fmt: skip
    return validate_as(data, src, FacilityInstance)


def read_facility_document(path: str | Path) -> FacilityInstance:
    """Read a YAML or JSON document with ``kind: facility`` (:func:`~optiops.io.documents.read_as`)."""
    return read_as(path, FacilityInstance)


def read_facility_plan(path: str | Path) -> FacilityPlan:
    """Read a ``kind: facility-plan`` document (a plan written by ``optiops solve`` or ``optiops.save``)."""
    return read_as(path, FacilityPlan)


def load_facility(path: str | Path, capacity: float | None = None) -> FacilityInstance:
    """Read a facility instance from an OR-Library ``.txt`` file, a YAML/JSON document or a CSV folder.

    Parameters
    ----------
    path : str or Path
        The file, or a folder of CSV files (:mod:`optiops.io.network_csv`).
    capacity : float, optional
        Capacity override for OR-Library files with the ``capacity`` placeholder.

    Returns
    -------
    FacilityInstance
        The validated instance.
    """
    path = Path(path)
    if path.is_dir() and capacity is None:
        from optiops.io.network_csv import read_facility_folder

        return read_facility_folder(path)
    if not path.is_file():
        raise InstanceError("no such file", str(path))
    suffix = path.suffix.lower()
    if suffix in ORLIB_SUFFIXES:
        return read_orlib_cap(path, capacity)
    if capacity is not None:
        raise InstanceError("a capacity override applies to OR-Library files only", str(path))
    if suffix in DOCUMENT_SUFFIXES:
        return read_facility_document(path)
    raise InstanceError(f"unknown file type {suffix!r}: expected .txt (OR-Library) or .yaml/.yml/.json", str(path))


def is_facility_file(path: str | Path) -> bool:
    """True for an OR-Library file (:func:`looks_like_orlib`), a ``kind: facility`` document or CSV folder."""
    path = Path(path)
    if path.is_dir():
        from optiops.io.network_csv import folder_kind

        return folder_kind(path) == "facility"
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix in ORLIB_SUFFIXES:
        try:
            with path.open(encoding="utf-8") as fh:
                return looks_like_orlib((fh.readline(),))
        except (OSError, UnicodeDecodeError):
            return False
    if suffix in DOCUMENT_SUFFIXES:
        return read_document(path).get("kind") == "facility"
    return False


def looks_like_orlib(head: tuple[str, ...]) -> bool:
    """Whether a text file starts as an OR-Library file: two whole numbers (Solomon files start with a name)."""
    first = head[0].split() if head else []
    return len(first) == 2 and all(t.isdigit() for t in first)


def _tokens(path: Path) -> tuple[list[str], list[int]]:
    """Whitespace-separated tokens and the line each is on."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError(f"cannot read file: {exc}", str(path)) from exc
    tokens: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        tokens.extend(parts)
        lines.extend([number] * len(parts))
    return tokens, lines


def _count(token: str, line: int, what: str, src: str) -> int:
    try:
        value = int(token)
    except ValueError:
        raise InstanceError(f"line {line}: {what}: {token!r} is not a whole number", src) from None
    if value < 1:
        raise InstanceError(f"line {line}: {what}: must be at least 1, found {value}", src)
    return value


def _numbers(tokens: list[str], lines: list[int], m: int, src: str, skip: set[int]) -> np.ndarray:
    """All tokens as floats (``skip`` positions as NaN); every non-number is reported with its field."""
    vals = np.full(len(tokens), np.nan)
    bad: list[str] = []
    for k, tok in enumerate(tokens):
        if k in skip:
            continue
        try:
            vals[k] = float(tok)
        except ValueError:
            bad.append(f"line {lines[k]}: {_field(k, m)}: {tok!r} is not a number")
            continue
        if not math.isfinite(vals[k]):
            bad.append(f"line {lines[k]}: {_field(k, m)}: {tok!r} is not a finite number")
    if bad:
        raise InstanceError(bad[:20] + ([f"... and {len(bad) - 20} more"] if len(bad) > 20 else []), src)
    return vals


def _field(k: int, m: int) -> str:
    """What the ``k``-th token of a file with ``m`` warehouses is."""
    if k < 2:
        return ("number of warehouses", "number of customers")[k]
    if k < 2 + 2 * m:
        i, which = divmod(k - 2, 2)
        return f"warehouse W{i + 1} {('capacity', 'fixed cost')[which]}"
    j, pos = divmod(k - 2 - 2 * m, 1 + m)
    return f"customer C{j + 1} demand" if pos == 0 else f"customer C{j + 1} cost from warehouse W{pos}"
