"""Deterministic simulator of a client's delta exports and of the platform's load of them.

A client drops delta exports of its user-summary table; the platform unions them and keeps,
per user, the row with the largest ``batch_id``.  :func:`simulate` generates such a stream
(seeded numpy ``Generator(PCG64)``, vectorised), runs it through a platform with injected
faults (:class:`Fault`) and returns the platform's table, the client's own export and the
ground truth a reconciliation should find (:class:`GroundTruth`).  :func:`write_case` writes
it all as CSV, gzipped CSV or Parquet.

Delta files are generated lazily (:class:`DeltaStream`): once to derive the two tables and
once more to write them, one file at a time, so memory stays a few arrays over the users
whatever the number of files.

Ground truth, in the words a reconciliation would use:

* A file's *live rows* are the rows that win the platform's own rule over all files (the
  largest batch_id, or with ``last_arrival_wins`` the last arrival).  A file's load status
  is ``undetermined`` when it has no live row (every row is superseded, so the platform's
  table cannot show whether it was loaded); otherwise ``loaded``,
  ``not_loaded`` or ``partially_loaded`` as all, none or some of its live rows were fed to
  the platform; a file loaded in full whose rows the platform holds with altered values
  (``exchanged_columns``, ``scaled_columns``) is ``loaded_with_altered_values``.
* Causes, in this order, each listed only when it shows in the tables:
  ``files_not_loaded`` (a file is ``not_loaded``), ``file_partially_loaded`` (a file is
  ``partially_loaded``), ``altered_values`` (the platform holds a row whose values a
  faulty load altered), ``dedup_rule`` (keeping the last-arriving row changed some user's
  row), ``client_export_behind`` (the client's export differs from the correct dedup),
  ``platform_extra_users`` (``users_added``: users in the platform's table found in no
  delta), ``platform_missing_users`` (``users_dropped``: users missing from the platform's
  table although a delta holds them); ``consistent`` when none applies.

Run ``python -m recon.simulator --help`` for the command line.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

COLUMNS = ("user_id", "total_spend", "count_saved_items", "loyalty_credits", "batch_id")
VALUE_COLUMNS = COLUMNS[1:]
MAX_SAVED_ITEMS = 50
MAX_LOYALTY_CREDITS = 1000
LATE_SHARE = 0.2
"""Share of the eligible rows of files 1+ re-sent late when a fault sets ``last_arrival_wins``."""

LOADED, NOT_LOADED, PARTIALLY_LOADED, UNDETERMINED = (
    "loaded",
    "not_loaded",
    "partially_loaded",
    "undetermined",
)
LOADED_WITH_ALTERED_VALUES = "loaded_with_altered_values"
CONSISTENT = "consistent"
FILES_NOT_LOADED = "files_not_loaded"
FILE_PARTIALLY_LOADED = "file_partially_loaded"
ALTERED_VALUES = "altered_values"
DEDUP_RULE = "dedup_rule"
CLIENT_EXPORT_BEHIND = "client_export_behind"
PLATFORM_EXTRA_USERS = "platform_extra_users"
PLATFORM_MISSING_USERS = "platform_missing_users"

# the real case's names for the platform's table and the client's export
SUMMARY_NAMES = ("AIQ-user-summary", "Johnny-user-summary")
FORMATS = ("csv", "csv.gz", "parquet")

Range = tuple[int, int]


@dataclass(frozen=True)
class Layout:
    """Closed per-file ranges of ``batch_id`` and ``total_spend``.

    File k's ranges lie above file k-1's (batch ranges strictly), so batch ids never tie
    across files and a user's spend never decreases from one file to a later one.
    """

    batch_ranges: tuple[Range, ...]
    spend_ranges: tuple[Range, ...]

    def __post_init__(self) -> None:
        if not self.batch_ranges or len(self.batch_ranges) != len(self.spend_ranges):
            raise ValueError("need one batch range and one spend range per file")
        if any(lo > hi for lo, hi in self.batch_ranges + self.spend_ranges):
            raise ValueError("a range ends before it starts")
        if any(b[0] <= a[1] for a, b in itertools.pairwise(self.batch_ranges)):
            raise ValueError("batch ranges must be disjoint and increasing")
        if any(b[0] < a[1] for a, b in itertools.pairwise(self.spend_ranges)):
            raise ValueError("spend ranges must not decrease")

    @classmethod
    def default(cls, n_files: int) -> Layout:
        """Ranges like the real case's: a base of batch 0-2000 and spend 0-2000, then 1,500
        batch ids and 1,000 of spend per file."""
        later = range(1, n_files)
        return cls(
            batch_ranges=((0, 2000), *((501 + 1500 * k, 2000 + 1500 * k) for k in later)),
            spend_ranges=((0, 2000), *((1000 + 1000 * k, 2000 + 1000 * k) for k in later)),
        )

    @property
    def n_files(self) -> int:
        """Number of files the layout describes."""
        return len(self.batch_ranges)

    def file_of_batch(self, batch: np.ndarray) -> np.ndarray:
        """Index of the file whose batch range holds each batch id."""
        starts = np.array([lo for lo, _ in self.batch_ranges])
        return np.searchsorted(starts, batch, side="right") - 1


@dataclass(frozen=True)
class Fault:
    """What goes wrong between the client's delta files and the two tables; fields combine.

    skip_files: files the platform never loaded.
    truncate_file: ``(i, k)``: the platform loaded only the first k rows of file i.
    truncate_files: more such cuts, ``((i, k), (j, l), ...)``, one per file.
    last_arrival_wins: the stream carries late re-sends of older versions of users, and the
        platform keeps each user's last-arriving row instead of its largest batch_id.
    stale_client_export: the client's export reflects only files 0..k.
    users_added: the platform's table holds this many extra users, found in no delta.
    users_dropped: the platform's table lacks this many users.
    exchanged_columns: ``((i, a, b), ...)``: the platform loaded file i with the values of
        columns a and b swapped in every row (a column-mapping error).
    scaled_columns: ``((i, c, p), ...)``: the platform loaded file i with column c times
        10**p in every row, truncated to a whole number (a unit error).
    lost_rows: ``((i, first, last), ...)``: the platform loaded file i without its rows
        first..last (counted from 1 after the header: row r is line r + 1), a chunk lost
        in the middle of a load that went on after it.
    """

    skip_files: tuple[int, ...] = ()
    truncate_file: tuple[int, int] | None = None
    truncate_files: tuple[tuple[int, int], ...] = ()
    last_arrival_wins: bool = False
    stale_client_export: int | None = None
    users_added: int = 0
    users_dropped: int = 0
    exchanged_columns: tuple[tuple[int, str, str], ...] = ()
    scaled_columns: tuple[tuple[int, str, int], ...] = ()
    lost_rows: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "skip_files", tuple(sorted(set(self.skip_files))))
        if self.truncate_file is not None:
            object.__setattr__(self, "truncate_file", tuple(self.truncate_file))
        object.__setattr__(self, "truncate_files", tuple(tuple(c) for c in self.truncate_files))
        for name in ("exchanged_columns", "scaled_columns", "lost_rows"):
            object.__setattr__(self, name, tuple(tuple(a) for a in getattr(self, name)))

    @property
    def altered_files(self) -> set[int]:
        """The files the platform loaded with altered values."""
        return {a[0] for a in (*self.exchanged_columns, *self.scaled_columns)}

    def altered(self, k: int, values: np.ndarray) -> np.ndarray:
        """File k's rows (VALUE_COLUMNS) as the platform loaded them."""
        if k not in self.altered_files:
            return values
        values = values.copy()
        index = VALUE_COLUMNS.index
        for _, a, b in (e for e in self.exchanged_columns if e[0] == k):
            values[:, [index(a), index(b)]] = values[:, [index(b), index(a)]]
        for _, column, power in (e for e in self.scaled_columns if e[0] == k):
            scaled = values[:, index(column)].astype(np.int64)
            values[:, index(column)] = scaled * 10**power if power >= 0 else scaled // 10**-power
        return values

    @property
    def cuts(self) -> dict[int, int]:
        """Every cut: file -> rows the platform loaded of it."""
        pairs = [*([self.truncate_file] if self.truncate_file else []), *self.truncate_files]
        return dict(pairs)

    def check(self, n_users: int, n_files: int) -> None:
        """Raise ValueError unless the fault fits a stream of n_users users and n_files files."""
        files = [*self.skip_files]
        for file, rows in self.cuts.items():
            files.append(file)
            if rows < 0:
                raise ValueError("truncate_file keeps a negative number of rows")
        if self.stale_client_export is not None:
            files.append(self.stale_client_export)
        files.extend(self.altered_files)
        for file, first, last in self.lost_rows:
            files.append(file)
            if not 1 <= first <= last:
                raise ValueError("lost_rows needs 1 <= first <= last")
        columns = [c for e in self.exchanged_columns for c in e[1:]]
        columns += [e[1] for e in self.scaled_columns]
        if any(c not in VALUE_COLUMNS[:-1] for c in columns):
            raise ValueError(f"an altered column must be one of {VALUE_COLUMNS[:-1]}")
        if any(not 0 <= k < n_files for k in files):
            raise ValueError(f"fault names a file outside 0..{n_files - 1}")
        if not 0 <= self.users_dropped <= n_users or self.users_added < 0:
            raise ValueError("users_added and users_dropped must be between 0 and n_users")

    def fed(self, k: int, n_rows: int) -> np.ndarray:
        """Which of file k's n_rows rows the platform loads (a mask in file order)."""
        mask = np.zeros(n_rows, bool)
        if k not in self.skip_files:
            mask[: self.cuts.get(k, n_rows)] = True
        for _, first, last in (e for e in self.lost_rows if e[0] == k):
            mask[first - 1 : last] = False
        return mask

    def client_sees(self, k: int) -> bool:
        """Whether the client's export reflects file k."""
        return self.stale_client_export is None or k <= self.stale_client_export


