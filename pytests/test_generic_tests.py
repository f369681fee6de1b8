"""The generic data tests in macros/generic_tests/, run the way dbt-utils tests its own:
build the small project in integration_tests/ (the parent installed as a local package)
and check that every application of a generic test returned exactly the rows it should.

Everything dbt writes (warehouse, target, logs, installed package) goes to tmp.
"""

from __future__ import annotations

import gc
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = REPO_DIR / "integration_tests"
GENERIC_TESTS = [
    "every_row_satisfies",
    "one_row_per",
    "accepted_range",
]

# Every data test in integration_tests and how many rows it must return. The
# expected-failure applications assert the same count themselves (error_if: "!=K"),
# this list makes sure none is added, dropped or loosened unnoticed.
EXPECTED_ROWS = {
    "every_row_satisfies__pass__low_le_high": 0,
    "every_row_satisfies__pass__or_expression_is_wrapped": 0,
    "every_row_satisfies__fail__false_and_null_rows": 4,
    "every_row_satisfies__fail__null_safe_expression": 1,
    "accepted_range__pass__min_and_max": 0,
    "accepted_range__pass__min_only": 0,
    "accepted_range__pass__max_only": 0,
    "accepted_range__fail__min_and_max": 4,
    "accepted_range__fail__min_only": 2,
    "accepted_range__fail__max_only": 2,
    "accepted_range__fail__negative_min_is_inclusive": 1,
    "accepted_range__fail__exclusive": 6,
    "accepted_range__fail__no_bound_accepts_every_row": 0,
    "one_row_per__pass__two_columns": 0,
    "one_row_per__pass__unique_column": 0,
    "one_row_per__fail__every_duplicated_row": 7,
    "one_row_per__fail__one_column": 9,
    "one_row_per__fail__every_row_doubled": 10,
}


class Node(NamedTuple):
    resource_type: str
    status: str
    # What dbt reports: 0 for a test that passed, also one that returned K rows it
    # was configured to accept; the stored failures table has the real count.
    failures: int | None
    # For a generic test: its macro as "namespace.name", e.g. "reconcile.accepted_range".
    generic_test: str | None
    relation: str | None


@dataclass
class Run:
    """What one dbt invocation did."""

    success: bool
    exception: BaseException | None
    database: Path
    nodes: dict[str, Node] = field(default_factory=dict)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    def stored_failures(self, test_name: str, columns: str) -> list[tuple]:
        """The rows a test stored (store_failures), selected columns, sorted."""
        relation = self.nodes[test_name].relation
        assert relation, f"{test_name} stored no failures table"
        return sorted(self.query(f"select {columns} from {relation}"), key=nulls_last)

    def tests(self) -> dict[str, Node]:
        return {name: node for name, node in self.nodes.items() if node.resource_type == "test"}

    def stored_count(self, test_name: str) -> int:
        """How many rows a test returned, counted in its stored failures table."""
        relation = self.nodes[test_name].relation
        assert relation, f"{test_name} stored no failures table"
        return self.query(f"select count(*) from {relation}")[0][0]


def nulls_last(row: tuple) -> list:
    return [(value is None, 0 if value is None else value) for value in row]


