"""Route map, route schedule and PNG export on a tiny instance solved by OR-Tools."""

from __future__ import annotations

import pytest
from matplotlib.axes import Axes

import optiops
from optiops.model import Depot, RoutingInstance, RoutingPlan, Shipment, ShipmentEnd, Stop, VehicleType
from optiops.plotting import plot_route_map, plot_route_schedule
from optiops.plotting.save import figure_png, new_axes

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def instance() -> RoutingInstance:
    """Two small vans, deliveries, one returns pickup and one paired shipment."""
    return RoutingInstance(
        name="tiny",
        depots=[Depot(id="hub", x=0, y=0)],
        vehicle_types=[VehicleType(id="van", count=2, capacity=4, start_depot="hub")],
        stops=[
            Stop(id="a", x=10, y=0, delivery=3, service_time=2),
            Stop(id="b", x=10, y=5, delivery=1, time_windows=[(0, 100)]),
            Stop(id="c", x=-10, y=0, delivery=3, service_time=2),
            Stop(id="r", x=-10, y=5, pickup=1),
        ],
        shipments=[Shipment(id="p", amount=1, pickup=ShipmentEnd(x=0, y=8), delivery=ShipmentEnd(x=0, y=-8))],
    )


@pytest.fixture(scope="module")
def plan(instance: RoutingInstance) -> RoutingPlan:
    """The instance's plan from OR-Tools (needs both vans: 7 units, capacity 4 each)."""
    return optiops.solve(instance, backend="ortools", time_limit=1).plan


def test_map_has_one_line_per_route(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """Each route is exactly one Line2D on the map."""
    ax = plot_route_map(instance, plan, new_axes())
    assert len(plan.routes) == 2
    assert len(ax.lines) == len(plan.routes)


def test_map_lines_pass_through_every_visit(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """A route's line has one point per visit, depots included."""
    ax = plot_route_map(instance, plan, new_axes())
    assert [len(line.get_xydata()) for line in ax.lines] == [len(r.visits) for r in plan.routes]


def test_map_legend_names_routes(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """The legend has a '<vehicle_type> #<vehicle>' entry for each route."""
    ax = plot_route_map(instance, plan, new_axes())
    legend = ax.get_legend()
    assert legend is not None
    texts = {t.get_text() for t in legend.get_texts()}
    assert {f"{r.vehicle_type} #{r.vehicle}" for r in plan.routes} <= texts


def test_map_rejects_plan_of_another_instance(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """A plan visiting an unknown node raises a ValueError naming it."""
    wrong = plan.model_copy(deep=True)
    wrong.routes[0].visits[1].node = "nowhere"
    with pytest.raises(ValueError, match="nowhere"):
        plot_route_map(instance, wrong, new_axes())


def test_map_without_axes_makes_its_own(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """With ax=None a fresh axes is created and returned."""
    assert isinstance(plot_route_map(instance, plan), Axes)


def test_schedule_has_one_row_per_route(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """The schedule has one y tick per route, labelled with the route."""
    ax = plot_route_schedule(instance, plan, new_axes())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ax.get_yticks()) == len(plan.routes)
    assert labels == [f"{r.vehicle_type} #{r.vehicle}" for r in plan.routes]


def test_schedule_spans_the_route_times(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """The time axis covers the latest return to a depot."""
    ax = plot_route_schedule(instance, plan, new_axes())
    latest = max(r.visits[-1].arrival or 0.0 for r in plan.routes)
    assert ax.get_xlim()[1] >= latest


def test_figure_png_returns_png_bytes(instance: RoutingInstance, plan: RoutingPlan) -> None:
    """figure_png returns bytes that start with the PNG signature."""
    png = figure_png(lambda ax: plot_route_map(instance, plan, ax), size=(4, 3))
    assert png.startswith(PNG_SIGNATURE)
