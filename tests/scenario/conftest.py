"""Small scenarios shared by the scenario tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optiops.model.scenario import Scenario
from optiops.scenario import ScenarioConfig, generate_scenario, write_scenario

SMALL = ScenarioConfig(n_skus=40, n_warehouses=2, days=90, holdout_days=14)


@pytest.fixture(scope="session")
def small() -> Scenario:
    """40 SKUs, 2 warehouses, 90 days up to 2024-12-31 (double-eleven inside)."""
    return generate_scenario(SMALL, seed=7)


@pytest.fixture(scope="session")
def small_folder(small: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario written to a folder (read-only for the tests: copy before corrupting)."""
    folder = tmp_path_factory.mktemp("scenario") / "small"
    write_scenario(small, folder)
    return folder
