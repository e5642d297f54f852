"""``network.yaml``: what an order export cannot hold, written by the planner, with a default for every field.

An export says what was ordered, when and where to; it says nothing about the warehouses, their
capacities, the fleet, the staff, costs or suppliers' lead times. The planner states those in a small
YAML file (docs/real-data.md lists every key and its default); what is left out takes the default.
Locations are latitude/longitude in degrees, projected to km on one plane (equirectangular around
the mean of the listed points), which is what the scenario's carrier tariff and transit days use.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from optiops.exceptions import InstanceError
from optiops.model.scenario import Costs
from optiops.scenario.config import ScenarioConfig, config_from_dict
from optiops.scenario.read import cost_problems

EARTH_KM = 6371.0


@dataclass(frozen=True)
class Region:
    """Where a region (a value of the export's region column) lies, and how far its customers spread."""

    lat: float
    lon: float
    radius_km: float = 10.0


@dataclass(frozen=True)
class WarehouseSpec:
    """One warehouse; ``None`` fields are sized from the imported demand (see :mod:`optiops.importing.build`)."""

    warehouse: str
    region: str
    lat: float | None = None
    lon: float | None = None
    order_capacity_per_day: int | None = None
    handling_cost_per_order: float = 1.3
    space_m3: float | None = None
    fixed_cost_per_day: float | None = None
    open_minute: int = 360
    close_minute: int = 1320


@dataclass(frozen=True)
class SkuDefaults:
    """What every SKU gets where the export says nothing (one value for all SKUs)."""

    category: str = "all"
    price: float = 10.0
    unit_cost_share: float = 0.5
    weight_kg: float = 0.5
    volume_l: float = 2.0
    return_delay_days: int = 7
    return_rate_cap: float = 0.8
    lead_time_mean_days: float = 14.0
    lead_time_sd_days: float = 4.0
    pack: int = 1


@dataclass(frozen=True)
class Cleaning:
    """Which lines the import keeps (docs/real-data.md, "Cleaning")."""

    include_sku: str = ""
    exclude_sku: str = ""
    outlier_factor: float = 100.0
    outlier_min_units: int = 1000
    credit_without_sale: str = "error"


@dataclass(frozen=True)
class Network:
    """The parsed ``network.yaml``: regions, warehouses, SKU defaults, cleaning rules, costs, generator overrides.

    ``generator`` holds :class:`optiops.scenario.ScenarioConfig` overrides (staff, labour standards,
    geography's promises and windows, stock cover) as a plain mapping; ``fleet`` maps a zone to the
    warehouse whose own vehicles deliver there, ``vehicles`` the rows of ``vehicles.csv``.
    """

    name: str | None = None
    seed: int = 1
    regions: dict[str, Region] = field(default_factory=dict)
    warehouses: tuple[WarehouseSpec, ...] = ()
    skus: SkuDefaults = field(default_factory=SkuDefaults)
    cleaning: Cleaning = field(default_factory=Cleaning)
    costs: Costs = field(default_factory=Costs)
    generator: dict[str, Any] = field(default_factory=dict)
    fleet: dict[str, str] = field(default_factory=dict)
    vehicles: tuple[dict[str, Any], ...] = ()
    unplaced_ring_km: float = 500.0

    def origin(self) -> tuple[float, float]:
        """(lat, lon) the km plane is centred on, where its distortion is least for the operation: the
        first warehouse (its own location, else its region's), else the mean of the regions, else (0, 0)."""
        first = self.warehouses[0] if self.warehouses else None
        if first is not None and first.lat is not None and first.lon is not None:
            return (first.lat, first.lon)
        if first is not None and first.region in self.regions:
            return (self.regions[first.region].lat, self.regions[first.region].lon)
        points = [(r.lat, r.lon) for r in self.regions.values()]
        if not points:
            return (0.0, 0.0)
        return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))

    def config(self) -> ScenarioConfig:
        """The generator configuration the overrides give (staff, labour, geography, stock)."""
        return config_from_dict(self.generator)


