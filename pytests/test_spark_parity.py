"""The same project on Spark gives the same answers as on DuckDB.

Each case's folder is built twice, with `dbt build` (DuckDB, in this process) and with
`dbt build --target spark` (a local Spark session, its marts copied into DuckDB by
recon.spark_marts). The Spark builds of every case run one after the other in one process
and so one session, once for the module: a session's start and its cold first queries
cost more than a small case's build. Every mart must hold the same rows, and every
data test must end with the same status and the same count of failing rows. The cases,
chosen to run every reader, dispatched macro and materialization on both engines at
the fewest builds: the real case folder; every fault class the simulator knows, in two
folders; a file never loaded whose resent rows mislead its evidence (the search from the
composed hypothesis); a folder of Parquet files; malformed inputs from test_bad_input's corpus in one folder (a value that does
not parse, blank lines, file names that are SQL and glob characters); and a line with
too many fields, which must stop both builds naming its file and line.

Only what one engine cannot know like the other is left out of the comparison: the
build's invocation id and engine, the times in the run history (compared by whether they
are set), a file's content fingerprint (each engine has its own 64-bit hash),
whether an entry is a symbolic link (Spark's file listing does not say: null) and the
path as each engine's reader spells it (DuckDB brackets glob characters; Spark reads the
path as listed, its globbing off)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from pytests import test_bad_input as bad
from pytests.cases import real_case_build, resent_rows_build, simulated_build, simulated_case
from pytests.dbt_harness import (
    CASE_DIR, PROJECT_DIR, Build, require, require_program, shared_build, spark_builds)
from pytests.test_bad_input import clean_files  # noqa: F401 - a fixture, shared
from pytests.test_input_dir import format_variables
from recon.report import write_reports
from recon.simulator import write_case

# what each engine knows in its own way (see the module docstring)
ENGINE_SPECIFIC = {
    "recon_summary": ["invocation_id"],
    "recon_delta_files": ["content_fingerprint"],
    "recon_input_folder_entries": ["is_symlink", "reader_path"],
    "recon_run_history": ["invocation_id", "engine"],
    "recon_file_history": ["invocation_id", "content_fingerprint"],
    "recon_faults_over_runs": ["first_seen_invocation_id"],
}

# Every fault class the simulator knows, in two folders (pytests/cases.py): a file never
# loaded, another cut short, one loaded with two columns exchanged, one with its spend
# scaled, one without a chunk of lines in its middle and the client's export behind (CSV); the last-arrival rule with users added and
# dropped, every file written as Parquet (Spark's Parquet reader, each file a view the
# pre-hook makes). The real folder adds the consistent shape (every other file loaded)
# and a single file not loaded.
SIMULATED = ["every_load_fault_and_client_export_behind"]
PARQUET, PARQUET_CASE = "parquet", "last_arrival_kept_users_added_and_dropped"
# A file never loaded that resends rows of an earlier one: its evidence misleads, and the
# search from the composed hypothesis (a model per step) finds the load.
RESENT_ROWS = "resent_rows"

# Malformed inputs from test_bad_input's corpus, in one folder: a value that does not
# parse and blank lines that move every row below them, in files whose names are SQL and
# glob characters; and a line with too many fields, which stops both builds.
MALFORMED = ["non_numeric_value", "blank_lines_between_and_after_rows", "hostile_file_names"]
TOO_MANY_FIELDS = "too_many_fields_in_a_line"


def marts(build: Build) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every mart of a build: its columns and its rows, sorted, engine-specific columns
    left out."""
    with duckdb.connect(str(build.database), read_only=True) as connection:
        names = [name for (name,) in connection.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'marts' order by table_name").fetchall()]
        contents = {}
        for name in names:
            left_out = ENGINE_SPECIFIC.get(name, [])
            # the run history's times are each build's own: compared by whether they are set
            columns = [
                f'("{column}" is not null) as "{column}"' if kind == "TIMESTAMP" else f'"{column}"'
                for column, kind, *_ in connection.execute(f"describe marts.{name}").fetchall()
                if column not in left_out
            ]
            relation = connection.sql(f"select {', '.join(columns)} from marts.{name}")
            contents[name] = (relation.columns, relation.order("all").fetchall())
    return contents


def assert_same_answers(duckdb_build: Build, spark: Build) -> None:
    assert duckdb_build.data_tests(), "the DuckDB build ran no data test"
    assert spark.data_tests() == duckdb_build.data_tests()
    expected, actual = marts(duckdb_build), marts(spark)
    assert sorted(actual) == sorted(expected)
    for name, (columns, rows) in expected.items():
        assert actual[name][0] == columns, name
        assert len(actual[name][1]) == len(rows), name
        for spark_row, duckdb_row in zip(actual[name][1], rows):
            assert spark_row == duckdb_row, (name, spark_row, duckdb_row)


@pytest.fixture(scope="module")
def builds(clean_files, tmp_path_factory) -> dict[str, tuple[Build, Build]]:
    """Every case's folder, built on DuckDB (the builds the other test files read too)
    and on Spark (one session for all)."""
    duckdb_builds = {}
    if CASE_DIR.exists():
        duckdb_builds["real"] = real_case_build(tmp_path_factory)
    for name in SIMULATED:
        _, duckdb_builds[name] = simulated_build(tmp_path_factory, name)
    _, duckdb_builds[RESENT_ROWS] = resent_rows_build(tmp_path_factory)
    duckdb_builds[PARQUET] = shared_build(
        tmp_path_factory, "parquet-" + PARQUET_CASE, lambda folder: (
            write_case(simulated_case(PARQUET_CASE), folder, fmt="parquet"),
            format_variables(folder, "parquet"))[1])
    malformed = clean_files
    for name in MALFORMED:
        malformed = bad.CORPUS[name][0](malformed)
    duckdb_builds["malformed"] = bad.corpus_build(tmp_path_factory, "+".join(MALFORMED), malformed)
    too_many_fields = bad.CORPUS[TOO_MANY_FIELDS][0](clean_files)
    duckdb_builds[TOO_MANY_FIELDS] = bad.corpus_build(tmp_path_factory, TOO_MANY_FIELDS, too_many_fields)
    root = tmp_path_factory.mktemp("spark")
    spark = spark_builds(root, {name: (root / name, build.variables)
                                for name, build in duckdb_builds.items()})
    return {name: (build, spark[name]) for name, build in duckdb_builds.items()}


def test_the_real_case_folder_gives_the_same_answers(builds, tmp_path) -> None:
    require(CASE_DIR, "the real case files")
    duckdb_build, spark = builds["real"]
    summary = spark.one("select * from marts.recon_summary")
    assert (summary["client_total_spend"], summary["platform_total_spend"],
            summary["spend_gap"]) == (33_904_525, 29_162_044, 4_742_481)
    assert summary["cause"] == "files_not_loaded" and summary["explained"]
    assert spark.query("select source_file from marts.recon_delta_files"
                       " where load_status = 'not_loaded'") == [("delta3",)]
    assert_same_answers(duckdb_build, spark)
    # the write-up (as `recon.cli build --target spark` renders it) is the DuckDB build's
    written = {}
    for engine, build in (("duckdb", duckdb_build), ("spark", spark)):
        out = tmp_path / f"reports_{engine}"
        write_reports(build.database, out)
        written[engine] = {path.name: path.read_text() for path in sorted(out.glob("*.md"))}
    assert written["spark"] and written["spark"] == written["duckdb"]


@pytest.mark.parametrize("name", SIMULATED)
def test_simulated_faults_give_the_same_answers(name, builds) -> None:
    assert_same_answers(*builds[name])


def test_the_search_from_the_composed_hypothesis_gives_the_same_answers(builds) -> None:
    duckdb_build, spark = builds[RESENT_ROWS]
    assert spark.one("select hypothesis_kind from marts.recon_summary") == {
        "hypothesis_kind": "composed_search"}
    assert_same_answers(duckdb_build, spark)


def test_parquet_files_give_the_same_answers(builds) -> None:
    duckdb_build, spark = builds[PARQUET]
    summary = spark.one("select cause, explained, delta_files from marts.recon_summary")
    assert summary["cause"].split("+")[0] == "dedup_rule" and summary["explained"], summary
    assert summary["delta_files"] == 6
    assert_same_answers(duckdb_build, spark)


def test_malformed_input_gives_the_same_answers(builds) -> None:
    duckdb_build, spark = builds["malformed"]
    # the folder holds what its parts name: a row set aside, the blank lines counted
    assert duckdb_build.failed() == {"no_input_row_quarantined": 1}, duckdb_build.failed()
    assert_same_answers(duckdb_build, spark)


def test_a_line_with_too_many_fields_stops_both_builds_naming_it(clean_files, builds) -> None:
    change, _ = bad.CORPUS[TOO_MANY_FIELDS]
    line = next(number for number, text in enumerate(bad.lines(change(clean_files)["delta1"]), start=1)
                if text.count(",") == 5)
    duckdb_build, spark = builds[TOO_MANY_FIELDS]
    for build in (duckdb_build, spark):
        assert not build.success
        assert "recon_summary" not in {name for name, status in build.statuses.items()
                                        if status == "success"}
    assert "delta1.csv" in spark.errors() and f"line {line} has 6 fields" in spark.errors()
    assert re.search(r"delta1\.csv", duckdb_build.errors())


def test_dbt_compiles_and_documents_for_spark_before_any_build(tmp_path) -> None:
    """On an empty Spark warehouse, `dbt docs generate --target spark` (which compiles
    every model) succeeds: the Spark readers' SQL is the same for every folder, and what
    the folder holds is read by their pre-hooks when they run."""
    require_program("java", "Java 17, for Spark's local session,")
    folder = require(CASE_DIR, "the real case files")
    finished = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "docs", "generate", "--target", "spark",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "--vars", json.dumps({"input_dir": str(folder)}), "--quiet"],
        env={**os.environ, "DBT_SPARK_DIR": str(tmp_path / "spark")},
        capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    compiled = tmp_path / "target" / "compiled" / "reconcile" / "models" / "staging" / "base"
    assert "input_text_lines" in (compiled / "spark" / "base_input_physical_lines.sql").read_text()