def release_duckdb() -> None:
    """dbt-duckdb keeps its connection open after an in-process run; close it so this
    process can open the file itself (and the next run can reopen it)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def dbt(command: str, project_dir: Path, workdir: Path, *extra: str) -> Run:
    """`dbt <command>` on project_dir, in-process, writing only under workdir.
    DBT_DUCKDB_PATH and DBT_PACKAGES_INSTALL_PATH must already point into workdir."""
    from dbt.cli.main import dbtRunner

    args = [
        command,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--log-path", str(workdir / "logs"),
        "--quiet",
    ]
    if command != "deps":
        args += ["--target-path", str(workdir / "target")]
    try:
        result = dbtRunner().invoke(args + list(extra))
    finally:
        release_duckdb()
    run = Run(
        success=bool(result.success),
        exception=result.exception,
        database=workdir / "warehouse.duckdb",
    )
    results = result.result if command in ("build", "test", "run", "seed") else None
    for node_result in results or []:
        node = node_result.node
        metadata = getattr(node, "test_metadata", None)
        run.nodes[node.name] = Node(
            resource_type=str(node.resource_type),
            status=str(node_result.status),
            failures=node_result.failures,
            generic_test=f"{metadata.namespace}.{metadata.name}" if metadata else None,
            relation=getattr(node, "relation_name", None),
        )
    return run


def point_dbt_at(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(workdir / "warehouse.duckdb"))
    monkeypatch.setenv("DBT_PACKAGES_INSTALL_PATH", str(workdir / "dbt_packages"))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """integration_tests after `dbt deps` and `dbt build`."""
    workdir = tmp_path_factory.mktemp("integration_tests")
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_dbt_at(monkeypatch, workdir)
        deps = dbt("deps", PROJECT_DIR, workdir)
        assert deps.success, f"dbt deps failed (offline, local package): {deps.exception}"
        assert (workdir / "dbt_packages" / "reconcile" / "macros" / "generic_tests").is_dir()
        return dbt("build", PROJECT_DIR, workdir)


def test_build_succeeds(suite: Run) -> None:
    assert suite.exception is None, suite.exception
    not_ok = {
        name: node.status
        for name, node in suite.nodes.items()
        if node.status not in ("pass", "success")
    }
    assert suite.success, f"nodes that did not pass: {not_ok}"
    assert not not_ok


def test_every_test_node_passed_with_its_expected_row_count(suite: Run) -> None:
    tests = suite.tests()
    assert sorted(tests) == sorted(EXPECTED_ROWS)
    statuses = {name: node.status for name, node in tests.items()}
    assert statuses == dict.fromkeys(EXPECTED_ROWS, "pass")
    assert {name: suite.stored_count(name) for name in tests} == EXPECTED_ROWS


@pytest.mark.parametrize("generic_test", GENERIC_TESTS)
def test_each_generic_test_is_applied_to_pass_and_to_fail(suite: Run, generic_test: str) -> None:
    counts = [
        suite.stored_count(name)
        for name, node in suite.tests().items()
        if node.generic_test == f"reconcile.{generic_test}"
    ]
    assert 0 in counts, f"{generic_test} is never applied where it must pass"
    assert any(counts), f"{generic_test} is never applied where it must fail"


def test_every_row_satisfies_returns_false_and_null_rows(suite: Run) -> None:
    rows = suite.stored_failures("every_row_satisfies__fail__false_and_null_rows", "id, low, high")
    assert rows == [(2, 7, 2), (3, None, 4), (4, 2, None), (5, None, None)]


def test_accepted_range_returns_rows_outside_the_bounds(suite: Run) -> None:
    def returned(test_name: str) -> list[tuple]:
        return suite.stored_failures(test_name, "id, score")

    assert returned("accepted_range__fail__min_and_max") == [(1, -5), (2, -1), (6, 11), (7, 20)]
    assert returned("accepted_range__fail__min_only") == [(1, -5), (2, -1)]
    assert returned("accepted_range__fail__max_only") == [(6, 11), (7, 20)]
    assert returned("accepted_range__fail__negative_min_is_inclusive") == [(1, -5)]
    assert returned("accepted_range__fail__exclusive") == [
        (1, -5), (2, -1), (3, 0), (5, 10), (6, 11), (7, 20)]


def test_unique_combination_returns_every_row_of_a_shared_combination(suite: Run) -> None:
    rows = suite.stored_failures(
        "one_row_per__fail__every_duplicated_row",
        "source_line",
    )
    # Every row of a shared combination (groups of 3, 2 and 2), not one per combination.
    assert rows == [(1,), (2,), (3,), (4,), (5,), (9,), (10,)]


def test_passing_applications_store_an_empty_table(suite: Run) -> None:
    assert suite.stored_failures("one_row_per__pass__two_columns", "*") == []


# Throwaway projects for what the suite itself cannot hold: a parse error, and edge
# cases that once slipped through (null keys, a column named like the test's own).


def scratch_project(root: Path, seeds: dict[str, str], properties: str) -> Path:
    """A project like integration_tests, with these seeds and this YAML only."""
    project = root / "project"
    (project / "seeds").mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO_DIR}\n")
    for name, text in seeds.items():
        (project / "seeds" / f"{name}.csv").write_text(textwrap.dedent(text).lstrip())
    (project / "seeds" / "_scratch.yml").write_text(textwrap.dedent(properties).lstrip())
    return project


def run_scratch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeds: dict[str, str], properties: str,
    command: str = "build",
) -> Run:
    point_dbt_at(monkeypatch, tmp_path)
    project = scratch_project(tmp_path, seeds, properties)
    assert dbt("deps", project, tmp_path).success
    return dbt(command, project, tmp_path)


def test_one_row_per_with_columns_named_like_its_own_ctes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run = run_scratch(
        monkeypatch,
        tmp_path,
        {"clash": "tested,shared_keys\n1,1\n1,1\n2,1\n"},
        """
        version: 2
        seeds:
          - name: clash
            data_tests:
              - reconcile.one_row_per:
                  name: cte_name_clash
                  arguments:
                    key_columns: [tested, shared_keys]
                  config:
                    error_if: "!=2"
                    warn_if: "!=2"
        """,
    )
    assert run.nodes["cte_name_clash"].status == "pass"
    assert run.stored_count("cte_name_clash") == 2
