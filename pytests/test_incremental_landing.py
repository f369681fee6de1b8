"""Incremental landing: a warehouse built day after day reads only the files it has not
read, and gives after every day the same marts, the same data-test verdicts and the same
landed rows as a fresh build of that day's folder.

One folder changes a day at a time, through every fault class the simulator plants and
every way a folder changes: files cut short and users added; a file arriving after a
later one; a stream re-sent whole with last-arrival re-sends, a stale client export and
users dropped (every delta but the first changes); a file re-sent with one row changed
(its size and modification time kept, so that only its hash tells) and one with a value
that does not parse; every file rewritten with the same bytes, one
deleted and a second file with a drop number taken; the chosen file of that number
deleted, so the second one is read; a new stream with a file never loaded, the deleted
files back; the stream's next file at the end, with new summaries; the summaries alone
re-exported. Then a full refresh of the same warehouse.

The delta ranking is incremental too: on the days only new delta files arrive after the
ones ranked, only their users are ranked again; on every other day every user is, and
the log says why. The ranked versions equal a fresh build's every day."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from pytests.dbt_harness import HISTORY_MARTS, REPLICA_DIR, Build, dbt_build, mart_select
from recon.simulator import (
    CLIENT_EXPORT_BEHIND,
    DEDUP_RULE,
    FILE_PARTIALLY_LOADED,
    FILES_NOT_LOADED,
    PLATFORM_EXTRA_USERS,
    PLATFORM_MISSING_USERS,
    Fault,
    case_file_names,
    simulate,
    write_case,
    write_latest,
)

USERS = 600
SEED = 23
LANDED = "staging.base_input_rows_landed"
# the shipped replica read as a folder: what the landing reads
REPLICA_FOLDER = {"input_dir": str(REPLICA_DIR)}
RANKED = "intermediate.int_delta_versions_ranked"


def marts(build: Build) -> list[str]:
    return [name for (name,) in build.query(
        "select table_name from information_schema.tables where table_schema = 'marts'"
        " order by table_name") if name not in HISTORY_MARTS]


def dbt_log(workdir: Path) -> str:
    path = workdir / "logs" / "dbt.log"
    return path.read_text() if path.exists() else ""


def files_read(log: str) -> str:
    """What a build's landing said it reads: "<n> of <m>"."""
    (said,) = re.findall(r"base_input_rows_landed: (\d+ of \d+) input files to read", log)
    return said


def ranking(log: str) -> str:
    """What a build's delta ranking said it ranks: the new files whose users it ranked
    again (`new: delta7`, `new: none`), or `everyone` with the reason."""
    (said,) = re.findall(r"\]: int_delta_versions_ranked: (.*)", log)
    new = re.fullmatch(r"the users of \d+ new delta files? ranked \((.*)\),.*", said)
    if new:
        return f"new: {new.group(1)}"
    return "new: none" if said.startswith("no new delta file") else said


def edit_row(path: Path, line: int, column: int, value: str) -> None:
    lines = path.read_text().split("\n")
    fields = lines[line - 1].split(",")
    fields[column] = value
    lines[line - 1] = ",".join(fields)
    path.write_text("\n".join(lines))


