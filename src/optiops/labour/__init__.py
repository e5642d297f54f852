"""Labour: CP-SAT rostering under contract rules, its independent checker, and the rule diagnosis."""

from optiops.labour.check import RosterCheck, check_matrix, check_roster
from optiops.labour.diagnose import diagnose_roster
from optiops.labour.reroster import reroster, with_absences
from optiops.labour.rostering import RosterModel, RosterOptions, build_roster_model, solve_roster

__all__ = [
    "RosterCheck",
    "RosterModel",
    "RosterOptions",
    "build_roster_model",
    "check_matrix",
    "check_roster",
    "diagnose_roster",
    "reroster",
    "solve_roster",
    "with_absences",
]
