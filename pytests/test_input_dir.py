"""Reading a folder (`--vars '{input_dir: ...}'`) gives the same answers wherever the
folder is and in every format.

The same data goes through both: as a folder inside a copy of the project (a relative
input_dir), and as a folder elsewhere (an absolute one), read with DuckDB's own readers
(CSV with LF or CRLF line endings, gzipped CSV, Parquet). Every mart must come out
identical, row for row. The real case folder is read as received (CRLF line endings, its
original file names)."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pytests.cases import real_case_build
from pytests.dbt_harness import (
    CASE_DIR,
    COPY_VARS,
    Build,
    copy_project,
    dbt_build,
    mart_select,
    require,
)
from recon.simulator import Fault, GroundTruth, SimulatedCase, simulate, write_case

# The case's published figures (../shared/brief/case-study.txt) and what the pipeline finds.
CLIENT_TOTAL = 33_904_525
PLATFORM_TOTAL = 29_162_044
GAP = 4_742_481
USERS_AFFECTED = 1_841

# A simulated case with delta10 and delta11, so that ordering by name would put them
# between delta1 and delta2; the platform never loaded delta10.
SIM_USERS = 3_000
SIM_FILES = 12
SIM_SKIPPED = 10


def mart_tables(database: Path) -> list[str]:
    """The marts of a warehouse, tables and views."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'marts' order by table_name"
        ).fetchall()
    return [name for (name,) in rows]


def mart_contents(database: Path, table: str) -> tuple[list[str], list[tuple]]:
    """A mart's columns and its rows, sorted. Each warehouse is opened on its own: a view
    names its warehouse's catalog, so it cannot be read through an ATTACH under another
    name."""
    with duckdb.connect(str(database), read_only=True) as connection:
        query = mart_select(table, across_folders=True)
        return connection.sql(query).columns, connection.sql(f"{query} order by all").fetchall()


def assert_same_marts(expected: Build, actual: Build) -> None:
    """Every mart of both warehouses holds the same rows, in the same columns."""
    tables = mart_tables(expected.database)
    assert tables, "the project's own folder built no mart"
    assert mart_tables(actual.database) == tables
    for table in tables:
        expected_columns, expected_rows = mart_contents(expected.database, table)
        actual_columns, actual_rows = mart_contents(actual.database, table)
        assert actual_columns == expected_columns, f"marts.{table}: columns differ"
        if actual_rows != expected_rows:
            only_project = list((Counter(expected_rows) - Counter(actual_rows)).elements())[:5]
            only_folder = list((Counter(actual_rows) - Counter(expected_rows)).elements())[:5]
            pytest.fail(f"marts.{table} differs: only from the project's folder {only_project},"
                        f" only from input_dir {only_folder}")


# ---------------------------------------------------------------------------------------
# the real case, as received


@pytest.fixture(scope="module")
def real_folder(tmp_path_factory) -> Build:
    return real_case_build(tmp_path_factory)


@pytest.fixture(scope="module")
def real_in_project(tmp_path_factory) -> Build:
    """The real files in a folder inside a scratch copy of the project (never in the
    project itself), named by a relative input_dir."""
    require(CASE_DIR, "the real case files (../shared/cases/johnnys-jeans)")
    files = {path.name: path for path in CASE_DIR.glob("*.csv")}
    root = tmp_path_factory.mktemp("real_in_project")
    return dbt_build(root / "run", project_dir=copy_project(root / "project", files),
                     variables=COPY_VARS)


def test_real_case_folder_is_read_as_received() -> None:
    """The folder holds the files as the client sent them: original names, CRLF endings."""
    require(CASE_DIR, "the real case files (../shared/cases/johnnys-jeans)")
    names = sorted(path.name for path in CASE_DIR.iterdir())
    assert names == ["AIQ-user-summary.csv", "Johnny-user-summary.csv",
                     "delta0.csv", "delta1.csv", "delta2.csv", "delta3.csv", "delta4.csv"]
    assert (CASE_DIR / "delta3.csv").read_bytes().split(b"\n", 1)[0].endswith(b"\r")


def test_real_case_folder_gives_the_case_figures(real_folder: Build) -> None:
    summary = real_folder.one(
        "select client_total_spend, platform_total_spend, spend_gap, users_mismatched,"
        " cause, hypothesis_kind, files_not_loaded, delta_files from marts.recon_summary"
    )
    assert summary == {
        "client_total_spend": CLIENT_TOTAL,
        "platform_total_spend": PLATFORM_TOTAL,
        "spend_gap": GAP,
        "users_mismatched": USERS_AFFECTED,
        "cause": "files_not_loaded",
        "hypothesis_kind": "file_left_out",
        "files_not_loaded": ["delta3"],
        "delta_files": 5,
    }
    statuses = real_folder.query(
        "select source_file, load_status from marts.recon_delta_files order by file_position"
    )
    assert statuses == [("delta0", "loaded"), ("delta1", "loaded"), ("delta2", "loaded"),
                        ("delta3", "not_loaded"), ("delta4", "loaded")]


