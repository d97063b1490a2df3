"""The worker pool of `vanban run` (`pipeline.workers.run`): every item gets one outcome, in every case.

A worker holds its next item in its pipe while it reads one; these tests make sure that item is never lost nor
blamed when the worker dies, is stopped for time, or answers with an error."""

from __future__ import annotations

import os
import time

from pipeline import workers


def _task(item: str) -> str:
    """What the workers are asked: `crash` kills the worker (as an out-of-memory kill would), `slow` outlasts the
    time limit, `error` raises, anything else is answered."""
    if item.startswith("crash"):
        os._exit(9)
    if item.startswith("slow"):
        time.sleep(30)
    if item.startswith("error"):
        raise ValueError("refused")
    return item.upper()


def outcomes(items: list[str], count: int = 1, **limits) -> dict[str, tuple[str | None, str | None]]:
    seen = [(o.item, o.result, o.failure) for o in workers.run(items, _task, workers=count, **limits)]
    assert sorted(item for item, _, _ in seen) == sorted(items)  # each item once
    return {item: (result, failure) for item, result, failure in seen}


def test_every_item_is_answered_once_in_order_of_one_worker():
    items = [f"letter{k}" for k in range(40)]
    seen = [o.item for o in workers.run(items, _task, workers=1)]
    assert seen == items
    assert all(result == item.upper() for item, (result, _) in outcomes(items, 2).items())


def test_the_item_behind_a_dead_worker_is_read_by_the_next():
    got = outcomes(["a", "b", "crash", "c", "d", "e"])
    assert got["crash"][0] is None and "exited" in got["crash"][1]
    assert {item: result for item, (result, _) in got.items() if item != "crash"} == {
        "a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}
    got = outcomes(["a", "crash1", "crash2", "b"])  # one after the other: each its own failure
    assert got["crash1"][1] and got["crash2"][1] and got["a"][0] == "A" and got["b"][0] == "B"


def test_the_item_behind_a_stopped_worker_is_read_by_the_next():
    got = outcomes(["a", "slow", "b", "c"], seconds=1.0)
    assert got["slow"][0] is None and "--max-seconds" in got["slow"][1]
    assert [got[k][0] for k in "abc"] == ["A", "B", "C"]
    assert all(failure is None for item, (_, failure) in got.items() if item != "slow")


def test_an_error_is_the_items_and_the_worker_goes_on():
    got = outcomes(["a", "error", "b", "crash", "c"], count=2)
    assert "ValueError" in got["error"][1] and "refused" in got["error"][1]
    assert "exited" in got["crash"][1]
    assert [got[k] for k in "abc"] == [("A", None), ("B", None), ("C", None)]
