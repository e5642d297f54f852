"""Micro-benchmark of the route evaluator kernel against its pure-Python reference.

Measures stop evaluations per second on one core (numba kernel, warm) and the speed-up over the
reference on the same routes, and appends one JSON line per node-set size to
benchmarks/results/micro-kernels.jsonl. Routes visit random nodes, so every step is a random
matrix access: 401 nodes is the largest instance of the routing suites (matrices fit in cache);
1001 nodes shows the cache-miss regime (16 MB of matrices read at random).

    python benchmarks/micro/kernel_eval.py [--stops 2000000] [--repeats 5] [--nodes 401 --nodes 1001]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

from optiops.bench.runner import append_rows, best_of, git_commit, machine, versions
from optiops.evaluate import KernelData, run_kernel
from optiops.kernels import warmup

# The kernels' pure-Python references live with the tests, below the checkout's root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.kernels.reference_routing import evaluate_routes_reference

RESULTS = Path(__file__).resolve().parents[1] / "results" / "micro-kernels.jsonl"


def case(
    n_nodes: int, n_stops: int, route_len: int, seed: int
) -> tuple[KernelData, np.ndarray, np.ndarray, np.ndarray]:
    """A Solomon-like node set (one window per stop, two dimensions) and random routes over it."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 100, (n_nodes, 2))
    dist = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    lo = rng.uniform(0, 800, n_nodes)
    tw_ptr = np.concatenate([[0, 0], np.arange(1, n_nodes)]).astype(np.int64)
    delivery = rng.integers(0, 20, (n_nodes, 2)).astype(float)
    delivery[0] = 0
    kd = KernelData(
        dist=dist,
        time=dist,
        service=np.full(n_nodes, 10.0),
        tw_ptr=tw_ptr,
        tw_lo=lo[1:],
        tw_hi=lo[1:] + 120,
        load_delta=-delivery,
        delivery=delivery,
        partner=np.full(n_nodes, -1, dtype=np.int64),
        vt_start=np.zeros(1, dtype=np.int64),
        vt_end=np.zeros(1, dtype=np.int64),
        vt_cap=np.full((1, 2), 200.0),
        vt_shift_lo=np.zeros(1),
        vt_shift_hi=np.full(1, 1000.0),
        vt_max_dur=np.full(1, 1000.0),
        vt_fixed=np.zeros(1),
        vt_cd=np.ones(1),
        vt_ct=np.zeros(1),
    )
    n_routes = n_stops // route_len
    nodes = rng.integers(1, n_nodes, n_routes * route_len).astype(np.int64)
    ptr = np.arange(0, n_routes * route_len + 1, route_len, dtype=np.int64)
    return kd, ptr, nodes, np.zeros(n_routes, dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stops", type=int, default=2_000_000)
    parser.add_argument("--reference-stops", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--nodes", type=int, action="append")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    warmup()
    rows = [measure(n, args) for n in args.nodes or [401, 1001]]
    print(json.dumps(rows, indent=2))
    if not args.no_record:
        append_rows(rows, RESULTS)


def measure(n_nodes: int, args: argparse.Namespace) -> dict[str, object]:
    kd, ptr, nodes, types = case(n_nodes, args.stops, 10, seed=1)
    t_kernel = best_of(lambda: run_kernel(kd, ptr, nodes, types), args.repeats)
    k = args.reference_stops // 10
    ref_ptr, ref_nodes = ptr[: k + 1], nodes[: ptr[k]]
    routes = [ref_nodes[ref_ptr[r] : ref_ptr[r + 1]].tolist() for r in range(k)]
    data = {key: np.asarray(v).tolist() for key, v in kd.__dict__.items()}
    t_ref = best_of(lambda: evaluate_routes_reference(routes, [0] * k, data), max(1, args.repeats // 2))
    t_kernel_same = best_of(lambda: run_kernel(kd, ref_ptr, ref_nodes, types[:k]), args.repeats)
    return {
        "suite": "micro-kernels",
        "instance": f"evaluate_routes-{n_nodes}-nodes",
        "nodes": n_nodes,
        "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "stops": args.stops,
        "kernel_s": round(t_kernel, 4),
        "stops_per_s": round(args.stops / t_kernel),
        "reference_stops": int(ptr[k]),
        "reference_s": round(t_ref, 4),
        "reference_stops_per_s": round(int(ptr[k]) / t_ref),
        "kernel_same_s": round(t_kernel_same, 5),
        "speedup_vs_reference": round(t_ref / t_kernel_same, 1),
    }


if __name__ == "__main__":
    main()
