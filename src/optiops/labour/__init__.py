"""Labour: CP-SAT rostering under contract rules, its independent checker, the rule diagnosis, and the
warehouse task-queue dispatcher with its intraday simulation."""

from optiops.labour.check import RosterCheck, check_matrix, check_roster
from optiops.labour.diagnose import diagnose_roster
from optiops.labour.intraday import DayResult, simulate_day, staff
from optiops.labour.reroster import reroster, with_absences
from optiops.labour.rostering import RosterModel, RosterOptions, build_roster_model, solve_roster
from optiops.labour.taskqueue import DispatchRules, TaskQueue, dispatch, synthetic_day

__all__ = [
    "DayResult",
    "DispatchRules",
    "RosterCheck",
    "RosterModel",
    "RosterOptions",
    "TaskQueue",
    "build_roster_model",
    "check_matrix",
    "check_roster",
    "diagnose_roster",
    "dispatch",
    "reroster",
    "simulate_day",
    "solve_roster",
    "staff",
    "synthetic_day",
    "with_absences",
]
