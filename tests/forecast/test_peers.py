"""statsforecast's models as peers: same split, same scores, a clear error when statsforecast is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.forecast.cases import poisson_panel
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.forecast import MovingAverage
from optiops.forecast import peers as P
from optiops.forecast.bench import peer_rows


def test_peer_window_average_equals_optiops_moving_average() -> None:
    """statsforecast's WindowAverage(h) and optiops' MovingAverage(h) forecast the same on the same split."""
    pytest.importorskip("statsforecast")
    train = poisson_panel(6, 30, 1.2)
    (peer,) = P.run_peers(train, 4, (80,), season_length=12, only=("WindowAverage(4)",))
    np.testing.assert_allclose(peer.prediction["mean"], MovingAverage(4).fit(train).predict(4)["mean"])
    assert np.all(peer.prediction["lo-80"] <= peer.prediction["hi-80"]) and peer.seconds > 0


def test_peer_rows_carry_the_peer_and_its_version() -> None:
    """Every score row of a peer names statsforecast and its installed version."""
    pytest.importorskip("statsforecast")
    history = poisson_panel(8, 40, 0.6)
    train, test = history.split(4)
    table = peer_rows(train, test, 4, (80,), 12, False, conformal_windows=2)
    assert set(table["peer"]) == {"statsforecast"} and set(table["peer_version"]) == {P.peer_version()}
    assert {"IMAPA", "WindowAverage(4)", "AutoETS", "TSB(0.2, 0.2)"} <= set(table["model"])
    assert "AutoARIMA" not in set(table["model"])  # daily-only peers


def test_missing_statsforecast_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without statsforecast, asking for peers names the extra to install."""
    monkeypatch.setattr(P, "peer_version", lambda: None)
    with pytest.raises(P.PeersMissingError, match=r"optiops\[peers\]"):
        P.require_peers()


def test_bench_run_with_peers_but_without_statsforecast_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`optiops bench run forecast-carparts --peers` says what to install, before any model runs."""
    monkeypatch.setattr(P, "peer_version", lambda: None)
    result = CliRunner().invoke(app, ["bench", "run", "forecast-carparts", "--peers", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "optiops[peers]" in result.output


def test_peers_chosen_by_name_run_alone() -> None:
    """Named peers (alias or name without parameters) are the only peer rows, in the peers' order."""
    pytest.importorskip("statsforecast")
    history = poisson_panel(8, 40, 0.6)
    train, test = history.split(4)
    only = P.chosen_peers(("WindowAverage", "IMAPA", "TSB(0.2, 0.2)"))
    table = peer_rows(train, test, 4, (80,), 12, True, 2, only)
    assert list(dict.fromkeys(table["model"])) == ["WindowAverage(4)", "TSB(0.2, 0.2)", "IMAPA"]


def test_bench_run_with_unknown_peer_models_exits_2_naming_the_peers(tmp_path: Path) -> None:
    """`--peer-models` with an unknown name exits 2 before any model runs, listing the peers."""
    pytest.importorskip("statsforecast")
    args = ["bench", "run", "forecast-carparts", "--peer-models", "SES,Prophet", "--data", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "'Prophet'" in result.output and "AutoARIMA" in result.output
