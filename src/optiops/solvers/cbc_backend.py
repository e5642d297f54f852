"""CBC through PuLP, using the CBC binary bundled with PuLP (or a ``cbc`` on the PATH).

PuLP has no array interface, so the adapter builds one ``LpAffineExpression`` per row straight from
the CSR slices (a dict built in C from ``zip(variables, coefficients)``, no ``+=`` per term); PuLP then
writes an MPS file and runs CBC as a separate process.  ``build_s`` covers the PuLP model;
``solve_s`` also covers PuLP writing the MPS file and reading the solution back.

PuLP 3.3 deprecates ``PULP_CBC_CMD``; the same bundled binary is run through ``COIN_CMD`` instead,
which is what PuLP 4 recommends.

Options: ``time_limit`` -> ``sec`` (wall clock), ``threads`` -> ``threads`` only when above 1,
``rel_gap`` -> ``ratio``, ``seed`` -> ``randomCbcSeed``;
``params`` are further CBC command-line options (``{"cuts": "off"}`` becomes ``-cuts off``).
CBC reports its best bound only in its log, which is written to a temporary file and read back.

``-threads 1`` is not the same as no option: the bundled CBC 2.10.3 then searches on one worker
thread, and that thread's start can miss its wake-up and wait 10 s (the log says
``Cbc0030I Thread 0 used 0 times, waiting to start 10.000193``). A tiny model then took 10 s and
stopped "on time limit", sometimes with no solution. This was a flake of the CI. Without the
option CBC searches in its main thread and starts no thread at all.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from optiops.exceptions import SolverError
from optiops.solvers.linear import LinearModel
from optiops.solvers.mip import MipOptions, MipResult, MipStatus, make_result

_SOL_STATUS: dict[int, MipStatus] = {1: "optimal", 2: "feasible", 0: "no_solution", -1: "infeasible", -2: "unbounded"}
_BOUND = re.compile(r"^Lower bound:\s*(\S+)", re.MULTILINE)
_OBJECTIVE = re.compile(r"^Objective value:\s*(\S+)", re.MULTILINE)


def cbc_path() -> str | None:
    """Path of a runnable CBC: PuLP's bundled binary, else ``cbc`` on the PATH, else ``None``."""
    import shutil

    try:
        from pulp.apis.coin_api import COIN_CMD, pulp_cbc_path
    except ImportError:
        return None
    bundled = COIN_CMD.executableExtension(pulp_cbc_path)
    if Path(bundled).is_file() and COIN_CMD.executable(bundled):
        return str(bundled)
    return shutil.which("cbc")


class CbcBackend:
    """COIN-OR CBC (via PuLP)."""

    name = "cbc"
    exact_continuous = True

    def available(self) -> bool:
        """True when PuLP imports and a CBC binary is found."""
        return cbc_path() is not None

    def solve(self, model: LinearModel, options: MipOptions) -> MipResult:
        """Solve ``model`` with CBC.

        Parameters
        ----------
        model : LinearModel
            The model.
        options : MipOptions
            Limits, threads, gap, seed and CBC options.

        Returns
        -------
        MipResult
            The uniform result.
        """
        import pulp

        path = cbc_path()
        if path is None:
            raise SolverError("cbc: no CBC binary (PuLP's bundled one is missing and no cbc is on the PATH)")
        t0 = time.perf_counter()
        prob, variables = _pulp_problem(model, pulp)
        build_s = time.perf_counter() - t0
        with tempfile.TemporaryDirectory(prefix="optiops-cbc-") as tmp:
            log = Path(tmp) / "cbc.log"
            solver = pulp.COIN_CMD(
                path=path, msg=False, timeLimit=options.time_limit,
                threads=options.threads if options.threads > 1 else None, gapRel=options.rel_gap,
                logPath=str(log), options=_cbc_options(options),
            )  # fmt: skip
            t1 = time.perf_counter()
            try:
                prob.solve(solver)
            except pulp.PulpSolverError as exc:
                return make_result(model, self.name, "error", None, None, time.perf_counter() - t1, build_s, str(exc))
            solve_s = time.perf_counter() - t1
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        status = _SOL_STATUS.get(int(prob.sol_status), "error")
        if status == "no_solution" and prob.status in (-1, -2):  # "Integer infeasible" has no sol_status
            status = _SOL_STATUS[int(prob.status)]
        x = None
        if status in ("optimal", "feasible"):
            x = np.array([v.varValue if v.varValue is not None else 0.0 for v in variables], dtype=float)
        bound = _log_bound(text, model.objective(x)) if x is not None else None
        if status == "feasible" and bound is not None and x is not None:
            # CBC may say "Stopped" on a search it finished (a time limit reached while idle, as with
            # the thread start above): a proven zero gap is optimal whatever the status line says
            obj = model.objective(x)
            if abs(obj - bound) <= 1e-9 * max(1.0, abs(obj)):
                status = "optimal"
        stats: dict[str, Any] = {"solver_objective": pulp.value(prob.objective) if x is not None else None}
        return make_result(model, self.name, status, x, bound, solve_s, build_s, pulp.LpStatus[prob.status], stats)


