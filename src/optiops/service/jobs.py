"""The job models of the service API: what a client sends with a job and what it reads back."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["queued", "running", "done", "failed", "stopped"]
Mode = Literal["solve", "plan", "replay"]
FINISHED: frozenset[str] = frozenset({"done", "failed", "stopped"})
PLAN_DOCUMENT: dict[str, str] = {"solve": "plan.json", "plan": "plan.json", "replay": "replay.json"}  # GET .../plan

# hard wall-clock stop of a solve when the job names none: the search time plus room for loading and writing
SOLVE_WALL_FACTOR, SOLVE_WALL_EXTRA = 2.0, 60.0
SCENARIO_WALL = 1800.0  # a plan or replay runs many solver calls; its time limit is per call


class JobOptions(BaseModel):
    """How to run a job; a kind ignores what it has no use for (as ``optiops solve`` does).

    ``mode`` is ``solve`` for an instance of any kind, ``plan`` or ``replay`` for a scenario folder.
    ``time_limit`` is seconds of search (per solver call for ``plan``/``replay``; ``None``: the kind's
    default); ``wall_limit`` the hard stop of the whole job, after which its process is killed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode = "solve"
    backend: str = "auto"
    time_limit: float | None = Field(default=None, gt=0, le=86400)
    seed: int = 1
    wall_limit: float | None = Field(default=None, gt=0, le=7 * 86400)
    horizon: int | None = Field(default=None, ge=1, description="plan: hold-out days to judge (default: all)")
    days: int | None = Field(default=None, ge=1, description="replay: hold-out days to replay (default: all)")
    scenarios: int = Field(default=200, ge=10, description="plan: inventory simulation replications")
    plots: bool = Field(default=True, description="solve: draw the kind's PNG charts (route maps ...)")

    def hard_stop(self, default_time_limit: float) -> float:
        """Seconds after which the job's process is killed."""
        if self.wall_limit is not None:
            return self.wall_limit
        if self.mode != "solve":
            return SCENARIO_WALL
        return SOLVE_WALL_FACTOR * (self.time_limit or default_time_limit) + SOLVE_WALL_EXTRA


class JobRequest(BaseModel):
    """``POST /v1/jobs`` as JSON: an instance document of any kind (its ``kind`` field says which) and options."""

    model_config = ConfigDict(extra="forbid")

    instance: dict[str, Any] = Field(description="An instance document, as `optiops schema KIND` describes it.")
    options: JobOptions = JobOptions()


class Progress(BaseModel):
    """How far a job has got: wall seconds, the best objective so far and a bound where the solver has one."""

    elapsed_s: float | None = None
    best: float | None = None
    bound: float | None = None
    history: list[tuple[float, float]] = Field(default_factory=list, description="(elapsed_s, best) improvements")
    message: str | None = Field(default=None, description="what the job is doing")


class Job(BaseModel):
    """A job as ``GET /v1/jobs/{id}`` reports it."""

    id: str
    kind: str
    mode: Mode
    name: str
    status: Status
    created: float
    started: float | None = None
    finished: float | None = None
    options: JobOptions
    progress: Progress = Progress()
    kpis: dict[str, Any] | None = None
    error: str | None = None
    files: list[str] = Field(default_factory=list)
    attempts: int = 0


class JobList(BaseModel):
    """``GET /v1/jobs``: jobs newest first, without their progress history."""

    jobs: list[Job]
    total: int


class Accepted(BaseModel):
    """``POST /v1/jobs``: the new job's id and where to follow it."""

    id: str
    status: Status
    kind: str
    mode: Mode
    url: str


class EvaluateRequest(BaseModel):
    """``POST /v1/evaluate``: an instance document and a plan document of the same kind."""

    model_config = ConfigDict(extra="forbid")

    instance: dict[str, Any]
    plan: dict[str, Any]
    rounding: str | None = None


class Evaluation(BaseModel):
    """The independent checker's verdict, as ``optiops evaluate --json`` prints it."""

    kind: str
    feasible: bool
    objective: float
    violations: list[str]
    summary: str
    figures: dict[str, Any] = Field(default_factory=dict)
    stated: float | None = None


class Problem(BaseModel):
    """An error response: what is wrong, one line per problem (file, field, reason for a bad instance)."""

    detail: str
    errors: list[str] = Field(default_factory=list)
