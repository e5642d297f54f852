"""Import a real order-line export into a scenario folder that ``optiops plan``, ``replay`` and ``forecast`` read.

``import_orders(paths, ImportOptions(...))`` reads the files (:mod:`~optiops.importing.lines`), cleans
them by explicit rules (:mod:`~optiops.importing.clean`), builds the scenario with what the planner's
``network.yaml`` adds (:mod:`~optiops.importing.network`, :mod:`~optiops.importing.build`) and
measures it (:mod:`~optiops.importing.summary`); ``write_import`` writes the folder and the summary
atomically, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optiops.importing.clean import clean_lines
from optiops.importing.lines import parse_map, read_lines
from optiops.importing.network import Network, read_network, replace_cleaning
from optiops.importing.summary import import_summary, summary_text
from optiops.model.scenario import Scenario

SUMMARY_FILE = "import_summary.json"


@dataclass(frozen=True)
class ImportOptions:
    """How to read and cut an export: column map (``--map`` text), network, hold-out trading days, SKUs left out."""

    mapping: str | None = None
    network: str | Path | None = None
    holdout: int = 28
    exclude_sku: str | None = None
    name: str = "imported"


@dataclass(frozen=True, eq=False)
class ImportResult:
    """The scenario and the import's summary (cleaning counts and measured facts)."""

    scenario: Scenario
    summary: dict[str, Any]

    def text(self) -> str:
        """The summary as printed lines."""
        return summary_text(self.summary)


def import_orders(paths: Sequence[str | Path], options: ImportOptions | None = None) -> ImportResult:
    """Read, clean and measure order-line files; the scenario of the operation they record.

    Parameters
    ----------
    paths : sequence of str or Path
        CSV, CSV.gz or Parquet files of order lines (later files may overlap earlier ones).
    options : ImportOptions, optional
        Column map, ``network.yaml``, hold-out, SKU exclusion.

    Returns
    -------
    ImportResult

    Raises
    ------
    InstanceError
        Bad input: file, line, column and reason.
    """
    from optiops.importing.build import build_scenario

    options = options or ImportOptions()
    network: Network = read_network(options.network)
    if options.exclude_sku:
        rule = network.cleaning.exclude_sku
        network = replace_cleaning(network, exclude_sku=f"(?:{rule})|(?:{options.exclude_sku})" if rule
                                   else options.exclude_sku)  # fmt: skip
    lines, files = read_lines(paths, parse_map(options.mapping))
    cleaned = clean_lines(lines, network.cleaning)
    scenario, notes = build_scenario(cleaned, network, options.holdout, network.name or options.name)
    return ImportResult(scenario, import_summary(files, cleaned, scenario, notes))


def write_import(result: ImportResult, folder: str | Path, compress: bool = True) -> list[Path]:
    """Write the scenario folder and ``import_summary.json`` at once (all or nothing).

    ``compress`` gzips the tables with a row per day or line (demand, returns, history, orders).
    """
    from optiops.io.atomic import write_all
    from optiops.model.scenario import ORDERS_TABLE
    from optiops.scenario.write import FOLDER_FILES, scenario_files

    folder = Path(folder)
    files = {folder / name: data for name, data in scenario_files(result.scenario, compress).items()}
    files[folder / SUMMARY_FILE] = (json.dumps(result.summary, indent=2) + "\n").encode()
    names = (*FOLDER_FILES, ORDERS_TABLE.file)
    write_all(files, stale=tuple(folder / n for n in (*names, *(f"{n}.gz" for n in names))))
    return list(files)


__all__ = ["ImportOptions", "ImportResult", "import_orders", "write_import"]
