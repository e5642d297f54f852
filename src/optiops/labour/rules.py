"""CP-SAT building blocks for rostering rules, in the style of OR-Tools' ``shift_scheduling_sat.py``.

A day's "works" entry is a literal, or a Python ``bool`` when the day is fixed (a day off, or no
shift type allowed), so that constant days simplify the clauses instead of adding variables.
Hard-rule helpers add constraints; soft-rule helpers add whatever hard part defines their penalty
variables and return the penalty terms ``(expression, weight)`` for the objective.

Edges follow the Shift Scheduling Benchmark (http://www.schedulingbenchmarks.org/nrp/): the days
just outside the horizon are days off for the maximum-run rule, and a run touching either edge is
exempt from the minimum-run rules (an unlimited run is assumed to continue beyond the edge).
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import Literal

Lit = Literal | bool  # a literal, or a day whose value is fixed
Term = tuple[cp_model.LinearExprT, int]  # (expression, weight) of the objective


def negate(lit: Lit) -> Lit:
    """The negation of a literal or a fixed day."""
    return (not lit) if isinstance(lit, bool) else lit.negated()


def add_clause(model: cp_model.CpModel, lits: Sequence[Lit]) -> None:
    """``OR(lits)``, with fixed days folded in: a True one drops the clause, a False one the literal."""
    if any(lit is True for lit in lits):
        return
    model.add_bool_or([lit for lit in lits if not isinstance(lit, bool)])


def limit_runs(model: cp_model.CpModel, works: Sequence[Lit], max_run: int) -> None:
    """Forbid runs of more than ``max_run`` True days: every window of ``max_run + 1`` days holds a False one.

    Parameters
    ----------
    model : CpModel
        The model.
    works : sequence of literal or bool
        One entry per day.
    max_run : int
        Longest run allowed; the days outside the sequence count as False.
    """
    for start in range(len(works) - max_run):
        window = works[start : start + max_run + 1]
        if any(lit is False for lit in window):
            continue
        model.add(
            sum(lit for lit in window if not isinstance(lit, bool)) <= max_run - sum(lit is True for lit in window)
        )


def forbid_short_runs(model: cp_model.CpModel, works: Sequence[Lit], min_run: int) -> None:
    """Forbid runs of fewer than ``min_run`` True days that lie strictly inside the sequence.

    For every length ``l < min_run`` and every start with a day on both sides, the pattern
    False, l x True, False is excluded by one clause; runs touching either end are allowed.
    Pass negated literals to bound runs of False days instead.

    Parameters
    ----------
    model : CpModel
        The model.
    works : sequence of literal or bool
        One entry per day.
    min_run : int
        Shortest run allowed away from the edges.
    """
    n = len(works)
    for length in range(1, min_run):
        for start in range(1, n - length):
            span = [works[start - 1], *(negate(w) for w in works[start : start + length]), works[start + length]]
            add_clause(model, span)


def limit_weekends(model: cp_model.CpModel, works: Sequence[Lit], weekend: Sequence[int], max_weekends: int) -> None:
    """At most ``max_weekends`` weekends with a worked day.

    Parameters
    ----------
    model : CpModel
        The model.
    works : sequence of literal or bool
        One entry per day.
    weekend : sequence of int
        Weekend index of each day, -1 for weekdays.
    max_weekends : int
        Most weekends worked.
    """
    days: dict[int, list[Lit]] = {}
    for lit, k in zip(works, weekend, strict=True):
        if k >= 0 and lit is not False:
            days.setdefault(k, []).append(lit)
    if len(days) <= max_weekends:
        return
    worked: list[Lit] = []
    for lits in days.values():
        if any(lit is True for lit in lits):
            worked.append(True)
            continue
        flag = model.new_bool_var("")
        for lit in lits:
            model.add_implication(lit, flag)
        model.add_bool_or([flag.negated(), *lits])
        worked.append(flag)
    model.add(sum(w for w in worked if not isinstance(w, bool)) <= max_weekends - sum(w is True for w in worked))


def cover_penalty(
    model: cp_model.CpModel, assigned: Sequence[cp_model.IntVar], requirement: int, under_weight: int,
    over_weight: int,
) -> list[Term]:  # fmt: skip
    """Soft cover of one day x shift: penalty terms for missing and extra employees.

    The hard part defines ``under = max(requirement - count, 0)`` and ``over = max(count -
    requirement, 0)`` exactly (not just as lower bounds), so every solution's objective is its true
    penalty.

    Parameters
    ----------
    model : CpModel
        The model.
    assigned : sequence of IntVar
        The literals of the employees who could work this shift on this day.
    requirement : int
        Employees needed.
    under_weight, over_weight : int
        Penalty per missing / extra employee.

    Returns
    -------
    list of (expression, weight)
        Terms for the objective (a constant term when nobody can work the shift).
    """
    count = sum(assigned)
    n = len(assigned)
    terms: list[Term] = []
    if under_weight > 0 and requirement > 0:
        if n == 0:
            terms.append((requirement, under_weight))
        else:
            under = model.new_int_var(max(0, requirement - n), requirement, "")
            model.add_max_equality(under, [requirement - count, 0])
            terms.append((under, under_weight))
    if over_weight > 0 and n > requirement:
        if requirement == 0:
            terms.append((count, over_weight))
        else:
            over = model.new_int_var(0, n - requirement, "")
            model.add_max_equality(over, [count - requirement, 0])
            terms.append((over, over_weight))
    return terms


def request_penalty(lit: cp_model.IntVar | None, weight: int, wanted: bool) -> Term:
    """Soft shift-on (``wanted``) or shift-off request on one literal: its penalty term.

    Parameters
    ----------
    lit : IntVar or None
        The (employee, day, shift) literal; None when that assignment is impossible.
    weight : int
        Penalty when the wish is not granted.
    wanted : bool
        True for a shift-on request, False for a shift-off request.

    Returns
    -------
    tuple of (expression, weight)
        ``(1 - lit, weight)`` or ``(lit, weight)``, a constant when ``lit`` is None.
    """
    if lit is None:
        return (1 if wanted else 0, weight)
    return (1 - lit, weight) if wanted else (lit, weight)
