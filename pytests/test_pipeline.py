"""The reconciliation end to end: `dbt build` on the shipped replica, on the real case files,
and on data built to agree, with the figures read back from the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.cases import real_case_build, shipped_build
from pytests.dbt_harness import (
    COPY_VARS,
    HISTORY_MARTS,
    PROJECT_DIR,
    REPLICA_DIR,
    Build,
    copy_project,
    dbt_build,
    shared_build,
)
from recon.report import root_cause

# The case's published figures (../shared/brief/case-study.txt).
CLIENT_TOTAL = 33_904_525
PLATFORM_TOTAL = 29_162_044
GAP = 4_742_481
USERS_AFFECTED = 1_841  # found by the pipeline on the real files

# The data tests that must fail while the platform misses a file, with their row counts.
EXPECTED_FAILURES = {
    "platform_matches_client_for_every_user": USERS_AFFECTED,
    "platform_matches_rebuilt_for_every_user": USERS_AFFECTED,
    "platform_total_spend_equals_client_total_spend": 1,
    "platform_total_spend_equals_rebuilt_total_spend": 1,
    "every_delta_file_was_loaded": 1,
    "reconciliation_finds_nothing_wrong": 1,
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Build:
    return shipped_build(tmp_path_factory)


@pytest.fixture(scope="module")
def real_case(tmp_path_factory) -> Build:
    return real_case_build(tmp_path_factory)


def assert_case_figures(build: Build) -> None:
    summary = build.one("select * from marts.recon_summary")
    assert summary["client_total_spend"] == CLIENT_TOTAL
    assert summary["platform_total_spend"] == PLATFORM_TOTAL
    assert summary["expected_total_spend"] == CLIENT_TOTAL
    assert summary["spend_gap"] == GAP
    assert summary["users_mismatched"] == USERS_AFFECTED
    assert summary["users_mismatched_platform_vs_rebuilt"] == USERS_AFFECTED
    assert summary["users_mismatched_client_vs_rebuilt"] == 0
    assert summary["delta_files"] == 5
    assert summary["client_rows"] == summary["platform_rows"] == summary["expected_rows"] == 10_000
    # the per-user differences add up to the gap exactly
    (per_user_total,) = build.query(
        "select sum(spend_difference) from marts.recon_client_vs_platform"
    )[0]
    assert per_user_total == GAP


def assert_fails_as_expected(build: Build) -> None:
    assert not build.success, "dbt build must exit non-zero while the tables disagree"
    assert build.failed() == EXPECTED_FAILURES
    # a failing test does not stop the models that report it
    skipped = [name for name, status in build.statuses.items() if status == "skipped"]
    assert skipped == []
    # and keeps its rows
    (kept,) = build.query(
        "select count(*) from test_failures.platform_matches_rebuilt_for_every_user"
    )[0]
    assert kept == USERS_AFFECTED


def test_shipped_replica_reproduce_the_case(shipped: Build) -> None:
    assert_case_figures(shipped)


def test_shipped_replica_fail_the_reconciliation_tests(shipped: Build) -> None:
    assert_fails_as_expected(shipped)


def test_real_case_files_reproduce_the_case(real_case: Build) -> None:
    assert_case_figures(real_case)


def test_real_case_files_fail_the_reconciliation_tests(real_case: Build) -> None:
    assert_fails_as_expected(real_case)


@pytest.mark.parametrize("build_name", ["shipped", "real_case"])
def test_every_mismatched_user_should_have_come_from_the_unloaded_file(build_name, request):
    build: Build = request.getfixturevalue(build_name)
    rows = build.query(
        """
        select rebuilt_source_file, count(*), count(distinct platform_source_file)
        from marts.recon_platform_vs_rebuilt
        where status <> 'match'
        group by rebuilt_source_file
        """
    )
    assert [(file, count) for file, count, _ in rows] == [("delta3", USERS_AFFECTED)]
    (platform_rows_from_delta3,) = build.query(
        "select count(*) from marts.recon_summary_rows"
        " where input_kind = 'platform_summary' and delta_source_file = 'delta3'"
    )[0]
    assert platform_rows_from_delta3 == 0


@pytest.mark.parametrize("build_name", ["shipped", "real_case"])
def test_root_cause_is_delta3_never_loaded(build_name, request):
    build: Build = request.getfixturevalue(build_name)
    summary = build.one("select * from marts.recon_summary")
    summary["root_cause"] = root_cause(summary)
    assert summary["cause"] == "files_not_loaded"
    assert summary["explained"] is True
    assert (summary["hypothesis_kind"], summary["dedup_rule"]) == ("file_left_out", "largest_batch_id")
    assert summary["files_not_loaded"] == ["delta3"] and summary["files_partially_loaded"] is None
    assert "did not load delta3" in summary["root_cause"]
    assert "4,742,481" in summary["root_cause"] and "1,841" in summary["root_cause"]
    files = build.query(
        "select source_file, load_status, spend_gap_attributed, winning_users,"
        " winning_users_on_platform from marts.recon_delta_files order by file_position"
    )
    assert [(f, status) for f, status, *_ in files] == [
        ("delta0", "loaded"), ("delta1", "loaded"), ("delta2", "loaded"),
        ("delta3", "not_loaded"), ("delta4", "loaded"),
    ]
    # the whole gap is delta3's, and none of its 1,841 winning rows reached the platform
    assert [gap for _, _, gap, _, _ in files] == [0, 0, 0, GAP, 0]
    assert files[3][3:] == (USERS_AFFECTED, 0)
    assert summary["spend_gap_unattributed"] == 0
    causes = build.query(
        "select cause, rebuilt_source_file, count(*) from marts.recon_platform_vs_rebuilt"
        " where status <> 'match' group by all"
    )
    assert causes == [("file_not_loaded", "delta3", USERS_AFFECTED)]


@pytest.mark.parametrize("build_name", ["shipped", "real_case"])
def test_only_the_true_explanation_reproduces_the_platform(build_name, request):
    build: Build = request.getfixturevalue(build_name)
    exact = build.query(
        "select hypothesis_kind, files_not_loaded, files_partially_loaded, dedup_rule"
        " from marts.recon_load_hypotheses where reproduces_platform"
    )
    assert exact == [("file_left_out", ["delta3"], None, "largest_batch_id")]
    kinds = dict(build.query(
        "select hypothesis_kind, count(*) from marts.recon_load_hypotheses group by all"
    ))
    # all loaded, last arrival, 5 single files, 10 pairs, and some cut-short candidates
    assert kinds["all_files_loaded"] == kinds["last_arrival_wins"] == 1
    assert kinds["file_left_out"] == 5 and kinds["files_left_out"] == 10


def test_staging_keeps_lineage_of_every_delta_row(shipped: Build) -> None:
    rows = shipped.query(
        """
        select source_file, file_position, count(*), min(source_line_number),
            max(source_line_number), count(distinct source_line_number)
        from staging.stg_deltas group by all order by file_position
        """
    )
    assert [r[0] for r in rows] == ["delta0", "delta1", "delta2", "delta3", "delta4"]
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[2] for r in rows] == [10_000, 2_494, 2_519, 2_473, 2_483]
    for _, _, count, first, last, distinct in rows:
        assert (first, last, distinct) == (2, count + 1, count)


# the columns of recon_input_folder_entries that say what the file system holds, which a
# seed is not (a seed is listed as entry_type 'seed', with no size and no reader path),
# and the build that wrote a row
NOT_THE_DATA = ("entry_type", "is_symlink", "size_bytes", "reader_path", "invocation_id")


def test_a_second_build_on_the_same_warehouse_keeps_every_line_number(shipped: Build, tmp_path):
    """dbt seed loads a seed again by deleting its rows and appending the file's: DuckDB
    numbers the new rows (rowid) on after the deleted ones, and a row's line is counted
    from its table's first row, so a second build names the same lines as the first."""
    second = dbt_build(shipped.copied_to(tmp_path).database.parent)
    lines = "select source_file, min(source_line_number), max(source_line_number), count(*)" \
            " from marts.recon_delta_rows group by all order by all"
    assert second.query(lines) == shipped.query(lines)
    assert shipped.query(lines)[0][1:] == (2, 10_001, 10_000)  # delta0: a header, 10,000 rows
    example = "select * from marts.recon_platform_vs_rebuilt where status <> 'match' order by user_id limit 3"
    assert second.query(example) == shipped.query(example)


