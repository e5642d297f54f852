"""Small facility instances built in code, with optima worked out by hand."""

from __future__ import annotations

from typing import Any

from optiops.model.network import FacilityInstance

UNIT_COST = [[1.0, 2.0, 5.0, 6.0], [5.0, 3.0, 1.0, 2.0], [3.0, 3.0, 3.0, 3.0]]
DEMAND = [4.0, 5.0, 6.0, 3.0]


def three_by_four(**changes: Any) -> dict[str, Any]:
    """A ``kind: facility`` document: 3 warehouses x 4 customers, per-unit costs.

    Warehouses A (capacity 8, fixed 10), B (10, 12), C (20, 30); demands C1..C4 = 4, 5, 6, 3 (18 in
    all); unit costs A = 1 2 5 6, B = 5 3 1 2, C = 3 3 3 3.  No single warehouse but C holds 18 units.

    Split demand: open A and B (fixed 22).  Each customer goes to its cheaper warehouse (C1, C2 to A;
    C3, C4 to B) except that A would then hold 9 > 8 units, so one unit moves to B from the customer
    whose move costs least: C2 (3 - 2 = 1).  Assignment 4 + 8 + 3 + 6 + 6 = 27, total **49**.
    Any plan with C costs at least 30 + 10 + 18 = 58 (C with A or B) or 84 (C alone), so C stays shut.

    Single sourcing: with A and B, A must hold exactly 8 of the 18 units (B holds at most 10); only
    C2 + C4 = 8 fits, so A serves C2, C4 (10 + 18) and B serves C1, C3 (20 + 6): 22 + 54 = **76**.
    B + C costs 42 + (6 + 6) + (12 + 15) = 81, A + C 86, C alone 84, all three at least 83.
    """
    doc: dict[str, Any] = {
        "kind": "facility",
        "name": "three-by-four",
        "warehouses": [
            {"id": "A", "capacity": 8, "fixed_cost": 10},
            {"id": "B", "capacity": 10, "fixed_cost": 12},
            {"id": "C", "capacity": 20, "fixed_cost": 30},
        ],
        "customers": [{"id": f"C{j + 1}", "demand": d} for j, d in enumerate(DEMAND)],
        "cost": UNIT_COST,
    }
    doc.update(changes)
    return doc


def instance(**changes: Any) -> FacilityInstance:
    """:func:`three_by_four` validated."""
    return FacilityInstance.model_validate(three_by_four(**changes))


CAP_FILE = """ 3 4
 8 10.
 10 12.
 capacity 30.
 4
 4. 20. 12.
 5
 10. 15. 15.
 6
 30. 6.
 18.
 3
 18. 6. 9.
"""
"""The 3 x 4 instance as an OR-Library file (costs for all of the demand; C's capacity a placeholder)."""
