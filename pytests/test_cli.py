"""The command line never shows a verdict that is not this build's.

`python -m recon.cli build` runs in its own process, as a person runs it, with the
warehouse, dbt's target and logs, and the write-up in a scratch folder. A good folder is
built, then a folder whose delta2.csv has a renamed column: the second build must say in
one line that it stopped, naming the file, line and what is wrong, print no summary,
write no emails, and leave none of the first build's write-up behind; `summary` must then
refuse the first build's verdict.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pytests.dbt_harness import PROJECT_DIR
from recon.report import HISTORY_CHART_PNG, WRITE_UP_FILES, read_chart_data
from recon.simulator import simulate, write_case


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_DUCKDB_TEMP_DIRECTORY": str(workdir / "spill"),
    }
    return subprocess.run(
        [sys.executable, "-m", "recon.cli", *args], cwd=PROJECT_DIR, env=env,
        capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli_folders")
    case = simulate(n_users=300, n_files=4, seed=5)
    good, bad, empty = root / "good", root / "bad", root / "empty"
    for folder in (good, bad, empty):
        write_case(case, folder)
    delta2 = bad / "delta2.csv"
    delta2.write_text(delta2.read_text().replace("total_spend", "spend", 1))
    platform = empty / "AIQ-user-summary.csv"
    platform.write_text(platform.read_text().split("\n", 1)[0] + "\n")
    return {"good": good, "bad": bad, "empty": empty}


def test_a_build_that_stops_shows_no_earlier_verdict(folders, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    first = cli(tmp_path, "build", "--input-dir", str(folders["good"]),
                "--report-dir", str(reports))
    assert first.returncode == 0, first.stderr
    assert "cause: consistent" in first.stdout
    assert sorted(os.listdir(reports)) == sorted(WRITE_UP_FILES)
    # the docs site's chart of the gap over builds: this folder's one build so far
    drawn = read_chart_data(tmp_path / "target" / "assets" / HISTORY_CHART_PNG)
    assert [(b["spend_gap"], b["cause"]) for b in drawn["builds"]] == [(0, "consistent")]

    second = cli(tmp_path, "build", "--input-dir", str(folders["bad"]),
                 "--report-dir", str(reports))

    assert second.returncode == 1
    stopped = [line for line in second.stderr.splitlines()
               if line.startswith("The build stopped before the reconciliation")]
    assert stopped == [
        "The build stopped before the reconciliation: base_input_rows_landed: "
        f"{folders['bad'] / 'delta2.csv'}, line 1: missing column total_spend; unexpected"
        " column spend (renamed?). Expected the columns user_id, total_spend,"
        " count_saved_items, loyalty_credits, batch_id (in any order); found user_id, spend,"
        " count_saved_items, loyalty_credits, batch_id."]
    assert "No summary and no write-up" in second.stderr
    assert "Reconciliation of" not in second.stdout + second.stderr
    assert "cause:" not in second.stdout + second.stderr
    assert not reports.exists() or os.listdir(reports) == []
    assert "Traceback" not in second.stderr

    summary = cli(tmp_path, "summary")
    assert summary.returncode == 1
    assert "is not the last build's" in summary.stderr
    assert "cause:" not in summary.stdout
    report = cli(tmp_path, "report", "--out", str(reports))
    assert report.returncode == 1
    assert not reports.exists() or os.listdir(reports) == []


def test_a_summary_with_no_rows_gets_a_verdict_not_a_traceback(folders, tmp_path: Path) -> None:
    result = cli(tmp_path, "build", "--input-dir", str(folders["empty"]),
                 "--report-dir", str(tmp_path / "reports"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "cause: summary_empty (explained)" in result.stdout
    assert "The platform's table (AIQ-user-summary) has a header and no usable row" in (
        " ".join(result.stdout.split()))
    assert "every_summary_file_has_rows" in result.stdout
    assert sorted(os.listdir(tmp_path / "reports")) == sorted(WRITE_UP_FILES)
