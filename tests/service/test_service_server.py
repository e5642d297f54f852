"""The real server process: the client submits a routing instance and a scenario and reads the plans back;
the page in headless Chromium uploads an instance, shows progress, KPIs and the route map, and downloads."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from tests.service.helpers import ARTIFACTS, ROUTING, SMALL_SCENARIO, Server

import optiops
from optiops.service.client import ServiceError

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def test_client_round_trip_of_a_routing_instance_and_a_scenario(server: Server) -> None:
    """A routing job, a scenario's plan and its replay on two workers; each plan is read back, the reports too."""
    client = optiops.Client(server.url)
    routing = client.submit(ROUTING, time_limit=2)
    scenario = client.submit(SMALL_SCENARIO, mode="plan", time_limit=0.5, horizon=7, scenarios=10)
    replay = client.submit(SMALL_SCENARIO, mode="replay", time_limit=0.5, days=2)  # after the routing job
    done = routing.wait(timeout=120)
    assert done["status"] == "done" and done["kpis"]["feasible"], done
    assert routing.plan()["kind"] == "routing-plan"
    planned = scenario.wait(timeout=180)
    assert planned["status"] == "done", planned
    assert planned["kind"] == "scenario" and planned["mode"] == "plan"
    assert set(planned["kpis"]) == {"baseline", "optimised"}
    assert scenario.plan()["kpis"] == planned["kpis"]
    assert {"report.html", "routes.csv", "kpis.json"} <= set(planned["files"])
    assert b"<html" in scenario.file("report.html")[:500].lower()
    with pytest.raises(ServiceError, match="404"):
        scenario.file("nope.csv")
    replayed = replay.wait(timeout=180)
    assert replayed["status"] == "done" and replayed["progress"]["message"] == "day 2 of 2", replayed
    assert replay.plan()["kpis"] == replayed["kpis"] and "report.html" in replayed["files"]


def test_the_page_uploads_watches_and_downloads(server: Server, tmp_path: Path) -> None:
    """Upload in Chromium, the status reaches done, KPIs and the route map show, routes.csv downloads.

    The page follows the job's progress events instead of polling its status.
    """
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        urls: list[str] = []
        page.on("request", lambda request: urls.append(request.url))
        try:
            page.goto(server.url + "/")
            page.set_input_files("#file", str(ROUTING))
            page.fill("#time-limit", "2")
            page.click("#submit")
            page.wait_for_function("document.getElementById('status').textContent === 'running'", timeout=60_000)
            page.wait_for_function("document.getElementById('status').textContent === 'done'", timeout=90_000)
            assert page.locator("#best").inner_text() not in ("", "\u2013")  # the page's dash for none
            assert page.locator("#kpis tbody tr").count() > 3
            assert any(url.endswith("/events") for url in urls), urls
            assert not [url for url in urls if re.search(r"/v1/jobs/[^/?]+$", url)], urls  # no status polls
            page.wait_for_function(
                "[...document.querySelectorAll('img.route-map')].some(i => i.complete && i.naturalWidth > 0)",
                timeout=30_000,
            )
            with page.expect_download() as download:
                page.locator("a.download", has_text="routes.csv").click()
            saved = tmp_path / "routes.csv"
            download.value.save_as(saved)
            assert download.value.suggested_filename == "routes.csv"
            assert saved.read_text().splitlines()[0].count(",") >= 3
            assert page.locator("#jobs tbody tr").count() >= 1
            assert errors == []
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "page-failure.png"), full_page=True)
            (ARTIFACTS / "page-failure.json").write_text(json.dumps({"errors": errors}, indent=2))
            raise
        finally:
            browser.close()


def chromium_path() -> str:
    """The Chromium to drive: ``OPTIOPS_CHROMIUM``, else the first of the usual names on the PATH."""
    for name in (os.environ.get("OPTIOPS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.fail("no Chromium found for the page test: install Debian's `chromium` or set OPTIOPS_CHROMIUM")
