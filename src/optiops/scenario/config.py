"""Every parameter of the scenario generator, with its default and meaning (see ``docs/scenario.md``).

The configuration is a tree of frozen dataclasses: :class:`ScenarioConfig` holds the sizes and one
block per part of the operation (categories, demand, geography, fleet, staff, labour standards,
costs).  :func:`config_to_dict` and :func:`config_from_dict` turn it into the plain mapping stored
in ``scenario.yaml`` and back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from typing import Any, get_type_hints

from optiops.exceptions import InstanceError
from optiops.model.scenario import Costs


def report_costs() -> Costs:
    """The generator's default costs: ``Costs()`` with suppliers that cannot ship a SKU on about 10 % of
    days, in outages of three weeks (a supplier line fill near 90 %, see docs/scenario.md)."""
    return Costs(supplier_outage_share=0.10, supplier_outage_days=21.0)


def legacy_costs(costs: Costs) -> Costs:
    """``costs`` with the carrier and reverse-logistics prices and the always-shipping suppliers before
    the calibration to the report."""
    return dataclasses.replace(costs, parcel_base_cost=3.5, returns_pickup_cost=3.0, returns_processing_cost=1.8,
                               supplier_outage_share=0.0)  # fmt: skip


@dataclass(frozen=True)
class Category:
    """A product category and what its SKUs look like.

    Parameters
    ----------
    name : str
        Category id.
    share : float
        Share of the SKUs in the category.
    price_median, price_sigma : float
        List prices are log-normal: median (CNY) and sigma of the log.
    cost_ratio : float
        Unit cost over list price (mean; each SKU varies by a log-normal sigma 0.1).
    weight_kg, volume_l : float
        Median unit weight and volume (each SKU varies by a log-normal sigma 0.4).
    return_rate : float
        Mean share of sold units returned (each SKU varies by a log-normal sigma 0.25, mean kept).
    return_pickup_days : float
        Mean days from the sale until the return is picked up (1 + Poisson).
    processing_days : int
        Days from the pickup until the unit is sellable again (transit back, inspection).
    elasticity : float
        Price elasticity: demand scales with ``price_index ** -elasticity`` on promotion days.
    lead_time_days, lead_time_cv : float
        Mean replenishment lead time and its coefficient of variation.
    packs : tuple of int
        Case sizes a SKU's pack is drawn from.
    """

    name: str
    share: float
    price_median: float
    price_sigma: float
    cost_ratio: float
    weight_kg: float
    volume_l: float
    return_rate: float
    return_pickup_days: float
    processing_days: int
    elasticity: float
    lead_time_days: float
    lead_time_cv: float
    packs: tuple[int, ...]


# Calibrated to the report's starting point (docs/replay.md): suppliers ship in cartons, and the
# category mix returns about 23 % of the units sold.
DEFAULT_CATEGORIES = (
    Category("apparel", 0.30, 129.0, 0.55, 0.38, 0.45, 2.5, 0.35, 6.0, 3, 1.8, 12.0, 0.3, (2, 12, 24)),
    Category("beauty", 0.25, 99.0, 0.60, 0.32, 0.30, 0.6, 0.29, 5.0, 2, 1.5, 7.0, 0.25, (2, 24, 48)),
    Category("home", 0.20, 79.0, 0.70, 0.50, 1.20, 6.0, 0.26, 6.0, 3, 1.2, 15.0, 0.35, (2, 8, 12)),
    Category("electronics", 0.25, 199.0, 0.80, 0.70, 0.60, 2.0, 0.08, 5.0, 4, 2.0, 10.0, 0.3, (2, 10, 20)),
)
# The defaults before that calibration (``optiops generate scenario --calibration legacy``).
LEGACY_CATEGORIES = (
    Category("apparel", 0.40, 129.0, 0.55, 0.38, 0.45, 2.5, 0.35, 6.0, 3, 1.8, 12.0, 0.3, (1, 6, 12)),
    Category("beauty", 0.25, 99.0, 0.60, 0.32, 0.30, 0.6, 0.29, 5.0, 2, 1.5, 7.0, 0.25, (1, 12, 24)),
    Category("home", 0.20, 79.0, 0.70, 0.50, 1.20, 6.0, 0.26, 6.0, 3, 1.2, 15.0, 0.35, (1, 4, 6)),
    Category("electronics", 0.15, 199.0, 0.80, 0.70, 0.60, 2.0, 0.08, 5.0, 4, 2.0, 10.0, 0.3, (1, 5, 10)),
)


@dataclass(frozen=True)
class SalesEvent:
    """A platform-wide promotion on the same date every year: ``days`` days from ``month-day``."""

    name: str
    month_day: str
    days: int
    price_index: float


@dataclass(frozen=True)
class Demand:
    """How daily demand per SKU x zone is drawn.

    Parameters
    ----------
    units_per_sku_day : float
        Mean units per SKU per ordinary day (sets the scale: total = ``n_skus`` x this).
    zipf_exponent, zipf_offset_share : float
        SKU popularity ``1 / (rank + zipf_offset_share * n_skus) ** exponent``, rank 1, 2, ... (a few fast
        movers and a long intermittent tail; the offset grows with the assortment so a small one has a tail too).
    weekly : tuple of 7 floats
        Relative demand Monday ... Sunday (normalised to mean 1).
    dispersion : float
        Shape of the gamma day-to-day multiplier of each SKU (negative binomial noise; smaller = noisier).
    annual_growth : float
        Trend: demand grows by this share per year.
    events : tuple of SalesEvent
        Promotions (price cuts; demand uplift through the category elasticity).
    festival_month_day, festival_name : str
        Date and name of the festival peak (double-eleven).
    festival_profile : tuple of float
        Demand multipliers of the festival days, centred on the festival date.
    festival_price_index : float
        Price index on the festival days.
    dip_days, dip_factor : int, float
        The days just before the festival demand falls to ``dip_factor`` (shoppers wait for the deals).
    lines_probs, quantity_probs : tuple of float
        Probabilities of 1, 2, ... lines per order and 1, 2, ... units per line: how units group into orders.
    level_sd, level_half_life_days : float
        Every SKU's demand level drifts: its log follows a mean-reverting random walk (AR(1) by day)
        with this stationary sd and half-life, so items rise and fade for weeks at a time as real
        assortments do (a moving average lags them). ``level_sd = 0``: a stationary level.
    """

    units_per_sku_day: float = 1.5
    zipf_exponent: float = 1.15
    zipf_offset_share: float = 0.01
    weekly: tuple[float, ...] = (1.0, 0.96, 0.95, 0.97, 1.02, 1.08, 1.12)
    dispersion: float = 4.0
    annual_growth: float = 0.10
    events: tuple[SalesEvent, ...] = (
        SalesEvent("women's day", "03-07", 2, 0.85),
        SalesEvent("mid-year sale", "06-16", 3, 0.85),
        SalesEvent("double-twelve", "12-11", 2, 0.88),
    )
    festival_month_day: str = "11-11"
    festival_name: str = "double-eleven"
    festival_profile: tuple[float, ...] = (1.6, 4.0, 1.6)
    festival_price_index: float = 0.8
    dip_days: int = 10
    dip_factor: float = 0.75
    lines_probs: tuple[float, ...] = (0.70, 0.20, 0.07, 0.03)
    quantity_probs: tuple[float, ...] = (0.90, 0.08, 0.02)
    level_sd: float = 0.5
    level_half_life_days: float = 60.0


@dataclass(frozen=True)
class Geography:
    """Zones, warehouses, customer points and promises.

    Parameters
    ----------
    zones_per_warehouse : int
        Zones = this x warehouses.
    region_km : float
        Zones lie uniformly in a square of this side (km).
    population_sigma : float
        Log-normal sigma of zone populations (order shares).
    zone_radius_km : tuple of float
        Range of a zone's radius (customer points are normal around the centre with this sd).
    customers_per_zone : int
        Customer points per zone.
    fleet_radius_km : float
        Zones within this straight-line distance of a warehouse are delivered by its own fleet ...
    fleet_min_orders_per_day : float
        ... when they place at least this many orders a day (expected): a van is not run for a few
        dozen parcels a day, the carrier takes them.
    windows : tuple of (int, int)
        Delivery windows (minutes from midnight) customers choose from, uniformly.
    service_minutes : tuple of float
        Range of the minutes spent at a customer's door.
    promise_ids, promise_days, promise_shares : tuple
        Promise classes, their maximum transit days and the share of orders asking for each.
    handling_cost_range : (float, float)
        Handling cost per parcel, uniform per warehouse.
    capacity_quantile, capacity_cover : float
        Daily order capacity = cover x this quantile of the expected daily orders of the warehouse's zones.
    space_utilisation : float
        Share of the space the initial stock fills.
    rent_per_m3_day : float
        Fixed cost per m3 of space per day.
    open_minute, close_minute : int
        Warehouse opening hours (minutes from midnight).
    """

    zones_per_warehouse: int = 3
    region_km: float = 1200.0
    population_sigma: float = 0.8
    zone_radius_km: tuple[float, float] = (5.0, 15.0)
    customers_per_zone: int = 30
    fleet_radius_km: float = 40.0
    fleet_min_orders_per_day: float = 60.0
    windows: tuple[tuple[int, int], ...] = ((540, 720), (720, 1080), (1080, 1260), (540, 1260))
    service_minutes: tuple[float, float] = (2.0, 6.0)
    promise_ids: tuple[str, ...] = ("next-day", "two-day", "standard")
    promise_days: tuple[int, ...] = (1, 2, 5)
    promise_shares: tuple[float, ...] = (0.3, 0.35, 0.35)
    handling_cost_range: tuple[float, float] = (1.0, 1.6)
    capacity_quantile: float = 0.9
    capacity_cover: float = 1.3
    space_utilisation: float = 0.6
    rent_per_m3_day: float = 1.5
    open_minute: int = 360
    close_minute: int = 1320


@dataclass(frozen=True)
class VehicleSpec:
    """A vehicle type of the own fleet; ``share`` of a warehouse's fleet parcels go on this type."""

    vehicle_type: str
    capacity: int
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    speed_kmh: float
    shift_start: int
    shift_end: int
    share: float


