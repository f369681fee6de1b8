"""The shipped replica of the Johnny's Jeans case: our own data, reproducing the case's figures.

The case's files are third-party data and never enter the repository.  The replica is built
from this module's specification alone (the figures the case study publishes and the 35
rows it prints) with the simulator's machinery:

1. memberships: every user is in delta0; each later file holds exactly its published number
   of users, drawn at random, with exactly ``SKIPPED_WINNERS`` users of delta3 not in delta4;
   the printed rows pin some memberships (a summary row is its user's winning row, so the
   user is in no later file that summary's dedup reads);
2. values: drawn uniformly from each file's ranges (:data:`LAYOUT`, whose disjoint rising
   ranges keep spend non-decreasing per user and batch ids distinct), the printed rows pinned;
3. calibration: integer shifts of total_spend, spread over many unpinned rows and kept in
   range, make each file's sum and both summaries' totals exact;
4. the platform's table is the correct dedup with delta3 left out (``Fault(skip_files=(3,))``),
   and the build checks every published figure and constraint before returning.

Regenerate the shipped input folder (byte for byte) with
``python -m recon.replica --out seeds``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from recon.simulator import (
    COLUMNS,
    FILES_NOT_LOADED,
    LOADED,
    MAX_LOYALTY_CREDITS,
    MAX_SAVED_ITEMS,
    NOT_LOADED,
    Fault,
    Layout,
    Range,
    SimulatedCase,
    derive_case,
    draw_rows,
    write_case,
)

Row = tuple[int, int, int, int, int]

SEED = 2019
N_USERS = 10_000
LAYOUT = Layout(
    batch_ranges=((0, 2000), (2001, 3000), (3001, 4500), (4501, 6000), (6002, 8000)),
    spend_ranges=((0, 2000), (2000, 3000), (3000, 4000), (4000, 5000), (5000, 7000)),
)
SKIPPED_FILE = 3
FAULT = Fault(skip_files=(SKIPPED_FILE,))
FILE_ROWS = (10_000, 2_494, 2_519, 2_473, 2_483)
FILE_SPEND = (9_993_346, 6_212_911, 8_820_088, 11_131_828, 14_897_837)
CLIENT_TOTAL = 33_904_525
PLATFORM_TOTAL = 29_162_044
SKIPPED_WINNERS = 1_841
"""Users whose winning row is in delta3 (in delta3, not in delta4): wrong on the platform."""

DELTA_HEADS: tuple[tuple[Row, ...], ...] = (
    (
        (1, 1119, 34, 109, 1536),
        (2, 271, 4, 305, 1223),
        (3, 390, 15, 113, 105),
        (4, 1689, 39, 690, 1042),
        (5, 70, 9, 154, 6),
    ),
    (
        (8195, 2662, 36, 263, 2948),
        (8196, 2804, 19, 156, 2071),
        (10, 2862, 48, 660, 2019),
        (8203, 2231, 49, 866, 2231),
        (8206, 2731, 23, 446, 2367),
    ),
    (
        (8194, 3169, 14, 123, 3456),
        (6, 3907, 11, 659, 3202),
        (7, 3561, 16, 694, 3157),
        (8, 3340, 17, 289, 3489),
        (11, 3626, 41, 454, 4375),
    ),
    (
        (1, 4070, 10, 179, 4940),
        (3, 4558, 43, 736, 4510),
        (8199, 4663, 8, 728, 4996),
        (8, 4991, 24, 480, 5107),
        (9, 4379, 16, 148, 4673),
    ),
    (
        (8194, 5105, 40, 402, 6355),
        (5, 6755, 3, 360, 7785),
        (8198, 6331, 19, 841, 7210),
        (8, 6186, 39, 947, 6789),
        (10, 5498, 39, 821, 7966),
    ),
)
PLATFORM_HEAD: tuple[Row, ...] = (
    (5988, 3500, 12, 517, 3164),
    (5989, 775, 17, 613, 298),
    (5982, 1749, 8, 386, 1489),
    (5983, 3061, 7, 905, 4271),
    (5980, 3852, 48, 938, 3496),
)
CLIENT_HEAD: tuple[Row, ...] = (
    (5988, 4208, 20, 287, 5731),
    (5989, 775, 17, 613, 298),
    (5982, 1749, 8, 386, 1489),
    (5983, 4537, 17, 151, 4623),
    (5980, 3852, 48, 938, 3496),
)

WINS, SKIPPED_WINS, SUPERSEDED = "wins", "wins_if_skipped", "superseded"
"""Roles of a row: the correct dedup's winner; the platform's winner for a user whose correct
winner is in the skipped file; superseded in both."""


def build(seed: int = SEED) -> SimulatedCase:
    """The replica: deterministic in ``seed``, checked against the specification."""
    rng = np.random.Generator(np.random.PCG64(seed))
    pinned, absent = _pinned_rows()
    members = _memberships(rng, pinned, absent)
    deltas = [_draw_file(rng, k, users, pinned[k]) for k, users in enumerate(members)]
    deltas = _calibrated(rng, deltas, pinned)
    head = [row[0] for row in CLIENT_HEAD]
    order = np.concatenate([head, rng.permutation(np.setdiff1d(np.arange(1, N_USERS + 1), head))])
    case = derive_case(deltas, LAYOUT, N_USERS, FAULT, summary_order=order)
    verify(case)
    return case


def _file_of(row: Row) -> int:
    """The file whose batch range holds the row's batch id."""
    return int(LAYOUT.file_of_batch(np.array([row[-1]]))[0])


