"""Problem kinds behind one contract: recognise and load a file, solve an instance, check a plan.

One :class:`ProblemKind` per kind (routing, facility, placement, order-allocation, roster,
task-day, inventory, scenario), looked up by name like the MIP backends of :mod:`optiops.solvers`::

    from optiops import kinds
    inst = kinds.load("instances/allocation/placement-30x3x8.yaml")   # any kind, parsed once
    res = kinds.solve(inst, kinds.Options(backend="highs", time_limit=10))
    check = kinds.check(inst, res.plan)                                # independent checker
    assert check.feasible and abs(check.objective - res.objective) < 1e-6

A new kind is one new module in this package that registers one entry (see docs/architecture.md).
"""

from optiops.kinds.base import Check, LoadOptions, Options, ProblemKind, Result, Source, Summary, read_source
from optiops.kinds.registry import (
    check,
    get_kind,
    kind_of,
    kind_of_plan_document,
    list_kinds,
    load,
    recognise,
    register_kind,
    schema,
    solve,
)

__all__ = [
    "Check",
    "LoadOptions",
    "Options",
    "ProblemKind",
    "Result",
    "Source",
    "Summary",
    "check",
    "get_kind",
    "kind_of",
    "kind_of_plan_document",
    "list_kinds",
    "load",
    "read_source",
    "recognise",
    "register_kind",
    "schema",
    "solve",
]