# a van's lease, insurance and upkeep per day, fuel per km, the driver's wage per hour (a courier's pay)
DEFAULT_FLEET = (
    VehicleSpec("van", 120, 100.0, 0.8, 27.0, 30.0, 480, 1260, 0.7),
    VehicleSpec("e-trike", 40, 20.0, 0.05, 23.0, 18.0, 480, 1260, 0.3),
)
LEGACY_FLEET = (
    VehicleSpec("van", 120, 150.0, 1.2, 35.0, 30.0, 480, 1260, 0.7),
    VehicleSpec("e-trike", 40, 50.0, 0.3, 28.0, 18.0, 480, 1260, 0.3),
)


@dataclass(frozen=True)
class ShiftSpec:
    """A shift type: id, start 'HH:MM', minutes, shifts not allowed on the next day."""

    shift: str
    start: str
    minutes: int
    forbidden_successors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Staff:
    """Warehouse staff and their contracts.

    Parameters
    ----------
    shifts : tuple of ShiftSpec
        Shift types (a late shift may not be followed by an early one).
    full_time_share : float
        Share of full-time contracts; the rest are part-time.
    full_time_minutes, part_time_minutes : (int, int)
        Least and most minutes per week of each contract.
    full_time_shifts, part_time_shifts : int
        Most shifts per week.
    max_consecutive_shifts : int
        Longest run of worked days.
    wage, wage_sigma : float
        Median hourly wage (CNY) and its log-normal sigma; part-time pays ``part_time_wage_factor`` of it.
    part_time_wage_factor : float
        Part-time wage over the full-time wage.
    skill_probs : tuple of (str, float)
        Probability an employee has each skill (at least two per skill and warehouse are ensured).
    sizing_quantile : float
        Staff are sized for this quantile of the daily workload (the festival peak is left to temps).
    utilisation : float
        Share of paid time spent on standard tasks (breaks, travel, indirect work take the rest).
    min_per_warehouse : int
        Fewest employees of a warehouse (someone covers the other's days off).
    """

    shifts: tuple[ShiftSpec, ...] = (
        ShiftSpec("early", "06:00", 480),
        ShiftSpec("late", "14:00", 480, ("early",)),
    )
    full_time_share: float = 0.75
    full_time_minutes: tuple[int, int] = (2400, 2880)
    part_time_minutes: tuple[int, int] = (960, 1440)
    full_time_shifts: int = 6
    part_time_shifts: int = 4
    max_consecutive_shifts: int = 6
    wage: float = 28.0
    wage_sigma: float = 0.08
    part_time_wage_factor: float = 0.9
    skill_probs: tuple[tuple[str, float], ...] = (("pick", 1.0), ("pack", 0.8), ("inbound", 0.5), ("returns", 0.4))
    sizing_quantile: float = 0.8
    utilisation: float = 0.85
    min_per_warehouse: int = 2