@dataclass(frozen=True)
class FileTruth:
    """One delta file: its size, its spend, what the platform got of it and its load status."""

    rows: int
    spend: int
    fed_rows: int
    live_rows: int
    status: str


@dataclass(frozen=True)
class GroundTruth:
    """What a reconciliation of the case should find (see the module docstring)."""

    files: tuple[FileTruth, ...]
    causes: tuple[str, ...]
    users_differing: int
    """Users whose platform row differs from the correct dedup, missing and extra users included."""
    client_total: int
    platform_total: int
    correct_total: int

    @property
    def gap(self) -> int:
        """Client total minus platform total."""
        return self.client_total - self.platform_total


@dataclass(frozen=True)
class SimulatedCase:
    """Delta files (re-iterable, in arrival order), the two tables and the ground truth."""

    deltas: Iterable[pd.DataFrame]
    platform: pd.DataFrame
    client: pd.DataFrame
    truth: GroundTruth
    fault: Fault = Fault()
    """The fault the platform's load had."""


def generator(seed: int, *key: int) -> np.random.Generator:
    """An independent PCG64 generator for one purpose (``key``) of one seed, the same on every call."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def draw_rows(rng: np.random.Generator, users: np.ndarray, layout: Layout, k: int) -> pd.DataFrame:
    """One row per user with values drawn uniformly from file k's ranges."""
    bounds = (layout.spend_ranges[k], (0, MAX_SAVED_ITEMS), (0, MAX_LOYALTY_CREDITS), layout.batch_ranges[k])
    values = np.empty((len(users), len(VALUE_COLUMNS)), np.int32)
    for column, (lo, hi) in enumerate(bounds):
        values[:, column] = rng.integers(lo, hi, size=len(users), endpoint=True, dtype=np.int32)
    return _frame(users.astype(np.int32), values)


