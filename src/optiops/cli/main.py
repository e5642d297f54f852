"""The ``optiops`` command: a thin shell over the library; the only place that prints or exits.

The commands live one idea per module (``validate``, ``solve``, ``evaluate``, ``bench``, ``plan``,
...); this module assembles them into one typer app. Exit codes and error handling:
:mod:`optiops.cli.common`.
"""

from __future__ import annotations

import typer

from optiops.cli.bench import bench_app
from optiops.cli.common import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_SOLVER, err, out, user_errors
from optiops.cli.evaluate import evaluate as evaluate_command
from optiops.cli.forecast import backtest as backtest_command
from optiops.cli.forecast import forecast as forecast_command
from optiops.cli.generate import generate_app
from optiops.cli.importing import import_app
from optiops.cli.inventory import simulate as simulate_command
from optiops.cli.plan import plan as plan_command
from optiops.cli.replay import replay as replay_command
from optiops.cli.resolve import resolve as resolve_command
from optiops.cli.roster import reroster as reroster_command
from optiops.cli.serve import serve as serve_command
from optiops.cli.solve import solve as solve_command
from optiops.cli.validate import schema as schema_command
from optiops.cli.validate import validate as validate_command

app = typer.Typer(
    name="optiops",
    help="Optimisation engine for e-commerce fulfilment operations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(bench_app, name="bench")
app.add_typer(generate_app, name="generate")
app.add_typer(import_app, name="import")


def show_versions() -> None:
    """Print the versions of optiops, Python and the solver libraries."""
    from optiops.versions import package_versions

    for name, ver in package_versions().items():
        print(f"{name:>12}: {ver}")


app.command("validate")(validate_command)
app.command("solve")(solve_command)
app.command("evaluate")(evaluate_command)
app.command("schema")(schema_command)
app.command("show-versions")(show_versions)
app.command()(forecast_command)
app.command()(backtest_command)
app.command("simulate")(simulate_command)
app.command("plan")(plan_command)
app.command("replay")(replay_command)
app.command("reroster")(reroster_command)
app.command("resolve")(resolve_command)
app.command("serve")(serve_command)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_SOLVER", "app", "err", "main", "out", "user_errors"]