def test_the_replica_reads_the_same_as_seeds_and_as_a_folder(shipped: Build, tmp_path_factory):
    """The shipped replica, both ways in: as dbt seeds (no vars) and as a folder (the var
    input_dir, seeds/): every mart holds the same rows and every data test ends the same,
    but for what only a file system says of a file, and the seeds' YAML file, which the
    folder holds and does not read."""
    folder = shared_build(tmp_path_factory, "replica_folder",
                          lambda _: {"input_dir": str(REPLICA_DIR)})
    marts = [name for (name,) in shipped.query(
        "select table_name from information_schema.tables where table_schema = 'marts'"
        " order by table_name") if name not in HISTORY_MARTS]
    assert "recon_summary" in marts and "recon_delta_files" in marts
    for mart in marts:
        columns = [name for (name,) in shipped.query(
            "select column_name from information_schema.columns"
            f" where table_schema = 'marts' and table_name = '{mart}' order by ordinal_position")
            if name not in NOT_THE_DATA]
        select = f"select {', '.join(columns)} from marts.{mart}"
        # the folder also holds the seeds' YAML, listed as not read
        where = " where entry_name != '_seeds.yml'" if mart == "recon_input_folder_entries" else ""
        assert shipped.query(f"{select} order by all") == folder.query(
            f"{select}{where} order by all"), mart
    assert folder.query("select entry_name, not_read_reason from marts.recon_input_folder_entries"
                        " where not is_read") == [("_seeds.yml", "its name matches no input file")]
    tests = folder.data_tests()
    assert tests.pop("every_folder_entry_is_an_input_file") == ("warn", 1)
    assert shipped.data_tests().pop("every_folder_entry_is_an_input_file") == ("pass", 0)
    assert {name: outcome for name, outcome in shipped.data_tests().items()
            if name != "every_folder_entry_is_an_input_file"} == tests
    assert folder.statuses["base_input_rows_landed"] == "success"


