"""Fixtures of the service tests: the app in this process, and a real server process per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.service.helpers import Server, start_server


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[Any]:
    """The app in this process over a fresh data folder, one worker, its scheduler running."""
    from tests.service.helpers import test_client_class

    TestClient = test_client_class()
    from optiops.service.app import Settings, create_app

    app = create_app(Settings(data=tmp_path / "data", workers=1, max_body=2_000_000, stop_grace_s=5.0))
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for a test module, two workers."""
    srv = start_server(tmp_path_factory.mktemp("service") / "data")
    try:
        yield srv
    finally:
        srv.stop()
