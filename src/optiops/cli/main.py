"""The ``optiops`` command: a thin shell over the library; the only place that prints or exits.

Exit codes: 0 success, 1 solver failure, 2 bad input (file, field, reason), 3 infeasible
(with a diagnosis naming the stops to blame).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from optiops.cli.bench import bench_app
from optiops.cli.forecast import backtest as backtest_command
from optiops.cli.forecast import forecast as forecast_command
from optiops.cli.generate import generate_app
from optiops.cli.inventory import simulate as simulate_command
from optiops.cli.plan import plan as plan_command
from optiops.cli.roster import reroster as reroster_command
from optiops.exceptions import InfeasibleError, InstanceError, OptiopsError, SolverError

if TYPE_CHECKING:
    from optiops.solvers import MipOptions

app = typer.Typer(
    name="optiops",
    help="Optimisation engine for e-commerce fulfilment operations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(bench_app, name="bench")
app.add_typer(generate_app, name="generate")
out = Console()
err = Console(stderr=True)

EXIT_SOLVER, EXIT_INPUT, EXIT_INFEASIBLE = 1, 2, 3
ROUNDINGS = ("none", "round", "dimacs", "exact")
SOLVE_OUTPUTS = ("plan.json", "routes.csv", "solution.sol", "route_map.png", "route_schedule.png", "roster.csv",
                 "roster.png", "coverage.png", "policies.csv", "orders.csv", "stock.png", "schedule.csv",
                 "schedule.png", "placement.csv")  # fmt: skip


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our exceptions into a message and an exit code, never a traceback."""
    try:
        yield
    except InstanceError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_INPUT) from None
    except InfeasibleError as exc:
        err.print(f"[red]infeasible:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    except SolverError as exc:
        err.print(f"[red]solver error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_SOLVER) from None
    except OptiopsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_SOLVER) from None
    except OSError as exc:  # unreadable input, unwritable --out, a file where a folder should be
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"[red]error:[/red] {where}{exc.strerror or exc}", highlight=False)
        raise typer.Exit(EXIT_INPUT) from None


def _check_rounding(value: str | None) -> str | None:
    if value is not None and value not in ROUNDINGS:
        raise typer.BadParameter(f"choose one of {', '.join(ROUNDINGS)}")
    return value


RoundingOpt = Annotated[
    str | None,
    typer.Option(
        help="Integer scaling for the solvers: none|round|dimacs|exact (default: the instance's).",
        callback=_check_rounding,
    ),
]


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Instance file, YAML/JSON document or CSV folder.")]) -> None:
    """Read and validate an instance; report what it holds and any stop no vehicle can serve."""
    import optiops
    from optiops.io.documents import document_kind, read_document, validate_document
    from optiops.model.routing_arrays import routing_arrays
    from optiops.routing import diagnose
    from optiops.routing.solve import infeasible_error

    with user_errors():
        if file.is_dir() and (file / "scenario.yaml").is_file():  # a scenario folder (optiops plan's input)
            _validate_scenario(file)
            return
        kind = document_kind(file)
        if kind is not None and kind != "routing":  # any other document kind: its model validates it
            if file.is_dir():  # a CSV folder of a network kind
                from optiops.io.network_csv import READERS

                doc: Any = READERS[kind](file)
            else:
                doc = validate_document(read_document(file), str(file))
            out.print(f"{file}: valid {kind} document {getattr(doc, 'name', '')!r}", highlight=False)
            table = Table(show_header=False)
            for key, value in doc:
                if isinstance(value, list):
                    table.add_row(key, str(len(value)))
            out.print(table)
            return
        inst = optiops.load(file)
        table = Table(title=f"{file}: valid routing instance {inst.name!r}", show_header=False)
        fleet = ", ".join(f"{v.count} x {v.id}" for v in inst.vehicle_types)
        for key, value in [
            ("depots", len(inst.depots)), ("stops", len(inst.stops)), ("shipments", len(inst.shipments)),
            ("vehicles", fleet), ("dimensions", ", ".join(inst.dimensions)), ("rounding", inst.rounding),
            ("travel", inst.travel.metric),
        ]:  # fmt: skip
            table.add_row(key, str(value))
        out.print(table)
        problems = diagnose(routing_arrays(inst))
        if problems:
            raise infeasible_error(problems)


