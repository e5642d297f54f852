"""The CLI says, writes and exits with the same things for every kind as the stored transcript."""

from __future__ import annotations

from pathlib import Path

from tests.cli.transcript import STORED, transcript


def test_transcript_unchanged(tmp_path: Path) -> None:
    """validate, solve, evaluate and schema on one instance of every kind match tests/cli/transcript.txt."""
    stored = STORED.read_text(encoding="utf-8").splitlines()
    fresh = transcript(tmp_path)
    assert [line.split(" | ")[0] for line in fresh] == [line.split(" | ")[0] for line in stored]
    for new, old in zip(fresh, stored, strict=True):
        assert new == old
