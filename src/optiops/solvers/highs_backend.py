"""HiGHS through highspy: the model is passed as CSR arrays in one call, no per-term Python work.

Options: ``time_limit`` -> ``time_limit``, ``threads`` -> ``threads``, ``rel_gap`` -> ``mip_rel_gap``,
``seed`` -> ``random_seed``; ``params`` are HiGHS option names passed to ``setOptionValue``.

A MIP start (one value per variable) is passed with ``setSolution``; HiGHS checks it and keeps it as
its first incumbent when it is feasible.  ``accepts_start = True`` tells formulations that ``solve``
takes ``start=``; adapters without the attribute are called without one.  HiGHS 1.16 can return the
start's values with the objective of a better solution it found (seen on OR-Library cap102 once
warehouses were fixed: "MIP start solution is feasible in the reduced space" at a lower objective,
status Optimal, values still the start's).  The adapter recomputes the objective of the values it
gets; when that is above HiGHS's own objective it solves again without the start and keeps the better.

HiGHS runs its tasks on a scheduler of the calling thread whose thread count is fixed when it starts;
when a solve asks for a different ``threads`` than the last solve on the same thread, that scheduler is
reset first.  The count is therefore tracked per calling thread: a solve with ``threads=1`` on a
worker thread must not hide that the main thread's scheduler still has 2 (HiGHS then refuses to run).
Solves may run at once on several threads (highspy releases the GIL in ``run``).

``MipOptions.stop`` is asked by HiGHS's interrupt callbacks (simplex, interior point and branch and
bound), so a stop request ends even a long root LP; HiGHS then returns its incumbent, if any.
``MipOptions.progress`` is told of every improving solution and, at HiGHS's periodic MIP log lines,
of the incumbent and the dual bound as they stand.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from optiops._logging import logger
from optiops.exceptions import SolverError
from optiops.solvers.linear import FloatArray, LinearModel
from optiops.solvers.mip import MipOptions, MipResult, MipStatus, make_result, settle_infeasible_or_unbounded

if TYPE_CHECKING:
    from highspy._core import HighsModelStatus, _Highs

_ROWWISE, _MINIMISE = 2, 1  # HiGHS MatrixFormat.kRowwise, ObjSense.kMinimize
_scheduler = threading.local()  # .threads: thread count of this thread's HiGHS scheduler, once started


class HighsBackend:
    """HiGHS MIP solver (highspy)."""

    name = "highs"
    exact_continuous = True
    accepts_start = True
    reports_reduced_costs = True  # MipResult.reduced_costs of an LP solved to optimality

    def available(self) -> bool:
        """True when highspy imports."""
        try:
            import highspy  # noqa: F401
        except ImportError:
            return False
        return True

    def solve(self, model: LinearModel, options: MipOptions, start: FloatArray | None = None) -> MipResult:
        """Solve ``model`` with HiGHS.

        Parameters
        ----------
        model : LinearModel
            The model.
        options : MipOptions
            Limits, threads, gap, seed and HiGHS options.
        start : numpy.ndarray, optional
            A MIP start: one value per variable.

        Returns
        -------
        MipResult
            The uniform result.
        """
        result = self._solve(model, options, start)
        if start is None or not result.has_solution or result.objective is None:
            return result
        reported = result.stats["solver_objective"]
        if result.objective - reported <= 1e-9 * max(abs(reported), 1.0) + 1e-6:
            return result
        # HiGHS kept the start's values but reports a better objective: solve again without the start
        logger.info("highs returned the start's values (%.6g) with objective %.6g; solving %r again without the start",
                    result.objective, reported, model.name)  # fmt: skip
        left = None if options.time_limit is None else options.time_limit - result.solve_s - result.build_s
        if left is not None and left <= 0.01:
            return replace(result, status="feasible") if result.status == "optimal" else result
        again = self._solve(model, replace(options, time_limit=left), None)
        better = again.has_solution and again.objective is not None and again.objective <= result.objective
        best = again if better else result
        if best is result and best.status == "optimal":
            best = replace(best, status="feasible")
        return replace(best, solve_s=result.solve_s + again.solve_s, build_s=result.build_s + again.build_s)

    def _solve(self, model: LinearModel, options: MipOptions, start: FloatArray | None) -> MipResult:
        """One HiGHS run."""
        # The private core class is used because highspy.Highs() prints a banner on construction,
        # before output_flag can be switched off; the library must not write to stdout.
        from highspy import _core

        t0 = time.perf_counter()
        h = _core._Highs()
        h.setOptionValue("output_flag", False)
        _set_options(h, options)
        if options.stop is not None or options.progress is not None:
            _callbacks(h, options.stop, options.progress)
        a = model.matrix
        status = h.passModel(
            model.n_vars, model.n_rows, model.nnz, _ROWWISE, _MINIMISE, float(model.offset),
            model.cost, model.lower, model.upper, model.row_lower, model.row_upper,
            a.indptr.astype(np.int32), a.indices.astype(np.int32), a.data.astype(float),
            model.integer.astype(np.int32),
        )  # fmt: skip
        if status == _core.HighsStatus.kError:
            raise SolverError(f"highs: the model {model.name!r} was rejected")
        if start is not None and model.n_integer:
            if len(start) != model.n_vars:
                raise SolverError(f"highs: a start needs {model.n_vars} values, got {len(start)}")
            solution = _core.HighsSolution()
            solution.col_value = np.asarray(start, dtype=float)
            solution.value_valid = True
            h.setSolution(solution)
        build_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        run_status = h.run()
        solve_s = time.perf_counter() - t1
        model_status = h.getModelStatus()
        info = h.getInfo()
        has_x = info.primal_solution_status == 2  # kSolutionStatusFeasible
        mapped = _status(model_status, has_x, run_status == _core.HighsStatus.kError)
        if model_status == _core.HighsModelStatus.kUnboundedOrInfeasible:
            mapped = settle_infeasible_or_unbounded(self, model, options)
        solution = h.getSolution()  # a copy of the primal and dual values: taken once
        x = np.asarray(solution.col_value, dtype=float) if has_x else None
        bound = float(info.mip_dual_bound) if model.n_integer and has_x else None
        stats = {"nodes": int(info.mip_node_count), "solver_objective": float(info.objective_function_value)}
        result = make_result(
            model, self.name, mapped, x, bound, solve_s, build_s, h.modelStatusToString(model_status), stats
        )
        if not model.n_integer and mapped == "optimal" and info.dual_solution_status == 2:
            result = replace(result, reduced_costs=np.asarray(solution.col_dual, dtype=float))
        return result


def _set_options(h: _Highs, options: MipOptions) -> None:
    """Set HiGHS options; an unknown name or bad value is a :class:`SolverError`."""
    from highspy import _core

    started = getattr(_scheduler, "threads", None)
    if started is not None and started != options.threads:
        _core._Highs.resetGlobalScheduler(True)
    _scheduler.threads = options.threads
    values: dict[str, bool | float | int | str] = {
        "threads": options.threads, "mip_rel_gap": options.rel_gap, "random_seed": options.seed,
    }  # fmt: skip
    if options.time_limit is not None:
        values["time_limit"] = float(options.time_limit)
    values.update(options.params)
    for key, value in values.items():
        if h.setOptionValue(key, value) == _core.HighsStatus.kError:
            raise SolverError(f"highs: option {key!r} cannot be set to {value!r}")


def _callbacks(h: _Highs, stop: Callable[[], bool] | None,
               progress: Callable[[float, float, float | None], None] | None) -> None:  # fmt: skip
    """Have HiGHS end its search when ``stop()`` turns true (checked at every interrupt callback), and
    tell ``progress(elapsed_s, best, bound)`` of improving solutions and, at its MIP log lines, of the
    incumbent and the bound as they stand."""
    from highspy import _core

    kinds = _core.cb.HighsCallbackType
    reports = (kinds.kCallbackMipImprovingSolution, kinds.kCallbackMipLogging)

    def callback(kind: _core.cb.HighsCallbackType, message: str, data_out: _core.cb.HighsCallbackOutput,
                 data_in: _core.cb.HighsCallbackInput, user_data: Any) -> None:  # fmt: skip
        if progress is not None and kind in reports:
            best = float(data_out.mip_primal_bound if kind == kinds.kCallbackMipLogging
                         else data_out.objective_function_value)  # fmt: skip
            bound = float(data_out.mip_dual_bound)
            if math.isfinite(best):
                progress(float(data_out.running_time), best, bound if math.isfinite(bound) else None)
        if stop is not None and stop():
            data_in.user_interrupt = True

    h.setCallback(callback, None)
    if stop is not None:
        for kind in (kinds.kCallbackSimplexInterrupt, kinds.kCallbackIpmInterrupt, kinds.kCallbackMipInterrupt):
            h.startCallback(kind)
    if progress is not None:
        for kind in reports:
            h.startCallback(kind)


def _status(model_status: HighsModelStatus, has_x: bool, failed: bool) -> MipStatus:
    from highspy import _core

    s = _core.HighsModelStatus
    if model_status in (s.kOptimal, s.kModelEmpty):
        return "optimal"
    if model_status == s.kInfeasible:
        return "infeasible"
    if model_status == s.kUnbounded:
        return "unbounded"
    if failed or model_status in (s.kLoadError, s.kModelError, s.kPresolveError, s.kSolveError, s.kPostsolveError):
        return "error"
    return "feasible" if has_x else "no_solution"