def _validate_scenario(folder: Path) -> None:
    """Read a scenario folder with every cross-check and print what it holds."""
    from optiops.scenario import read_scenario

    scenario = read_scenario(folder)
    table = Table(title=f"{folder}: valid scenario {scenario.name!r}", show_header=False)
    table.add_row("days", f"{scenario.start} .. {scenario.end} ({scenario.holdout_days} hold-out)")
    for name, frame in scenario.tables().items():
        table.add_row(name, f"{len(frame):,} rows")
    out.print(table)


@contextmanager
def _progress(enabled: bool, time_limit: float) -> Iterator[Callable[[float, float], None] | None]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("[bold]solving"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=time_limit)

        def update(elapsed: float, best: float) -> None:
            bar.update(task, completed=min(elapsed, time_limit), description=f"best {best:,.2f}")

        yield update


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="Instance file (YAML/JSON, .vrp, Solomon .txt) or CSV folder.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for plan.json, routes.csv and plots.")],
    backend: Annotated[
        str, typer.Option(help="Routing: auto|ortools|pyvrp. Facility, orders: auto|highs|scip|cbc|cpsat.")
    ] = "auto",
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds of search (default 5; facility, orders 60).", min=0.01)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    rounding: RoundingOpt = None,
    profile: Annotated[str | None, typer.Option(help="Solver profile from solvers/ (name or .toml).")] = None,
    plots: Annotated[bool, typer.Option(help="Write route_map.png and route_schedule.png.")] = True,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    capacity: Annotated[
        float | None, typer.Option(help="Facility: capacity of every warehouse of an OR-Library capa-capc file.")
    ] = None,
    threads: Annotated[
        int,
        typer.Option(
            help="Facility: threads of the MIP solver. Order allocation: MIP threads (core method: "
            "neighbourhoods solved at once). Roster, task day: CP-SAT workers.",
            min=1,
        ),
    ] = 1,
    presolve: Annotated[
        str,
        typer.Option(
            help="Facility, split demand: lagrangian (a Lagrangian bound fixes warehouses before the MIP) or off.",
        ),
    ] = "lagrangian",
) -> None:
    """Solve an instance and write the checked plan to OUT."""
    import optiops
    from optiops.io import dump_document, instance_format, solution_text
    from optiops.io.atomic import write_all
    from optiops.io.documents import document_kind
    from optiops.io.inventory_csv import is_inventory_input
    from optiops.io.orlib import is_facility_file
    from optiops.io.plan_csv import routes_csv
    from optiops.io.shift import is_roster_file
    from optiops.routing import SolveOptions
    from optiops.solvers import load_profile

    if presolve not in ("lagrangian", "off"):
        raise typer.BadParameter(f"expected lagrangian or off, got {presolve!r}", param_hint="--presolve")
    with user_errors():
        if is_facility_file(file):
            _solve_facility(file, out_dir, backend, time_limit, seed, capacity, threads, profile, presolve)
            return
        if is_roster_file(file):
            _solve_roster(file, out_dir, time_limit, seed, threads, plots)
            return
        if document_kind(file) == "order-allocation":
            _solve_orders(file, out_dir, backend, time_limit, seed, threads, profile)
            return
        if document_kind(file) == "placement":
            _solve_placement(file, out_dir, backend, time_limit, seed, threads, profile)
            return
        if document_kind(file) == "task-day":
            from optiops.cli.tasks import solve_task_day_file

            stale = tuple(out_dir / n for n in SOLVE_OUTPUTS)
            out.print(solve_task_day_file(file, out_dir, time_limit, seed, threads, plots, stale), highlight=False)
            return
        if is_inventory_input(file):
            from optiops.cli.inventory import solve_inventory_file

            solve_inventory_file(file, out_dir, backend, time_limit, seed, plots)
            return
        inst = optiops.load(file, rounding=rounding)  # type: ignore[arg-type]
        prof = load_profile(profile) if profile else None
        if prof is not None and prof.backend and backend == "auto":
            backend = prof.backend
        limit = time_limit if time_limit is not None else (prof.time_limit if prof and prof.time_limit else 5.0)
        with _progress(progress and sys.stderr.isatty(), limit) as cb:
            opts = SolveOptions(
                backend=backend, time_limit=limit, seed=seed, params=prof.params if prof else {}, progress=cb
            )
            res = optiops.solve(inst, options=opts)
        plan = res.plan
        if plan.status != "feasible":
            # not a proof of infeasibility: the search ran out of time (exit 1, not 3)
            raise SolverError(
                f"{plan.backend} found no feasible plan in {limit:g} s; its best attempt breaks:\n  "
                + "\n  ".join(plan.violations)
                + "\ntry a longer --time-limit or another --backend"
            )
        files: dict[Path, bytes] = {
            out_dir / "plan.json": dump_document(plan).encode(),
            out_dir / "routes.csv": routes_csv(plan, inst.dimensions).encode(),
        }
        if instance_format(file) == "vrplib":
            files[out_dir / "solution.sol"] = solution_text(plan).encode()
        if plots:
            files.update(_plots(inst, plan, out_dir))
        write_all(files, stale=tuple(out_dir / name for name in SOLVE_OUTPUTS))
    skipped = f", {len(plan.skipped)} skipped" if plan.skipped else ""
    out.print(
        f"[green]{plan.status}[/green] plan: cost {plan.objective:,.2f}, {len(plan.routes)} routes{skipped} "
        f"({plan.backend}, {plan.runtime_s:.1f} s) -> {out_dir}",
        highlight=False,
    )


