"""The same project on Spark gives the same answers as on DuckDB.

Each case's folder is built twice, with `dbt build` (DuckDB, in this process) and with
`dbt build --target spark` (a local Spark session, in a process of its own, its marts
copied into DuckDB by recon.spark_marts). Every mart must hold the same rows, and every
data test must end with the same status and the same count of failing rows. The cases:
the real case folder, one simulated case of each fault class, and malformed inputs from
test_bad_input's corpus (bad values, blank lines, reordered columns, hostile names), and
a line with too many fields, which must stop both builds naming its file and line.

Only what one engine cannot know like the other is left out of the comparison: the
build's invocation id and engine, the times in the run history (compared by whether they
are set), a file's content fingerprint (each engine has its own 64-bit hash),
whether an entry is a symbolic link (Spark's file listing does not say: null) and the
path as each engine's reader spells it (DuckDB brackets glob characters; Spark reads the
path as listed, its globbing off)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pytests import test_bad_input as bad
from pytests.dbt_harness import CASE_DIR, Build, dbt_build, require, spark_build
from pytests.test_bad_input import clean_files  # noqa: F401 - a fixture, shared
from recon.report import write_reports
from recon.simulator import Fault, simulate, write_case

# what each engine knows in its own way (see the module docstring)
ENGINE_SPECIFIC = {
    "recon_summary": ["invocation_id"],
    "recon_delta_files": ["content_fingerprint"],
    "recon_input_folder_entries": ["is_symlink", "reader_path"],
    "recon_run_history": ["invocation_id", "engine"],
    "recon_file_history": ["invocation_id", "content_fingerprint"],
    "recon_faults_over_runs": ["first_seen_invocation_id"],
}

# one simulated case of each fault class the simulator knows (the consistent case is the
# real folder's other files' shape: every file loaded)
SIMULATED = {
    "file_skipped": dict(n_files=6, fault=Fault(skip_files=(3,))),
    "file_cut_short": dict(n_files=6, fault=Fault(truncate_file=(4, 300))),
    "last_arrival_wins": dict(n_files=5, fault=Fault(last_arrival_wins=True)),
    "stale_client_export": dict(n_files=6, fault=Fault(stale_client_export=3)),
    "users_added_and_dropped": dict(n_files=5, fault=Fault(users_added=30, users_dropped=20)),
}

# malformed inputs, from test_bad_input's corpus: values that do not parse, blank lines
# that move every row below them, names that are SQL and glob characters
MALFORMED = ["non_numeric_value", "blank_lines_between_and_after_rows", "hostile_file_names"]

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


def build_both(folder: Path, workdir: Path) -> tuple[Build, Build]:
    variables = {"input_dir": str(folder)}
    return (dbt_build(workdir / "duckdb", variables=variables),
            spark_build(workdir / "spark", variables=variables))


def test_the_real_case_folder_gives_the_same_answers(tmp_path) -> None:
    folder = require(CASE_DIR, "the real case files")
    duckdb_build, spark = build_both(folder, tmp_path)
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


@pytest.mark.parametrize("name", sorted(SIMULATED))
def test_a_simulated_fault_gives_the_same_answers(name, tmp_path) -> None:
    case = simulate(n_users=2_000, seed=5, **SIMULATED[name])
    write_case(case, tmp_path / "input")
    assert_same_answers(*build_both(tmp_path / "input", tmp_path))


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_input_gives_the_same_answers(name, clean_files, tmp_path) -> None:
    change, _ = bad.CORPUS[name]
    bad.write_entries(tmp_path / "input", change(clean_files))
    assert_same_answers(*build_both(tmp_path / "input", tmp_path))


def test_a_line_with_too_many_fields_stops_both_builds_naming_it(clean_files, tmp_path) -> None:
    change, _ = bad.CORPUS["too_many_fields_in_a_line"]
    files = change(clean_files)
    bad.write_entries(tmp_path / "input", files)
    line = next(number for number, text in enumerate(bad.lines(files["delta1"]), start=1)
                if text.count(",") == 5)
    duckdb_build, spark = build_both(tmp_path / "input", tmp_path)
    for build in (duckdb_build, spark):
        assert not build.success
        assert "recon_summary" not in {name for name, status in build.statuses.items()
                                        if status == "success"}
    assert "delta1.csv" in spark.errors() and f"line {line} has 6 fields" in spark.errors()
    assert re.search(r"delta1\.csv", duckdb_build.errors())
