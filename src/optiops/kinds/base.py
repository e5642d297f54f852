"""The contract every problem kind keeps, and the result and check every kind reports the same way.

A :class:`ProblemKind` knows one kind of problem (routing, facility location, rostering, ...): how
to recognise and load its files, how to solve an instance and check a plan, which files a solve
writes and the one-line summary the CLI prints. Callers (the library face, the CLI, the benchmark
runner) look kinds up by name in :mod:`optiops.kinds.registry` and never branch on the kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from optiops.exceptions import InstanceError, SolverError
from optiops.io.documents import DOCUMENT_SUFFIXES, read_as, read_document

HEAD_LINES = 40  # lines of a text file kept for recognising its format


@dataclass(frozen=True)
class Source:
    """An input path read once for recognition: a document's parsed mapping, or a text file's first lines.

    Kinds recognise a path from this and load YAML/JSON documents from :attr:`document`, so a
    document is parsed once however many kinds look at it.
    """

    path: Path
    document: dict[str, Any] | None = None
    head: tuple[str, ...] = ()

    @property
    def document_kind(self) -> str | None:
        """The ``kind`` field of a YAML/JSON document, else ``None``."""
        kind = (self.document or {}).get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def folder_kind(self) -> str | None:
        """The kind a CSV folder of a network kind holds (``facility``, ``placement``, ``order-allocation``)."""
        from optiops.io.network_csv import folder_kind

        return folder_kind(self.path) if self.path.is_dir() else None


def read_source(path: str | Path) -> Source:
    """Read ``path`` once for recognition: parse a YAML/JSON document, keep a text file's first lines.

    ``bundled:<name>`` names an instance shipped with optiops (:func:`optiops.resources.resolve_input`).

    Raises
    ------
    InstanceError
        The path does not exist, or a document is not readable, not UTF-8, malformed or not a mapping.
    """
    from optiops.resources import resolve_input

    path = resolve_input(path)
    if not path.exists():
        raise InstanceError("no such file or folder", str(path))
    if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES:
        return Source(path, document=read_document(path))
    if path.is_file():
        try:
            with path.open(encoding="utf-8-sig") as fh:
                head = tuple(line for _, line in zip(range(HEAD_LINES), fh, strict=False))
        except (OSError, UnicodeDecodeError):
            head = ()
        return Source(path, head=head)
    return Source(path)


@dataclass(frozen=True)
class LoadOptions:
    """Reader options: ``rounding`` (routing: integer scaling), ``capacity`` (facility: OR-Library capa-capc)."""

    rounding: str | None = None
    capacity: float | None = None


@dataclass(frozen=True)
class Options:
    """How to solve (and, for routing, check) an instance of any kind; a kind ignores what it has no use for.

    ``time_limit`` ``None`` is the kind's :attr:`ProblemKind.default_time_limit`; ``threads`` are MIP
    threads, CP-SAT workers or parallel neighbourhoods; ``presolve`` is the facility presolve
    (``lagrangian`` or ``off``); ``rounding`` the routing metric; ``progress(elapsed_s, best, bound=None)``
    is called by routing backends as they improve, and by the facility kind with a proven bound;
    ``stop()`` returning true asks a routing backend, or the facility kind's HiGHS solves, to end the
    search early and return the best plan found so far.
    """

    backend: str = "auto"
    time_limit: float | None = None
    seed: int = 1
    threads: int = 1
    params: Mapping[str, Any] = field(default_factory=dict)
    presolve: str = "lagrangian"
    rounding: str | None = None
    progress: Callable[..., None] | None = None
    stop: Callable[[], bool] | None = None


class _Delegates:
    """Attribute look-ups that miss fall through to ``detail``, the kind's own result object.

    Code written against a kind's own types (``optiops.evaluate(...).distance`` for routing) keeps
    working on the common :class:`Result` and :class:`Check`.
    """

    detail: Any

    def __getattr__(self, name: str) -> Any:
        if name == "detail" or name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(self.detail, name)
        except AttributeError:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}") from None


@dataclass(frozen=True)
class Result(_Delegates):
    """What solving any kind returns: the plan and the figures every kind reports.

    ``objective`` is the checker's cost (penalty, lateness, ...) of ``plan``; ``bound`` a proven lower
    bound where the method has one; ``gap`` = (objective - bound) / objective; ``runtime_s`` wall
    seconds; ``stats`` the solver's statistics; ``detail`` the kind's own result object.
    """

    kind: str
    plan: Any
    status: str
    objective: float | None
    bound: float | None = None
    gap: float | None = None
    runtime_s: float | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)
    detail: Any = None


@dataclass(frozen=True)
class Check(_Delegates):
    """What checking a plan of any kind returns, recomputed from the instance and the plan alone.

    ``costs`` splits ``objective`` into its parts; ``figures`` are what ``optiops evaluate --json``
    reports beside feasible, objective and violations; ``summary`` is the CLI's one-line verdict;
    ``stated`` the objective the plan itself states (``None`` if it states none); ``detail`` the
    kind's own checker result.
    """

    kind: str
    feasible: bool
    objective: float
    violations: list[str]
    costs: Mapping[str, float] = field(default_factory=dict)
    figures: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""
    stated: float | None = None
    detail: Any = None


@dataclass(frozen=True)
class Summary:
    """What ``optiops validate`` prints for a valid instance: a title and (name, value) rows."""

    title: str
    rows: list[tuple[str, str]]
    title_in_table: bool = False


def list_counts(model: Any) -> list[tuple[str, str]]:
    """(field, number of entries) for every list field of a pydantic model, in field order."""
    return [(key, str(len(value))) for key, value in model if isinstance(value, list)]


class ProblemKind:
    """One kind of problem: recognise, load, solve, check, write. Subclass it and register an instance.

    Attributes
    ----------
    name
        The kind's name (``facility``), as in documents' ``kind`` field.
    instance_type, plan_type
        The instance and plan models (``optiops.load`` returns the first, ``solve`` plans of the second).
    default_time_limit
        Seconds of search when the caller gives none.
    uses_profiles
        Whether ``--profile`` (a solver profile: backend, time limit, parameters) applies.
    outputs
        Every file name a solve of this kind may write (the CLI removes stale ones of other kinds).
    precedence
        Lower is asked first whether it recognises a path (a scenario folder holds tables whose
        names mark CSV folders of other kinds).
    fallback
        The kind whose reader takes any path no other kind recognises (and names what is wrong).
    reports_progress
        Whether its solver calls ``Options.progress`` (the CLI shows a progress bar).
    noun, advice
        What a plan is called and what to try, in the message of a solve that found none.
    """

    name: ClassVar[str]
    instance_type: ClassVar[type]
    plan_type: ClassVar[type]
    default_time_limit: ClassVar[float] = 60.0
    uses_profiles: ClassVar[bool] = False
    outputs: ClassVar[tuple[str, ...]] = ("plan.json",)
    precedence: ClassVar[int] = 50
    fallback: ClassVar[bool] = False
    reports_progress: ClassVar[bool] = False
    noun: ClassVar[str] = "plan"
    advice: ClassVar[str] = ""

    def recognises(self, source: Source) -> bool:
        """Whether ``source`` is an instance of this kind (by its document kind by default)."""
        return source.document_kind == self.name

    def load(self, source: Source, options: LoadOptions) -> Any:
        """Read and validate the instance at ``source`` (a document is validated from its parsed mapping)."""
        from optiops.io.documents import validate_as

        if source.document is None:
            return read_as(source.path, self.instance_type)
        return validate_as(source.document, str(source.path), self.instance_type)

    def read_plan(self, path: Path) -> Any:
        """Read a plan document of this kind."""
        return read_as(path, self.plan_type)

    def solve(self, instance: Any, options: Options) -> Result:
        """Solve ``instance``; the plan is checked by the kind's independent checker."""
        raise NotImplementedError

    def check(self, instance: Any, plan: Any, options: Options | None = None) -> Check:
        """Recompute the plan's cost and feasibility from the instance and the plan alone."""
        raise NotImplementedError

    def accept(self, result: Result, time_limit: float) -> None:
        """Raise :class:`SolverError` unless ``result`` holds a plan worth writing (one the checker passed)."""
        plan, who = result.plan, self.solver_name(result)
        if result.status not in ("optimal", "feasible"):
            raise SolverError(f"{who} found no {self.noun} in {time_limit:g} s; try a longer --time-limit{self.advice}")
        if getattr(plan, "violations", None):
            raise SolverError(f"{who} returned a {self.noun} the checker rejects:\n  " + "\n  ".join(plan.violations))

    def solver_name(self, result: Result) -> str:
        """Who made the plan, for messages."""
        return str(getattr(result.plan, "backend", self.name))

    def files(self, instance: Any, result: Result, source: Source | None, plots: bool) -> dict[str, bytes]:
        """The files a solve writes, by name: ``plan.json``, the kind's tables, and its charts with ``plots``."""
        from optiops.io import dump_document

        files = {"plan.json": dump_document(result.plan).encode(), **self.tables(instance, result.plan, source)}
        if plots:
            files.update(self.charts(instance, result))
        return files

    def tables(self, instance: Any, plan: Any, source: Source | None) -> dict[str, bytes]:
        """The plan as flat tables (CSV, or a format of the input's family), by file name."""
        return {}

    def charts(self, instance: Any, result: Result) -> dict[str, bytes]:
        """PNG charts of the plan, by file name."""
        return {}

    def summary(self, instance: Any, result: Result) -> str:
        """The line ``optiops solve`` prints before `` -> OUT`` (rich markup allowed)."""
        return f"[green]{result.status}[/green] plan: cost {result.objective}"

    def describe(self, instance: Any, source: Source) -> Summary:
        """What ``optiops validate`` prints: by default the list fields' lengths."""
        return Summary(
            f"{source.path}: valid {self.name} document {getattr(instance, 'name', '')!r}", list_counts(instance)
        )

    def diagnose(self, instance: Any) -> None:
        """Raise :class:`~optiops.exceptions.InfeasibleError` when ``validate`` can tell no plan exists."""

    def time_limit(self, options: Options) -> float:
        """The time limit of ``options``, or this kind's default."""
        return self.default_time_limit if options.time_limit is None else options.time_limit

    def with_time_limit(self, options: Options) -> Options:
        """``options`` with the time limit filled in."""
        return dataclasses.replace(options, time_limit=self.time_limit(options))


def gap_text(plan: Any) -> str:
    """``, gap 1.23% to the bound`` for a plan not proven optimal that has a gap, else empty."""
    if plan.status == "optimal" or plan.gap is None:
        return ""
    return f", gap {plan.gap:.2%} to the bound"


def plan_result(kind: str, plan: Any, detail: Any = None) -> Result:
    """The :class:`Result` of a plan model that states its own status, objective, bound, gap and runtime."""
    objective = getattr(plan, "objective", None)
    return Result(
        kind=kind, plan=plan, status=plan.status, objective=None if objective is None else float(objective),
        bound=getattr(plan, "bound", None), gap=getattr(plan, "gap", None), runtime_s=getattr(plan, "runtime_s", None),
        stats=dict(getattr(plan, "stats", {}) or {}), detail=plan if detail is None else detail,
    )  # fmt: skip


def mip_options(kind: ProblemKind, options: Options) -> Any:
    """The :class:`~optiops.solvers.MipOptions` of ``options`` (time limit: the kind's default if unset)."""
    from optiops.solvers import MipOptions

    return MipOptions(
        time_limit=kind.time_limit(options), threads=options.threads, seed=options.seed, params=dict(options.params)
    )