def _mip_options(
    backend: str, time_limit: float | None, seed: int, threads: int, profile: str | None
) -> tuple[str, MipOptions]:
    """The backend and MIP options of a network ``solve``: the profile's backend, limit and parameters
    where the command line leaves them open (60 s without either)."""
    from optiops.solvers import MipOptions, load_profile

    prof = load_profile(profile) if profile else None
    if prof is not None and prof.backend and backend == "auto":
        backend = prof.backend
    limit = time_limit if time_limit is not None else (prof.time_limit if prof and prof.time_limit else 60.0)
    return backend, MipOptions(time_limit=limit, threads=threads, seed=seed, params=prof.params if prof else {})


def _require_checked(plan: Any, limit: float | None, what: str = "plan", advice: str = "") -> None:
    """Raise :class:`SolverError` when ``plan`` has no solution or the independent check rejects it."""
    if plan.status not in ("optimal", "feasible"):
        raise SolverError(f"{plan.backend} found no {what} in {limit:g} s; try a longer --time-limit{advice}")
    if plan.violations:
        raise SolverError(f"{plan.backend} returned a plan the checker rejects:\n  " + "\n  ".join(plan.violations))


def _solve_facility(
    file: Path, out_dir: Path, backend: str, time_limit: float | None, seed: int, capacity: float | None,
    threads: int, profile: str | None, presolve: str = "lagrangian",
) -> None:  # fmt: skip
    """``optiops solve`` for a facility instance: plan.json, written only after the independent check."""
    from optiops.allocation import solve_facility
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.orlib import load_facility

    inst = load_facility(file, capacity)
    backend, opts = _mip_options(backend, time_limit, seed, threads, profile)
    plan = solve_facility(inst, backend, opts, presolve="off" if presolve == "off" else "lagrangian")
    _require_checked(plan, opts.time_limit, advice=" or another --backend")
    write_all({out_dir / "plan.json": dump_document(plan).encode()}, stale=tuple(out_dir / n for n in SOLVE_OUTPUTS))
    gap = "" if plan.status == "optimal" else f", gap {plan.gap:.2%} to the bound" if plan.gap is not None else ""
    out.print(
        f"[green]{plan.status}[/green] plan: cost {plan.objective:,.2f}, {len(plan.open)} warehouses open{gap} "
        f"({plan.backend}, build {plan.build_s:.2f} s, solve {plan.solve_s:.1f} s) -> {out_dir}",
        highlight=False,
    )


