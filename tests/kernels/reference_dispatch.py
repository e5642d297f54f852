"""Pure-Python reference of the task-queue dispatcher (optiops.kernels.dispatch): the same rules, written plainly."""

from __future__ import annotations

from collections.abc import Sequence

PICK = 0


def dispatch_reference(
    now: float,
    active: Sequence[bool],
    key: Sequence[float],
    release: Sequence[float],
    zone: Sequence[int],
    kind: Sequence[int],
    batch_size: int,
    batch_window: float,
) -> list[int]:
    """Released tasks that can meet their cut-off, then released late ones, then unreleased ones, each by
    latest start (ties by index); a released pick pulls the next picks of its zone and class within the
    window right behind it, up to ``batch_size`` in all."""

    def cls(i: int) -> int:
        if release[i] > now:
            return 2
        return 0 if key[i] >= now else 1

    order = sorted((i for i in range(len(key)) if active[i]), key=lambda i: (cls(i), key[i], i))
    out: list[int] = []
    placed: set[int] = set()
    for p, i in enumerate(order):
        if i in placed:
            continue
        out.append(i)
        placed.add(i)
        if cls(i) == 2 or kind[i] != PICK:
            continue
        same = [j for j in order[p + 1 :] if j not in placed and kind[j] == PICK and zone[j] == zone[i]
                and cls(j) == cls(i)]  # fmt: skip
        for j in same[: batch_size - 1]:
            if key[j] > key[i] + batch_window:
                break
            out.append(j)
            placed.add(j)
    return out