def test_real_case_folder_gives_what_the_same_files_in_the_project_give(
    real_in_project: Build, real_folder: Build
) -> None:
    assert_same_marts(real_in_project, real_folder)


# ---------------------------------------------------------------------------------------
# a simulated case, in the project's own folder and in folders of every format


@pytest.fixture(scope="module")
def simulated() -> SimulatedCase:
    return simulate(SIM_USERS, SIM_FILES, seed=11, fault=Fault(skip_files=(SIM_SKIPPED,)))


@pytest.fixture(scope="module")
def simulated_in_project(tmp_path_factory, simulated: SimulatedCase) -> Build:
    root = tmp_path_factory.mktemp("sim_in_project")
    paths = write_case(simulated, root / "files")
    project = copy_project(root / "project", {path.name: path for path in paths})
    return dbt_build(root / "run", project_dir=project, variables=COPY_VARS)


# (format, CRLF line endings)
FOLDER_VARIANTS = [("csv", False), ("csv.gz", True), ("parquet", False)]


@pytest.fixture(scope="module", params=FOLDER_VARIANTS, ids=lambda v: f"{v[0]}{'-crlf' * v[1]}")
def simulated_folder(request, tmp_path_factory, simulated: SimulatedCase) -> Build:
    fmt, crlf = request.param
    root = tmp_path_factory.mktemp(f"sim_folder_{fmt.replace('.', '_')}")
    write_case(simulated, root / "case", fmt=fmt, crlf=crlf)
    return dbt_build(root / "run", variables=format_variables(root / "case", fmt))


def assert_ground_truth(build: Build, truth: GroundTruth) -> None:
    summary = build.one(
        "select client_total_spend, platform_total_spend, expected_total_spend, spend_gap,"
        " users_mismatched_platform_vs_rebuilt, cause, hypothesis_kind, files_not_loaded"
        " from marts.recon_summary"
    )
    assert summary == {
        "client_total_spend": truth.client_total,
        "platform_total_spend": truth.platform_total,
        "expected_total_spend": truth.correct_total,
        "spend_gap": truth.gap,
        "users_mismatched_platform_vs_rebuilt": truth.users_differing,
        "cause": "files_not_loaded",
        "hypothesis_kind": "file_left_out",
        "files_not_loaded": [f"delta{SIM_SKIPPED}"],
    }


def test_simulated_case_in_the_project_finds_the_ground_truth(
    simulated_in_project: Build, simulated: SimulatedCase
) -> None:
    assert_ground_truth(simulated_in_project, simulated.truth)


def test_simulated_folder_finds_the_ground_truth(
    simulated_folder: Build, simulated: SimulatedCase
) -> None:
    assert_ground_truth(simulated_folder, simulated.truth)


def test_simulated_folder_gives_what_the_project_folder_gives(
    simulated_in_project: Build, simulated_folder: Build
) -> None:
    assert_same_marts(simulated_in_project, simulated_folder)


def test_files_are_ordered_by_the_number_in_their_name(
    simulated_folder: Build, simulated: SimulatedCase
) -> None:
    """delta10 and delta11 come after delta9, not after delta1, in every layer."""
    expected = [(f"delta{k}", k, k + 1) for k in range(SIM_FILES)]
    files = simulated_folder.query(
        "select source_file, file_number, file_position from marts.recon_delta_files"
        " order by file_position"
    )
    assert files == expected
    staged = simulated_folder.query(
        "select source_file, file_number, file_position, count(*) from staging.stg_deltas"
        " group by all order by file_position"
    )
    assert [row[:3] for row in staged] == expected
    assert [row[3] for row in staged] == [f.rows for f in simulated.truth.files]
    statuses = dict(simulated_folder.query(
        "select source_file, load_status from marts.recon_delta_files"
    ))
    assert statuses[f"delta{SIM_SKIPPED}"] == "not_loaded"
    assert [statuses[f"delta{k}"] for k in range(SIM_FILES)] == [
        f.status for f in simulated.truth.files
    ]


# ---------------------------------------------------------------------------------------
# a build that spills


def test_a_build_that_spills_completes(tmp_path: Path, monkeypatch) -> None:
    """A memory_limit far below the data makes DuckDB spill to temp_directory, as a
    60,000,000-row run does within 6 GB: the build must still run every node, and every
    row must keep its true file and line though the files are read in parallel, in many
    row groups, while spilling."""
    case = simulate(100_000, 21, seed=3, fault=Fault(skip_files=(10,)))
    write_case(case, tmp_path / "case")
    monkeypatch.setenv("DBT_DUCKDB_MEMORY_LIMIT", "100MB")
    build = dbt_build(tmp_path / "run", variables={"input_dir": str(tmp_path / "case")})
    broken = {name: status for name, status in build.statuses.items()
              if status in ("error", "skipped")}
    assert broken == {}
    assert_ground_truth(build, case.truth)
    assert_lines_match_files(build, tmp_path / "case")