def _solve_orders(
    file: Path, out_dir: Path, backend: str, time_limit: float | None, seed: int, threads: int, profile: str | None
) -> None:
    """``optiops solve`` for an order-allocation day: plan.json, written only after the independent check."""
    from optiops.allocation import solve_orders
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.documents import read_as
    from optiops.model.orders import OrderAllocationInstance

    inst = read_as(file, OrderAllocationInstance)
    backend, opts = _mip_options(backend, time_limit, seed, threads, profile)
    plan = solve_orders(inst, backend, opts)
    _require_checked(plan, opts.time_limit)
    write_all({out_dir / "plan.json": dump_document(plan).encode()}, stale=tuple(out_dir / n for n in SOLVE_OUTPUTS))
    gap = "" if plan.status == "optimal" else f", gap {plan.gap:.2%} to the bound" if plan.gap is not None else ""
    out.print(
        f"[green]{plan.status}[/green] plan: cost {plan.objective:,.2f}, {plan.parcels} parcels, {plan.split_orders} "
        f"split orders{gap} ({plan.backend} {plan.method}, build {plan.build_s:.2f} s, solve {plan.solve_s:.1f} s)"
        f" -> {out_dir}",
        highlight=False,
    )


def _solve_placement(
    file: Path, out_dir: Path, backend: str, time_limit: float | None, seed: int, threads: int, profile: str | None
) -> None:
    """``optiops solve`` for an inventory placement: plan.json and placement.csv, after the independent check."""
    from optiops.allocation import solve_placement
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.documents import read_as
    from optiops.model.placement import PlacementInstance

    inst = read_as(file, PlacementInstance)
    backend, opts = _mip_options(backend, time_limit, seed, threads, profile)
    plan = solve_placement(inst, backend, opts)
    _require_checked(plan, opts.time_limit, what="placement")
    rows = ["sku,warehouse,units"] + [f"{st.sku},{st.warehouse},{st.units:.6g}" for st in plan.stocked]
    write_all({out_dir / "plan.json": dump_document(plan).encode(),
               out_dir / "placement.csv": ("\n".join(rows) + "\n").encode()},
              stale=tuple(out_dir / n for n in SOLVE_OUTPUTS))  # fmt: skip
    gap = "" if plan.status == "optimal" else f", gap {plan.gap:.2%} to the bound" if plan.gap is not None else ""
    if plan.method == "fixed-primaries":
        kind = "Lagrangian bound" if plan.bound is not None else "no bound"
        gap += f", primaries fixed ({plan.primary_rounds} rounds, {kind})"
    out.print(
        f"[green]{plan.status}[/green] placement: cost {plan.objective:,.2f} per period, {len(plan.stocked)} SKU "
        f"stockings, split rate {plan.split_rate:.1%}{gap} ({plan.backend}, build {plan.build_s:.2f} s, "
        f"solve {plan.solve_s:.1f} s) -> {out_dir}",
        highlight=False,
    )


