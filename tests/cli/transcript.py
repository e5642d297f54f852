"""A transcript of ``optiops validate|solve|evaluate|schema`` on one small instance of every kind.

Each entry records the command, its exit code, the files it wrote and its output with numbers and
folders masked (``#``, ``<tmp>``) and whitespace collapsed (rich wraps at the terminal's width), so a
change to what the CLI says, writes or exits with shows up while solver timings do not. The stored
transcript (``transcript.txt`` beside this file) was recorded before the kind registry replaced the
per-kind branches (inventory plans, which ``evaluate`` could not check then, since); ``test_transcript.py``
compares a fresh one against it.

Run ``python -m tests.cli.transcript`` to print a fresh transcript.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import yaml
from typer.testing import CliRunner

from optiops.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"
HERE = Path(__file__).resolve().parent
STORED = HERE / "transcript.txt"


def _documents(tmp: Path) -> dict[str, Path]:
    """The test suites' small hand-checked documents, written to ``tmp``."""
    from tests.allocation.cases import three_by_four
    from tests.allocation.test_orders import hand_document
    from tests.conftest import tiny_document as routing_document
    from tests.labour.cases import tiny_document as roster_document

    docs = {"routing.yaml": routing_document(), "facility.yaml": three_by_four(), "orders.yaml": hand_document(),
            "roster.yaml": roster_document()}  # fmt: skip
    bad = routing_document()
    bad["stops"][0]["delivery"] = -1
    docs["routing-bad.yaml"] = bad
    late = routing_document()
    late["stops"][2]["time_windows"] = [[0, 2]]
    docs["routing-late.yaml"] = late
    paths = {}
    for name, doc in docs.items():
        paths[name] = tmp / name
        paths[name].write_text(yaml.safe_dump(doc), encoding="utf-8")
    (tmp / "unknown.xyz").write_text("x\n", encoding="utf-8")
    paths["unknown.xyz"] = tmp / "unknown.xyz"
    return paths


def _cases(tmp: Path) -> Iterator[tuple[str, list[str]]]:
    """(label, arguments) of every command of the transcript, in order."""
    d = _documents(tmp)
    out = str(tmp / "out")
    inputs = [
        ("routing", d["routing.yaml"], ["--time-limit", "0.5"]),
        ("routing-vrplib", ROOT / "tests" / "data" / "tiny-tw.vrp", ["--time-limit", "0.5", "--no-plots"]),
        ("routing-csv", INSTANCES / "routing" / "city-csv", ["--time-limit", "0.5", "--no-plots"]),
        ("facility", d["facility.yaml"], ["--backend", "highs", "--time-limit", "5"]),
        ("placement", INSTANCES / "allocation" / "placement-30x3x8.yaml", ["--backend", "highs", "--time-limit", "2"]),
        ("orders", d["orders.yaml"], ["--backend", "highs", "--time-limit", "5"]),
        ("roster", d["roster.yaml"], ["--time-limit", "2", "--no-plots"]),
        ("task-day", INSTANCES / "labour" / "task-day.yaml", ["--time-limit", "2", "--no-plots"]),
        ("inventory", INSTANCES / "inventory" / "apparel-store.yaml", ["--time-limit", "10", "--no-plots"]),
    ]
    for label, path, options in inputs:
        yield f"{label} validate", ["validate", str(path)]
        yield f"{label} solve", ["solve", str(path), "--out", out, *options]
        yield f"{label} evaluate", ["evaluate", str(path), f"{out}/plan.json"]
        yield f"{label} evaluate --json", ["evaluate", str(path), f"{out}/plan.json", "--json"]
        yield f"{label} evaluate tampered", ["evaluate", str(path), str(_tampered(tmp / "out" / "plan.json"))]
    yield "scenario validate", ["validate", str(INSTANCES / "scenarios" / "small")]
    yield "routing bad input", ["solve", str(d["routing-bad.yaml"]), "--out", str(tmp / "bad")]
    yield "routing infeasible", ["solve", str(d["routing-late.yaml"]), "--out", str(tmp / "bad")]
    yield "routing infeasible validate", ["validate", str(d["routing-late.yaml"])]
    yield "unknown file type", ["solve", str(d["unknown.xyz"]), "--out", str(tmp / "bad")]
    yield "missing file", ["solve", str(tmp / "nothing.yaml"), "--out", str(tmp / "bad")]
    yield "missing plan", ["evaluate", str(d["facility.yaml"]), str(tmp / "nothing.json")]
    yield "unknown profile", ["solve", str(d["routing.yaml"]), "--out", str(tmp / "bad"), "--profile", "nope"]
    for kind in ("routing", "facility-plan", "roster", "no-such-kind"):
        yield f"schema {kind}", ["schema", kind]


def _tampered(plan: Path) -> Path:
    """A copy of ``plan`` whose stated objective is off by 1 (every kind's checker must notice or report it)."""
    if not plan.exists():
        return plan
    data = json.loads(plan.read_text(encoding="utf-8"))
    for key in ("objective", "lateness"):
        if isinstance(data.get(key), int | float):
            data[key] = data[key] + 1
    if isinstance(data.get("summary", {}).get("cost"), int | float):  # an inventory plan states its cost here
        data["summary"]["cost"] += 1
    tampered = plan.with_name("tampered.json")
    tampered.write_text(json.dumps(data), encoding="utf-8")
    return tampered


def mask(text: str, tmp: Path) -> str:
    """``text`` without whitespace (rich wraps long words anywhere), ``tmp`` as ``<tmp>``, numbers as ``#``."""
    text = "".join(text.split())
    text = text.replace("".join(str(tmp).split()), "<tmp>").replace("".join(str(ROOT).split()), "<root>")
    return re.sub(r"[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?%?", "#", text)


def transcript(tmp: Path) -> list[str]:
    """One line per command: label, exit code, files written, masked output."""
    runner = CliRunner()
    lines = []
    for label, args in _cases(tmp):
        out = tmp / "out"
        if args[0] == "solve" and out.exists():
            shutil.rmtree(out)
        result = runner.invoke(app, args)
        wrote = sorted(p.name for p in out.iterdir()) if args[0] == "solve" and out.exists() else []
        output = mask(result.output, tmp)
        if args[0] == "schema" and result.exit_code == 0:  # long JSON: its digest stands for it
            output = f"sha256 {hashlib.sha256(result.output.encode()).hexdigest()[:16]}"
        lines.append(f"{label} | exit {result.exit_code} | wrote {','.join(wrote)} | {output}")
    return lines


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(transcript(Path(folder))))