def read_network(path: str | Path | None) -> Network:
    """``network.yaml`` as a :class:`Network`; ``None`` gives every default.

    Raises
    ------
    InstanceError
        Not a mapping, an unknown key, a value of the wrong type; the message names the file and key.
    """
    if path is None:
        return Network()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InstanceError(f"cannot read: {exc}", str(path)) from exc
    try:
        network = _network(data)
        network.config()  # the generator overrides are checked now, not in the middle of the import
    except (TypeError, ValueError) as exc:
        raise InstanceError(str(exc), str(path)) from exc
    except InstanceError as exc:
        raise InstanceError(exc.problems, str(path)) from exc
    return network


def _network(data: Any) -> Network:
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of keys to values")
    data = dict(data)
    _known(data, Network, "")
    regions = {
        str(k): _build(Region, v, f"regions.{k}") for k, v in _mapping(data.pop("regions", {}), "regions").items()
    }
    warehouses = tuple(_build(WarehouseSpec, v, f"warehouses[{i}]") for i, v in enumerate(data.pop("warehouses", [])))
    cost_data = _mapping(data.pop("costs", {}), "costs")
    problems = cost_problems(cost_data, "costs.")
    if problems:
        raise ValueError("; ".join(problems))
    costs = Costs(**cost_data)
    skus = _build(SkuDefaults, data.pop("skus", {}), "skus")
    cleaning = _build(Cleaning, data.pop("cleaning", {}), "cleaning")
    if cleaning.credit_without_sale not in ("error", "drop"):
        raise ValueError("cleaning.credit_without_sale: choose 'error' or 'drop'")
    fleet = {str(k): str(v) for k, v in _mapping(data.pop("fleet", {}), "fleet").items()}
    vehicles = tuple(dict(_mapping(v, f"vehicles[{i}]")) for i, v in enumerate(data.pop("vehicles", [])))
    generator = _mapping(data.pop("generator", {}), "generator")
    return Network(regions=regions, warehouses=warehouses, costs=costs, skus=skus, cleaning=cleaning, fleet=fleet,
                   vehicles=vehicles, generator=dict(generator), **data)  # fmt: skip


def _mapping(value: Any, where: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping, got {value!r}")
    return value


def _known(data: dict[str, Any], cls: Any, where: str) -> None:
    unknown = sorted(set(data) - {f.name for f in fields(cls)})
    if unknown:
        raise ValueError(f"{where or 'top level'}: unknown key(s) {unknown}; known: {[f.name for f in fields(cls)]}")


def _build(cls: Any, data: Any, where: str) -> Any:
    """A dataclass from a mapping; numbers checked against the field's default type."""
    data = _mapping(data, where)
    _known(data, cls, where)
    for f in fields(cls):
        if f.name in data and isinstance(f.default, int | float) and not isinstance(f.default, bool):
            value = data[f.name]
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{where}.{f.name}: {value!r} is not a non-negative number")
    if cls is WarehouseSpec and ("warehouse" not in data or "region" not in data):
        raise ValueError(f"{where}: 'warehouse' and 'region' are required")
    if cls is Region and ("lat" not in data or "lon" not in data):
        raise ValueError(f"{where}: 'lat' and 'lon' are required")
    return cls(**data)


def project(points: dict[str, tuple[float, float]],
            origin: tuple[float, float] | None = None) -> dict[str, tuple[float, float]]:  # fmt: skip
    """(lat, lon) in degrees to (x, y) km, equirectangular around ``origin`` (default the points' mean)."""
    if not points:
        return {}
    lat0, lon0 = origin or (sum(p[0] for p in points.values()) / len(points),
                            sum(p[1] for p in points.values()) / len(points))  # fmt: skip
    scale = math.pi / 180.0 * EARTH_KM
    return {k: (round((lon - lon0) * scale * math.cos(math.radians(lat0)), 3), round((lat - lat0) * scale, 3))
            for k, (lat, lon) in points.items()}  # fmt: skip


def replace_cleaning(network: Network, **changes: Any) -> Network:
    """The network with some cleaning rules changed (the CLI's ``--exclude-sku``)."""
    return dataclasses.replace(network, cleaning=dataclasses.replace(network.cleaning, **changes))