def _solve_roster(file: Path, out_dir: Path, time_limit: float | None, seed: int, workers: int, plots: bool) -> None:
    """``optiops solve`` for a roster: plan.json, roster.csv and charts, written after the independent check."""
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.shift import load_roster, roster_csv
    from optiops.labour import RosterOptions, solve_roster

    inst = load_roster(file)
    limit = time_limit if time_limit is not None else 60.0
    plan = solve_roster(inst, RosterOptions(time_limit=limit, num_workers=workers, seed=seed))
    if plan.status not in ("optimal", "feasible"):
        raise SolverError(f"CP-SAT found no roster in {limit:g} s; try a longer --time-limit")
    if plan.violations:
        raise SolverError("CP-SAT returned a roster the checker rejects:\n  " + "\n  ".join(plan.violations))
    files = {
        out_dir / "plan.json": dump_document(plan).encode(),
        out_dir / "roster.csv": roster_csv(inst, plan).encode(),
    }
    if plots:
        from optiops.plotting.roster import plot_coverage, plot_roster
        from optiops.plotting.save import figure_png

        files[out_dir / "roster.png"] = figure_png(lambda ax: plot_roster(inst, plan, ax=ax), size=(12.0, 7.0))
        files[out_dir / "coverage.png"] = figure_png(lambda ax: plot_coverage(inst, plan, ax=ax), size=(12.0, 4.0))
    write_all(files, stale=tuple(out_dir / n for n in SOLVE_OUTPUTS))
    gap = "" if plan.gap is None else f", gap {plan.gap:.2%} to the bound"
    out.print(
        f"[green]{plan.status}[/green] roster: penalty {plan.objective}{gap} "
        f"({len(inst.employees)} employees x {inst.horizon} days, {plan.runtime_s:.1f} s) -> {out_dir}",
        highlight=False,
    )


def _plots(inst: Any, plan: Any, out_dir: Path) -> dict[Path, bytes]:
    from optiops.plotting import figure_png, plot_route_map, plot_route_schedule

    return {
        out_dir / "route_map.png": figure_png(lambda ax: plot_route_map(inst, plan, ax=ax)),
        out_dir / "route_schedule.png": figure_png(lambda ax: plot_route_schedule(inst, plan, ax=ax)),
    }