def day_changes(inbox: Path, staging: Path):
    """Each day's change to the folder, with what the landing must read that day."""

    def case(n_files: int, fault: Fault, name: str) -> Path:
        folder = staging / name
        write_case(simulate(USERS, n_files, SEED, fault=fault), folder)
        return folder

    def copy(folder: Path, *names: str) -> None:
        for name in names:
            shutil.copyfile(folder / name, inbox / name)

    summaries = case_file_names(0)

    def cut_short_and_users_added():
        first = case(5, Fault(truncate_file=(1, 40), users_added=3), "first")
        copy(first, "delta0.csv", "delta1.csv", "delta2.csv", "delta4.csv", *summaries)
        return "6 of 6", "every user ranked: a first build or a full refresh"

    def late_file():
        copy(staging / "first", "delta3.csv")
        return "1 of 7", ("every user ranked: delta4 is delta file 5 in drop order,"
                          " 4 when it was ranked: a file arrived before it")

    def stream_re_sent():
        second = case(6, Fault(last_arrival_wins=True, stale_client_export=3,
                               users_dropped=2), "second")
        shutil.copytree(second, inbox, dirs_exist_ok=True)
        # delta0 has nothing to re-send: the same bytes, not read again
        assert (inbox / "delta0.csv").read_bytes() == (staging / "first" / "delta0.csv").read_bytes()
        return "7 of 8", CHANGED % "delta1"

    def one_row_changed_and_one_bad_value():
        # delta1's edit keeps its size and modification time: only its hash tells
        delta1 = inbox / "delta1.csv"
        before = delta1.stat()
        spend = delta1.read_text().split("\n")[1].split(",")[1]
        edit_row(delta1, 2, 1, str(int(spend) % 9 + 1).rjust(len(spend), "1"))
        os.utime(delta1, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert (delta1.stat().st_size, delta1.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
        edit_row(inbox / "delta4.csv", 3, 2, "10.5")
        return "2 of 8", CHANGED % "delta1"

    def rewritten_deleted_and_a_second_number():
        for path in inbox.iterdir():
            path.write_bytes(path.read_bytes())
        (inbox / "delta2.csv").unlink()
        shutil.copyfile(inbox / "delta5.csv", inbox / "delta3 (1).csv")
        return "0 of 7", CHANGED % "delta2"

    def chosen_file_deleted():
        (inbox / "delta3.csv").unlink()
        return "1 of 7", CHANGED % "delta3"

    def new_stream_with_a_file_not_loaded():
        write_case(simulate(USERS, 7, SEED, fault=NOT_LOADED), inbox)
        return "8 of 9", CHANGED % "delta1"

    def next_file_at_the_end():
        write_latest(simulate(USERS, 8, SEED, fault=NOT_LOADED), inbox)
        return "3 of 10", "new: delta7"

    def summaries_re_exported():
        write_latest(simulate(USERS, 8, SEED, fault=NOT_LOADED), staging / "crlf", crlf=True)
        copy(staging / "crlf", *summaries)
        return "2 of 10", "new: none"

    return [cut_short_and_users_added, late_file, stream_re_sent,
            one_row_changed_and_one_bad_value, rewritten_deleted_and_a_second_number,
            chosen_file_deleted, new_stream_with_a_file_not_loaded, next_file_at_the_end,
            summaries_re_exported]


NOT_LOADED = Fault(skip_files=(5,))
# the ranking's reason when a delta file ranked before is changed or gone
CHANGED = "every user ranked: %s, ranked before, has changed or is no longer read"


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> list[dict]:
    """Each day: the change, the landing's log, and the incremental and fresh builds'
    marts, data-test verdicts and landed rows."""
    root = tmp_path_factory.mktemp("incremental")
    inbox, daily = root / "inbox", root / "daily"
    inbox.mkdir()
    variables = {"input_dir": str(inbox)}

    def seen(build: Build) -> dict:
        return {
            "marts": {mart: build.query(f"{mart_select(mart)} order by all")
                      for mart in marts(build)},
            "tests": build.data_tests(),
            "landed": build.query(f"select * exclude (landing_key) from {LANDED} order by all"),
            "ranked": build.query(f"select * from {RANKED} order by all"),
        }

    def build_day(expected: tuple[str, str], *extra: str) -> dict:
        logged = len(dbt_log(daily))
        incremental = dbt_build(daily, variables=variables, extra_args=extra)
        assert not incremental.errors(), incremental.errors()
        fresh = seen(dbt_build(root / "fresh", variables=variables))
        shutil.rmtree(root / "fresh")
        return {"expected_reads": expected[0], "expected_ranking": expected[1],
                "log": dbt_log(daily)[logged:],
                "incremental": seen(incremental), "fresh": fresh}

    results = [build_day(change()) for change in day_changes(inbox, root / "cases")]
    results.append(build_day(("10 of 10", "every user ranked: a first build or a full refresh"),
                             "--full-refresh"))
    return results


DAYS = [change.__name__ for change in day_changes(Path(), Path())] + ["full_refresh"]


@pytest.mark.parametrize("day", range(len(DAYS)), ids=DAYS)
def test_an_incremental_build_equals_a_fresh_one(days, day) -> None:
    seen = days[day]
    incremental, fresh = seen["incremental"], seen["fresh"]
    assert incremental["marts"].keys() == fresh["marts"].keys()
    for mart, rows in fresh["marts"].items():
        assert incremental["marts"][mart] == rows, mart
    assert incremental["tests"] == fresh["tests"]
    # no row of a file no longer read stays behind, and none is landed twice
    assert incremental["landed"] == fresh["landed"]
    # every user's ranked versions, kept or ranked again
    assert incremental["ranked"] == fresh["ranked"]


@pytest.mark.parametrize("day", range(len(DAYS)), ids=DAYS)
def test_each_build_reads_only_the_files_it_has_not_read(days, day) -> None:
    assert files_read(days[day]["log"]) == days[day]["expected_reads"]


@pytest.mark.parametrize("day", range(len(DAYS)), ids=DAYS)
def test_each_build_ranks_again_only_the_users_of_new_files(days, day) -> None:
    """Only the users of delta files arriving after the ones ranked are ranked again; a
    file arriving before others, changed or gone, ranks every user, naming the file."""
    assert ranking(days[day]["log"]) == days[day]["expected_ranking"]


def test_the_days_cover_every_fault_class(days) -> None:
    """The stream is what the docstring says: each cause the simulator plants is found
    on some day, and the bad value is quarantined."""
    found = " ".join(str(day["fresh"]["marts"]["recon_summary"]) for day in days)
    for cause in (FILES_NOT_LOADED, FILE_PARTIALLY_LOADED, DEDUP_RULE, CLIENT_EXPORT_BEHIND,
                  PLATFORM_EXTRA_USERS, PLATFORM_MISSING_USERS):
        assert cause in found, cause
    quarantined = days[3]["fresh"]["marts"]["recon_quarantined_rows"]
    assert len(quarantined) == 1 and "10.5" in str(quarantined[0])


SUMMARIES = ["AIQ-user-summary", "Johnny-user-summary"]
# each day: the files the build says changed, and those it says it no longer reads
CHANGES = {
    "cut_short_and_users_added": ([], []),
    "late_file": ([], []),
    "stream_re_sent": (["delta1", "delta2", "delta3", "delta4", *SUMMARIES], []),
    "one_row_changed_and_one_bad_value": (["delta1", "delta4"], []),
    "rewritten_deleted_and_a_second_number": ([], ["delta2"]),
    "chosen_file_deleted": ([], ["delta3"]),
    "new_stream_with_a_file_not_loaded": (["delta1", "delta4", "delta5", *SUMMARIES],
                                          ["delta3 (1)"]),
    "next_file_at_the_end": (SUMMARIES, []),
    "summaries_re_exported": (SUMMARIES, []),
}


@pytest.mark.parametrize("day", range(len(CHANGES)), ids=list(CHANGES))
def test_a_file_changed_or_gone_is_named(days, day) -> None:
    """The build warns naming each file whose landed rows it replaces or removes, and no
    other."""
    warned = re.findall(r"/([^/\n]+)\.csv: (changed since it was last read|no longer read)",
                        days[day]["log"])
    changed, gone = CHANGES[DAYS[day]]
    assert sorted(name for name, what in warned if what.startswith("changed")) == sorted(changed)
    assert sorted(name for name, what in warned if what == "no longer read") == sorted(gone)


def test_a_warehouse_landed_by_an_earlier_version_asks_for_a_full_refresh(tmp_path) -> None:
    """A warehouse whose landed rows are known by file_index, as every build wrote them
    before the landing was incremental, is not appended to: the build stops, saying what
    to run."""
    first = dbt_build(tmp_path, variables=REPLICA_FOLDER, extra_args=("--select", "+base_input_rows_landed"))
    assert not first.errors(), first.errors()
    with __import__("duckdb").connect(str(first.database)) as connection:
        connection.execute(f"alter table {LANDED} rename column landing_key to file_index")
    again = dbt_build(tmp_path, variables=REPLICA_FOLDER, extra_args=("--select", "base_input_rows_landed"))
    assert "written by an earlier version of this project" in again.errors()
    assert "dbt build --full-refresh" in again.errors()
    refreshed = dbt_build(tmp_path, variables=REPLICA_FOLDER, extra_args=("--select", "base_input_rows_landed",
                                                "--full-refresh"))
    assert not refreshed.errors(), refreshed.errors()


def test_a_file_that_failed_to_read_is_read_again(tmp_path) -> None:
    """A file whose probe failed (a disk or mount error that has since passed) is probed
    again in the next build, not failed from the probe kept."""
    landing = ("--select", "+base_input_rows_landed")
    first = dbt_build(tmp_path, variables=REPLICA_FOLDER, extra_args=landing)
    assert not first.errors(), first.errors()
    with __import__("duckdb").connect(str(first.database)) as connection:
        failed = connection.execute(
            "update staging.base_input_file_probes set read_error = 'Input/output error'"
            " where entry_path like '%delta2.csv'").fetchone()[0]
    assert failed == 1
    again = dbt_build(tmp_path, variables=REPLICA_FOLDER, extra_args=landing)
    assert not again.errors(), again.errors()
    assert again.query("select count(*), count(read_error) from staging.base_input_file_probes"
                       " where entry_path like '%delta2.csv'") == [(1, 0)]
