"""Fixtures of the import tests: the synthetic export with one dirty line per cleaning rule, and a network."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.importing.cases import NETWORK, export_lines, with_dirt, write_export


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    return write_export(with_dirt(export_lines()), tmp_path / "lines.csv")


@pytest.fixture()
def network(tmp_path: Path) -> Path:
    path = tmp_path / "network.yaml"
    path.write_text(NETWORK)
    return path