def assert_lines_match_files(build: Build, folder: Path) -> None:
    """Every row read names its file and line truly: the line at that number in that
    file is the row's. The line numbers come from the order the rows were stored in, so
    this holds only if the parallel, spilling read kept every file's order."""
    columns = ["user_id", "total_spend", "count_saved_items", "loyalty_credits", "batch_id"]
    expected = set()
    for path in sorted(folder.glob("*.csv")):
        name = path.name.split(".")[0]
        with path.open() as handle:
            assert handle.readline().strip().split(",") == columns
            for number, line in enumerate(handle, start=2):
                expected.add((name, number, *map(int, line.strip().split(","))))
    stored = set(build.query(
        "select source_file, source_line_number, " + ", ".join(columns)
        + " from staging.base_input_rows"))
    assert len(stored) == len(expected) > 500_000
    assert stored == expected


# ---------------------------------------------------------------------------------------
# every format gives the same answers, data tests included, clean and malformed


def test_simulated_folder_gives_the_project_folders_data_test_results(
    simulated_in_project: Build, simulated_folder: Build
) -> None:
    """Not only the marts: every data test passes or fails alike, with the same count of
    rows kept, in every format (a Parquet file's rows were once counted per column)."""
    assert simulated_folder.data_tests() == simulated_in_project.data_tests()
    assert simulated_folder.statuses["input_rows_are_conserved"] == "pass"


def test_a_clean_parquet_case_builds_clean(tmp_path: Path) -> None:
    case = simulate(500, 6, seed=21)
    assert case.truth.causes == ("consistent",)
    write_case(case, tmp_path / "case", fmt="parquet")
    build = dbt_build(tmp_path / "run", variables=format_variables(tmp_path / "case", "parquet"))
    assert build.success and build.failed() == {}, build.failed()


def format_variables(folder: Path, fmt: str) -> dict:
    return {
        "input_dir": str(folder),
        "delta_file_glob": f"delta*.{fmt}",
        "platform_summary_file": f"AIQ-user-summary.{fmt}",
        "client_summary_file": f"Johnny-user-summary.{fmt}",
    }


def write_text_as(text: str, path: Path, fmt: str) -> None:
    """A CSV file's text as that format: as is, gzipped, or Parquet with every column
    kept as the text written (so a value that is not an integer stays one)."""
    if fmt == "csv":
        path.write_text(text)
    elif fmt == "csv.gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        source = path.with_suffix(".source.csv")
        source.write_text(text)
        with duckdb.connect() as connection:
            connection.execute(
                "copy (select * from read_csv(?, all_varchar = true, header = true))"
                " to '" + str(path).replace("'", "''") + "' (format parquet)", [str(source)])
        source.unlink()


@pytest.fixture(scope="module")
def malformed_builds(tmp_path_factory) -> dict[str, Build]:
    """One malformed case in every format: a superseded row with a value that is no
    integer, a winning row written '+N', a delta file with a header only and a user twice
    in the platform's summary."""
    from pytests.test_bad_input import HEADER, append_line, prefix_winning_value, set_superseded

    case = simulate(400, 5, seed=11)
    source = tmp_path_factory.mktemp("malformed_source")
    write_case(case, source)
    texts = {path.stem: path.read_text() for path in source.glob("*.csv")}
    texts = set_superseded("delta1", "total_spend", "abc")(texts)
    texts = prefix_winning_value("delta2", "total_spend", "+")(texts)
    texts = append_line("AIQ-user-summary", lambda f: f["AIQ-user-summary"].split("\n")[1])(texts)
    texts["delta5"] = HEADER + "\n"
    builds = {}
    for fmt in ("csv", "csv.gz", "parquet"):
        root = tmp_path_factory.mktemp(f"malformed_{fmt.replace('.', '_')}")
        (root / "case").mkdir()
        for stem, text in texts.items():
            write_text_as(text, root / "case" / f"{stem}.{fmt}", fmt)
        builds[fmt] = dbt_build(root / "run", variables=format_variables(root / "case", fmt))
    return builds


def test_malformed_case_gives_the_same_answers_in_every_format(malformed_builds) -> None:
    csv = malformed_builds["csv"]
    failed = csv.failed()
    assert {name: failed.get(name) for name in (
        "no_input_row_quarantined", "every_delta_file_has_rows", "one_row_per_user_per_summary",
    )} == {"no_input_row_quarantined": 2, "every_delta_file_has_rows": 1,
           "one_row_per_user_per_summary": 2}
    assert csv.statuses["input_rows_are_conserved"] == "pass"
    for fmt in ("csv.gz", "parquet"):
        build = malformed_builds[fmt]
        assert build.data_tests() == csv.data_tests(), fmt
        assert_same_marts(csv, build)
