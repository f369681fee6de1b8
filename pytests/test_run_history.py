"""The run history: builds of one warehouse, one after another as days pass, each append
their verdict to recon_run_history and each file's status to recon_file_history, and the
two views over them say when each fault was first seen and when it cleared.

A stream written a day at a time by the simulator: the first three files, all loaded;
then delta3, which the platform does not load; then the platform reloads it; then delta1
is re-sent with a changed row; then delta2 disappears from the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.dbt_harness import Build, dbt_build
from recon.simulator import Fault, simulate, write_case, write_latest

USERS = 2_000
SEED = 11


def history(build: Build, table: str, order: str) -> list[dict]:
    with __import__("duckdb").connect(str(build.database), read_only=True) as connection:
        cursor = connection.execute(f"select * from marts.{table} order by {order}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> dict:
    """Five builds of one warehouse, a day's change before each."""
    root = tmp_path_factory.mktemp("history")
    folder, workdir = root / "inbox", root / "work"
    variables = {"input_dir": str(folder)}
    builds, truths = [], []

    def build(*extra: str, **more) -> Build:
        done = dbt_build(workdir, variables=variables | more, extra_args=extra)
        assert not done.errors(), done.errors()
        done.invocation_id = done.one("select invocation_id from marts.recon_summary")["invocation_id"]
        builds.append(done)
        return done

    case = simulate(USERS, 3, SEED)
    write_case(case, folder)
    truths.append(case.truth)
    build()
    case = simulate(USERS, 4, SEED, fault=Fault(skip_files=(3,)))
    write_latest(case, folder)
    truths.append(case.truth)
    build()
    case = simulate(USERS, 4, SEED)  # the platform loads delta3 after all
    write_latest(case, folder)
    truths.append(case.truth)
    build()
    delta1 = folder / "delta1.csv"
    lines = delta1.read_text().split("\n")
    user, spend, *rest = lines[1].split(",")
    lines[1] = ",".join([user, str(int(spend) + 7), *rest])  # re-sent with one row changed
    delta1.write_text("\n".join(lines))
    build()
    (folder / "delta2.csv").unlink()
    build()
    return {"builds": builds, "truths": truths, "workdir": workdir, "variables": variables}


def test_every_build_appends_its_verdict(days) -> None:
    runs = history(days["builds"][-1], "recon_run_history", "run_started_at")
    assert [r["invocation_id"] for r in runs] == [b.invocation_id for b in days["builds"]]
    assert all(r["has_verdict"] and r["engine"] == "duckdb" for r in runs)
    assert [r["delta_files_read"] for r in runs] == [
        ["delta0", "delta1", "delta2"],
        *[["delta0", "delta1", "delta2", "delta3"]] * 3,
        ["delta0", "delta1", "delta3"],
    ]
    first, missing_delta3, reloaded = runs[:3]
    truths = days["truths"]
    assert (first["cause"], first["spend_gap"], first["data_tests_failed"]) == ("consistent", 0, 0)
    assert missing_delta3["cause"] == "files_not_loaded" and missing_delta3["explained"]
    assert missing_delta3["spend_gap"] == truths[1].gap > 0
    assert missing_delta3["files_not_loaded"] == ["delta3"]
    assert missing_delta3["data_tests_failed"] > 0
    assert "every_delta_file_was_loaded (fail)" in missing_delta3["data_tests_not_passed"]
    assert (reloaded["cause"], reloaded["spend_gap"], reloaded["data_tests_not_passed"]) == ("consistent", 0, None)
    # one row per file per build: 3 + 4 + 4 + 4 + 3
    files = history(days["builds"][-1], "recon_file_history", "run_started_at, file_position")
    assert len(files) == 18
    assert [f["load_status"] for f in files if f["source_file"] == "delta3"] == [
        "not_loaded", "loaded", "loaded", "loaded"]


def test_each_file_has_its_status_over_runs(days) -> None:
    runs = [r["run_started_at"] for r in history(days["builds"][-1], "recon_run_history", "run_started_at")]
    files = {f["source_file"]: f for f in history(days["builds"][-1], "recon_file_status_over_runs", "source_file")}
    assert set(files) == {"delta0", "delta1", "delta2", "delta3"}
    delta3 = files["delta3"]
    assert delta3["load_statuses"] == ["not_loaded", "loaded", "loaded", "loaded"]
    assert (delta3["first_seen_at"], delta3["first_fault_at"], delta3["fixed_at"]) == (runs[1], runs[1], runs[2])
    assert delta3["is_in_latest_run"] and delta3["contents_seen"] == 1
    delta1 = files["delta1"]
    assert (delta1["contents_seen"], delta1["first_changed_at"]) == (2, runs[3])
    delta2 = files["delta2"]
    assert (delta2["is_in_latest_run"], delta2["missing_since"], delta2["runs_seen"]) == (False, runs[4], 4)
    # with delta2 gone, the platform holds rows no file read explains any more: delta0's
    # rows that delta2 had replaced now look like rows the platform missed
    assert files["delta0"]["load_statuses"][:4] == ["loaded"] * 4