@dataclass(frozen=True)
class LabourStandard:
    """Standard seconds of one task per driver (unit, line, order or returned unit), and the skill it needs."""

    task: str
    driver: str
    seconds: float
    skill: str


DEFAULT_STANDARDS = (
    LabourStandard("receive", "unit", 6.0, "inbound"),
    LabourStandard("put-away", "unit", 8.0, "inbound"),
    LabourStandard("pick", "line", 45.0, "pick"),
    LabourStandard("pack", "order", 60.0, "pack"),
    LabourStandard("returns", "return", 75.0, "returns"),
)


@dataclass(frozen=True)
class Stock:
    """Initial stock: ``cover_days`` of expected demand per SKU x warehouse, log-normal noise ``sigma``."""

    cover_days: float = 28.0
    sigma: float = 0.3


@dataclass(frozen=True)
class ScenarioConfig:
    """Parameters of :func:`optiops.scenario.generate_scenario`.

    Parameters
    ----------
    name : str or None
        Scenario name (default ``scenario-<skus>s-<warehouses>w-<days>d-s<seed>``).
    n_skus, n_warehouses, days : int
        Sizes: SKUs, warehouses, days.
    end_date : str
        Last day (ISO); the scenario runs the ``days`` days up to it, so a long enough one contains the festival.
    holdout_days : int
        The last days, the 'future' a plan is judged on; earlier days are the known history.
    categories, demand, geography, fleet, staff, labour, stock, costs
        The blocks described by their own classes.
    """

    name: str | None = None
    n_skus: int = 400
    n_warehouses: int = 4
    days: int = 365
    end_date: str = "2024-12-31"
    holdout_days: int = 28
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    demand: Demand = field(default_factory=Demand)
    geography: Geography = field(default_factory=Geography)
    fleet: tuple[VehicleSpec, ...] = DEFAULT_FLEET
    staff: Staff = field(default_factory=Staff)
    labour: tuple[LabourStandard, ...] = DEFAULT_STANDARDS
    stock: Stock = field(default_factory=Stock)
    costs: Costs = field(default_factory=report_costs)

    def legacy(self) -> ScenarioConfig:
        """This configuration with the defaults before the calibration to the report (docs/replay.md)."""
        return dataclasses.replace(
            self, categories=LEGACY_CATEGORIES, fleet=LEGACY_FLEET, costs=legacy_costs(self.costs),
            demand=dataclasses.replace(self.demand, level_sd=0.0),
            geography=dataclasses.replace(self.geography, fleet_min_orders_per_day=0.0, handling_cost_range=(1.5, 2.5)),
        )  # fmt: skip

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise InstanceError(problems, "ScenarioConfig")

    @property
    def n_zones(self) -> int:
        """Number of delivery zones."""
        return self.geography.zones_per_warehouse * self.n_warehouses