def test_line_numbers_point_at_the_lines_in_the_file(shipped: Build) -> None:
    lines = (REPLICA_DIR / "delta3.csv").read_text().splitlines()
    for line_number in (2, 100, len(lines)):
        row = shipped.one(
            "select user_id, total_spend, count_saved_items, loyalty_credits, batch_id"
            f" from staging.stg_deltas where source_file = 'delta3'"
            f" and source_line_number = {line_number}"
        )
        assert ",".join(str(v) for v in row.values()) == lines[line_number - 1]


def test_consistent_data_builds_with_no_failing_test(tmp_path: Path) -> None:
    """The shipped deltas with a platform table that loaded them all (the client's export,
    which is the correct dedup): every data test passes and dbt build exits zero."""
    files = {p.name: p for p in REPLICA_DIR.glob("delta*.csv")}
    files["Johnny-user-summary.csv"] = REPLICA_DIR / "Johnny-user-summary.csv"
    files["AIQ-user-summary.csv"] = REPLICA_DIR / "Johnny-user-summary.csv"
    build = dbt_build(tmp_path / "run", project_dir=copy_project(tmp_path / "project", files),
                      variables=COPY_VARS)
    assert build.failed() == {}
    assert build.success
    summary = build.one("select spend_gap, users_mismatched from marts.recon_summary")
    assert summary == {"spend_gap": 0, "users_mismatched": 0}


