"""The exception types optiops raises; every message is meant for a planner to read."""

from __future__ import annotations


class OptiopsError(Exception):
    """Base class of every error optiops raises on purpose."""


class InstanceError(OptiopsError):
    """An instance file or object is malformed; the message names file, field and reason."""

    def __init__(self, problems: list[str] | str, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__("\n".join(f"{where}{p}" for p in self.problems))


class InfeasibleError(OptiopsError):
    """The instance is well-formed but no plan can satisfy it; ``culprits`` names what to blame."""

    def __init__(self, message: str, culprits: list[str] | None = None) -> None:
        self.culprits = list(culprits or [])
        super().__init__(message)


class SolverError(OptiopsError):
    """A backend is unavailable, does not support the instance, or failed."""
