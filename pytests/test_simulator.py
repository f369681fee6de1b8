"""The load simulator and the shipped replica, checked from the files they write.

Every expectation about a table is computed here, independently of the simulator's code,
with a small duckdb dedup over the written delta files.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from recon import replica
from recon.simulator import (
    ALTERED_VALUES,
    CLIENT_EXPORT_BEHIND,
    CONSISTENT,
    DEDUP_RULE,
    FILE_PARTIALLY_LOADED,
    FILES_NOT_LOADED,
    LOADED,
    LOADED_WITH_ALTERED_VALUES,
    NOT_LOADED,
    PARTIALLY_LOADED,
    PLATFORM_EXTRA_USERS,
    PLATFORM_MISSING_USERS,
    UNDETERMINED,
    Fault,
    SimulatedCase,
    case_file_names,
    simulate,
    write_case,
    write_latest,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
REPLICA_DIR = PROJECT_DIR / "seeds"
REPLICA_NAMES = case_file_names(len(replica.FILE_ROWS))
N_USERS = 3_000


@dataclass
class Written:
    """A simulated case, its files, and a duckdb connection holding them as tables:
    deltas (with file and rn, the row's 0-based position in its file), platform, client."""

    fault: Fault
    case: SimulatedCase
    paths: list[Path]
    con: duckdb.DuckDBPyConnection

    def one(self, sql: str) -> tuple:
        """The first row of a query."""
        return self.con.execute(sql).fetchone()


def _read(path: Path) -> pd.DataFrame:
    """A written file as a frame, rows in file order."""
    if path.suffix == ".parquet":
        with duckdb.connect() as con:
            return con.execute("select * from read_parquet(?)", [str(path)]).df()
    return pd.read_csv(path)


def _load(paths: list[Path]) -> duckdb.DuckDBPyConnection:
    """The files of a case (deltas, platform, client) as duckdb tables."""
    frames = [_read(path) for path in paths]
    con = duckdb.connect()
    deltas = pd.concat(
        [f.assign(file=k, rn=np.arange(len(f))) for k, f in enumerate(frames[:-2])], ignore_index=True
    )
    for name, frame in (("deltas", deltas), ("platform", frames[-2]), ("client", frames[-1])):
        con.register("frame", frame)
        con.execute(f"create table {name} as select * from frame")
        con.unregister("frame")
    return con


def _dedup(where: str = "true", order: str = "batch_id desc") -> str:
    """One row per user among the delta rows matching ``where``: the first by ``order``."""
    return f"""
        select user_id, total_spend, count_saved_items, loyalty_credits, batch_id
        from deltas
        where {where}
        qualify row_number() over (partition by user_id order by {order}) = 1
    """


def _users_differing(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Users whose row differs between two queries (present in one only included)."""
    differing = f"(({left}) except all ({right})) union all (({right}) except all ({left}))"
    return con.execute(f"select count(distinct user_id) from ({differing})").fetchone()[0]


def _fed(fault: Fault) -> str:
    """The delta rows the fault lets the platform load, as a where clause."""
    conditions = ["true"]
    if fault.skip_files:
        conditions.append(f"file not in ({', '.join(map(str, fault.skip_files))})")
    for file, rows in fault.cuts.items():
        conditions.append(f"not (file = {file} and rn >= {rows})")
    return " and ".join(conditions)


def _platform_rule(fault: Fault) -> str:
    """The platform's dedup order: last arrival, or largest batch_id."""
    return "file desc, rn desc" if fault.last_arrival_wins else "batch_id desc"


def _simulate_and_load(directory: Path, fault: Fault, n_files: int, **kwargs: float) -> Written:
    case = simulate(N_USERS, n_files, seed=7, fault=fault, **kwargs)
    paths = write_case(case, directory)
    return Written(fault, case, paths, _load(paths))


FAULT_CASES = [
    pytest.param((Fault(), 4, (CONSISTENT,)), id="none"),
    pytest.param((Fault(skip_files=(2,)), 6, (FILES_NOT_LOADED,)), id="skip-one"),
    pytest.param((Fault(skip_files=(1, 7)), 8, (FILES_NOT_LOADED,)), id="skip-two"),
    pytest.param((Fault(truncate_file=(3, 400)), 5, (FILE_PARTIALLY_LOADED,)), id="truncate"),
    pytest.param((Fault(truncate_file=(4, 0)), 5, (FILES_NOT_LOADED,)), id="truncate-to-nothing"),
    pytest.param(
        (Fault(skip_files=(3, 11, 19), truncate_files=((7, 30), (15, 20))), 32,
         (FILES_NOT_LOADED, FILE_PARTIALLY_LOADED)),
        id="skip-three-cut-two-of-32"),
    pytest.param((Fault(last_arrival_wins=True), 7, (DEDUP_RULE,)), id="last-arrival-wins"),
    pytest.param((Fault(stale_client_export=6), 9, (CLIENT_EXPORT_BEHIND,)), id="stale-client-export"),
    pytest.param((Fault(users_added=25), 10, (PLATFORM_EXTRA_USERS,)), id="users-added"),
    pytest.param((Fault(users_dropped=40), 12, (PLATFORM_MISSING_USERS,)), id="users-dropped"),
    pytest.param(
        (
            Fault(
                skip_files=(2,),
                truncate_file=(4, 100),
                last_arrival_wins=True,
                stale_client_export=4,
                users_added=3,
                users_dropped=5,
            ),
            6,
            (
                FILES_NOT_LOADED,
                FILE_PARTIALLY_LOADED,
                DEDUP_RULE,
                CLIENT_EXPORT_BEHIND,
                PLATFORM_EXTRA_USERS,
                PLATFORM_MISSING_USERS,
            ),
        ),
        id="all-combined",
    ),
]


@pytest.fixture(scope="module", params=FAULT_CASES)
def written(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Written, tuple[str, ...]]:
    """One simulated fault case, written and loaded, with the causes it must report."""
    fault, n_files, causes = request.param
    return _simulate_and_load(tmp_path_factory.mktemp("case"), fault, n_files), causes


def test_platform_table_has_the_faults_property(written: tuple[Written, tuple[str, ...]]) -> None:
    w, _ = written
    expected = _dedup(_fed(w.fault), _platform_rule(w.fault))
    extra = w.con.execute(f"select user_id from (select * from platform except all ({expected}))").fetchall()
    missing = w.con.execute(
        f"select user_id from (({expected}) except all select * from platform)"
    ).fetchall()
    assert len(extra) == w.fault.users_added
    assert len(missing) == w.fault.users_dropped
    in_deltas = set(w.con.execute("select distinct user_id from deltas").fetchnumpy()["user_id"])
    assert not {user for (user,) in extra} & in_deltas
    assert not {user for (user,) in missing} & set(
        w.con.execute("select user_id from platform").fetchnumpy()["user_id"]
    )
    assert w.one("select count(*) - count(distinct user_id) from platform") == (0,)


def test_client_export_is_the_dedup_of_the_files_it_reflects(
    written: tuple[Written, tuple[str, ...]],
) -> None:
    w, _ = written
    stale = w.fault.stale_client_export
    reflected = _dedup("true" if stale is None else f"file <= {stale}")
    assert _users_differing(w.con, "select * from client", reflected) == 0


def test_ground_truth_agrees_with_the_files(written: tuple[Written, tuple[str, ...]]) -> None:
    w, causes = written
    truth = w.case.truth
    client_total, platform_total = w.one(
        "select (select sum(total_spend) from client), (select sum(total_spend) from platform)"
    )
    assert (truth.client_total, truth.platform_total, truth.gap) == (
        client_total,
        platform_total,
        client_total - platform_total,
    )
    assert truth.correct_total == w.one(f"select sum(total_spend) from ({_dedup()})")[0]
    assert truth.users_differing == _users_differing(w.con, "select * from platform", _dedup())
    assert truth.causes == causes
    files = w.con.execute(
        "select file, count(*), sum(total_spend) from deltas group by file order by file"
    ).fetchall()
    assert [(f.rows, f.spend) for f in truth.files] == [(rows, spend) for _, rows, spend in files]


def test_file_statuses_agree_with_the_files(written: tuple[Written, tuple[str, ...]]) -> None:
    """A file's live rows win the platform's own rule over every row (the last arrival
    when the fault says so); its status says how many of them were fed."""
    w, _ = written
    live = w.con.execute(
        f"""
        with winners as (
            select file, rn, user_id from deltas
            qualify row_number() over (
                partition by user_id order by {_platform_rule(w.fault)}, file desc, rn desc) = 1
        )
        select d.file, count(w.user_id), count(w.user_id) filter (where {_fed(w.fault)})
        from deltas d left join winners w using (file, rn)
        group by d.file order by d.file
        """
    ).fetchall()
    statuses = [
        UNDETERMINED if n == 0 else LOADED if fed == n else NOT_LOADED if fed == 0 else PARTIALLY_LOADED
        for _, n, fed in live
    ]
    assert [f.status for f in w.case.truth.files] == statuses
    assert [f.live_rows for f in w.case.truth.files] == [n for _, n, _ in live]


def _duplicates(con: duckdb.DuckDBPyConnection, columns: str) -> int:
    """Groups of delta rows that share ``columns``."""
    sql = f"select count(*) from (select 1 from deltas group by {columns} having count(*) > 1)"
    return con.execute(sql).fetchone()[0]


def _spend_falls(con: duckdb.DuckDBPyConnection, order: str) -> int:
    """Delta rows whose spend is below the user's previous row in ``order``."""
    previous = f"lag(total_spend) over (partition by user_id order by {order})"
    falls = f"select 1 from deltas qualify total_spend < {previous}"
    return con.execute(f"select count(*) from ({falls})").fetchone()[0]


VALUES_IN_RANGE = (
    "select bool_and(count_saved_items between 0 and 50 and loyalty_credits between 0 and 1000) from deltas"
)


def test_stream_keeps_the_real_datas_shape(written: tuple[Written, tuple[str, ...]]) -> None:
    w, _ = written
    base = w.one(
        "select count(*), count(distinct user_id), min(user_id), max(user_id) from deltas where file = 0"
    )
    assert base == (N_USERS, N_USERS, 1, N_USERS)
    assert _duplicates(w.con, "file, user_id") == _duplicates(w.con, "user_id, batch_id") == 0
    assert w.one(VALUES_IN_RANGE) == (True,)
    sizes = w.con.execute("select count(*) from deltas where file > 0 group by file").fetchall()
    assert len(sizes) == len(w.case.truth.files) - 1
    assert all(abs(rows - N_USERS / 4) < 5 * np.sqrt(N_USERS * 3 / 16) for (rows,) in sizes)
    assert _spend_falls(w.con, "batch_id") == 0


def test_late_rows_carry_older_versions(written: tuple[Written, tuple[str, ...]]) -> None:
    """Rows arrive in batch order, but for the late re-sends of the last-arrival fault."""
    w, _ = written
    late = w.one(
        """
        select count(*) from (
            select batch_id < max(batch_id) over (
                partition by user_id order by file rows between unbounded preceding and 1 preceding
            ) as late
            from deltas
        ) where late
        """
    )[0]
    if not w.fault.last_arrival_wins:
        assert late == 0
        return
    assert late > N_USERS / 20
    by_rule = _users_differing(w.con, _dedup(_fed(w.fault)), _dedup(_fed(w.fault), "file desc, rn desc"))
    assert by_rule > N_USERS / 50


def test_undetermined_when_every_row_is_superseded(tmp_path: Path) -> None:
    """With every user in every file, no file but the last can show whether it was loaded."""
    w = _simulate_and_load(tmp_path, Fault(skip_files=(1,)), 4, update_share=1.0)
    assert [f.status for f in w.case.truth.files] == [UNDETERMINED] * 3 + [LOADED]
    assert w.case.truth.causes == (CONSISTENT,)
    assert _users_differing(w.con, "select * from platform", _dedup()) == 0


def _file_bytes(paths: list[Path]) -> list[bytes]:
    return [path.read_bytes() for path in paths]


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    fault = Fault(
        skip_files=(1,), truncate_file=(2, 50), last_arrival_wins=True, users_added=2, users_dropped=2
    )
    first, again, other = (
        write_case(simulate(2_000, 5, seed, fault=fault), tmp_path / name)
        for seed, name in ((3, "a"), (3, "b"), (4, "c"))
    )
    assert _file_bytes(first) == _file_bytes(again)
    assert all(a != b for a, b in zip(_file_bytes(first), _file_bytes(other), strict=True))


def test_formats_hold_the_same_rows(tmp_path: Path) -> None:
    case = simulate(1_500, 4, seed=5, fault=Fault(skip_files=(2,)))
    plain = write_case(case, tmp_path / "csv")
    crlf = write_case(case, tmp_path / "crlf", crlf=True)
    gzipped = write_case(case, tmp_path / "gz", fmt="csv.gz")
    parquet = write_case(case, tmp_path / "parquet", fmt="parquet")
    assert [p.name for p in crlf][-2:] == ["AIQ-user-summary.csv", "Johnny-user-summary.csv"]
    for lf, dos, gz in zip(plain, crlf, gzipped, strict=True):
        assert b"\r" not in lf.read_bytes()
        assert dos.read_bytes() == lf.read_bytes().replace(b"\n", b"\r\n")
        assert gzip.decompress(gz.read_bytes()) == lf.read_bytes()
    for lf, pq in zip(plain, parquet, strict=True):
        pd.testing.assert_frame_equal(_read(pq).astype("int64"), _read(lf))
    assert _file_bytes(parquet) == _file_bytes(write_case(case, tmp_path / "parquet-again", fmt="parquet"))
    with pytest.raises(ValueError):
        write_case(case, tmp_path / "bad", fmt="parquet", crlf=True)


def test_a_stream_written_a_day_at_a_time_is_the_case_written_at_once(tmp_path: Path) -> None:
    # each day adds one delta file and replaces both summaries; the late re-sends carry
    # state from file to file, so the days must still agree with the whole stream
    fault = Fault(last_arrival_wins=True)
    days = tmp_path / "days"
    for n_files in range(1, 6):
        written = write_latest(simulate(1_000, n_files, seed=7, fault=fault), days)
        assert [p.name for p in written] == [f"delta{n_files - 1}.csv", *case_file_names(n_files)[-2:]]
    whole = write_case(simulate(1_000, 5, seed=7, fault=fault), tmp_path / "whole")
    assert sorted(p.name for p in days.iterdir()) == sorted(p.name for p in whole)
    assert _file_bytes([days / p.name for p in whole]) == _file_bytes(whole)


def test_altered_files_are_loaded_with_their_alteration(tmp_path: Path) -> None:
    """A file loaded with two columns exchanged, another with its spend in hundredths
    (truncated), besides a file skipped: the platform holds, for each user, the dedup of
    the rows fed, each row of an altered file as altered; those files are
    loaded_with_altered_values, and the cause is named."""
    fault = Fault(skip_files=(4,), exchanged_columns=((2, "count_saved_items", "loyalty_credits"),),
                  scaled_columns=((3, "total_spend", -2),))
    w = _simulate_and_load(tmp_path, fault, 6)
    w.con.execute(
        """
        create table loaded as select
            user_id, file, rn, batch_id,
            case when file = 3 then total_spend // 100 else total_spend end as total_spend,
            case when file = 2 then loyalty_credits else count_saved_items end as count_saved_items,
            case when file = 2 then count_saved_items else loyalty_credits end as loyalty_credits
        from deltas where file <> 4
        """)
    expected = _dedup().replace("from deltas", "from loaded")
    assert _users_differing(w.con, "select * from platform", expected) == 0
    truth = w.case.truth
    assert truth.causes == (FILES_NOT_LOADED, ALTERED_VALUES)
    assert [f.status for f in truth.files] == [
        LOADED, LOADED, LOADED_WITH_ALTERED_VALUES, LOADED_WITH_ALTERED_VALUES, NOT_LOADED, LOADED]
    assert truth.users_differing == _users_differing(w.con, "select * from platform", _dedup())


def test_lost_rows_are_left_out_of_the_load(tmp_path: Path) -> None:
    """Two chunks lost from one file's middle, besides a cut of another: the platform
    holds the dedup of every row but those (rows counted from 1), and both files are
    partially_loaded."""
    fault = Fault(truncate_file=(3, 300), lost_rows=((1, 50, 120), (1, 400, 410)))
    w = _simulate_and_load(tmp_path, fault, 5)
    w.con.execute(
        """
        create table loaded as select * from deltas
        where not (file = 1 and (rn + 1 between 50 and 120 or rn + 1 between 400 and 410))
            and not (file = 3 and rn >= 300)
        """)
    expected = _dedup().replace("from deltas", "from loaded")
    assert _users_differing(w.con, "select * from platform", expected) == 0
    truth = w.case.truth
    assert truth.causes == (FILE_PARTIALLY_LOADED,)
    assert [f.status for f in truth.files] == [
        LOADED, PARTIALLY_LOADED, LOADED, PARTIALLY_LOADED, LOADED]
    assert truth.files[1].fed_rows == truth.files[1].rows - 71 - 11


def test_faults_outside_the_stream_are_refused() -> None:
    for fault in (
        Fault(skip_files=(5,)),
        Fault(truncate_file=(0, -1)),
        Fault(stale_client_export=9),
        Fault(users_dropped=101),
        Fault(exchanged_columns=((5, "total_spend", "loyalty_credits"),)),
        Fault(exchanged_columns=((1, "total_spend", "batch_id"),)),
        Fault(scaled_columns=((1, "spend", 2),)),
        Fault(lost_rows=((1, 0, 5),)),
        Fault(lost_rows=((1, 9, 5),)),
        Fault(lost_rows=((7, 1, 5),)),
    ):
        with pytest.raises(ValueError):
            simulate(100, 5, fault=fault)


def test_command_line_writes_a_case(tmp_path: Path) -> None:
    options = "--users 500 --files 4 --skip-files 2 --lose-rows 1:10-40".split()
    command = [sys.executable, "-m", "recon.simulator", str(tmp_path), *options]
    result = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    truth = json.loads(result.stdout)
    assert truth["causes"] == [FILES_NOT_LOADED, FILE_PARTIALLY_LOADED]
    assert truth["files"][1]["fed_rows"] == truth["files"][1]["rows"] - 31
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(case_file_names(4))
    assert truth["gap"] == truth["client_total"] - truth["platform_total"] > 0


def test_scales_to_many_users_and_files(tmp_path: Path) -> None:
    case = simulate(200_000, 21, seed=11, fault=Fault(skip_files=(9,)))
    paths = write_case(case, tmp_path)
    with duckdb.connect() as con:
        counts = [
            con.execute("select count(*) from read_csv(?)", [str(path)]).fetchone()[0] for path in paths
        ]
    assert counts[0] == counts[-2] == counts[-1] == 200_000
    assert counts[1:-2] == [f.rows for f in case.truth.files[1:]]
    assert all(40_000 < rows < 60_000 for rows in counts[1:-2])


# The shipped replica -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replica_tables() -> duckdb.DuckDBPyConnection:
    """The shipped replica as duckdb tables."""
    return _load([REPLICA_DIR / name for name in REPLICA_NAMES])


def test_replica_equals_a_fresh_regeneration(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "recon.replica", "--out", str(tmp_path)]
    subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True)
    for name in REPLICA_NAMES:
        assert (tmp_path / name).read_bytes() == (REPLICA_DIR / name).read_bytes(), name


def test_replica_reproduce_the_published_figures(replica_tables: duckdb.DuckDBPyConnection) -> None:
    files = replica_tables.execute(
        "select count(*), sum(total_spend) from deltas group by file order by file"
    ).fetchall()
    assert files == [
        (10_000, 9_993_346),
        (2_494, 6_212_911),
        (2_519, 8_820_088),
        (2_473, 11_131_828),
        (2_483, 14_897_837),
    ]
    totals = replica_tables.execute(
        "select (select sum(total_spend) from client), (select sum(total_spend) from platform), "
        "(select count(*) from client), (select count(*) from platform)"
    ).fetchone()
    assert totals == (33_904_525, 29_162_044, 10_000, 10_000)
    assert totals[0] - totals[1] == 4_742_481


def test_replica_open_with_the_printed_rows() -> None:
    heads = [*replica.DELTA_HEADS, replica.PLATFORM_HEAD, replica.CLIENT_HEAD]
    for name, head in zip(REPLICA_NAMES, heads, strict=True):
        lines = (REPLICA_DIR / name).read_bytes().split(b"\n")
        assert lines[0] == b"user_id,total_spend,count_saved_items,loyalty_credits,batch_id"
        assert lines[1:6] == [",".join(map(str, row)).encode() for row in head], name


def test_replica_keep_the_structure_of_the_case(replica_tables: duckdb.DuckDBPyConnection) -> None:
    base = replica_tables.execute(
        "select count(*), count(distinct user_id), min(user_id), max(user_id) from deltas where file = 0"
    )
    assert base.fetchone() == (10_000, 10_000, 1, 10_000)
    assert _duplicates(replica_tables, "file, user_id") == _duplicates(replica_tables, "user_id, batch_id") == 0
    ranges = replica_tables.execute(
        "select min(batch_id), max(batch_id) from deltas group by file order by file"
    ).fetchall()
    published = [(0, 2000), (2001, 3000), (3001, 4500), (4501, 6000), (6002, 8000)]
    assert all(lo <= low and high <= hi for (low, high), (lo, hi) in zip(ranges, published, strict=True))
    assert _spend_falls(replica_tables, "file") == 0
    assert replica_tables.execute(VALUES_IN_RANGE).fetchone() == (True,)


def test_replica_platform_is_the_dedup_without_delta3(replica_tables: duckdb.DuckDBPyConnection) -> None:
    assert _users_differing(replica_tables, "select * from platform", _dedup("file <> 3")) == 0
    assert _users_differing(replica_tables, "select * from client", _dedup()) == 0
    assert _users_differing(replica_tables, "select * from platform", "select * from client") == 1_841
    only_delta3 = "select user_id from deltas where file = 3 except select user_id from deltas where file = 4"
    assert replica_tables.execute(f"select count(*) from ({only_delta3})").fetchone() == (1_841,)