def _frame(users: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """A frame of COLUMNS from user ids and their values (VALUE_COLUMNS), as one int32 block."""
    return pd.DataFrame(np.column_stack([users, values]), columns=list(COLUMNS), copy=False)


class _LateState:
    """Each user's latest version so far, to re-send an older one (once per user)."""

    def __init__(self, n_users: int) -> None:
        self.batch = np.full(n_users + 1, -1, np.int32)
        self.spend = np.zeros(n_users + 1, np.int32)
        self.resent = np.zeros(n_users + 1, bool)

    def resend_some(
        self, frame: pd.DataFrame, rng: np.random.Generator, share: float, layout: Layout
    ) -> pd.DataFrame:
        """Turn a share of the eligible rows into re-sends of an older version of the user.

        The older version lies in the range of the user's latest version, below it: a smaller
        batch_id and a smaller spend.  Every user is in file 0, so every user has a version.
        """
        users = frame["user_id"].to_numpy()
        batch, spend = self.batch[users], self.spend[users]
        file = layout.file_of_batch(batch)
        batch_lo = np.array([lo for lo, _ in layout.batch_ranges])[file]
        spend_lo = np.array([lo for lo, _ in layout.spend_ranges])[file]
        eligible = ~self.resent[users] & (batch > batch_lo) & (spend > spend_lo)
        late = np.flatnonzero(eligible & (rng.random(len(users)) < share))
        return frame.assign(
            batch_id=_replaced(
                frame["batch_id"], late, rng.integers(batch_lo[late], batch[late] - 1, endpoint=True)
            ),
            total_spend=_replaced(
                frame["total_spend"], late, rng.integers(spend_lo[late], spend[late] - 1, endpoint=True)
            ),
        )

    def record(self, frame: pd.DataFrame) -> None:
        """Take the rows of a file in: newer rows become the latest versions, older ones re-sends."""
        users, batch = frame["user_id"].to_numpy(), frame["batch_id"].to_numpy()
        newer = batch > self.batch[users]
        self.resent[users[~newer]] = True
        self.batch[users[newer]] = batch[newer]
        self.spend[users[newer]] = frame["total_spend"].to_numpy()[newer]


def _replaced(column: pd.Series, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The column's values with those at positions ``rows`` replaced."""
    out = column.to_numpy().copy()
    out[rows] = values
    return out


@dataclass(frozen=True)
class DeltaStream:
    """The client's delta files, generated lazily; every iteration yields the same frames.

    File 0 (the base) holds every user, sorted by user_id; each later file holds each user
    independently with probability ``update_share``, in the order of :func:`_export_order`.
    With ``late_share`` > 0, that share of the eligible rows of files 1+ are late re-sends
    of an older version of the user (see :meth:`_LateState.resend_some`).
    """

    n_users: int
    layout: Layout
    seed: int
    update_share: float = 0.25
    late_share: float = 0.0

    def __len__(self) -> int:
        return self.layout.n_files

    def __iter__(self) -> Iterator[pd.DataFrame]:
        late = _LateState(self.n_users) if self.late_share else None
        for k in range(len(self)):
            rng = generator(self.seed, 0, k)
            frame = draw_rows(rng, self._members(rng, k), self.layout, k)
            if late is not None:
                if k:
                    frame = late.resend_some(frame, rng, self.late_share, self.layout)
                late.record(frame)
            yield frame

    def _members(self, rng: np.random.Generator, k: int) -> np.ndarray:
        if k == 0:
            return np.arange(1, self.n_users + 1, dtype=np.int32)
        members = np.flatnonzero(rng.random(self.n_users) < self.update_share).astype(np.int32) + 1
        return _export_order(rng, members)


def _export_order(rng: np.random.Generator, users: np.ndarray) -> np.ndarray:
    """Sorted users in the order of an export written by two workers, as the real files'
    heads look: two ascending runs, split at a random user, merged at random."""
    cut = rng.integers(0, len(users), endpoint=True)
    second = rng.permutation(np.arange(len(users)) >= cut)
    order = np.empty_like(users)
    order[~second], order[second] = users[:cut], users[cut:]
    return order


class _Dedup:
    """Each user's winning row so far, indexed by user_id, and the file it came from."""

    def __init__(self, n_users: int, last_arrival: bool = False) -> None:
        self.last_arrival = last_arrival
        self.file = np.full(n_users + 1, -1, np.int16)
        self.values = np.zeros((n_users + 1, len(VALUE_COLUMNS)), np.int32)

    @property
    def present(self) -> np.ndarray:
        """Mask over user ids of the users holding a row."""
        return self.file >= 0

    def add(self, k: int, users: np.ndarray, values: np.ndarray) -> None:
        """Take rows of file k in (values in VALUE_COLUMNS order): a row wins if it arrives
        last, or if it has the larger batch_id."""
        if not self.last_arrival:
            newer = np.flatnonzero((self.file[users] < 0) | (values[:, -1] > self.values[users, -1]))
            users, values = users[newer], np.take(values, newer, axis=0)
        self.file[users] = k
        self.values[users] = values

    def drop(self, users: np.ndarray) -> None:
        """Remove these users' rows."""
        self.file[users] = -1

    def differs(self, other: _Dedup) -> np.ndarray:
        """Mask over user ids of the users whose row here differs from their row in ``other``."""
        both = self.present & other.present
        return (self.present != other.present) | (both & (self.values != other.values).any(axis=1))

    def total(self) -> int:
        """Sum of total_spend over the rows held."""
        return int(self.values[self.present, 0].sum(dtype=np.int64))

    def frame(self, order: np.ndarray) -> pd.DataFrame:
        """The rows held, users listed in ``order``."""
        users = order[self.present[order]]
        return _frame(users.astype(np.int32), np.take(self.values, users, axis=0))


@dataclass
class _Loads:
    """One pass over the delta files: the dedups it fed and what it saw of each file."""

    correct: _Dedup
    """Every row, largest batch_id wins."""
    platform: _Dedup
    """The rows the platform loaded, under the platform's rule."""
    platform_by_batch: _Dedup | None
    """With the last-arrival fault: the rows the platform loaded, largest batch_id wins."""
    client: _Dedup
    """The rows the client's export reflects, largest batch_id wins."""
    by_platform_rule: _Dedup
    """Every row, under the platform's rule: which rows the platform's table can show."""
    platform_unaltered: _Dedup
    """The rows the platform loaded, under its rule, as the files carry them (the platform
    itself when the fault alters no file)."""
    sizes: list[tuple[int, int, int]]
    """Per file: rows, sum of total_spend, rows fed to the platform."""
    unfed_users: list[np.ndarray]
    """Per file: the users of the rows not fed to the platform."""


def _load(deltas: Iterable[pd.DataFrame], n_users: int, fault: Fault) -> _Loads:
    """Feed every delta file, in arrival order, to the correct dedup, the platform and the client."""
    correct = _Dedup(n_users)
    platform = _Dedup(n_users, last_arrival=fault.last_arrival_wins)
    loads = _Loads(
        correct=correct,
        platform=platform,
        platform_by_batch=_Dedup(n_users) if fault.last_arrival_wins else None,
        client=_Dedup(n_users) if fault.stale_client_export is not None else correct,
        by_platform_rule=_Dedup(n_users, last_arrival=True) if fault.last_arrival_wins else correct,
        platform_unaltered=_Dedup(n_users, last_arrival=fault.last_arrival_wins)
        if fault.altered_files else platform,
        sizes=[],
        unfed_users=[],
    )
    for k, frame in enumerate(deltas):
        fed_mask = fault.fed(k, len(frame))
        table = frame.to_numpy(np.int32)
        users, values = table[:, 0], table[:, 1:]
        correct.add(k, users, values)
        if loads.by_platform_rule is not correct:
            loads.by_platform_rule.add(k, users, values)
        fed = fault.altered(k, values[fed_mask])
        for dedup in filter(None, (loads.platform, loads.platform_by_batch)):
            dedup.add(k, users[fed_mask], fed)
        if loads.platform_unaltered is not loads.platform:
            loads.platform_unaltered.add(k, users[fed_mask], values[fed_mask])
        if loads.client is not correct and fault.client_sees(k):
            loads.client.add(k, users, values)
        loads.sizes.append((len(frame), int(values[:, 0].sum(dtype=np.int64)), int(fed_mask.sum())))
        loads.unfed_users.append(users[~fed_mask].copy())
    return loads


def _status(live_rows: int, fed_live_rows: int) -> str:
    """A file's load status from its live rows and how many of them the platform got."""
    if live_rows == 0:
        return UNDETERMINED
    if fed_live_rows == live_rows:
        return LOADED
    return NOT_LOADED if fed_live_rows == 0 else PARTIALLY_LOADED


def _file_truths(loads: _Loads) -> tuple[FileTruth, ...]:
    """Each file's size, spend, rows fed, live rows and load status."""
    files = []
    altered = loads.platform.differs(loads.platform_unaltered)
    for k, ((rows, spend, n_fed), unfed) in enumerate(zip(loads.sizes, loads.unfed_users, strict=True)):
        live = int((loads.by_platform_rule.file == k).sum())
        fed_live = live - int((loads.by_platform_rule.file[unfed] == k).sum())
        status = _status(live, fed_live)
        if status == LOADED and (altered & (loads.platform.file == k)).any():
            status = LOADED_WITH_ALTERED_VALUES
        files.append(FileTruth(rows, spend, n_fed, live, status))
    return tuple(files)


def _causes(files: tuple[FileTruth, ...], loads: _Loads, fault: Fault) -> tuple[str, ...]:
    """The causes that show in the tables, in the order of the module docstring."""
    statuses = {f.status for f in files}
    by_batch = loads.platform_by_batch
    shows = {
        FILES_NOT_LOADED: NOT_LOADED in statuses,
        FILE_PARTIALLY_LOADED: PARTIALLY_LOADED in statuses,
        ALTERED_VALUES: bool(loads.platform.differs(loads.platform_unaltered).any()),
        DEDUP_RULE: by_batch is not None and bool(loads.platform.differs(by_batch).any()),
        CLIENT_EXPORT_BEHIND: bool(loads.client.differs(loads.correct).any()),
        PLATFORM_EXTRA_USERS: fault.users_added > 0,
        PLATFORM_MISSING_USERS: fault.users_dropped > 0,
    }
    return tuple(cause for cause, shown in shows.items() if shown) or (CONSISTENT,)


def derive_case(
    deltas: Iterable[pd.DataFrame],
    layout: Layout,
    n_users: int,
    fault: Fault = Fault(),
    *,
    seed: int = 0,
    summary_order: np.ndarray | None = None,
) -> SimulatedCase:
    """Run the delta files (re-iterable, users 1..n_users) through a platform with ``fault``.

    Both tables list their users in ``summary_order`` (default: a random order drawn from
    ``seed``); extra users (``users_added``, drawn from the last file's ranges) come last.
    """
    rng = generator(seed, 1)
    order = rng.permutation(np.arange(1, n_users + 1)) if summary_order is None else summary_order
    loads = _load(deltas, n_users, fault)
    files = _file_truths(loads)
    causes = _causes(files, loads, fault)
    platform = loads.platform
    platform.drop(rng.choice(np.flatnonzero(platform.present), fault.users_dropped, replace=False))
    added = draw_rows(
        rng, np.arange(n_users + 1, n_users + 1 + fault.users_added), layout, layout.n_files - 1
    )
    truth = GroundTruth(
        files=files,
        causes=causes,
        users_differing=int(platform.differs(loads.correct).sum()) + fault.users_added,
        client_total=loads.client.total(),
        platform_total=platform.total() + int(added["total_spend"].sum()),
        correct_total=loads.correct.total(),
    )
    platform_table = platform.frame(order)
    if fault.users_added:
        platform_table = pd.concat([platform_table, added], ignore_index=True)
    return SimulatedCase(deltas, platform_table, loads.client.frame(order), truth, fault)


def simulate(
    n_users: int = 10_000,
    n_files: int = 5,
    seed: int = 0,
    update_share: float = 0.25,
    fault: Fault = Fault(),
    layout: Layout | None = None,
) -> SimulatedCase:
    """A client's delta stream of n_files files over users 1..n_users, loaded with ``fault``.

    Deterministic in its arguments.  The stream carries late re-sends only when the fault
    sets ``last_arrival_wins`` (:data:`LATE_SHARE` of the eligible rows of files 1+).
    """
    layout = layout or Layout.default(n_files)
    if layout.n_files != n_files:
        raise ValueError("layout describes another number of files")
    fault.check(n_users, n_files)
    late_share = LATE_SHARE if fault.last_arrival_wins else 0.0
    stream = DeltaStream(n_users, layout, seed, update_share, late_share)
    return derive_case(stream, layout, n_users, fault, seed=seed)


def case_file_names(n_files: int, fmt: str = "csv") -> list[str]:
    """File names of the deltas, then the platform's table, then the client's export,
    named as in the real case (delta0.csv ... AIQ-user-summary.csv, Johnny-user-summary.csv)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    stems = [*(f"delta{k}" for k in range(n_files)), *SUMMARY_NAMES]
    return [f"{stem}.{fmt}" for stem in stems]


def write_case(
    case: SimulatedCase, out_dir: str | Path, fmt: str = "csv", crlf: bool = False
) -> list[Path]:
    """Write the case's files one at a time into out_dir; return their paths (as case_file_names)."""
    if crlf and fmt == "parquet":
        raise ValueError("crlf applies to csv formats only")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in case_file_names(len(case.truth.files), fmt)]
    frames = itertools.chain(case.deltas, (case.platform, case.client))
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        for frame, path in zip(frames, paths, strict=True):
            write_frame(con, frame, path, fmt, crlf)
    return paths


def write_latest(
    case: SimulatedCase, out_dir: str | Path, fmt: str = "csv", crlf: bool = False
) -> list[Path]:
    """A day of a stream: write only the case's last delta file and both summaries into
    out_dir (the earlier files are the ones an earlier day wrote: a stream's first k files
    are the same whatever its length, for one seed and update share); return their paths.
    """
    if crlf and fmt == "parquet":
        raise ValueError("crlf applies to csv formats only")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = case_file_names(len(case.truth.files), fmt)
    last = len(case.truth.files) - 1
    paths = []
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        for k, frame in enumerate(case.deltas):
            if k == last:
                paths.append(out / names[k])
                write_frame(con, frame, paths[-1], fmt, crlf)
        for frame, name in zip((case.platform, case.client), names[-2:], strict=True):
            paths.append(out / name)
            write_frame(con, frame, paths[-1], fmt, crlf)
    return paths


def write_frame(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, path: Path, fmt: str, crlf: bool
) -> None:
    """Write one frame with duckdb's copy, in row order."""
    if fmt == "parquet":
        options = "format parquet"
    else:
        newline = "\\r\\n" if crlf else "\\n"
        gzip = ", compression gzip" if fmt == "csv.gz" else ""
        options = f"format csv, header, delimiter ',', new_line '{newline}'{gzip}"
    con.register("frame", frame)
    try:
        con.execute(f"copy frame to '{str(path).replace(chr(39), chr(39) * 2)}' ({options})")
    finally:
        con.unregister("frame")


def _pair(text: str) -> tuple[int, int]:
    """Parse ``I:K``."""
    file, rows = text.split(":")
    return int(file), int(rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: simulate a case, write its files and print its ground truth as JSON."""
    parser = argparse.ArgumentParser(prog="python -m recon.simulator", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--update-share", type=float, default=0.25)
    parser.add_argument("--skip-files", type=int, nargs="*", default=[])
    parser.add_argument("--truncate-file", type=_pair, metavar="I:K", action="append",
                        help="the platform loaded only the first K rows of file I (repeatable)")
    parser.add_argument("--last-arrival-wins", action="store_true")
    parser.add_argument("--stale-client-export", type=int, metavar="K")
    parser.add_argument("--users-added", type=int, default=0)
    parser.add_argument("--users-dropped", type=int, default=0)
    parser.add_argument("--exchange-columns", metavar="I:A,B", action="append", default=[],
                        help="the platform loaded file I with columns A and B swapped (repeatable)")
    parser.add_argument("--scale-column", metavar="I:C:P", action="append", default=[],
                        help="the platform loaded file I with column C times 10**P, truncated (repeatable)")
    parser.add_argument("--lose-rows", metavar="I:FIRST-LAST", action="append", default=[],
                        help="the platform loaded file I without its rows FIRST..LAST (repeatable)")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--crlf", action="store_true")
    parser.add_argument("--latest-only", action="store_true",
                        help="a day of a stream: write only the last delta file and the two"
                        " summaries (the earlier files are those of the same stream with fewer files)")
    args = parser.parse_args(argv)
    fault = Fault(
        skip_files=args.skip_files,
        truncate_files=tuple(args.truncate_file or ()),
        last_arrival_wins=args.last_arrival_wins,
        stale_client_export=args.stale_client_export,
        users_added=args.users_added,
        users_dropped=args.users_dropped,
        exchanged_columns=tuple(
            (int(i), *pair.split(",")) for i, pair in (e.split(":") for e in args.exchange_columns)),
        scaled_columns=tuple(
            (int(i), c, int(p)) for i, c, p in (e.split(":") for e in args.scale_column)),
        lost_rows=tuple(
            (int(i), *map(int, rows.split("-"))) for i, rows in (e.split(":") for e in args.lose_rows)),
    )
    case = simulate(args.users, args.files, args.seed, args.update_share, fault)
    (write_latest if args.latest_only else write_case)(case, args.out_dir, args.format, args.crlf)
    print(json.dumps(asdict(case.truth) | {"gap": case.truth.gap}, indent=2))


if __name__ == "__main__":
    main()
