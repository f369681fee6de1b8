"""Run this dbt project in-process against a scratch DuckDB file, and read the result."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from recon.cli import release_warehouse

PROJECT_DIR = Path(__file__).resolve().parent.parent
CASE_DIR = PROJECT_DIR.parent / "shared" / "cases" / "johnnys-jeans"
# What a copy of the project needs to build; its input folder is the copy's own.
PROJECT_PARTS = ["dbt_project.yml", "profiles.yml", "models", "macros", "tests", "analyses",
                 "seeds"]
# The shipped replica: the seeds a build with no input_dir reads.
REPLICA_DIR = PROJECT_DIR / "seeds"
# Where a copy of the project (copy_project) holds a test's files, inside it, and the
# vars of a build that reads them there (a relative input_dir is the project's).
DEFAULT_INPUT_DIR = Path("inputs")
COPY_VARS = {"input_dir": str(DEFAULT_INPUT_DIR)}


# each history mart: the columns that name a build or its folder, and its times
HISTORY_MARTS = {
    "recon_run_history": (["invocation_id", "run_started_at", "input_folder"], []),
    "recon_file_history": (["invocation_id", "run_started_at"], []),
    "recon_file_status_over_runs": (
        ["input_folder"],
        ["first_seen_at", "last_seen_at", "missing_since", "first_fault_at", "fixed_at",
         "first_changed_at"]),
    "recon_faults_over_runs": (
        ["input_folder", "first_seen_invocation_id"],
        ["first_seen_at", "last_seen_at", "cleared_at"]),
}


def mart_select(table: str, across_folders: bool = False) -> str:
    """A query for a mart's rows as two builds of the same inputs must agree on them: all
    but the invocation that built recon_summary, and, between two folders holding the
    same data (in two formats, say, or under other names), all but the summaries' file
    names and, of the folder's entries, what does not depend on where and how the files
    were written: which input each is, and whether and why it is read."""
    if table == "recon_input_folder_entries" and across_folders:
        return (
            "select input_kind, file_number, file_position, is_read, not_read_reason"
            " from marts.recon_input_folder_entries where input_kind is not null"
        )
    if table == "recon_quarantined_rows" and across_folders:
        return (
            "select * replace (case when input_kind = 'delta' then source_file end"
            " as source_file) from marts.recon_quarantined_rows"
        )
    if table in HISTORY_MARTS:
        # the run history: each build's own id, time and folder left out, the times of
        # the views over it compared by whether they are set
        excluded, timed = HISTORY_MARTS[table]
        replaced = ", ".join(f"({column} is not null) as {column}" for column in timed)
        return (f"select * exclude ({', '.join(excluded)})"
                + (f" replace ({replaced})" if replaced else "") + f" from marts.{table}")
    excluded = []
    if table == "recon_summary":
        excluded.append("invocation_id")
        if across_folders:
            excluded += ["platform_summary_file", "client_summary_file"]
    columns = f"* exclude ({', '.join(excluded)})" if excluded else "*"
    return f"select {columns} from marts.{table}"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(path: Path, what: str) -> Path:
    """The path, or a skip on a laptop that lacks it; under CI=true a missing resource fails."""
    if path.exists():
        return path
    missing(f"{what} not found at {path}")


def require_program(name: str, what: str) -> None:
    """Nothing when the program is on PATH; else a skip on a laptop, a failure in CI."""
    if shutil.which(name) is None:
        missing(f"{what} not found: no `{name}` on PATH")


def missing(message: str):
    """A resource a test needs is missing: a skip on a laptop, a failure under CI=true."""
    if in_ci():
        pytest.fail(f"{message}; CI must have it", pytrace=False)
    pytest.skip(message)


@dataclass
class Build:
    """What one `dbt build` did: its success, each node's status and failure count, and
    the warehouse it wrote."""

    success: bool
    database: Path
    variables: dict = field(default_factory=dict)  # the --vars it was built with
    statuses: dict[str, str] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def query(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql, parameters).fetchall()

    def one(self, sql: str) -> dict:
        """The single row a query returns, as a dict."""
        with duckdb.connect(str(self.database), read_only=True) as connection:
            cursor = connection.execute(sql)
            rows = cursor.fetchall()
            assert len(rows) == 1, f"expected one row from {sql!r}, got {len(rows)}"
            return dict(zip([d[0] for d in cursor.description], rows[0]))

    def errors(self) -> str:
        """Every error message of the build, one after the other."""
        return "\n".join(
            self.messages[name] for name, status in self.statuses.items() if status == "error"
        )

    def data_tests(self) -> dict[str, tuple[str, int]]:
        """Every data test of the build, with its status and failure count."""
        return {
            name: (status, self.failures.get(name) or 0)
            for name, status in self.statuses.items()
            if self.kinds.get(name) == "test"
        }

    def copied_to(self, workdir: Path) -> "Build":
        """This build with its warehouse copied into workdir (as dbt_build writes it there):
        for a test that writes to a warehouse (dbt docs generate, another dbt command)
        starting from a shared build, which others read at the same time."""
        workdir.mkdir(parents=True, exist_ok=True)
        database = shutil.copy(self.database, workdir / "warehouse.duckdb")
        return dataclasses.replace(self, database=Path(database))

    def failed(self) -> dict[str, int]:
        """The nodes that failed or errored, with their failure counts."""
        return {
            name: self.failures.get(name) or 0
            for name, status in self.statuses.items()
            if status in ("fail", "error")
        }


def dbt_build(
    workdir: Path,
    project_dir: Path = PROJECT_DIR,
    variables: dict | None = None,
    command: str = "build",
    extra_args: tuple[str, ...] = (),
) -> Build:
    """`dbt <command>` on project_dir with its warehouse, target and logs inside workdir;
    extra_args go on the command line after the others (a --selector, say).

    A build leaves out the unit tests: they check the models' logic on fixed rows, not
    the data, so pytests/test_unit_tests.py runs them once instead of in every build
    (about 12 s each on the shipped replica)."""
    from dbt.cli.main import dbtRunner

    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    args = [
        command,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
        "--quiet",
        # The tests' cases are small: dbt's own cost per node bounds them, and two threads
        # overlap it (a seed build: 10 s against 15 s with the profile's one thread, which
        # suits 60M-row folders, BENCHMARKS.md).
        "--threads", "2",
    ]
    if variables:
        args += ["--vars", json.dumps(variables)]
    if command == "build":
        args += ["--exclude-resource-type", "unit_test"]
    args += list(extra_args)
    previous = {k: os.environ.get(k) for k in ("DBT_DUCKDB_PATH", "DBT_DUCKDB_TEMP_DIRECTORY")}
    os.environ["DBT_DUCKDB_PATH"] = str(database)
    os.environ["DBT_DUCKDB_TEMP_DIRECTORY"] = str(workdir / "spill")
    try:
        result = dbtRunner().invoke(args)
    finally:
        release_warehouse()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if result.exception is not None:
        raise result.exception
    build = Build(success=bool(result.success), database=database, variables=variables or {})
    for node_result in result.result or []:
        build.statuses[node_result.node.name] = str(node_result.status)
        build.failures[node_result.node.name] = node_result.failures
        build.messages[node_result.node.name] = node_result.message or ""
        build.kinds[node_result.node.name] = str(node_result.node.resource_type)
    return build


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str,
                 write_inputs: Callable[[Path], dict | None]) -> Build:
    """The build of one case, built once per test run by whichever test asks first, on
    whichever xdist worker; every other test that asks reads that build (read-only: a test
    that writes to a warehouse builds its own). write_inputs(folder) writes the case's
    files into folder, if it has files of its own, and returns the build's vars. `name`
    names the case and nothing else: the same name is the same inputs."""
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker has a basetemp of its own inside the run's (popen-gw0, ...)
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared_builds" / name
    root.mkdir(parents=True, exist_ok=True)
    record = root / "build.json"
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            # a test that asked before may have stopped half-way: start from nothing
            for part in ("input", "run"):
                shutil.rmtree(root / part, ignore_errors=True)
            build = dbt_build(root / "run", variables=write_inputs(root / "input"))
            record.write_text(json.dumps(dataclasses.asdict(build), default=str))
    fields = json.loads(record.read_text())
    return Build(**{**fields, "database": Path(fields["database"])})


def spark_builds(workdir: Path, cases: dict[str, tuple[Path, dict]],
                 project_dir: Path = PROJECT_DIR, target: str = "spark",
                 environment: dict | None = None) -> dict[str, Build]:
    """`dbt build --target spark` of each case (name -> its folder and its vars), one after
    the other in one process of their own (pytests/spark_session.py, in workdir), so in
    one local Spark session: a session keeps the warehouse it started with for as long as
    its process lives, and each case gets schemas of its own in it. Each build's marts are
    then copied into a DuckDB file in its folder (recon.spark_marts, as `python -m
    recon.cli build --target spark` does), so it reads like a DuckDB build. Needs Java: on
    a laptop without it the test skips, under CI=true it fails. target "spark_cluster"
    builds on the cluster whose Connect server `environment` names (SPARK_REMOTE), the
    session that server holds."""
    require_program("java", "Java 17, for Spark's local session,")
    workdir.mkdir(parents=True, exist_ok=True)
    plan = []
    for name, (case_dir, variables) in cases.items():
        case_dir.mkdir(parents=True, exist_ok=True)
        argv = ["--out", str(case_dir / "spark_marts.duckdb"), "--target", target, "--",
                "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
                "--quiet", "--exclude-resource-type", "unit_test"]
        if variables:
            argv += ["--vars", json.dumps(variables)]
        plan.append({"env": {"DBT_SPARK_SCHEMA": f"case_{len(plan)}",
                             "DBT_TARGET_PATH": str(case_dir / "target"),
                             "DBT_LOG_PATH": str(case_dir / "logs")},
                     "argv": argv})
    (workdir / "spark_plan.json").write_text(json.dumps(plan, indent=1))
    env = {
        **os.environ,
        "DBT_SPARK_DIR": str(workdir / "spark"),
        # two nodes at once: on a small case each Spark query waits more than it computes
        "DBT_THREADS": "2",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])),
        **(environment or {}),
    }
    finished = subprocess.run([sys.executable, "-m", "pytests.spark_session", "spark_plan.json"],
                              cwd=workdir, env=env, capture_output=True, text=True)
    builds = {}
    for name, (case_dir, _) in cases.items():
        status = case_dir / "status"
        if (finished.returncode != 0 or not status.exists() or status.read_text() not in ("0", "1")
                or not (case_dir / "target" / "run_results.json").exists()):
            raise AssertionError(f"the Spark build of {name} could not run:\n{finished.stderr[-3000:]}")
        builds[name] = read_run_results(case_dir / "target", case_dir / "spark_marts.duckdb",
                                        success=status.read_text() == "0")
    return builds


def read_run_results(target: Path, database: Path, success: bool) -> Build:
    """A build as its run_results.json and manifest.json tell it, its warehouse `database`."""
    results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest.get("exposures", {})}
    build = Build(success=success, database=database)
    for result in results["results"]:
        node = nodes.get(result["unique_id"], {})
        name = node.get("name", result["unique_id"].split(".")[2])
        build.statuses[name] = result["status"]
        build.failures[name] = result.get("failures")
        build.messages[name] = result.get("message") or ""
        build.kinds[name] = node.get("resource_type", result["unique_id"].split(".")[0])
    return build


def copy_project(destination: Path, files: dict[str, Path | str]) -> Path:
    """A copy of this project with a folder of the given files inside it (name -> path or
    CSV text), DEFAULT_INPUT_DIR: a build with COPY_VARS reads them there."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        elif source.exists():
            shutil.copy(source, destination / part)
    input_dir = destination / DEFAULT_INPUT_DIR
    input_dir.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, input_dir / name)
        else:
            (input_dir / name).write_text(content)
    return destination