def _problems(c: ScenarioConfig) -> list[str]:
    """Every broken rule of a configuration."""
    problems = []
    if c.n_skus < 1 or c.n_warehouses < 1 or c.days < 1:
        problems.append("n_skus, n_warehouses and days must be at least 1")
    if not 0 <= c.holdout_days < c.days:
        problems.append(f"holdout_days must be in 0..days-1, got {c.holdout_days} for {c.days} days")
    if c.geography.zones_per_warehouse < 1:
        problems.append("geography.zones_per_warehouse must be at least 1")
    g, d = c.geography, c.demand
    for what, probs in (("categories.share", [k.share for k in c.categories]), ("demand.lines_probs", d.lines_probs),
                        ("demand.quantity_probs", d.quantity_probs), ("geography.promise_shares", g.promise_shares),
                        ("fleet.share", [v.share for v in c.fleet])):  # fmt: skip
        if not probs or abs(sum(probs) - 1.0) > 1e-9 or min(probs) < 0:
            problems.append(f"{what} must be non-negative and sum to 1")
    if d.level_sd < 0 or d.level_half_life_days <= 0:
        problems.append("demand.level_sd must be >= 0 and demand.level_half_life_days > 0")
    if len(d.weekly) != 7:
        problems.append("demand.weekly needs 7 values, Monday to Sunday")
    if not len(g.promise_ids) == len(g.promise_days) == len(g.promise_shares):
        problems.append("geography.promise_ids, promise_days and promise_shares must have the same length")
    skills = {s for s, _ in c.staff.skill_probs}
    problems += [f"labour: task {s.task!r} needs skill {s.skill!r}, which no employee can have"
                 for s in c.labour if s.skill not in skills]  # fmt: skip
    problems += [f"labour: task {s.task!r} has unknown driver {s.driver!r}"
                 for s in c.labour if s.driver not in ("unit", "line", "order", "return")]  # fmt: skip
    return problems


