"""Root cause on simulated cases: every fault class the simulator injects, at 4 to 12 files
and thousands of users, built through the project (input_dir) and checked against the
simulator's ground truth: each file's load status, the cause, explained, and the figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.dbt_harness import Build, dbt_build
from recon.report import root_cause
from recon.simulator import Fault, SimulatedCase, simulate, write_case

CASES = {
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
}


@pytest.fixture(scope="module", params=sorted(CASES))
def simulated(request, tmp_path_factory) -> tuple[SimulatedCase, Build]:
    spec = CASES[request.param]
    case = simulate(n_users=3_000, seed=7, **spec)
    folder = tmp_path_factory.mktemp(request.param)
    write_case(case, folder / "input")
    build = dbt_build(folder / "run", variables={"input_dir": str(folder / "input")})
    return case, build


def test_cause_is_named_and_explained(simulated) -> None:
    case, build = simulated
    summary = build.one("select * from marts.recon_summary")
    summary["root_cause"] = root_cause(summary)
    assert summary["cause"] == case.truth.causes[0], summary["root_cause"]
    assert summary["explained"] is True, summary["root_cause"]


def test_every_file_gets_its_load_status(simulated) -> None:
    case, build = simulated
    statuses = build.query("select load_status from marts.recon_delta_files order by file_position")
    assert [s for (s,) in statuses] == [f.status for f in case.truth.files]


def test_figures_match_the_ground_truth(simulated) -> None:
    case, build = simulated
    truth = case.truth
    summary = build.one("select * from marts.recon_summary")
    assert summary["client_total_spend"] == truth.client_total
    assert summary["platform_total_spend"] == truth.platform_total
    assert summary["expected_total_spend"] == truth.correct_total
    assert summary["spend_gap"] == truth.gap
    assert summary["users_mismatched_platform_vs_rebuilt"] == truth.users_differing
    files = build.query(
        "select row_count, total_spend from marts.recon_delta_files order by file_position"
    )
    assert files == [(f.rows, f.spend) for f in truth.files]
    (attributed,) = build.query("select sum(spend_gap_attributed) from marts.recon_delta_files")[0]
    assert attributed + summary["spend_gap_unattributed"] == truth.gap


def test_build_fails_exactly_when_something_is_wrong(simulated) -> None:
    case, build = simulated
    consistent = case.truth.causes == ("consistent",)
    assert build.success is consistent
    assert (build.failed() == {}) is consistent
    if not consistent:
        assert "reconciliation_finds_nothing_wrong" in build.failed()