def _pinned_rows() -> tuple[list[dict[int, Row]], list[set[int]]]:
    """The printed rows by file and user, and per file the users it must not hold.

    A summary row is its user's winning row: it stands in the file whose batch range holds
    its batch id, and the user is in no later file that the summary's dedup reads.
    """
    pinned: list[dict[int, Row]] = [{row[0]: row for row in head} for head in DELTA_HEADS]
    absent: list[set[int]] = [set() for _ in DELTA_HEADS]
    for head, skipped in ((CLIENT_HEAD, ()), (PLATFORM_HEAD, FAULT.skip_files)):
        for row in head:
            k = _file_of(row)
            if pinned[k].setdefault(row[0], row) != row:
                raise AssertionError(f"two printed rows for user {row[0]} in delta{k}")
            for later in range(k + 1, len(DELTA_HEADS)):
                if later not in skipped:
                    absent[later].add(row[0])
    return pinned, absent


def _sample(
    rng: np.random.Generator, pool: np.ndarray, size: int, pinned: dict[int, Row], absent: set[int]
) -> np.ndarray:
    """``size`` users of ``pool``: its pinned users and others drawn at random, none absent."""
    required = np.intersect1d(pool, list(pinned))
    if np.isin(required, list(absent)).any():
        raise AssertionError("a printed row places a user in a file that must not hold it")
    candidates = np.setdiff1d(pool, np.union1d(required, list(absent)))
    return np.union1d(required, rng.choice(candidates, size - len(required), replace=False))


def _memberships(
    rng: np.random.Generator, pinned: list[dict[int, Row]], absent: list[set[int]]
) -> list[np.ndarray]:
    """Sorted users of each file: all in delta0, published sizes, and exactly
    SKIPPED_WINNERS users of delta3 (the skipped file) not in delta4 (the last file)."""
    users = np.arange(1, N_USERS + 1)
    members = [users]
    for k in range(1, SKIPPED_FILE + 1):
        members.append(_sample(rng, users, FILE_ROWS[k], pinned[k], absent[k]))
    in_skipped = np.isin(users, members[SKIPPED_FILE])
    overlap = FILE_ROWS[SKIPPED_FILE] - SKIPPED_WINNERS
    last = [
        _sample(rng, users[in_skipped], overlap, pinned[-1], absent[-1]),
        _sample(rng, users[~in_skipped], FILE_ROWS[-1] - overlap, pinned[-1], absent[-1]),
    ]
    return [*members, np.sort(np.concatenate(last))]