def config_to_dict(config: ScenarioConfig) -> dict[str, Any]:
    """The configuration as plain lists and mappings (YAML-safe).

    Parameters
    ----------
    config : ScenarioConfig
        The configuration.

    Returns
    -------
    dict
        Nested mappings; tuples become lists.
    """
    return _plain(dataclasses.asdict(config))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def config_from_dict(data: dict[str, Any]) -> ScenarioConfig:
    """Rebuild a configuration from :func:`config_to_dict`'s mapping (missing keys take defaults).

    Parameters
    ----------
    data : dict
        The mapping, e.g. the ``config`` of ``scenario.yaml``.

    Returns
    -------
    ScenarioConfig

    Raises
    ------
    InstanceError
        Unknown keys or values of the wrong shape.
    """
    try:
        return _build(ScenarioConfig, data, "config")
    except (TypeError, ValueError) as exc:
        raise InstanceError(str(exc), "scenario.yaml") from exc


def _build(cls: Any, data: Any, path: str) -> Any:
    """An instance of dataclass ``cls`` from a mapping, recursing into nested dataclasses and tuples."""
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping, got {data!r}")
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {unknown}")
    return cls(**{k: _value(hints[k], v, f"{path}.{k}") for k, v in data.items()})


def _value(hint: Any, value: Any, path: str) -> Any:
    """``value`` converted to the annotated type ``hint`` (dataclasses, tuples of them, plain values)."""
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path)
    args: tuple[Any, ...] = tuple(getattr(hint, "__args__", ()))
    if getattr(hint, "__origin__", None) is tuple:
        if not isinstance(value, list | tuple):
            raise ValueError(f"{path}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
        return tuple(_value(a, v, f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True)))
    return value