def test_each_fault_is_dated_from_the_first_build_that_saw_it(days) -> None:
    runs = [r["run_started_at"] for r in history(days["builds"][-1], "recon_run_history", "run_started_at")]
    faults = {
        (f["fault"], f["source_file"]): f
        for f in history(days["builds"][-1], "recon_faults_over_runs", "fault, source_file")
    }
    seen = {key: (f["first_seen_at"], f["last_seen_at"], f["runs_seen"], f["is_open"], f["cleared_at"])
            for key, f in faults.items()}
    assert seen[("file_not_loaded", "delta3")] == (runs[1], runs[1], 1, False, runs[2])
    assert seen[("files_not_loaded", None)] == (runs[1], runs[1], 1, False, runs[2])
    assert seen[("file_changed", "delta1")] == (runs[3], runs[3], 1, False, runs[4])
    assert seen[("file_missing", "delta2")] == (runs[4], runs[4], 1, True, None)


def test_the_report_charts_the_gap_over_the_builds_of_its_folder(days, tmp_path) -> None:
    from recon import report

    last = days["builds"][-1]
    out = tmp_path / "reports"
    written = report.write_reports(last.database, out)
    assert out / report.HISTORY_CHART_PNG in written
    runs = history(last, "recon_run_history", "run_started_at")
    drawn = report.read_chart_data(out / report.HISTORY_CHART_PNG)
    assert [b["spend_gap"] for b in drawn["builds"]] == [r["spend_gap"] for r in runs]
    assert [b["cause"] for b in drawn["builds"]] == [r["cause"] for r in runs]
    assert drawn["builds"][1]["spend_gap"] == days["truths"][1].gap > 0
    page = (out / report.HTML_REPORT).read_text()
    figure = page[page.index('<figure id="history-chart">'):]
    assert "<svg" in figure[: figure.index("</figure>")]
    assert f"each of the {len(runs)} builds" in figure
    # the committed replica write-up leaves it out, and no earlier chart stays beside it
    written = report.write_reports(last.database, out, with_history=False)
    assert not (out / report.HISTORY_CHART_PNG).exists()
    assert 'id="history-chart"' not in (out / report.HTML_REPORT).read_text()


def test_history_outlives_a_full_refresh_and_starts_over_only_when_asked(days) -> None:
    # builds on into the days' warehouse and starts its history over: the module's last test
    workdir, variables = days["workdir"], days["variables"]
    before = len(days["builds"])
    # a run that does not build the reconciliation records nothing
    dbt_build(workdir, variables=variables, command="run", extra_args=("--select", "stg_deltas"))
    refreshed = dbt_build(workdir, variables=variables, extra_args=("--full-refresh",))
    assert len(history(refreshed, "recon_run_history", "run_started_at")) == before + 1
    # a build of another folder into the same warehouse is followed apart
    streamed = history(refreshed, "recon_file_status_over_runs", "source_file")
    other = dbt_build(workdir)
    by_folder = {}
    for row in history(other, "recon_file_status_over_runs", "input_folder, source_file"):
        by_folder.setdefault(row["input_folder"], []).append(row)
    assert by_folder.pop(streamed[0]["input_folder"]) == streamed
    [(replica, files)] = by_folder.items()
    assert replica.endswith("seeds") and all(f["runs_seen"] == 1 for f in files)
    # the var alone, without --full-refresh, resets nothing: the two history tables
    # refuse to build, naming the fix, and every earlier build stays recorded
    kept = len(history(other, "recon_run_history", "run_started_at"))
    refused = dbt_build(workdir, variables=variables | {"reset_run_history": True})
    for table in ("recon_run_history", "recon_file_history"):
        assert refused.statuses[table] == "error"
        assert "only with --full-refresh" in refused.messages[table]
    assert len(history(refused, "recon_run_history", "run_started_at")) == kept + 1
    restarted = dbt_build(workdir, variables=variables | {"reset_run_history": True}, extra_args=("--full-refresh",))
    runs = history(restarted, "recon_run_history", "run_started_at")
    assert [r["invocation_id"] for r in runs] == [
        restarted.one("select invocation_id from marts.recon_summary")["invocation_id"]]
    assert len(history(restarted, "recon_file_history", "source_file")) == 3


def test_a_build_that_stops_is_recorded_without_a_verdict(tmp_path) -> None:
    folder = tmp_path / "inbox"
    write_case(simulate(500, 3, SEED), folder)
    with (folder / "delta1.csv").open("a") as delta1:
        delta1.write("1,2,3,4,5,6\n")  # a line with six fields: the read stops the build
    stopped = dbt_build(tmp_path / "work", variables={"input_dir": str(folder)})
    assert stopped.statuses["recon_summary"] == "skipped"
    [run] = history(stopped, "recon_run_history", "run_started_at")
    assert run["has_verdict"] is False and run["cause"] is None and run["spend_gap"] is None
    assert run["first_error"].startswith("base_input_rows_landed: ")
    assert str(folder / "delta1.csv") in run["first_error"]
    assert history(stopped, "recon_faults_over_runs", "fault") == []
