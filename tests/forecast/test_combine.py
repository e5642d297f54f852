"""``auto`` by RMSSE: the combination of candidates fitted on the backtest; the pinball choice; Profiled."""

from __future__ import annotations

import numpy as np
import pytest
from tests.forecast.cases import history_of, poisson_panel

from optiops.forecast import AutoForecaster, Backtest, MovingAverage, Naive
from optiops.forecast.combine import combination_weights
from optiops.forecast.models import IMAPA, Profiled


def test_weights_recover_a_known_mix() -> None:
    """Actuals that are exactly 0.3 x one candidate + 0.7 x another get those weights."""
    rng = np.random.default_rng(1)
    f = rng.gamma(2.0, 1.0, (40, 3, 4, 5))
    actuals = 0.3 * f[:, 0] + 0.7 * f[:, 2]
    for objective, tol in (("stocking", 1e-6), ("rmsse", 1e-3)):  # RMSSE: L-BFGS-B at a root's kink
        w = combination_weights(f, actuals, np.ones(40), np.zeros(40), objective)  # type: ignore[arg-type]
        np.testing.assert_allclose(w, np.tile([0.3, 0.0, 0.7], (40, 1)), atol=tol)


def test_stocking_weights_hold_the_total_demand_and_rmsse_weights_shrink() -> None:
    """Noisy candidates: weights fitted to RMSSE shrink the total below the demand; stocking holds it."""
    rng = np.random.default_rng(2)
    truth = rng.gamma(1.0, 2.0, (60, 1, 1))
    actuals = rng.poisson(np.broadcast_to(truth, (60, 6, 4))).astype(float)
    f = np.stack([truth * rng.gamma(4.0, 0.25, (60, 6, 4)) for _ in range(2)], axis=1)
    free = combination_weights(f, actuals, np.ones(60), np.zeros(60), "rmsse")
    held = combination_weights(f, actuals, np.ones(60), np.zeros(60), "stocking")
    total = lambda w: float(np.einsum("nkwh,nk->", f, w))  # noqa: E731
    assert total(free) < 0.97 * actuals.sum()
    assert total(held) == pytest.approx(actuals.sum(), rel=1e-4)


def test_each_class_gets_its_own_weights_and_small_classes_share() -> None:
    """A class of at least 20 series fits its own weights; a smaller one takes those of all series."""
    rng = np.random.default_rng(3)
    f = rng.gamma(2.0, 1.0, (50, 2, 3, 4))
    actuals = np.where(np.arange(50)[:, None, None] < 25, f[:, 0], f[:, 1])
    labels = np.array(["a"] * 25 + ["b"] * 20 + ["c"] * 5)
    w = combination_weights(f, actuals, np.ones(50), labels)
    np.testing.assert_allclose(w[0], [1.0, 0.0], atol=1e-5)
    np.testing.assert_allclose(w[30], [0.0, 1.0], atol=1e-5)
    assert 0.0 < w[-1, 0] < 1.0 and 0.0 < w[-1, 1] < 1.0


def test_auto_by_rmsse_forecasts_the_weighted_sum_of_its_candidates() -> None:
    """Every series on the combination forecasts sum_j w_j x (candidate j refitted on its history)."""
    panel = poisson_panel(30, 36, 1.5)
    models = (Naive(), MovingAverage(6), IMAPA())
    auto = AutoForecaster(models=models, backtest=Backtest(h=4, n_windows=6)).fit(panel)
    assert np.all(auto.chosen_ == "Combination")
    expected = sum(auto.weights_[:, [j]] * m.fit(panel).predict(4)["mean"] for j, m in enumerate(models))
    np.testing.assert_allclose(auto.predict(4)["mean"], expected)


def test_metric_must_be_known() -> None:
    """An unknown metric is refused by name."""
    with pytest.raises(ValueError, match="metric"):
        AutoForecaster(metric="mape").fit(poisson_panel(3, 24, 1.0))  # type: ignore[arg-type]


def test_pinball_choice_ranks_by_the_quantile_loss() -> None:
    """With metric='pinball' and no shrinkage each series takes the candidate of least backtest pinball."""
    panel = poisson_panel(12, 36, 0.8)
    auto = AutoForecaster(models=(Naive(), MovingAverage(12)), backtest=Backtest(h=4, n_windows=6),
                          metric="pinball", shrinkage=0.0).fit(panel)  # fmt: skip
    scores = np.where(np.isfinite(auto.scores_), auto.scores_, np.inf)
    np.testing.assert_array_equal(auto.choice_, np.argmin(scores, axis=1))


def test_profiled_shapes_a_flat_level_by_the_week() -> None:
    """A series that sells only on one weekday forecasts its level on that weekday and half the
    pooled shape elsewhere (own weight 0.5); the week of the forecast continues the history's."""
    week = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0]
    panel = history_of(week * 8, [1.0] * 56, freq="D")
    pred = Profiled(MovingAverage(7), season_length=7, own_weight=0.5).fit(panel).predict(7)["mean"]
    own = np.array(week)  # weekday means over an overall mean of 1
    pooled = (own + 1.0) / np.mean(own + 1.0)
    np.testing.assert_allclose(pred[0], 1.0 * (0.5 * own + 0.5 * pooled))
    np.testing.assert_allclose(pred[1], 1.0 * (0.5 * np.ones(7) + 0.5 * pooled))
