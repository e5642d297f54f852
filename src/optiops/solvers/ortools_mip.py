"""SCIP and CP-SAT through OR-Tools ``model_builder``: the model is passed as sparse arrays in one call.

``ModelBuilderHelper.fill_model_from_sparse_data`` takes the bounds, costs and the CSR matrix as numpy
arrays, and ``ModelSolverHelper.variable_values`` returns the solution as one array, so neither side
loops over terms in Python (only integer variables are marked one call each, and a MIP start is
passed as one hint call per variable).

Options:

- **SCIP**: ``time_limit`` -> request time limit, ``rel_gap`` -> ``limits/gap``, ``seed`` ->
  ``randomization/randomseedshift``.  ``threads`` is ignored: the SCIP shipped with OR-Tools solves
  on one thread.  ``params`` are SCIP parameter names (``{"limits/nodes": 1000}``).
- **CP-SAT**: ``time_limit`` -> request time limit, ``threads`` -> ``num_workers``, ``rel_gap`` ->
  ``relative_gap_limit``, ``seed`` -> ``random_seed``; ``params`` are ``SatParameters`` fields.
  CP-SAT is an integer solver: OR-Tools converts the MIP by scaling every continuous variable onto an
  integer grid (``mip_var_scaling``, ``mip_wanted_precision``) and coefficients to integers, so a
  model with continuous variables is solved approximately; the objective reported here is recomputed
  from the returned values, and its ``optimal`` refers to the scaled model.  Continuous variables need
  finite bounds of moderate size (``mip_max_bound``, 1e7 by default).  CP-SAT is designed for several
  workers (8 or more); with one worker the adapter sets ``linearization_level: 2`` (unless ``params``
  say otherwise), without which its LP relaxation is too weak for MIP models.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from optiops.exceptions import SolverError
from optiops.solvers.linear import LinearModel
from optiops.solvers.mip import MipOptions, MipResult, MipStatus, make_result, settle_infeasible_or_unbounded

_STATUS: dict[str, MipStatus] = {
    "OPTIMAL": "optimal", "FEASIBLE": "feasible", "INFEASIBLE": "infeasible", "UNBOUNDED": "unbounded",
    "NOT_SOLVED": "no_solution", "CANCELLED_BY_USER": "no_solution",
}  # fmt: skip


class _ModelBuilderBackend:
    """Shared translation and result reading for the OR-Tools ``model_builder`` solvers."""

    name = ""
    solver_name = ""
    exact_continuous = True
    accepts_start = True  # given as a hint of every variable (SCIP ignores a hint of the nonzeros alone)

    def available(self) -> bool:
        """True when OR-Tools was built with this solver."""
        try:
            from ortools.linear_solver.python import model_builder_helper as mbh
        except ImportError:
            return False
        return bool(mbh.ModelSolverHelper(self.solver_name).solver_is_supported())

    def specific_parameters(self, options: MipOptions) -> str:
        """The backend's parameter text for ``options``."""
        raise NotImplementedError

    def solve(self, model: LinearModel, options: MipOptions, start: np.ndarray | None = None) -> MipResult:
        """Solve ``model`` through OR-Tools ``model_builder``.

        Parameters
        ----------
        model : LinearModel
            The model.
        options : MipOptions
            Limits, threads, gap, seed and backend parameters.
        start : numpy.ndarray, optional
            A MIP start: one value per variable, passed as a hint of every variable (integer ones
            rounded).  SCIP tries it as a first solution; CP-SAT searches from it.

        Returns
        -------
        MipResult
            The uniform result.
        """
        from ortools.linear_solver.python import model_builder_helper as mbh

        t0 = time.perf_counter()
        helper = mbh.ModelBuilderHelper()
        # the pybind stubs type these arrays as ndarray[float64, ...], which no numpy array matches
        fill: Any = helper.fill_model_from_sparse_data
        fill(model.lower, model.upper, model.cost, model.row_lower, model.row_upper, model.matrix.astype(float))
        for j in np.flatnonzero(model.integer).tolist():
            helper.set_var_integrality(j, True)
        helper.set_objective_offset(float(model.offset))
        if start is not None:
            if len(start) != model.n_vars:
                raise SolverError(f"{self.name}: a start needs {model.n_vars} values, got {len(start)}")
            hint = np.where(model.integer, np.round(start), start).astype(float).tolist()
            for j, value in enumerate(hint):
                helper.add_hint(j, value)
        solver = mbh.ModelSolverHelper(self.solver_name)
        if not solver.solver_is_supported():
            raise SolverError(f"{self.name}: this OR-Tools build has no {self.solver_name} solver")
        if options.time_limit is not None:
            solver.set_time_limit_in_seconds(float(options.time_limit))
        solver.set_solver_specific_parameters(self.specific_parameters(options))
        build_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        solver.solve(helper)
        solve_s = time.perf_counter() - t1
        raw = solver.status().name
        status = _STATUS.get(raw, "error")
        has_x = solver.has_solution()
        x = np.asarray(solver.variable_values(), dtype=float) if has_x else None
        bound = float(solver.best_objective_bound()) if has_x else None
        stats: dict[str, Any] = {"solver_objective": float(solver.objective_value()) if has_x else None}
        message = f"{raw}: {solver.status_string()}".rstrip(": ")
        if not has_x and "infeasible or unbounded" in message.lower():
            status = settle_infeasible_or_unbounded(self, model, options)
        return make_result(model, self.name, status, x, bound, solve_s, build_s, message, stats)


class ScipBackend(_ModelBuilderBackend):
    """SCIP (bundled with OR-Tools)."""

    name = "scip"
    solver_name = "SCIP"

    def specific_parameters(self, options: MipOptions) -> str:
        """SCIP ``name = value`` lines for ``options``."""
        values: dict[str, Any] = {"limits/gap": options.rel_gap, "randomization/randomseedshift": options.seed}
        values.update(options.params)
        return "\n".join(f"{k} = {_scip_value(v)}" for k, v in values.items())


class CpSatBackend(_ModelBuilderBackend):
    """CP-SAT (OR-Tools), fed the MIP through OR-Tools' MIP-to-CP conversion."""

    name = "cpsat"
    solver_name = "CP_SAT"
    exact_continuous = False

    def specific_parameters(self, options: MipOptions) -> str:
        """``SatParameters`` text for ``options``."""
        values: dict[str, Any] = {
            "num_workers": options.threads, "relative_gap_limit": options.rel_gap, "random_seed": options.seed,
        }  # fmt: skip
        if options.threads == 1:
            # one worker keeps CP-SAT's default linearization (level 1), whose LP is too weak for
            # MIP models: on cap131 level 2 proves the optimum in 0.1 s, level 1 is 5.8 % off at 10 s
            values["linearization_level"] = 2
        values.update(options.params)
        return " ".join(f"{k}:{_proto_value(v)}" for k, v in values.items())


def _scip_value(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _proto_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