@app.command()
def evaluate(
    file: Annotated[
        Path,
        typer.Argument(help="Instance file (routing, facility, placement, roster, order allocation or task day)."),
    ],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="plan.json to check.")],
    rounding: RoundingOpt = None,
    capacity: Annotated[float | None, typer.Option(help="Facility: capacity of an OR-Library capa-capc file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Recompute a plan's cost and feasibility independently of the solver that made it."""
    import optiops
    from optiops.allocation import check_facility, check_orders
    from optiops.io.documents import document_kind, read_as
    from optiops.io.orlib import is_facility_file, load_facility, read_facility_plan
    from optiops.io.shift import is_roster_file, load_roster, read_roster_plan
    from optiops.labour import check_roster
    from optiops.model.orders import OrderAllocationInstance, OrderAllocationPlan

    with user_errors():
        if is_roster_file(file):
            rplan = read_roster_plan(plan_file)
            rcheck = check_roster(load_roster(file), rplan)
            feasible, violations = rcheck.feasible, rcheck.violations
            objective, stated = float(rcheck.objective), None if rplan.objective is None else float(rplan.objective)
            p = rcheck.penalties
            summary = (f"penalty {objective:g} (shift-on {p.shift_on}, shift-off {p.shift_off}, under-cover "
                       f"{p.under_cover}, over-cover {p.over_cover})")  # fmt: skip
            extra: dict[str, object] = {"penalties": p.model_dump()}
        elif document_kind(file) == "order-allocation":
            oplan = read_as(plan_file, OrderAllocationPlan)
            ocheck = check_orders(read_as(file, OrderAllocationInstance), oplan)
            feasible, objective, violations = ocheck.feasible, ocheck.objective, ocheck.violations
            stated = oplan.objective
            summary = (f"cost {objective:,.4f} (handling {ocheck.handling_cost:,.4f}, shipping "
                       f"{ocheck.shipping_cost:,.4f}, split {ocheck.split_cost:,.4f}), {ocheck.parcels} parcels, "
                       f"{ocheck.split_orders} split orders")  # fmt: skip
            extra = {"handling_cost": ocheck.handling_cost, "shipping_cost": ocheck.shipping_cost,
                     "split_cost": ocheck.split_cost, "parcels": ocheck.parcels,
                     "split_orders": ocheck.split_orders}  # fmt: skip
        elif document_kind(file) == "placement":
            from optiops.allocation import check_placement
            from optiops.model.placement import PlacementInstance, PlacementPlan

            pplan = read_as(plan_file, PlacementPlan)
            pcheck = check_placement(read_as(file, PlacementInstance), pplan)
            feasible, objective, violations = pcheck.feasible, pcheck.objective, pcheck.violations
            stated = pplan.objective
            summary = (f"cost {objective:,.4f} (holding {pcheck.holding_cost:,.4f}, stocking "
                       f"{pcheck.stocking_cost:,.4f}, shipping {pcheck.shipping_cost:,.4f}, split "
                       f"{pcheck.split_cost:,.4f}), split rate {pcheck.split_rate:.2%}")  # fmt: skip
            extra = {"holding_cost": pcheck.holding_cost, "stocking_cost": pcheck.stocking_cost,
                     "shipping_cost": pcheck.shipping_cost, "split_cost": pcheck.split_cost,
                     "split_rate": pcheck.split_rate}  # fmt: skip
        elif document_kind(file) == "task-day":
            from optiops.labour.tasks import check_task_day
            from optiops.model.labour import TaskDayInstance, TaskDayPlan

            tplan = read_as(plan_file, TaskDayPlan)
            tcheck = check_task_day(read_as(file, TaskDayInstance), tplan)
            feasible, violations = not tcheck.violations, list(tcheck.violations)
            objective, stated = float(tcheck.lateness), float(tplan.lateness)
            summary = f"lateness {tcheck.lateness} min, idle {tcheck.idle} min"
            extra = {"lateness": tcheck.lateness, "idle": tcheck.idle}
        elif is_facility_file(file):
            fplan = read_facility_plan(plan_file)
            check = check_facility(load_facility(file, capacity), fplan)
            feasible, objective, violations, stated = check.feasible, check.objective, check.violations, fplan.objective
            summary = f"cost {objective:,.4f} (fixed {check.fixed_cost:,.4f}, assignment {check.assignment_cost:,.4f})"
            extra = {"fixed_cost": check.fixed_cost, "assignment_cost": check.assignment_cost}
        else:
            plan = optiops.load_plan(plan_file)
            ev = optiops.evaluate(optiops.load(file), plan, rounding=rounding)  # type: ignore[arg-type]
            feasible, objective, violations, stated = ev.feasible, ev.objective, ev.violations, plan.objective
            summary = f"cost {objective:,.4f}, distance {ev.distance:,.4f}, {len(ev.routes)} routes"
            extra = {"distance": ev.distance, "skipped": ev.skipped}
    if as_json:
        out.print_json(json.dumps({"feasible": feasible, "objective": objective, **extra, "violations": violations}))
    else:
        out.print(("[green]feasible[/green]" if feasible else "[red]infeasible[/red]") + f": {summary}")
        for v in violations:
            out.print(f"  - {v}", highlight=False)
        if stated is not None and abs(stated - objective) > 1e-6 * max(1, abs(objective)):
            out.print(f"[yellow]the plan states cost {stated:,.4f}[/yellow]")
    if not feasible:
        raise typer.Exit(EXIT_INFEASIBLE)


@app.command()
def schema(kind: Annotated[str, typer.Argument(help="Document kind, e.g. routing.")]) -> None:
    """Print the JSON Schema of an instance or plan kind."""
    from optiops.io import schema as schema_of

    with user_errors():
        text = schema_of(kind)
    print(text)


@app.command("show-versions")
def show_versions() -> None:
    """Print the versions of optiops, Python and the solver libraries."""
    from optiops.versions import package_versions

    for name, ver in package_versions().items():
        print(f"{name:>12}: {ver}")


app.command()(forecast_command)
app.command()(backtest_command)
app.command("simulate")(simulate_command)
app.command("plan")(plan_command)
app.command("reroster")(reroster_command)


def main() -> None:
    """Console-script entry point."""
    app()
