"""The cases more than one test file reads, each built once per test run (shared_build):
the shipped replica, the real case files, and the simulated cases.

A test that reads one of these builds only reads it: a test that must write to a warehouse
(a rebuild, an incremental day, a stopped build) builds its own, or writes to a copy
(Build.copied_to)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.dbt_harness import CASE_DIR, Build, require, shared_build
from recon.simulator import Fault, SimulatedCase, simulate, write_case

# Simulated cases by name: simulate()'s arguments over 3,000 users, seed 7. Every one is
# a case of pytests/test_root_cause.py (checked against the simulator's ground truth);
# test_report.py writes some up and test_spark_parity.py builds some on Spark too.
SIMULATED = {
    "consistent_12_files": dict(n_files=12, fault=Fault()),
    "one_file_skipped": dict(n_files=6, fault=Fault(skip_files=(3,))),
    "two_files_skipped": dict(n_files=8, fault=Fault(skip_files=(2, 5))),
    "one_file_skipped_of_12": dict(n_files=12, fault=Fault(skip_files=(9,))),
    "file_truncated": dict(n_files=7, fault=Fault(truncate_file=(4, 300))),
    "base_file_truncated": dict(n_files=4, fault=Fault(truncate_file=(0, 2_000))),
    "last_arrival_wins": dict(n_files=5, fault=Fault(last_arrival_wins=True)),
    "stale_client_export": dict(n_files=6, fault=Fault(stale_client_export=3)),
    "users_added": dict(n_files=5, fault=Fault(users_added=40)),
    "users_dropped": dict(n_files=5, fault=Fault(users_dropped=25)),
    "file_skipped_and_users_dropped": dict(n_files=6, fault=Fault(skip_files=(4,), users_dropped=10)),
    # combined faults: more than the enumerated hypotheses try, composed from each file's
    # evidence
    "three_of_15_skipped": dict(n_files=15, fault=Fault(skip_files=(4, 9, 13))),
    "two_of_30_skipped": dict(n_files=30, fault=Fault(skip_files=(7, 21))),
    "skipped_and_cut": dict(n_files=8, fault=Fault(skip_files=(3,), truncate_file=(6, 100))),
    "skipped_and_client_export_behind": dict(
        n_files=8, fault=Fault(skip_files=(3,), stale_client_export=6)),
    "skipped_cut_and_client_export_behind": dict(
        n_files=8, fault=Fault(skip_files=(3,), truncate_file=(5, 120), stale_client_export=6)),
    "skipped_with_the_last_arrival_kept": dict(
        n_files=8, fault=Fault(skip_files=(3,), last_arrival_wins=True)),
    "last_arrival_kept_users_added_and_dropped": dict(
        n_files=6, fault=Fault(last_arrival_wins=True, users_added=30, users_dropped=20)),
    # a year of daily files: a tenth never loaded, two cut short, the client's export two
    # files behind
    "a_year_of_daily_files": dict(
        n_files=365, n_users=20_000, update_share=0.02,
        fault=Fault(skip_files=tuple(range(5, 365, 10)), truncate_files=((101, 200), (251, 150)),
                    stale_client_export=362)),
    # and the same with the last-arrival rule: every fault class of the issue at once; the
    # files whose every row a later arrival supersedes can only be undetermined
    "a_year_with_every_fault": dict(
        n_files=365, n_users=20_000, update_share=0.02,
        fault=Fault(skip_files=tuple(range(5, 365, 10)), truncate_files=((101, 200), (251, 150)),
                    stale_client_export=362, last_arrival_wins=True)),
    # rows loaded with altered values (issue 30): two columns exchanged in one file, a
    # file's spend in the wrong unit, and an exchange with a file skipped and one cut
    "columns_exchanged": dict(
        n_files=6, fault=Fault(exchanged_columns=((2, "count_saved_items", "loyalty_credits"),))),
    "spend_scaled": dict(n_files=6, fault=Fault(scaled_columns=((3, "total_spend", -2),))),
    "skipped_cut_and_columns_exchanged": dict(
        n_files=8, fault=Fault(skip_files=(2,), truncate_file=(6, 150),
                               exchanged_columns=((4, "total_spend", "loyalty_credits"),))),
    # and both at once with a chunk of lines lost and the client's export behind (the
    # Spark parity's case)
    "every_load_fault_and_client_export_behind": dict(
        n_files=8, fault=Fault(skip_files=(3,), truncate_file=(5, 120), stale_client_export=6,
                               exchanged_columns=((2, "count_saved_items", "loyalty_credits"),),
                               scaled_columns=((6, "total_spend", -2),),
                               lost_rows=((4, 150, 400),))),
    # a chunk of lines lost from a file's middle (the rows after it loaded), alone, and
    # two in one file beside a file skipped and one cut (issue 30)
    "lines_lost": dict(n_files=6, fault=Fault(lost_rows=((3, 200, 450),))),
    "skipped_cut_and_lines_lost": dict(
        n_files=8, fault=Fault(skip_files=(2,), truncate_file=(6, 150),
                               lost_rows=((4, 100, 250), (4, 450, 600)))),
    "skips_two_cuts_and_client_export_behind": dict(
        n_files=32, n_users=4_000,
        fault=Fault(skip_files=(5, 17, 26), truncate_files=((12, 40), (22, 30)),
                    stale_client_export=29)),
}


def simulated_case(name: str) -> SimulatedCase:
    """A simulated case's files and ground truth (simulate() is deterministic)."""
    return simulate(**{"n_users": 3_000, "seed": 7, **SIMULATED[name]})


def simulated_build(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[SimulatedCase, Build]:
    """A simulated case and its build (input_dir: the case's files)."""
    case = simulated_case(name)

    def write(folder: Path) -> dict:
        write_case(case, folder)
        return {"input_dir": str(folder)}

    return case, shared_build(tmp_path_factory, f"simulated-{name}", write)


def resent_rows_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[SimulatedCase, Build]:
    """Two of 15 files never loaded, and the later one also sends again, unchanged, 30 rows
    an earlier file carries: the platform holds those rows and they trace to the later
    file, so its own evidence says it was loaded in part (the case the search from the
    composed hypothesis is for). The ground truth is the simulator's: the rows resent
    change no user's winning row."""
    case = simulate(n_users=3_000, n_files=15, seed=7, fault=Fault(skip_files=(6, 11)))

    def write(folder: Path) -> dict:
        write_case(case, folder)
        resent = (folder / "delta4.csv").read_text().splitlines()[1:31]
        later = folder / "delta11.csv"
        later.write_text(later.read_text() + "\n".join(resent) + "\n")
        return {"input_dir": str(folder)}

    return case, shared_build(tmp_path_factory, "resent-rows", write)


def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The shipped replica, built with no vars, as the README's first command builds it."""
    return shared_build(tmp_path_factory, "shipped", lambda folder: None)


def real_case_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real case files, read where they are (input_dir); a skip on a laptop without
    them, a failure under CI=true."""
    folder = require(CASE_DIR, "the real case files (../shared/cases/johnnys-jeans)")
    return shared_build(tmp_path_factory, "real", lambda _: {"input_dir": str(folder)})
