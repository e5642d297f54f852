"""The README's examples run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_readme_has_a_library_example() -> None:
    """The README shows the library face."""
    assert any("optiops.solve" in block for block in python_blocks())


@pytest.mark.parametrize("block", python_blocks())
def test_readme_python_block_runs(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Python block of the README executes from the repository root."""
    monkeypatch.chdir(ROOT)
    block = block.replace('"out/', f'"{tmp_path}{os.sep}')
    exec(compile(block, "README.md", "exec"), {})


def test_quickstart_commands_match_ci() -> None:
    """.ci/run runs exactly the README's two quickstart commands."""
    readme = (ROOT / "README.md").read_text()
    quick = re.search(r"## Quickstart.*?```bash\n(.*?)```", readme, flags=re.S)
    assert quick is not None
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in quick.group(1).strip().splitlines():
        assert command in ci