def _log_bound(log: str, objective: float) -> float | None:
    """CBC's lower bound from its log, shifted like its objective (CBC may drop the constant)."""
    bounds, objectives = _BOUND.findall(log), _OBJECTIVE.findall(log)
    if not bounds or not objectives:
        return None
    try:
        return float(bounds[-1]) + (objective - float(objectives[-1]))
    except ValueError:
        return None


def _cbc_options(options: MipOptions) -> list[str]:
    values: dict[str, Any] = {"randomCbcSeed": options.seed}
    values.update(options.params)
    return [f"{k} {v}" for k, v in values.items()]


def _pulp_problem(model: LinearModel, pulp: Any) -> tuple[Any, list[Any]]:
    """The PuLP problem of ``model``: one variable per column, one or two constraints per row."""
    prob = pulp.LpProblem(model.name.replace(" ", "_") or "model", pulp.LpMinimize)
    lower = [None if not np.isfinite(v) else float(v) for v in model.lower]
    upper = [None if not np.isfinite(v) else float(v) for v in model.upper]
    cats = np.where(model.integer, pulp.LpInteger, pulp.LpContinuous).tolist()
    # PuLP 3.3 deprecates constructing LpVariable directly in favour of prob.add_variable
    new_var = getattr(prob, "add_variable", None) or pulp.LpVariable
    variables = [new_var(f"x{j}", lower[j], upper[j], cat=cats[j]) for j in range(model.n_vars)]
    nz = np.flatnonzero(model.cost)
    prob.setObjective(pulp.LpAffineExpression(zip([variables[j] for j in nz], model.cost[nz].tolist(), strict=True),
                                              constant=float(model.offset)))  # fmt: skip
    a = model.matrix
    ptr, idx, val = a.indptr.tolist(), a.indices.tolist(), a.data.tolist()
    lo, hi = model.row_lower.tolist(), model.row_upper.tolist()
    for i in range(model.n_rows):
        terms = [variables[j] for j in idx[ptr[i] : ptr[i + 1]]]
        coefs = val[ptr[i] : ptr[i + 1]]
        if lo[i] == hi[i]:
            senses = [(pulp.LpConstraintEQ, lo[i])]
        else:
            senses = [(s, b) for s, b in ((pulp.LpConstraintGE, lo[i]), (pulp.LpConstraintLE, hi[i])) if np.isfinite(b)]
        for sense, rhs in senses:
            expr = pulp.LpAffineExpression(zip(terms, coefs, strict=True))
            prob.addConstraint(pulp.LpConstraint(expr, sense, f"r{i}_{sense + 1}", rhs))
    return prob, variables