def test_a_new_delta_file_is_picked_up_with_no_sql_edit(tmp_path: Path) -> None:
    """Dropping delta5.csv into a copy of the project's input folder: the new file is
    staged, wins where its batch_id is larger, and the platform (which never saw it)
    falls behind."""
    files = {p.name: p for p in REPLICA_DIR.glob("*.csv")}
    header = "user_id,total_spend,count_saved_items,loyalty_credits,batch_id\n"
    files["delta5.csv"] = header + "1,99999,1,1,999999\n2,88888,2,2,999998\n"
    build = dbt_build(tmp_path / "run", project_dir=copy_project(tmp_path / "project", files),
                      variables=COPY_VARS)
    assert build.one("select count(distinct source_file) as n from staging.stg_deltas") == {"n": 6}
    winners = build.query(
        "select user_id, total_spend, source_file from intermediate.int_users_deduplicated"
        " where user_id in (1, 2) order by user_id"
    )
    assert winners == [(1, 99999, "delta5"), (2, 88888, "delta5")]
    mismatched = build.one(
        "select users_mismatched_client_vs_rebuilt as n from marts.recon_summary"
    )
    assert mismatched == {"n": 2}


def test_a_removed_delta_file_is_dropped_with_no_sql_edit(tmp_path: Path) -> None:
    files = {p.name: p for p in REPLICA_DIR.glob("*.csv") if p.name != "delta4.csv"}
    build = dbt_build(tmp_path / "run", project_dir=copy_project(tmp_path / "project", files),
                      variables=COPY_VARS)
    files_staged = build.query("select distinct source_file from staging.stg_deltas order by 1")
    assert files_staged == [("delta0",), ("delta1",), ("delta2",), ("delta3",)]


def test_readme_shows_what_a_fresh_build_prints(shipped: Build) -> None:
    """The README's summary block is the summary of the shipped data, as printed now."""
    from recon.cli import format_summary, read_summary

    readme = (PROJECT_DIR / "README.md").read_text()
    block = readme.split("<!-- summary:start -->")[1].split("<!-- summary:end -->")[0]
    assert block.strip() == "```text\n" + format_summary(read_summary(shipped.database)) + "\n```"


def test_models_with_failing_tests_feed_no_other_model(shipped: Build) -> None:
    """dbt build skips every model downstream of all the models an error-severity test
    reads, so such tests sit on leaves: a failing check never stops the models that
    report it. (A test reading several models blocks only what descends from all of
    them: none, when one of them is a leaf.)"""
    import json

    manifest = json.loads((shipped.database.parent / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    children: dict[str, set[str]] = {}
    for name, node in nodes.items():
        if node["resource_type"] == "model":
            for parent in node["depends_on"]["nodes"]:
                children.setdefault(parent, set()).add(name)
    blocking = {
        name: parents
        for name, node in nodes.items()
        if node["resource_type"] == "test" and node["config"]["severity"].lower() == "error"
        for parents in [[p for p in node["depends_on"]["nodes"] if p.startswith("model.")]]
        if parents and all(children.get(parent) for parent in parents)
    }
    assert blocking == {}


FINDINGS_ON_THE_SHIPPED_REPLICA = {
    "platform_matches_rebuilt_for_every_user",
    "platform_matches_client_for_every_user",
    "platform_total_spend_equals_client_total_spend",
    "platform_total_spend_equals_rebuilt_total_spend",
    "every_delta_file_was_loaded",
    "reconciliation_finds_nothing_wrong",
}


def test_the_shipped_replica_fail_findings_only(shipped: Build) -> None:
    assert not shipped.success
    assert set(shipped.failed()) == FINDINGS_ON_THE_SHIPPED_REPLICA


def test_findings_warn_with_the_var_and_the_pipeline_selector_leaves_them_out(
    tmp_path: Path,
) -> None:
    warned = dbt_build(tmp_path / "warn", variables={"findings_as_warnings": True})
    assert warned.success, warned.errors()
    warnings = {name for name, status in warned.statuses.items() if status == "warn"}
    assert warnings == FINDINGS_ON_THE_SHIPPED_REPLICA
    pipeline = dbt_build(tmp_path / "pipeline", extra_args=("--selector", "pipeline"))
    assert pipeline.success, pipeline.errors()
    assert not FINDINGS_ON_THE_SHIPPED_REPLICA & set(pipeline.statuses)
    assert "input_rows_are_conserved" in pipeline.statuses
    assert pipeline.statuses.keys() >= {"recon_summary", "recon_delta_files"}

