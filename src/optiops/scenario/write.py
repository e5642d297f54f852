"""Write a scenario as a folder of CSV/YAML files, atomically, byte for byte reproducible.

Besides the tables of :data:`optiops.model.scenario.TABLES` the folder gets ``history.csv``: the
daily demand per SKU over the history days (hold-out excluded) in the long format ``unique_id, ds, y``
that ``optiops forecast`` reads; every SKU has a row on the first and the last history day, so each
series spans the whole history.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from optiops.io.atomic import write_all
from optiops.model.scenario import ORDERS_TABLE, TABLES, Scenario
from optiops.scenario.events import EVENTS_FILE, events_yaml

SCENARIO_FILE, COSTS_FILE, HISTORY_FILE = "scenario.yaml", "costs.yaml", "history.csv"
FOLDER_FILES = (SCENARIO_FILE, COSTS_FILE, HISTORY_FILE, *(t.file for t in TABLES))
DAILY_FILES = ("demand.csv", "returns.csv", HISTORY_FILE, ORDERS_TABLE.file)  # the bulk of a folder


def scenario_files(scenario: Scenario, compress: bool = False) -> dict[str, bytes]:
    """The content of every file of the scenario folder, by file name.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    compress : bool
        Gzip the tables with a row per day and SKU (``DAILY_FILES``: demand, returns, history), as
        ``<name>.csv.gz`` (reproducible: no time stamp inside); the small tables stay plain.

    Returns
    -------
    dict of str to bytes
        ``scenario.yaml``, ``costs.yaml``, one CSV per table and ``history.csv``; ``orders.csv`` and
        ``events.yaml`` when the scenario has them.
    """
    header = "".join(f"#   {name}: {_DESCRIPTIONS[name]}\n" for name in FOLDER_FILES)
    files = {
        SCENARIO_FILE: f"# Scenario folder (docs/scenario.md); its files:\n{header}".encode()
        + _yaml(_metadata(scenario)),
        COSTS_FILE: _yaml(scenario.costs.as_dict()),
    }
    for spec in TABLES:
        files[spec.file] = _csv(getattr(scenario, spec.name)[spec.column_names])
    files[HISTORY_FILE] = _csv(history_frame(scenario))
    if scenario.orders is not None:
        files[ORDERS_TABLE.file] = orders_csv(scenario.orders)
    if scenario.events is not None and scenario.events.events:
        files[EVENTS_FILE] = events_yaml(scenario.events)
    if compress:
        return {f"{name}.gz" if name in DAILY_FILES else name: _gzip(name, data) if name in DAILY_FILES
                else data for name, data in files.items()}  # fmt: skip
    return files


def write_scenario(scenario: Scenario, folder: str | Path, compress: bool = False) -> list[Path]:
    """Write the scenario folder; a failed write leaves the old content untouched.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    folder : str or Path
        Target folder (created when missing); other scenario files already there are replaced,
        plain or gzipped.
    compress : bool
        Gzip the daily tables (``<name>.csv.gz``; see :func:`scenario_files`), which
        :func:`optiops.scenario.read_scenario` reads too.

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    files = {folder / name: data for name, data in scenario_files(scenario, compress).items()}
    names = (*FOLDER_FILES, ORDERS_TABLE.file)
    stale = (*names, *(f"{n}.gz" for n in names), EVENTS_FILE)
    write_all(files, stale=tuple(folder / name for name in stale))
    return list(files)


def orders_csv(orders: pd.DataFrame) -> bytes:
    """``orders.csv``: ``time`` as ISO text to the minute (``YYYY-MM-DDTHH:MM``), text quoted.

    Written by Arrow's CSV writer rather than pandas: a real export has a million lines.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    table = pa.Table.from_pandas(orders[ORDERS_TABLE.column_names], preserve_index=False)
    times = pc.strftime(table.column("time").cast(pa.timestamp("s")), format="%Y-%m-%dT%H:%M")
    table = table.set_column(table.schema.get_field_index("time"), "time", times)
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def _gzip(name: str, data: bytes) -> bytes:
    """Reproducible gzip (no time stamp); ``orders.csv``, the largest table, at level 6 to keep an import fast."""
    return gzip.compress(data, compresslevel=6 if name == ORDERS_TABLE.file else 9, mtime=0)


def history_frame(scenario: Scenario) -> pd.DataFrame:
    """Daily units per SKU over the history days, long format ``unique_id, ds, y`` (zero rows mostly omitted).

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    pandas.DataFrame
        Sorted by id and date; every SKU has a row on the first and the last history day.
    """
    first, last = pd.Timestamp(scenario.start), pd.Timestamp(scenario.history_end)
    known = scenario.demand[scenario.demand["ds"] <= last]
    skus = list(scenario.skus["sku"])
    ends = pd.DataFrame({"sku": skus * 2, "ds": [first] * len(skus) + [last] * len(skus), "y": 0})
    rows = pd.concat([known[["sku", "ds", "y"]], ends], ignore_index=True)
    daily: pd.DataFrame = rows.groupby(["sku", "ds"], as_index=False).agg(y=("y", "sum"))
    daily.columns = pd.Index(["unique_id", "ds", "y"])
    return daily.sort_values(["unique_id", "ds"], ignore_index=True)


def _metadata(s: Scenario) -> dict[str, Any]:
    """The content of ``scenario.yaml``."""
    holdout_start = s.history_end.toordinal() + 1
    return {
        "kind": "scenario", "schema_version": 1, "name": s.name, "seed": s.seed, "currency": s.costs.currency,
        "start": s.start.isoformat(), "end": s.end.isoformat(), "days": s.days,
        "history_end": s.history_end.isoformat(), "holdout_days": s.holdout_days,
        "holdout_start": type(s.start).fromordinal(holdout_start).isoformat() if s.holdout_days else None,
        "config": s.config,
    }  # fmt: skip


_DESCRIPTIONS = {
    SCENARIO_FILE: "this file: metadata and the generator configuration",
    COSTS_FILE: "cost parameters (carrier tariff, holding, returns, labour extras)",
    HISTORY_FILE: "units per SKU and day over the history days (unique_id, ds, y) for optiops forecast",
    **{t.file: t.description for t in TABLES},
}


def _yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120).encode()


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode()
