"""Bad requests get their status code and a clear message, and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.service.helpers import routing_document, zip_bytes


def nothing_stored(client: Any) -> None:
    data: Path = client.app.state.store.root
    assert client.get("/v1/jobs").json()["total"] == 0
    assert list((data / "staging").iterdir()) == [] and list((data / "jobs").iterdir()) == []


def test_malformed_json_is_400(app_client: Any) -> None:
    """A body that is not JSON: 400 naming the parse error."""
    response = app_client.post("/v1/jobs", content=b'{"instance": {', headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"].startswith("malformed JSON")
    nothing_stored(app_client)


def test_an_unknown_kind_is_422_with_the_known_kinds(app_client: Any) -> None:
    """``kind: lorry``: 422 listing the kinds, as the CLI says it."""
    response = app_client.post("/v1/jobs", json={"instance": routing_document(kind="lorry")})
    assert response.status_code == 422
    assert any("kind: unknown kind 'lorry'" in e for e in response.json()["errors"]), response.json()
    nothing_stored(app_client)


def test_an_invalid_instance_is_422_with_file_field_and_reason(app_client: Any) -> None:
    """A stop with a negative delivery: 422, the message names the document, the field path and the reason."""
    doc = routing_document()
    doc["stops"][0]["delivery"] = -4
    response = app_client.post("/v1/jobs", json={"instance": doc})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert (
        "routing.json: stops[0] (id 'a').delivery.constrained-int: Input should be greater than or equal to 0" in errors
    )
    assert not any("staging" in e for e in errors), errors  # the server's folders are not the planner's business
    nothing_stored(app_client)


def test_unknown_options_and_bad_modes_are_422(app_client: Any) -> None:
    """An option that does not exist, and ``plan`` for a routing instance: 422 naming them."""
    response = app_client.post("/v1/jobs", json={"instance": routing_document(), "options": {"speed": "max"}})
    assert response.status_code == 422 and "request.options.speed" in response.json()["errors"][0]
    response = app_client.post("/v1/jobs", json={"instance": routing_document(), "options": {"mode": "plan"}})
    assert response.status_code == 422 and "needs a scenario folder" in response.json()["errors"][0]
    response = app_client.post("/v1/jobs", json={"instance": {"kind": "scenario"}})
    assert response.status_code == 422 and "upload it zipped" in response.json()["errors"][0]
    nothing_stored(app_client)


@pytest.mark.parametrize(
    ("entries", "symlinks", "reason"),
    [
        ({"../evil.csv": b"x"}, None, "outside the folder"),
        ({"/etc/evil.csv": b"x"}, None, "outside the folder"),
        ({"scenario/a/../../evil.csv": b"x"}, None, "outside the folder"),
        ({"scenario/scenario.yaml": b"kind: scenario"}, {"scenario/skus.csv": "/etc/passwd"}, "symbolic link"),
        ({"bomb.csv": b"0" * 3_000_000}, None, "zip bomb"),
    ],
    ids=["dotdot", "absolute", "nested-dotdot", "symlink", "ratio"],
)
def test_unsafe_zips_are_refused(app_client: Any, entries: dict[str, bytes], symlinks: Any, reason: str) -> None:
    """Traversal, absolute names, symlinks and a zip that unzips over the allowed ratio: 422, nothing written."""
    files = {"file": ("scenario.zip", zip_bytes(entries, symlinks))}
    response = app_client.post("/v1/jobs", files=files, data={"mode": "plan"})
    assert response.status_code == 422, response.text
    assert any(reason in e for e in response.json()["errors"]), response.json()
    nothing_stored(app_client)


def test_a_zip_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    """A zip whose entries unzip past the total limit is refused before anything is written."""
    from optiops.exceptions import InstanceError
    from optiops.service.intake import Limits, unzip

    data = zip_bytes({f"f{i}.csv": bytes(range(256)) * 400 for i in range(10)})
    with pytest.raises(InstanceError, match="unzips to 1,024,000 bytes, more than 500,000"):
        unzip(data, tmp_path / "out", Limits(unzipped_bytes=500_000))
    assert not (tmp_path / "out").exists()


def test_a_body_over_the_limit_is_413(app_client: Any) -> None:
    """A request body over the limit (2 MB here): 413, by its Content-Length or as it streams in."""
    big = json.dumps({"instance": routing_document(name="x" * 2_100_000)}).encode()
    response = app_client.post("/v1/jobs", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "over the limit" in response.json()["detail"]

    def chunks() -> Any:
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    response = app_client.post("/v1/jobs", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    nothing_stored(app_client)


def test_the_api_key_is_required_and_checked(tmp_path: Path) -> None:
    """With a key: none -> 401, a wrong one -> 403, the right one (header or bearer) -> 200; the page stays open."""
    from tests.service.helpers import test_client_class

    TestClient = test_client_class()
    from optiops.service.app import Settings, create_app

    with TestClient(create_app(Settings(data=tmp_path / "data", workers=1, api_key="s3cret"))) as client:
        assert client.get("/v1/jobs").status_code == 401
        assert client.post("/v1/jobs", json={"instance": routing_document()}).status_code == 401
        assert client.get("/metrics", headers={"X-API-Key": "s3cres"}).status_code == 403
        assert client.get("/v1/jobs", headers={"X-API-Key": "s3cret"}).status_code == 200
        assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/").status_code == 200 and client.get("/healthz").status_code == 200
        assert client.get("/v1/jobs", headers={"X-API-Key": "s3cret"}).json()["total"] == 0


def test_a_zipped_document_is_accepted_like_the_document(app_client: Any) -> None:
    """A zip holding one instance document is that instance (the zip's name is not the kind's business)."""
    files = {"file": ("city.zip", zip_bytes({"city/tiny.json": json.dumps(routing_document()).encode()}))}
    response = app_client.post("/v1/jobs", files=files, data={"time_limit": "0.2", "plots": "false"})
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "routing"
    app_client.delete(response.json()["url"])


def test_serve_refuses_a_missing_or_empty_key_file(tmp_path: Path) -> None:
    """``optiops serve --api-key-file`` with no such file, or an empty one: exit 2 before listening."""
    from typer.testing import CliRunner

    from optiops.cli.main import app

    result = CliRunner().invoke(app, ["serve", "--api-key-file", str(tmp_path / "none"), "--data", str(tmp_path)])
    assert result.exit_code == 2 and "No such file" in " ".join(result.output.split())  # rich wraps lines
    (tmp_path / "empty").write_text("\n")
    result = CliRunner().invoke(app, ["serve", "--api-key-file", str(tmp_path / "empty"), "--data", str(tmp_path)])
    assert result.exit_code == 2 and "empty" in result.output
