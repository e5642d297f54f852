"""A backend-neutral mixed-integer linear model, built from arrays and handed to any MIP adapter.

The model is always a minimisation::

    minimise    cost @ x + offset
    subject to  row_lower <= matrix @ x <= row_upper
                lower <= x <= upper,  x[integer] integral

Formulations assemble it with :class:`LinearModelBuilder` from blocks of variables and blocks of rows
given as COO triplets (numpy arrays), so that building never loops over terms in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from optiops.exceptions import SolverError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class LinearModel:
    """Arrays of a MIP: variables (bounds, integrality, cost) and rows (CSR matrix, row bounds).

    Use :class:`LinearModelBuilder` rather than building this by hand; the constructor only checks
    that the shapes agree and that no bound is NaN.
    """

    cost: FloatArray
    lower: FloatArray
    upper: FloatArray
    integer: BoolArray
    matrix: sp.csr_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    offset: float = 0.0
    name: str = "model"

    def __post_init__(self) -> None:
        n, m = len(self.cost), len(self.row_lower)
        problems = [
            f"{what} has length {len(arr)}, expected {size}"
            for what, arr, size in [
                ("lower", self.lower, n),
                ("upper", self.upper, n),
                ("integer", self.integer, n),
                ("row_upper", self.row_upper, m),
            ]
            if len(arr) != size
        ]
        if self.matrix.shape != (m, n):
            problems.append(f"matrix has shape {self.matrix.shape}, expected {(m, n)}")
        for what, arr in [("cost", self.cost), ("lower", self.lower), ("upper", self.upper),
                          ("row_lower", self.row_lower), ("row_upper", self.row_upper)]:  # fmt: skip
            if np.isnan(arr).any():
                problems.append(f"{what} contains NaN")
        if np.isinf(self.cost).any():
            problems.append("cost contains an infinite coefficient")
        if problems:
            raise SolverError(f"linear model {self.name!r} is malformed: " + "; ".join(problems))

    @property
    def n_vars(self) -> int:
        """Number of variables (columns)."""
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        """Number of constraints (rows)."""
        return len(self.row_lower)

    @property
    def nnz(self) -> int:
        """Number of non-zero matrix coefficients."""
        return int(self.matrix.nnz)

    @property
    def n_integer(self) -> int:
        """Number of integer variables."""
        return int(np.count_nonzero(self.integer))

    def objective(self, x: ArrayLike) -> float:
        """Objective value of the point ``x``.

        Parameters
        ----------
        x : array_like
            One value per variable.

        Returns
        -------
        float
            ``cost @ x + offset``.
        """
        return float(self.cost @ np.asarray(x, dtype=float) + self.offset)

    def max_violation(self, x: ArrayLike) -> float:
        """Largest absolute violation of a bound, a row or integrality at the point ``x``.

        Parameters
        ----------
        x : array_like
            One value per variable.

        Returns
        -------
        float
            0.0 for a feasible point.
        """
        xs = np.asarray(x, dtype=float)
        act = self.matrix @ xs
        parts = [
            np.maximum(self.lower - xs, 0.0),
            np.maximum(xs - self.upper, 0.0),
            np.abs(xs - np.round(xs)) * self.integer,
            np.maximum(self.row_lower - act, 0.0),
            np.maximum(act - self.row_upper, 0.0),
        ]
        return float(max((p.max() for p in parts if p.size), default=0.0))


@dataclass
class LinearModelBuilder:
    """Collects blocks of variables and rows, then stacks them into one :class:`LinearModel`.

    Examples
    --------
    >>> b = LinearModelBuilder("knapsack")
    >>> x = b.add_vars(3, cost=[-5.0, -4.0, -3.0], upper=1.0, integer=True)
    >>> b.add_rows(rows=[0, 0, 0], cols=x, vals=[2.0, 3.0, 1.0], upper=[4.0])
    range(0, 1)
    >>> b.build().n_vars
    3
    """

    name: str = "model"
    offset: float = 0.0
    _cost: list[FloatArray] = field(default_factory=list)
    _lower: list[FloatArray] = field(default_factory=list)
    _upper: list[FloatArray] = field(default_factory=list)
    _integer: list[BoolArray] = field(default_factory=list)
    _rows: list[IntArray] = field(default_factory=list)
    _cols: list[IntArray] = field(default_factory=list)
    _vals: list[FloatArray] = field(default_factory=list)
    _row_lower: list[FloatArray] = field(default_factory=list)
    _row_upper: list[FloatArray] = field(default_factory=list)
    _n_vars: int = 0
    _n_rows: int = 0

    def add_vars(
        self,
        n: int,
        cost: ArrayLike = 0.0,
        lower: ArrayLike = 0.0,
        upper: ArrayLike = np.inf,
        integer: ArrayLike = False,
    ) -> IntArray:
        """Add ``n`` variables; every attribute is a scalar or an array of length ``n``.

        Parameters
        ----------
        n : int
            Number of variables.
        cost, lower, upper : array_like
            Objective coefficients and bounds (``-inf``/``inf`` for none).
        integer : array_like of bool
            Which variables are integral.

        Returns
        -------
        numpy.ndarray
            The indices of the new variables, for use in :meth:`add_rows`.
        """
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)))
        self._lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)))
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)))
        self._integer.append(np.broadcast_to(np.asarray(integer, dtype=bool), (n,)))
        idx = np.arange(self._n_vars, self._n_vars + n, dtype=np.int64)
        self._n_vars += n
        return idx

    def add_rows(
        self,
        rows: ArrayLike,
        cols: ArrayLike,
        vals: ArrayLike,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        n_rows: int | None = None,
    ) -> range:
        """Add a block of rows given by COO triplets with row numbers local to the block.

        Parameters
        ----------
        rows : array_like of int
            Row of each coefficient, counted from 0 within this block.
        cols : array_like of int
            Variable index of each coefficient (as returned by :meth:`add_vars`).
        vals : array_like of float
            The coefficients (a scalar applies to every triplet); duplicates are summed.
        lower, upper : array_like, optional
            Row bounds, scalars or one per row; ``None`` means unbounded on that side.
        n_rows : int, optional
            Number of rows in the block; by default the length of ``lower``/``upper`` or
            ``max(rows) + 1``.

        Returns
        -------
        range
            The global indices of the new rows.
        """
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        v = np.broadcast_to(np.asarray(vals, dtype=float), r.shape)
        if r.shape != c.shape:
            raise SolverError(f"{self.name}: rows and cols of a block differ in length ({len(r)} vs {len(c)})")
        k = n_rows if n_rows is not None else _block_size(lower, upper, r)
        if r.size and (r.min() < 0 or r.max() >= k):
            raise SolverError(f"{self.name}: a row index lies outside the block of {k} rows")
        if c.size and (c.min() < 0 or c.max() >= self._n_vars):
            raise SolverError(f"{self.name}: a column index refers to no variable")
        self._rows.append(r + self._n_rows)
        self._cols.append(c)
        self._vals.append(v)
        self._row_lower.append(np.broadcast_to(np.asarray(-np.inf if lower is None else lower, dtype=float), (k,)))
        self._row_upper.append(np.broadcast_to(np.asarray(np.inf if upper is None else upper, dtype=float), (k,)))
        block = range(self._n_rows, self._n_rows + k)
        self._n_rows += k
        return block

    def build(self) -> LinearModel:
        """Stack every block into a :class:`LinearModel` with a CSR matrix.

        Returns
        -------
        LinearModel
            The assembled model.
        """

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

        matrix = sp.coo_matrix(
            (cat(self._vals, float), (cat(self._rows, np.int64), cat(self._cols, np.int64))),
            shape=(self._n_rows, self._n_vars),
        ).tocsr()
        matrix.sum_duplicates()
        return LinearModel(
            cost=cat(self._cost, float),
            lower=cat(self._lower, float),
            upper=cat(self._upper, float),
            integer=cat(self._integer, bool),
            matrix=matrix,
            row_lower=cat(self._row_lower, float),
            row_upper=cat(self._row_upper, float),
            offset=self.offset,
            name=self.name,
        )


def _block_size(lower: ArrayLike | None, upper: ArrayLike | None, rows: IntArray) -> int:
    for bound in (lower, upper):
        if bound is not None and np.ndim(bound) == 1:
            return len(np.asarray(bound))
    return int(rows.max()) + 1 if rows.size else 0
