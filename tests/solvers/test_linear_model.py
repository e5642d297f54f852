"""The array-built linear model: blocks of variables and COO rows stacked into one CSR model."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from optiops.exceptions import SolverError
from optiops.solvers import LinearModel, LinearModelBuilder


def test_blocks_stack_into_csr() -> None:
    """Two variable blocks and two row blocks give the expected matrix, bounds and costs."""
    b = LinearModelBuilder("m", offset=3.0)
    x = b.add_vars(2, cost=[1.0, 2.0], upper=5.0)
    y = b.add_vars(1, cost=4.0, integer=True)
    assert list(x) == [0, 1] and list(y) == [2]
    first = b.add_rows(rows=[0, 0, 1], cols=[0, 2, 1], vals=[1.0, -1.0, 2.0], upper=[0.0, 4.0])
    second = b.add_rows(rows=[0, 0], cols=[0, 1], vals=1.0, lower=[1.0], upper=[1.0])
    model = b.build()
    assert (first, second) == (range(0, 2), range(2, 3))
    np.testing.assert_array_equal(model.matrix.toarray(), [[1, 0, -1], [0, 2, 0], [1, 1, 0]])
    np.testing.assert_array_equal(model.row_lower, [-np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(model.integer, [False, False, True])
    assert model.objective([1.0, 0.0, 1.0]) == pytest.approx(1.0 + 4.0 + 3.0)
    assert model.max_violation([1.0, 0.0, 1.0]) == pytest.approx(0.0)
    assert model.max_violation([0.5, 0.5, 0.0]) == pytest.approx(0.5)


def test_duplicate_triplets_are_summed() -> None:
    """Two coefficients for the same row and column add up."""
    b = LinearModelBuilder()
    b.add_vars(1)
    b.add_rows(rows=[0, 0], cols=[0, 0], vals=[1.0, 2.0], upper=[1.0])
    assert b.build().matrix.toarray()[0, 0] == 3.0


def test_column_out_of_range_is_refused() -> None:
    """A row naming a variable that does not exist is an error."""
    b = LinearModelBuilder()
    b.add_vars(2)
    with pytest.raises(SolverError, match="column"):
        b.add_rows(rows=[0], cols=[5], vals=1.0, upper=[1.0])


def test_shape_mismatch_is_refused() -> None:
    """A model whose arrays disagree in length names the culprit."""
    z = np.zeros(2)
    with pytest.raises(SolverError, match="upper"):
        LinearModel(cost=z, lower=z, upper=np.zeros(3), integer=np.zeros(2, dtype=bool),
                    matrix=sp.csr_matrix((0, 2)), row_lower=np.zeros(0), row_upper=np.zeros(0))  # fmt: skip
