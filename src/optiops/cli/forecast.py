"""``optiops forecast`` and ``optiops backtest``: demand forecasts and their hold-out scores."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    import pandas as pd

    from optiops.model.demand import DemandHistory

out = Console()

ModelOpt = Annotated[
    str,
    typer.Option(
        help="auto|auto_class|naive|seasonal_naive|moving_average|croston|sba|tsb|adida|imapa|ses|ets|sarimax|cold_start"
    ),
]
RegressorsOpt = Annotated[
    str | None,
    typer.Option(help="Comma-separated numeric columns of HISTORY known ahead (e.g. price,promotion); needs --future."),
]
MetricOpt = Annotated[
    str | None,
    typer.Option(help="Loss auto chooses by: stocking (default; the mean, held to the demand), rmsse, mase, pinball."),
]
FutureOpt = Annotated[
    Path | None,
    typer.Option(help="CSV/Parquet with unique_id, ds and the --regressors columns for every series and step."),
]


def forecast(
    history: Annotated[Path, typer.Argument(help="Demand history: CSV/CSV.gz/Parquet with unique_id, ds, y.")],
    horizon: Annotated[int, typer.Option("--horizon", "-h", help="Steps ahead.", min=1)],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for forecast.csv.")],
    level: Annotated[list[float] | None, typer.Option(help="Interval level in percent (repeatable).")] = None,
    model: ModelOpt = "auto",
    freq: Annotated[str | None, typer.Option(help="Calendar (D, h, W-MON, MS, ...); inferred by default.")] = None,
    workers: Annotated[int | None, typer.Option(help="Parallel chunks (default: in this process).", min=1)] = None,
    regressors: RegressorsOpt = None,
    future: FutureOpt = None,
    plots: Annotated[bool, typer.Option(help="Write fan_chart.png for the busiest series.")] = True,
    metric: MetricOpt = None,
) -> None:
    """Forecast every series of HISTORY; write OUT/forecast.csv (unique_id, ds, model, forecast, lo-80, hi-80, ...)
    and fan_chart.png (history, forecast and intervals of the four busiest series).

    With --regressors and --future, models that take regressors (sarimax) use them; the others ignore them.
    A `group` (or `category`) column in HISTORY keeps groups apart, so short series borrow their group's shape.
    """
    from optiops.cli.common import user_errors
    from optiops.forecast import MODEL_NAMES, forecast_csv, forecast_frame, make_model
    from optiops.forecast.regressors import Regressors
    from optiops.io.atomic import write_all
    from optiops.io.demand import read_demand_inputs, read_future

    if model.lower() not in MODEL_NAMES:
        raise typer.BadParameter(f"choose one of {', '.join(MODEL_NAMES)}", param_hint="--model")
    model = auto_with_metric(model, metric)
    names = tuple(n.strip() for n in (regressors or "").split(",") if n.strip())
    if bool(names) != (future is not None):
        raise typer.BadParameter("--regressors and --future go together", param_hint="--regressors/--future")
    with user_errors():
        inputs = read_demand_inputs(history, freq=freq, regressors=names)
        hist = inputs.history
        regs = None
        if future is not None and inputs.past is not None:
            regs = Regressors(inputs.names, inputs.past, read_future(future, hist, horizon, inputs.names))
        frame = forecast_frame(
            hist, horizon, model=model, levels=tuple(level or (80, 95)), regressors=regs, groups=inputs.groups,
            executor="process" if workers else "inline", workers=workers, chunk_size=1000 if workers else None,
        )  # fmt: skip
        files = {out_dir / "forecast.csv": forecast_csv(frame).encode()}
        if plots:
            files[out_dir / "fan_chart.png"] = fan_chart(hist, frame, horizon, tuple(level or (80, 95)))
        write_all(files)
    if regs is not None and not make_model(model).uses_regressors:
        out.print(f"note: {model} does not use regressors; only sarimax does")
    out.print(f"forecast of {hist.n_series} series x {horizon} steps ({model}) -> {out_dir / 'forecast.csv'}")


def auto_with_metric(model: str, metric: str | None) -> str:
    """The registry name of ``auto`` choosing by ``metric`` (``model`` itself when no metric is given)."""
    from optiops.forecast.registry import AUTO_METRICS

    if metric is None:
        return model
    if model.lower() != "auto":
        raise typer.BadParameter(f"only --model auto takes a metric, not {model!r}", param_hint="--metric")
    if metric.lower() not in AUTO_METRICS:
        raise typer.BadParameter(f"{metric!r}: choose one of {', '.join(AUTO_METRICS)}", param_hint="--metric")
    return AUTO_METRICS[metric.lower()]


def fan_chart(hist: DemandHistory, frame: pd.DataFrame, horizon: int, levels: tuple[float, ...]) -> bytes:
    """Fan chart PNG of the four series with the most demand over their last ``3 * horizon`` steps."""
    import numpy as np
    import pandas as pd

    from optiops.plotting.forecast_fan import fan_figure_png

    tail = max(3 * horizon, 8)
    totals = [hist.values[hist.offsets[i + 1] - min(tail, int(hist.lengths[i])) : hist.offsets[i + 1]].sum()
              for i in range(hist.n_series)]  # fmt: skip
    busiest = np.argsort(totals)[::-1][:4]
    ends = hist.end_positions()
    grid = hist.grid(int(ends.max()) + 1)
    recent = {}
    for i in busiest:
        n = min(tail, int(hist.lengths[i]))
        dates = grid[int(ends[i]) - n + 1 : int(ends[i]) + 1]
        recent[hist.ids[i]] = pd.Series(hist.values[hist.offsets[i + 1] - n : hist.offsets[i + 1]], index=dates)
    return fan_figure_png(recent, frame, levels)


def backtest(
    history: Annotated[Path, typer.Argument(help="Demand history: CSV/CSV.gz/Parquet with unique_id, ds, y.")],
    horizon: Annotated[int, typer.Option("--horizon", "-h", help="Held-out steps per series.", min=1)],
    out_file: Annotated[Path, typer.Option("--out", help="Metrics table (CSV).")],
    level: Annotated[list[float] | None, typer.Option(help="Interval level in percent (repeatable).")] = None,
    model: Annotated[list[str] | None, typer.Option(help="Model(s) to compare (repeatable).")] = None,
    freq: Annotated[str | None, typer.Option(help="Calendar; inferred by default.")] = None,
) -> None:
    """Hold out the last HORIZON steps of every series and score each model, overall and per demand class."""
    from optiops.cli.common import user_errors
    from optiops.forecast import MODEL_NAMES, evaluate_models
    from optiops.forecast.evaluation import DEFAULT_MODELS
    from optiops.io.atomic import write_text
    from optiops.io.demand import read_demand

    unknown = [m for m in model or () if m.lower() not in MODEL_NAMES]
    if unknown:
        raise typer.BadParameter(f"unknown {unknown}; choose from {', '.join(MODEL_NAMES)}", param_hint="--model")
    with user_errors():
        table = evaluate_models(
            read_demand(history, freq=freq), horizon, tuple(model or DEFAULT_MODELS), tuple(level or (80, 95))
        )
        write_text(out_file, table.to_csv(index=False, float_format="%.6g"))
    out.print(table[table.group == "all"].drop(columns="group").round(3).to_string(index=False), highlight=False)