def _draw_file(rng: np.random.Generator, k: int, users: np.ndarray, pinned: dict[int, Row]) -> pd.DataFrame:
    """File k's rows, drawn from its ranges, pinned rows in place.

    delta0 is sorted by user; a later file opens with its printed rows, the rest at random.
    """
    head = [row[0] for row in DELTA_HEADS[k]]
    order = users if k == 0 else np.concatenate([head, rng.permutation(np.setdiff1d(users, head))])
    frame = draw_rows(rng, order, LAYOUT, k)
    rows = pd.Index(order).get_indexer(list(pinned))
    table = frame.to_numpy().copy()
    table[rows] = list(pinned.values())
    return pd.DataFrame(table, columns=list(COLUMNS))


def _roles(deltas: list[pd.DataFrame]) -> list[np.ndarray]:
    """Each row's role (WINS, SKIPPED_WINS, SUPERSEDED), file by file."""
    latest = np.full(N_USERS + 1, -1)
    latest_loaded = np.full(N_USERS + 1, -1)
    for k, frame in enumerate(deltas):
        latest[frame["user_id"]] = k
        if k not in FAULT.skip_files:
            latest_loaded[frame["user_id"]] = k
    roles = []
    for k, frame in enumerate(deltas):
        users = frame["user_id"].to_numpy()
        role = np.full(len(users), SUPERSEDED, dtype=object)
        role[latest_loaded[users] == k] = SKIPPED_WINS
        role[latest[users] == k] = WINS
        roles.append(role)
    return roles


def _role_targets(sums: dict[tuple[int, str], int]) -> dict[tuple[int, str], int]:
    """Target spend per (file, role) cell: the current sum where the published figures leave
    it free, solved where they fix it.

    Published: each file's sum; the client total (the WINS cells); the platform total (WINS
    cells outside the skipped file, and the SKIPPED_WINS cells).  Every row of the last file
    wins; delta0's WINS and SKIPPED_WINS cells close the two totals; each file's SUPERSEDED
    cell closes its file sum.
    """
    n_files, targets = len(FILE_SPEND), dict(sums)
    targets[n_files - 1, WINS] = FILE_SPEND[-1]
    targets[0, WINS] = CLIENT_TOTAL - sum(targets.get((k, WINS), 0) for k in range(1, n_files))
    loaded_wins = sum(targets.get((k, WINS), 0) for k in range(n_files) if k not in FAULT.skip_files)
    targets[0, SKIPPED_WINS] = (
        PLATFORM_TOTAL - loaded_wins - sum(targets.get((k, SKIPPED_WINS), 0) for k in range(1, n_files))
    )
    for k in range(n_files - 1):
        targets[k, SUPERSEDED] = FILE_SPEND[k] - targets.get((k, WINS), 0) - targets.get((k, SKIPPED_WINS), 0)
    return targets


def _calibrated(
    rng: np.random.Generator, deltas: list[pd.DataFrame], pinned: list[dict[int, Row]]
) -> list[pd.DataFrame]:
    """The files with total_spend shifted so that every published sum holds exactly."""
    roles = _roles(deltas)
    spends = [frame["total_spend"].to_numpy().copy() for frame in deltas]
    cells = {
        (k, r): np.flatnonzero(role == r)
        for k, role in enumerate(roles)
        for r in (WINS, SKIPPED_WINS, SUPERSEDED)
    }
    cells = {cell: rows for cell, rows in cells.items() if len(rows)}
    targets = _role_targets({(k, r): int(spends[k][rows].sum()) for (k, r), rows in cells.items()})
    for (k, role), rows in cells.items():
        free = rows[~deltas[k]["user_id"].iloc[rows].isin(list(pinned[k])).to_numpy()]
        _shift_to_total(
            rng, spends[k], free, LAYOUT.spend_ranges[k], targets[k, role] - int(spends[k][rows].sum())
        )
    return [frame.assign(total_spend=spend) for frame, spend in zip(deltas, spends, strict=True)]


