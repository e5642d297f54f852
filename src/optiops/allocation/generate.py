"""A seeded generator of realistic daily order allocation instances.

The day is built the way a network planner would see it:

1. **Geography.**  ``n_zones`` delivery zones lie uniformly in a square country of ``region_km`` per
   side; their populations are log-normal (sigma ``population_sigma``), and a zone's share of the
   orders is its share of the population.  Warehouses stand in distinct zones drawn by population.
   Road distance is ``road_factor`` times the straight line.
2. **Costs and promises.**  Shipping a parcel costs ``parcel_base_cost + parcel_cost_per_km x road
   km``; handling a parcel costs between ``handling_cost_range`` per warehouse.  Transit takes
   ``ceil(road km / km_per_day)`` days (at least one).  Promise classes (``promise_ids``) allow the
   warehouses within ``promise_days`` of transit; they are drawn with ``promise_shares``.
3. **Orders.**  1-4 lines (``lines_probs``) of distinct SKUs drawn by a Zipf-Mandelbrot popularity
   ``1 / (rank + zipf_offset) ** zipf_exponent`` (a long tail); quantity 1-3 (``quantity_probs``).
4. **Assortment.**  The ``a_share`` most popular SKUs are carried everywhere; the next ``b_share`` by
   each warehouse with probability ``b_carry``; the long tail by ``c_carriers`` warehouses (1 or 2).
   An order whose lines are not all carried within its promise is offered the next slower promise
   (a shop offers next-day only where it can keep it).
5. **Stock and capacity from a forecast.**  Each warehouse stocks ``stock_cover`` times the expected
   daily demand of the zones for which it is the cheapest carrier of the SKU, with log-normal noise
   (sigma ``stock_sigma``), at least one unit of every SKU it carries.  Handling capacity is
   ``capacity_cover`` times the warehouse's load in a greedy plan of a *forecast* day (an independent
   day drawn the same way), with noise ``capacity_sigma``.  So most orders ship whole from a near
   warehouse, while stock-outs, promises and capacity make splits cheaper or necessary.
6. **Feasible by construction.**  The greedy allocation of the actual day then tops up stock (and a
   parcel of capacity) wherever it cannot ship a line otherwise, like an emergency transfer; the
   greedy plan is thus feasible.  The top-ups are few (see ``docs/allocation.md``).

Every random draw comes from one ``numpy.random.default_rng(seed)``; the same configuration and seed
give the same instance on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from optiops.allocation.greedy import greedy_allocation
from optiops.exceptions import InstanceError
from optiops.model.orders import FloatArray, OrderArrays

MAX_TOP_UP_ROUNDS = 50
CAPACITY_STEP = 0.02  # least capacity top-up, as a share of the warehouse's capacity


@dataclass(frozen=True)
class OrderGeneratorConfig:
    """Parameters of :func:`generate_orders` (see the module notes for the model of the day).

    Parameters
    ----------
    n_orders, n_warehouses : int
        Orders of the day and warehouses.
    n_zones, n_skus : int or None
        Zones (default ``clip(sqrt(n_orders), 30, 300)``) and SKUs (default ``clip(n_orders // 10, 100, 20000)``).
    region_km, road_factor : float
        Side of the square country, and road over straight-line distance.
    population_sigma : float
        Log-normal sigma of zone populations.
    parcel_base_cost, parcel_cost_per_km : float
        Shipping cost of one parcel: base plus per road kilometre.
    handling_cost_range : (float, float)
        Handling cost per parcel, uniform per warehouse.
    split_penalty : float
        Cost of every parcel beyond an order's first (on top of its handling and shipping).
    km_per_day : float
        Road kilometres a parcel covers per day of transit.
    promise_ids, promise_days, promise_shares : tuple
        Promise classes, their maximum transit days, and the share of orders asking for each; the last
        class should allow every warehouse.
    lines_probs, quantity_probs : tuple of float
        Probabilities of 1, 2, ... lines per order and of 1, 2, ... units per line.
    zipf_exponent, zipf_offset : float
        SKU popularity ``1 / (rank + offset) ** exponent``.
    a_share, b_share, b_carry : float
        Shares of SKUs (by popularity rank) carried everywhere / by each warehouse with probability ``b_carry``.
    c_carriers : int
        Most warehouses carrying a tail SKU (each tail SKU gets 1 to ``c_carriers``).
    stock_cover, stock_sigma : float
        Stock over expected demand, and its log-normal noise.
    capacity_cover, capacity_sigma : float
        Handling capacity over the forecast day's greedy load, and its log-normal noise.
    """

    n_orders: int = 1000
    n_warehouses: int = 5
    n_zones: int | None = None
    n_skus: int | None = None
    region_km: float = 1000.0
    road_factor: float = 1.25
    population_sigma: float = 1.0
    parcel_base_cost: float = 3.5
    parcel_cost_per_km: float = 0.004
    handling_cost_range: tuple[float, float] = (1.5, 3.0)
    split_penalty: float = 1.5
    km_per_day: float = 450.0
    promise_ids: tuple[str, ...] = ("next-day", "two-day", "standard")
    promise_days: tuple[float, ...] = (1.0, 2.0, 5.0)
    promise_shares: tuple[float, ...] = (0.3, 0.35, 0.35)
    lines_probs: tuple[float, ...] = (0.55, 0.25, 0.13, 0.07)
    quantity_probs: tuple[float, ...] = (0.85, 0.10, 0.05)
    zipf_exponent: float = 1.0
    zipf_offset: float = 10.0
    a_share: float = 0.1
    b_share: float = 0.3
    b_carry: float = 0.5
    c_carriers: int = 2
    stock_cover: float = 1.1
    stock_sigma: float = 0.4
    capacity_cover: float = 1.1
    capacity_sigma: float = 0.1

    def __post_init__(self) -> None:
        problems = []
        if self.n_orders < 1 or self.n_warehouses < 1:
            problems.append("n_orders and n_warehouses must be at least 1")
        if not len(self.promise_ids) == len(self.promise_days) == len(self.promise_shares):
            problems.append("promise_ids, promise_days and promise_shares must have the same length")
        for what, probs in (("lines_probs", self.lines_probs), ("quantity_probs", self.quantity_probs),
                            ("promise_shares", self.promise_shares)):  # fmt: skip
            if abs(sum(probs) - 1.0) > 1e-9 or min(probs) < 0:
                problems.append(f"{what} must be non-negative and sum to 1")
        if self.n_skus is not None and self.n_skus < len(self.lines_probs):
            problems.append("n_skus must be at least the largest number of lines per order")
        if problems:
            raise InstanceError(problems, "OrderGeneratorConfig")

    @property
    def zones(self) -> int:
        """Number of zones."""
        return self.n_zones or int(np.clip(round(np.sqrt(self.n_orders)), 30, 300))

    @property
    def skus(self) -> int:
        """Number of SKUs."""
        return self.n_skus or int(np.clip(self.n_orders // 10, 100, 20000))


def generate_orders(config: OrderGeneratorConfig, seed: int = 1, name: str | None = None) -> OrderArrays:
    """A feasible daily order allocation instance, drawn from ``config`` with ``seed``.

    Parameters
    ----------
    config : OrderGeneratorConfig
        Sizes and the model of the day.
    seed : int
        Seed of the one random generator all draws come from.
    name : str, optional
        Instance name; default ``orders-<n>-<w>w-s<seed>``.

    Returns
    -------
    OrderArrays
        The instance (turn it into a document with :func:`optiops.model.orders.order_instance`).
    """
    c = config
    rng = np.random.default_rng(seed)
    n_z, n_s, n_w = c.zones, c.skus, c.n_warehouses
    if n_w > n_z:
        raise InstanceError(f"{n_w} warehouses need at least as many zones, got {n_z}", "OrderGeneratorConfig")
    xy = rng.uniform(0.0, c.region_km, size=(n_z, 2))
    population = rng.lognormal(0.0, c.population_sigma, size=n_z)
    zone_share = population / population.sum()
    sites = rng.choice(n_z, size=n_w, replace=False, p=zone_share)
    road = c.road_factor * np.hypot(*(xy[sites, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    shipping = c.parcel_base_cost + c.parcel_cost_per_km * road
    handling = rng.uniform(*c.handling_cost_range, size=n_w)
    transit = np.maximum(np.ceil(road / c.km_per_day - 1e-9), 1.0)
    allowed = transit[None, :, :] <= np.asarray(c.promise_days)[:, None, None]
    popularity = 1.0 / (np.arange(n_s) + c.zipf_offset) ** c.zipf_exponent
    popularity /= popularity.sum()
    assortment = _assortment(c, n_s, rng)

    ids = ([f"W{i + 1:02d}" for i in range(n_w)], [f"Z{k + 1:03d}" for k in range(n_z)], list(c.promise_ids),
           [f"SKU{k + 1:05d}" for k in range(n_s)])  # fmt: skip

    def day(label: str, order_ids: list[str], stock: FloatArray, capacity: FloatArray) -> OrderArrays:
        """A day of orders drawn from the model, with the given stock and capacity."""
        zone = rng.choice(n_z, size=len(order_ids), p=zone_share)
        promise = rng.choice(len(c.promise_ids), size=len(order_ids), p=c.promise_shares)
        ptr, sku = _lines(len(order_ids), c.lines_probs, popularity, rng)
        qty = (1 + rng.choice(len(c.quantity_probs), size=len(sku), p=c.quantity_probs)).astype(np.float64)
        return OrderArrays(
            name=label, warehouse_ids=ids[0], zone_ids=ids[1], class_ids=ids[2], sku_ids=ids[3], order_ids=order_ids,
            capacity=capacity, handling_cost=handling, stock=stock, shipping_cost=shipping, allowed=allowed,
            order_zone=zone, order_class=_keep_promise(allowed, assortment, zone, promise, ptr, sku), line_ptr=ptr,
            line_sku=sku, line_qty=qty, split_penalty=c.split_penalty,
        )  # fmt: skip

    stock = _stock(c, assortment, handling[:, None] + shipping, c.n_orders * zone_share, popularity, rng)
    forecast = day("forecast", [""] * c.n_orders, np.where(assortment, np.inf, 0.0), np.full(n_w, np.inf))
    planned = greedy_allocation(forecast)
    load = np.bincount(np.unique(forecast.line_order * n_w + planned.line_wh) % n_w, minlength=n_w)
    capacity = np.ceil(c.capacity_cover * load * rng.lognormal(0, c.capacity_sigma, size=n_w))
    width = len(str(c.n_orders))
    arr = day(name or f"orders-{c.n_orders}-{n_w}w-s{seed}", [f"O{k + 1:0{width}d}" for k in range(c.n_orders)],
              stock, capacity)  # fmt: skip
    for _ in range(MAX_TOP_UP_ROUNDS):  # until the greedy plan needs no top-up: then it is feasible as it stands
        fix = greedy_allocation(arr, top_up=assortment)
        if not (fix.stock_added.any() or fix.capacity_added.any()):
            return arr
        # overtime comes in shifts: a warehouse short of capacity gets at least CAPACITY_STEP more
        extra = np.where(
            fix.capacity_added > 0, np.maximum(fix.capacity_added, np.ceil(CAPACITY_STEP * arr.capacity)), 0
        )
        arr = replace(arr, stock=arr.stock + fix.stock_added, capacity=arr.capacity + extra)
    raise InstanceError(f"the greedy plan still needed top-ups after {MAX_TOP_UP_ROUNDS} rounds", "generate_orders")


def _assortment(c: OrderGeneratorConfig, n_s: int, rng: np.random.Generator) -> np.ndarray:
    """(W, S) which warehouse carries which SKU: the head everywhere, the middle often, the tail in 1-2 places."""
    n_w = c.n_warehouses
    n_a, n_b = round(c.a_share * n_s), round(c.b_share * n_s)
    carry = np.zeros((n_w, n_s), dtype=bool)
    carry[:, :n_a] = True
    carry[:, n_a : n_a + n_b] = rng.random((n_w, n_b)) < c.b_carry
    n_tail = n_s - n_a - n_b
    carriers = rng.integers(1, min(c.c_carriers, n_w) + 1, size=n_tail)
    order = np.argsort(rng.random((n_tail, n_w)), axis=1)  # a random permutation of warehouses per SKU
    tail = np.arange(n_w)[None, :] < carriers[:, None]
    carry[:, n_a + n_b :][order[tail], np.nonzero(tail)[0]] = True
    empty = ~carry.any(axis=0)  # a middle SKU no warehouse drew
    carry[rng.integers(0, n_w, size=int(empty.sum())), np.flatnonzero(empty)] = True
    return carry


def _lines(n: int, lines_probs: tuple[float, ...], popularity: np.ndarray,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(line_ptr, line_sku) of ``n`` orders with distinct SKUs, drawn by popularity."""
    k_max = len(lines_probs)
    count = 1 + rng.choice(k_max, size=n, p=lines_probs)
    sku = rng.choice(len(popularity), size=(n, k_max), p=popularity)
    # unused slots get distinct negative sentinels, so that only real repeats count as duplicates
    sku = np.where(np.arange(k_max)[None, :] < count[:, None], sku, -1 - np.arange(k_max)[None, :])
    for _ in range(1000):  # redraw SKUs repeated within an order (a few rounds at most)
        sku = np.sort(sku, axis=1)
        dup = np.zeros(sku.shape, dtype=bool)
        dup[:, 1:] = (sku[:, 1:] == sku[:, :-1]) & (sku[:, 1:] >= 0)
        if not dup.any():
            break
        sku[dup] = rng.choice(len(popularity), size=int(dup.sum()), p=popularity)
    else:
        raise InstanceError("could not draw distinct SKUs for every order: too few SKUs", "OrderGeneratorConfig")
    ptr = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
    return ptr, sku[sku >= 0].astype(np.int64)


def _stock(c: OrderGeneratorConfig, assortment: np.ndarray, parcel_cost: np.ndarray, zone_orders: np.ndarray,
           popularity: np.ndarray, rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """(W, S) stock: cover x expected demand of the zones whose cheapest carrier of the SKU is the warehouse."""
    n_w, n_s = assortment.shape
    units_per_order = float(np.dot(np.arange(1, len(c.lines_probs) + 1), c.lines_probs)) * float(
        np.dot(np.arange(1, len(c.quantity_probs) + 1), c.quantity_probs)
    )
    demand = zone_orders[:, None] * units_per_order * popularity[None, :]  # (Z, S) expected units
    forecast = np.zeros((n_w, n_s))
    assigned = np.zeros(demand.shape, dtype=bool)
    for w_r in np.argsort(parcel_cost, axis=0):  # r-th cheapest warehouse of every zone, r = 0, 1, ...
        new = assortment[w_r] & ~assigned
        np.add.at(forecast, w_r, np.where(new, demand, 0.0))
        assigned |= new
    noisy = c.stock_cover * forecast * rng.lognormal(0.0, c.stock_sigma, size=forecast.shape)
    return np.where(assortment, np.maximum(np.round(noisy), 1.0), 0.0)


def _keep_promise(allowed: np.ndarray, assortment: np.ndarray, zone: np.ndarray, promise: np.ndarray,
                  ptr: np.ndarray, sku: np.ndarray) -> np.ndarray:  # fmt: skip
    """Each order's promise, slowed to the first class in which some allowed warehouse carries every line."""
    line_order = np.repeat(np.arange(len(zone)), np.diff(ptr))
    # (P, L): some warehouse allowed for the line's zone under class p carries the line's SKU
    line_ok = np.einsum("pwl,wl->pl", allowed[:, :, zone[line_order]].astype(np.int32),
                        assortment[:, sku].astype(np.int32)) > 0  # fmt: skip
    order_ok = np.logical_and.reduceat(line_ok, ptr[:-1], axis=1)
    order_ok[-1] = True
    later = np.arange(len(allowed))[:, None] >= promise[None, :]
    return np.argmax(order_ok & later, axis=0).astype(np.int64)