def _shift_to_total(
    rng: np.random.Generator, spend: np.ndarray, rows: np.ndarray, bounds: Range, change: int
) -> None:
    """Change the sum of spend[rows] by ``change``, in place, with steps spread evenly over
    the rows (a unit more on random ones) and every value kept within ``bounds``."""
    lo, hi = bounds
    target = int(spend[rows].sum()) + change
    while (gap := target - int(spend[rows].sum())) != 0:
        room = hi - spend[rows] if gap > 0 else spend[rows] - lo
        movable = np.flatnonzero(room > 0)
        if not len(movable):
            raise AssertionError("no room left to calibrate total_spend")
        each, extra = divmod(abs(gap), len(movable))
        step = np.full(len(movable), each)
        step[rng.choice(len(movable), extra, replace=False)] += 1
        spend[rows[movable]] += np.sign(gap) * np.minimum(step, room[movable])


def _require(condition: bool, what: str) -> None:
    """Raise AssertionError naming the broken part of the specification (kept under -O)."""
    if not condition:
        raise AssertionError(f"replica breaks its specification: {what}")


def verify(case: SimulatedCase) -> None:
    """Check the replica against every published figure and structural constraint."""
    deltas = list(case.deltas)
    rows = pd.concat([frame.assign(file=k) for k, frame in enumerate(deltas)], ignore_index=True)
    _require(len(deltas) == len(FILE_ROWS), "five files")
    for k, frame in enumerate(deltas):
        (batch_lo, batch_hi), (spend_lo, spend_hi) = LAYOUT.batch_ranges[k], LAYOUT.spend_ranges[k]
        _require(
            len(frame) == FILE_ROWS[k] and frame["total_spend"].sum() == FILE_SPEND[k],
            f"delta{k} rows and spend",
        )
        _require(frame["user_id"].is_unique, f"one row per user in delta{k}")
        _require(frame["batch_id"].between(batch_lo, batch_hi).all(), f"delta{k} batch range")
        _require(frame["total_spend"].between(spend_lo, spend_hi).all(), f"delta{k} spend range")
        _require(_head(frame) == DELTA_HEADS[k], f"delta{k} head")
    _require(sorted(deltas[0]["user_id"]) == list(range(1, N_USERS + 1)), "every user in delta0")
    _require(rows["count_saved_items"].between(0, MAX_SAVED_ITEMS).all(), "count_saved_items range")
    _require(rows["loyalty_credits"].between(0, MAX_LOYALTY_CREDITS).all(), "loyalty_credits range")
    _require(not rows.duplicated(["user_id", "batch_id"]).any(), "no ties on (user, batch_id)")
    by_user = rows.sort_values(["user_id", "file"]).groupby("user_id")["total_spend"]
    _require((by_user.diff().dropna() >= 0).all(), "spend non-decreasing per user")
    in_skipped = set(deltas[SKIPPED_FILE]["user_id"]) - set(deltas[-1]["user_id"])
    _require(len(in_skipped) == SKIPPED_WINNERS, "users in delta3 and not in delta4")
    truth = case.truth
    _require(truth.client_total == CLIENT_TOTAL and truth.platform_total == PLATFORM_TOTAL, "summary totals")
    _require(truth.users_differing == SKIPPED_WINNERS, "users wrong on the platform")
    _require(truth.causes == (FILES_NOT_LOADED,), "cause")
    _require([f.status for f in truth.files] == [LOADED, LOADED, LOADED, NOT_LOADED, LOADED], "load statuses")
    _require(len(case.platform) == len(case.client) == N_USERS, "summary rows")
    _require(_head(case.platform) == PLATFORM_HEAD and _head(case.client) == CLIENT_HEAD, "summary heads")


def _head(frame: pd.DataFrame) -> tuple[Row, ...]:
    """The first five rows as tuples."""
    return tuple(tuple(int(v) for v in row) for row in frame.head().itertuples(index=False))


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: write the replica's files."""
    parser = argparse.ArgumentParser(prog="python -m recon.replica", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("seeds"))
    args = parser.parse_args(argv)
    for path in write_case(build(), args.out, fmt="csv"):
        print(path)


if __name__ == "__main__":
    main()
