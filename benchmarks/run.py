"""Time this project end to end against a bare scan of the same files, the case's pandas
method and datacompy, on cases written by the project's load simulator.

    python -m benchmarks.run --sizes 100000,1000000,10000000 --files 21

For each size (users; delta0 holds every user, each later file a quarter of them, so
10,000,000 users x 21 files is about 60,000,000 delta rows and 1.5 GB of CSV) it writes one
case with ``recon.simulator`` (one file left out of the load, like the real case), reads
every file once to warm the page cache, then runs each tool in its own subprocess, the
tools taking turns, ``--repeat`` times (``--repeat-large`` at 5,000,000 users and more):

* ``project``: ``dbt build --vars '{input_dir: ...}'`` on this project, a fresh warehouse
  each run (dedup, the three comparisons, the per-file attribution, the load hypotheses
  and every data test). The project is parsed once, untimed, before the timed runs.
* ``scan``: DuckDB reading every delta file and both summaries once (count and sum of
  every column), with the reader and types the project uses: the floor.
* ``script``: the core of the work as one hand-written DuckDB script, as the issue measured
  it (typed reads, the window dedup, full outer joins of the three sides, the trace of the
  platform's rows to their files), under the same memory_limit: what this design costs
  without dbt, strict parsing, line numbers, hypotheses and data tests.
* ``pandas``: the case study's method: ``pd.read_csv`` of every file, then delta0 updated
  by each later delta in drop order (``DataFrame.update`` on the user_id index; every file
  read first, as the case reads D_0..D_4), and the
  sums of the result and of both summaries.
* ``datacompy``: ``datacompy.Compare`` of the two summaries on user_id, read with pandas.
* ``daily`` (only when named in ``--tools``): the day's step of a warehouse built daily.
  Untimed, a fresh warehouse is built on the day before (the case's first files - 1
  delta files and that day's two summaries, the case of files - 1 files); then the last
  delta file and the day's new summaries arrive, and the incremental ``dbt build`` of
  the same warehouse is timed: it reads only the three new files (base_input_rows_landed)
  and rebuilds everything after them.
* ``spark`` and ``spark-1core`` (only when named in ``--tools``): the same build on Spark,
  ``python -m recon.spark_marts`` (``dbt build --target spark`` in a local session, its
  marts then copied into DuckDB, as ``python -m recon.cli build --target spark`` does), on
  every core (``local[*]``) or on one (``local[1]``); a fresh warehouse and metastore each
  run. Spark runs in a JVM the dbt process starts: the benchmark adopts it when dbt exits
  (it is the child subreaper), so the CPU time counts both processes and the peak memory
  is the sum of their two peaks (an upper bound of what they held at once).
* ``spark-cluster`` (only when named in ``--tools``): the same build on a Spark cluster on
  this machine, through Spark Connect (``--target spark_cluster``): the benchmark starts
  ``bin/spark-cluster`` (a master, two one-core workers, a Connect server) before the
  first size and stops it after the last; each run writes schemas of its own. The
  cluster's JVMs are not the child's: its CPU time and peak memory are dbt's process
  only (the Connect client), and the wall time is the measure.

Wall time is the child's, from start to exit; peak memory is the child's own maximum
resident set (``ru_maxrss`` from ``wait4``); CPU time is the child's user + system time,
which other work on a shared machine disturbs less than wall time (the table shows the
1-minute load average when each run started). Medians over the repetitions; ratios are
to the bare scan of the same size, measured in the same run. For the project and the
script, the spill column is the most the DuckDB temp directory held while it ran. The table
goes to stdout and to ``--output`` (markdown), the raw measurements beside it as JSON. Generated cases are kept
under ``--data-dir`` (default /tmp) and reused when present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TOOLS = ("project", "daily", "scan", "script", "pandas", "datacompy", "spark", "spark-1core",
         "spark-cluster")
# Spark takes minutes where the others take seconds: measured only when named in --tools
DEFAULT_TOOLS = ("project", "scan", "script", "pandas", "datacompy")
SPARK_MASTERS = {"spark": "local[*]", "spark-1core": "local[1]"}
# the build on a Spark cluster on this machine (bin/spark-cluster), through Spark Connect
CLUSTER = "spark-cluster"
CONNECT = "sc://127.0.0.1:15002"
SPARK_TOOLS = (*SPARK_MASTERS, CLUSTER)
BUILDS = ("project", "daily", *SPARK_TOOLS)
LARGE = 5_000_000
COLUMNS = ("user_id", "total_spend", "count_saved_items", "loyalty_credits", "batch_id")
PLATFORM_FILE = "AIQ-user-summary.csv"
CLIENT_FILE = "Johnny-user-summary.csv"


# ---------------------------------------------------------------------------------------
# the case


def case_dir(data_dir: Path, users: int, files: int, seed: int, skip: int) -> Path:
    return data_dir / f"u{users}_f{files}_s{seed}_skip{skip}"


def ensure_case(folder: Path, users: int, files: int, seed: int, skip: int,
                before: Path | None = None) -> dict:
    """Write the simulated case into folder unless a complete one is there; its ground
    truth. With `before`, the complete case of the day before (files - 1 files, the same
    seed and skip), only the last delta file and the summaries are written: the earlier
    deltas are the same files, linked."""
    done = folder / "truth.json"
    if done.exists():
        return json.loads(done.read_text())
    if folder.exists():
        shutil.rmtree(folder)
    from recon.simulator import Fault, simulate, write_case, write_latest

    started = time.perf_counter()
    case = simulate(users, files, seed, fault=Fault(skip_files=(skip,)))
    if before is not None:
        folder.mkdir(parents=True)
        for path in delta_paths(before):
            os.link(path, folder / path.name)
        write_latest(case, folder, fmt="csv")
    else:
        write_case(case, folder, fmt="csv")
    truth = asdict(case.truth) | {"gap": case.truth.gap}
    truth["generated_seconds"] = round(time.perf_counter() - started, 1)
    done.write_text(json.dumps(truth))
    return truth


def delta_paths(folder: Path) -> list[Path]:
    """The delta files in drop order: by the number in the name (delta10 after delta9)."""
    return sorted(folder.glob("delta*.csv"), key=lambda p: int(p.stem.removeprefix("delta")))


def warm(folder: Path) -> None:
    """Read every input file once so that every tool finds them in the page cache."""
    for path in folder.glob("*.csv"):
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


# ---------------------------------------------------------------------------------------
# the tools, each run in a child process (python -m benchmarks.run --child TOOL ...)


def child_scan(folder: Path, _workdir: Path) -> dict:
    import duckdb

    types = "{" + ", ".join(f"'{c}': 'bigint'" for c in COLUMNS) + "}"
    sums = ", ".join(f"sum({c})" for c in COLUMNS)
    deltas = "[" + ", ".join(f"'{p}'" for p in delta_paths(folder)) + "]"
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{os.environ.get('DBT_DUCKDB_MEMORY_LIMIT', '6GB')}'")
    result = {}
    for name, files in (
        ("deltas", deltas),
        ("platform", f"'{folder / PLATFORM_FILE}'"),
        ("client", f"'{folder / CLIENT_FILE}'"),
    ):
        row = con.execute(
            f"select count(*), {sums} from read_csv({files}, header = true, types = {types})"
        ).fetchone()
        result[f"{name}_rows"] = row[0]
        result[f"{name}_total_spend"] = row[2]
    return result


def child_pandas(folder: Path, _workdir: Path) -> dict:
    import pandas as pd

    platform_table = pd.read_csv(folder / PLATFORM_FILE)
    client_table = pd.read_csv(folder / CLIENT_FILE)
    # as the case study does: every delta read first (D_0, D_1, ...), then replayed in order
    deltas = [pd.read_csv(path) for path in delta_paths(folder)]
    rebuilt = deltas[0].set_index("user_id")
    for delta in deltas[1:]:
        rebuilt.update(delta.set_index("user_id"))
    rebuilt_total = int(rebuilt["total_spend"].sum())
    platform_total = int(platform_table["total_spend"].sum())
    client_total = int(client_table["total_spend"].sum())
    return {
        "rebuilt_rows": len(rebuilt),
        "rebuilt_total_spend": rebuilt_total,
        "platform_total_spend": platform_total,
        "client_total_spend": client_total,
        "spend_gap": client_total - platform_total,
    }


def child_datacompy(folder: Path, _workdir: Path) -> dict:
    import datacompy
    import pandas as pd

    platform_table = pd.read_csv(folder / PLATFORM_FILE)
    client_table = pd.read_csv(folder / CLIENT_FILE)
    compare = datacompy.Compare(
        client_table, platform_table, join_columns="user_id", df1_name="client", df2_name="platform"
    )
    mismatched = len(compare.all_mismatch())
    return {
        "matches": bool(compare.matches()),
        "users_mismatched": mismatched + len(compare.df1_unq_rows) + len(compare.df2_unq_rows),
    }


def child_script(folder: Path, workdir: Path) -> dict:
    """The core of the reconciliation as one hand-written DuckDB script, as an engineer
    would write it without dbt: typed reads (no strict parsing, no quarantine, no line
    numbers), the window dedup, the full outer joins of the three sides and the trace of
    the platform's rows to their files. No data tests, no hypotheses, no lineage."""
    import duckdb

    types = "{" + ", ".join(f"'{c}': 'bigint'" for c in COLUMNS) + "}"
    paths = delta_paths(folder)
    deltas = " union all ".join(
        f"select *, {position} as file_position"
        f" from read_csv('{path}', header = true, types = {types})"
        for position, path in enumerate(paths, start=1)
    )
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{os.environ.get('DBT_DUCKDB_MEMORY_LIMIT', '6GB')}'")
    con.execute(f"set temp_directory = '{workdir / 'spill'}'")
    con.execute(f"create table deltas as {deltas}")
    for name, file in (("platform", PLATFORM_FILE), ("client", CLIENT_FILE)):
        con.execute(f"create table {name} as"
                    f" select * from read_csv('{folder / file}', header = true, types = {types})")
    con.execute(
        "create table rebuilt as select * from deltas qualify row_number() over"
        " (partition by user_id order by batch_id desc, file_position desc) = 1"
    )
    con.execute(
        "create table traced as select platform.*, max(deltas.file_position) as file_position"
        " from platform left join deltas using (user_id, total_spend, count_saved_items,"
        " loyalty_credits, batch_id) group by all"
    )
    con.execute(
        "create table compared as select"
        " coalesce(rebuilt.user_id, traced.user_id, client.user_id) as user_id,"
        " rebuilt.total_spend as rebuilt_spend, traced.total_spend as platform_spend,"
        " client.total_spend as client_spend, traced.file_position as platform_file,"
        " rebuilt.batch_id is not distinct from traced.batch_id"
        " and rebuilt.total_spend is not distinct from traced.total_spend as platform_matches"
        " from rebuilt full join traced on rebuilt.user_id = traced.user_id"
        " full join client on coalesce(rebuilt.user_id, traced.user_id) = client.user_id"
    )
    row = con.execute(
        "select sum(rebuilt_spend), sum(platform_spend), sum(client_spend),"
        " count(*) filter (where not platform_matches) from compared"
    ).fetchone()
    return {
        "rebuilt_total_spend": int(row[0]),
        "platform_total_spend": int(row[1]),
        "client_total_spend": int(row[2]),
        "spend_gap": int(row[2]) - int(row[1]),
        "users_platform_wrong": int(row[3]),
    }


CHILDREN = {
    "scan": child_scan, "script": child_script, "pandas": child_pandas, "datacompy": child_datacompy,
}


def project_command(project: Path, folder: Path, workdir: Path, command: str = "build",
                    tool: str = "project") -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    # the unit tests check the models' logic on fixed rows: their cost does not grow with
    # the data, so the build timed is the reconciliation's alone
    unit_tests = ["--exclude-resource-type", "unit_test"] if command == "build" else []
    if tool in SPARK_TOOLS:
        # the Spark build and the copy of its marts, in one process and Spark session
        target = "spark_cluster" if tool == CLUSTER else "spark"
        start = ([sys.executable, "-m", "recon.spark_marts", "--out", str(workdir / "warehouse.duckdb"),
                  "--target", target, "--"]
                 if command == "build" else [str(dbt), command, "--target", target])
    else:
        start = [str(dbt), command]
    return [
        *start,
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
        "--vars", json.dumps({"input_dir": str(folder)}),
        *unit_tests,
    ]


def project_env(workdir: Path, tool: str = "project") -> dict:
    if tool == CLUSTER:
        import pyspark

        # a schema of its own each run: the cluster's warehouse outlives the runs
        return os.environ | {
            "DBT_SPARK_DIR": str(workdir / "spark"),
            "DBT_SPARK_SCHEMA": f"benchmark_{time.time_ns()}",
            "SPARK_REMOTE": CONNECT,
            "SPARK_HOME": str(Path(pyspark.__file__).parent),
            "PYTHONPATH": str(PROJECT_DIR),
        }
    if tool in SPARK_MASTERS:
        return os.environ | {
            "DBT_SPARK_DIR": str(workdir / "spark"),
            "DBT_SPARK_MASTER": SPARK_MASTERS[tool],
            "PYTHONPATH": str(PROJECT_DIR),
        }
    return os.environ | {
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_DUCKDB_TEMP_DIRECTORY": str(workdir / "spill"),
    }


def build_workdir(workdir: Path, tool: str) -> Path:
    """Each engine's build keeps its own target folder, warehouse and logs."""
    return workdir if tool == "project" else workdir / f"build-{tool}"


def adopt_orphans() -> None:
    """Make this process the child subreaper (Linux): a process a child leaves running
    when it exits, such as the JVM of a Spark session, is re-parented here, so that its
    CPU time and memory can be read when it ends."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans() -> tuple[float, int]:
    """Wait for every process adopted from a finished child: their CPU seconds, and the
    sum of their peak resident sets."""
    cpu, peak = 0.0, 0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return cpu, peak
        cpu += usage.ru_utime + usage.ru_stime
        peak += usage.ru_maxrss * 1024


def project_result(workdir: Path) -> dict:
    """What the project found (recon_summary) and how long each node took."""
    import duckdb

    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        cursor = con.execute(
            "select delta_rows, expected_total_spend, platform_total_spend, client_total_spend,"
            " spend_gap, users_mismatched, cause, files_not_loaded from marts.recon_summary"
        )
        summary = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    results = json.loads((workdir / "target" / "run_results.json").read_text())
    summary["dbt_elapsed"] = round(results["elapsed_time"], 2)
    summary["nodes"] = {
        r["unique_id"]: round(r["execution_time"], 3) for r in results["results"]
    }
    summary["failing_tests"] = sorted(
        r["unique_id"].split(".")[2] for r in results["results"] if r["status"] == "fail"
    )
    return summary


# ---------------------------------------------------------------------------------------
# measuring


@dataclass
class Run:
    tool: str
    users: int
    repetition: int
    wall_seconds: float
    peak_rss_bytes: int
    exit_code: int
    cpu_seconds: float = 0.0
    load_before: float = 0.0
    spill_peak_bytes: int = 0
    result: dict = field(default_factory=dict)


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def build_day_before(project: Path, before: Path, folder: Path, workdir: Path) -> tuple[Path, int]:
    """The daily tool's untimed part: a fresh warehouse built on the day before's files
    (linked into workdir/inbox), then the day's new files linked in (the last delta file
    and both summaries, which replace the day before's). The inbox to time the build on,
    and how many files the day brings."""
    inbox = workdir / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    for path in before.glob("*.csv"):
        os.link(path, inbox / path.name)
    subprocess.run(project_command(project, inbox, workdir), cwd=PROJECT_DIR,
                   env=project_env(workdir), stdout=subprocess.DEVNULL, check=False)
    # the day's files: those the day before lacks or holds otherwise (a case generated
    # after its day before shares its files by link; one generated first, by content)
    new = [path for path in folder.glob("*.csv") if not (before / path.name).exists()
           or not (path.samefile(before / path.name)
                   or filecmp.cmp(path, before / path.name, shallow=False))]
    for path in new:
        (inbox / path.name).unlink(missing_ok=True)
        os.link(path, inbox / path.name)
    return inbox, len(new)


def daily_step_said(workdir: Path, new_files: int) -> dict:
    """What the timed daily build's log says it read and ranked; an error when it read
    more than the day's files, as it would after a day before that stopped early (its
    finding tests fail, so its exit code cannot tell)."""
    log = (workdir / "logs" / "dbt.log").read_text(errors="replace")
    landing = re.findall(r"base_input_rows_landed: (\d+) of (\d+) input files to read", log)
    ranking = re.findall(r"\]: int_delta_versions_ranked: (.*)", log)
    said = {"landing": " of ".join(landing[-1]) if landing else None,
            "ranking": ranking[-1].strip() if ranking else None}
    if not landing or int(landing[-1][0]) != new_files:
        said["error"] = (f"the daily step read {said['landing'] or 'no'} input files,"
                         f" not the day's {new_files}: the day before was not built")
    return said


def measure(tool: str, users: int, repetition: int, folder: Path, workdir: Path, project: Path,
            before: Path | None = None) -> Run:
    """Run one tool in a child process; its wall time and peak resident memory."""
    if tool in BUILDS:
        workdir = build_workdir(workdir, tool)
        stale_paths = ("warehouse.duckdb", "warehouse.duckdb.wal", "spill") + (("spark",) if tool in SPARK_TOOLS else ())
        for stale in stale_paths:
            path = workdir / stale
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        if tool == "daily":
            folder, new_files = build_day_before(project, before, folder, workdir)
        command, env = project_command(project, folder, workdir, tool=tool), project_env(workdir, tool)
    else:
        shutil.rmtree(workdir / "spill", ignore_errors=True)
        command = [sys.executable, "-m", "benchmarks.run", "--child", tool, str(folder), str(workdir)]
        env = os.environ.copy()
    spill_peak = 0
    stop = threading.Event()

    def watch_spill() -> None:
        nonlocal spill_peak
        while not stop.wait(0.5):
            spill_peak = max(spill_peak, folder_bytes(workdir / "spill"))

    watcher = threading.Thread(target=watch_spill, daemon=True)
    log = (workdir / f"{tool}.log").open("w")
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    if tool in ("project", "daily", "script"):
        watcher.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    orphans_cpu, orphans_peak = reap_orphans()
    stop.set()
    log.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    run = Run(tool, users, repetition, round(wall, 3), usage.ru_maxrss * 1024 + orphans_peak,
              child.returncode, round(usage.ru_utime + usage.ru_stime + orphans_cpu, 2),
              load_before, spill_peak)
    if tool in BUILDS:
        try:
            run.result = project_result(workdir)
            if tool == "daily":
                run.result |= daily_step_said(workdir, new_files)
        except Exception as error:  # noqa: BLE001 - reported in the table as a failed run
            run.result = {"error": str(error)}
    else:
        result_file = workdir / f"{tool}.json"
        run.result = json.loads(result_file.read_text()) if result_file.exists() else {}
    return run


def run_child(tool: str, folder: Path, workdir: Path) -> None:
    """Entry of a child process: do the tool's work, leave what it found in workdir."""
    result = CHILDREN[tool](folder, workdir)
    (workdir / f"{tool}.json").write_text(json.dumps(result))


# ---------------------------------------------------------------------------------------
# reporting


def project_version(project: Path) -> str:
    """The git commit of the project measured, marked when its tree has uncommitted edits."""
    try:
        commit = subprocess.run(["git", "-C", str(project), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--",
                                "models", "macros", "dbt_project.yml", "profiles.yml"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        marker = project / "COMMIT"
        return marker.read_text().strip() if marker.exists() else "unknown"
    return commit + (" with uncommitted model edits" if dirty else "")


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().split("\n")
    total_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().split("\n")
         if line.startswith("model name")),
        platform.processor(),
    )
    versions = {}
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "numpy", "datacompy", "dbt-spark", "pyspark"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(total_kb / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "duckdb_memory_limit": os.environ.get("DBT_DUCKDB_MEMORY_LIMIT", "6GB (profile default)"),
    }


def gib(n: float) -> str:
    return f"{n / 2**30:.2f}"


def succeeded(run: Run) -> bool:
    """The tool ran to the end: dbt exits 1 when data tests fail, as they must on a fault."""
    if run.tool in BUILDS:
        return run.exit_code in (0, 1) and "error" not in run.result
    return run.exit_code == 0


def summarize(runs: list[Run], cases: dict[int, dict]) -> list[dict]:
    rows = []
    for users in sorted({r.users for r in runs}):
        by_tool = {
            tool: [r for r in runs if r.users == users and r.tool == tool and succeeded(r)]
            for tool in TOOLS
        }
        scan = by_tool.get("scan") or []
        scan_wall = statistics.median(r.wall_seconds for r in scan) if scan else None
        scan_cpu = statistics.median(r.cpu_seconds for r in scan) if scan else None
        for tool in TOOLS:
            done = by_tool[tool]
            failed = [r for r in runs if r.users == users and r.tool == tool and not succeeded(r)]
            for run in failed:
                rows.append({
                    "users": users, "delta_rows": cases[users]["delta_rows"],
                    "csv_bytes": cases[users]["csv_bytes"], "tool": tool,
                    "failed": f"failed (exit {run.exit_code}) after {run.wall_seconds:.0f} s,"
                              f" peak {gib(run.peak_rss_bytes)} GiB",
                })
            if not done:
                continue
            wall = statistics.median(r.wall_seconds for r in done)
            cpu = statistics.median(r.cpu_seconds for r in done)
            rows.append({
                "users": users,
                "delta_rows": cases[users]["delta_rows"],
                "csv_bytes": cases[users]["csv_bytes"],
                "tool": tool,
                "runs": len(done),
                "wall_median": wall,
                "wall_min": min(r.wall_seconds for r in done),
                "wall_max": max(r.wall_seconds for r in done),
                "peak_rss_max": max(r.peak_rss_bytes for r in done),
                "spill_peak_max": max(r.spill_peak_bytes for r in done),
                "x_scan": wall / scan_wall if scan_wall else None,
                "cpu_median": cpu,
                "cpu_x_scan": cpu / scan_cpu if scan_cpu else None,
                "load_median": statistics.median(r.load_before for r in done),
            })
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| users | delta rows | CSV GB | tool | runs | wall s (median) | min-max s | peak RSS GiB"
        " | spill GiB | x scan (wall) | CPU s | x scan (CPU) | load avg |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if "failed" in row:
            lines.append(
                f"| {row['users']:,} | {row['delta_rows']:,} | {row['csv_bytes'] / 1e9:.2f}"
                f" | {row['tool']} | {row['failed']} | | | | | | | | |"
            )
            continue
        cpu_ratio = f"{row['cpu_x_scan']:.1f}" if row["cpu_x_scan"] else "-"
        ratio = f"{row['x_scan']:.1f}" if row["x_scan"] else "-"
        spill = gib(row["spill_peak_max"]) if row["tool"] in ("project", "daily", "script") else "-"
        lines.append(
            f"| {row['users']:,} | {row['delta_rows']:,} | {row['csv_bytes'] / 1e9:.2f}"
            f" | {row['tool']} | {row['runs']} | {row['wall_median']:.2f}"
            f" | {row['wall_min']:.2f}-{row['wall_max']:.2f} | {gib(row['peak_rss_max'])}"
            f" | {spill} | {ratio} | {row['cpu_median']:.1f} | {cpu_ratio} | {row['load_median']:.1f} |"
        )
    return "\n".join(lines)


def targets(rows: list[dict]) -> str:
    """The issue's targets, checked at the largest size measured."""
    largest = max(r["users"] for r in rows)
    at = {r["tool"]: r for r in rows if r["users"] == largest and "failed" not in r}
    if "project" not in at:
        if any(r["tool"] == "project" and r["users"] == largest for r in rows):
            return f"Targets at {largest:,} users: NOT met: the project did not finish."
        return f"Targets at {largest:,} users: not checked, the project was not measured."
    project = at["project"]
    checks = []
    if "scan" in at:
        ratio = project["wall_median"] / at["scan"]["wall_median"]
        checks.append(("project within 5x the bare scan", ratio <= 5, f"{ratio:.1f}x"))
    for tool in ("pandas", "datacompy"):
        if tool in at:
            ratio = project["wall_median"] / at[tool]["wall_median"]
            checks.append((f"project faster than {tool}", ratio < 1, f"{ratio:.2f}x {tool}'s time"))
    peak = project["peak_rss_max"] / 2**30
    checks.append(("project peak memory under 8 GB", peak < 8, f"{peak:.2f} GiB"))
    if "daily" in at:
        daily = at["daily"]
        ratio = daily["wall_median"] / project["wall_median"]
        checks.append(("the daily step at most 30% of the full build", ratio <= 0.3,
                       f"{ratio:.0%} of its time"))
        if "pandas" in at:
            ratio = daily["wall_median"] / at["pandas"]["wall_median"]
            checks.append(("the daily step faster than pandas", ratio < 1,
                           f"{ratio:.2f}x pandas's time"))
        peak = daily["peak_rss_max"] / 2**30
        checks.append(("the daily step's peak memory under 8 GB", peak < 8, f"{peak:.2f} GiB"))
    lines = [f"Targets at {largest:,} users:", ""]
    lines += [f"- {'met' if ok else 'NOT met'}: {name} ({value})" for name, ok, value in checks]
    return "\n".join(lines)


def node_table(runs: list[Run], tool: str = "project") -> str:
    """Per-node dbt timings of a build's last run at the largest size, slowest first."""
    largest = max(r.users for r in runs)
    last = [r for r in runs if r.tool == tool and r.users == largest and "nodes" in r.result]
    if not last:
        return ""
    nodes = sorted(last[-1].result["nodes"].items(), key=lambda kv: -kv[1])
    total = sum(seconds for _, seconds in nodes)
    lines = [
        f"{tool}: dbt nodes at {largest:,} users (last run, nodes of 0.5 s or more). They add up to"
        f" {total:.1f} s of the {last[-1].result['dbt_elapsed']:.1f} s dbt reports (more, if"
        " threads ran nodes side by side); the rest of the wall time is dbt starting and"
        " parsing:",
        "",
        "| node | seconds |",
        "|---|---:|",
    ]
    if tool == "daily":
        lines[1:1] = ["", f"Its log: {last[-1].result.get('landing')} input files read;"
                          f" int_delta_versions_ranked: {last[-1].result.get('ranking')}."]
    lines += [
        f"| {name.split('.')[0]} {name.split('.')[2]} | {seconds:.2f} |"
        for name, seconds in nodes
        if seconds >= 0.5
    ]
    return "\n".join(lines)


def checks(runs: list[Run], cases: dict[int, dict]) -> list[str]:
    """Cross-checks: the tools agree with each other and with the simulator's ground truth."""
    problems = []
    for r in runs:
        truth = cases[r.users]["truth"]
        if r.exit_code not in (0, 1):
            problems.append(f"{r.tool} at {r.users:,} users exited {r.exit_code}")
        elif r.tool in BUILDS and "error" in r.result:
            problems.append(f"{r.tool} at {r.users:,}: {r.result['error']}")
        elif r.tool in BUILDS:
            found = (r.result.get("expected_total_spend"), r.result.get("spend_gap"))
            if found != (truth["correct_total"], truth["gap"]):
                problems.append(f"{r.tool} at {r.users:,}: {found} != ground truth")
        elif r.tool == "script":
            found = (r.result.get("rebuilt_total_spend"), r.result.get("spend_gap"))
            if found != (truth["correct_total"], truth["gap"]):
                problems.append(f"script at {r.users:,}: {found} != ground truth")
        elif r.tool == "pandas":
            if r.result.get("rebuilt_total_spend") != truth["correct_total"]:
                problems.append(f"pandas at {r.users:,}: rebuilt total != ground truth")
        elif r.tool == "datacompy":
            if r.result.get("users_mismatched") != truth["users_differing"]:
                problems.append(f"datacompy at {r.users:,}: users mismatched != ground truth")
        elif r.tool == "scan":
            if r.result.get("deltas_rows") != cases[r.users]["delta_rows"]:
                problems.append(f"scan at {r.users:,}: delta rows != ground truth")
    return problems


def report(runs: list[Run], cases: dict[int, dict], info: dict, command: str, project: str) -> str:
    rows = summarize(runs, cases)
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    problems = checks(runs, cases)
    parts = [
        f"Benchmark of {dt.datetime.now().isoformat(timespec='minutes')}: `{command}`",
        "",
        f"Project measured: {project}.",
        "",
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB memory,"
        f" {info['system']}, Python {info['python']}; {versions};"
        f" DuckDB memory_limit {info['duckdb_memory_limit']}.",
        "",
        table(rows),
        "",
        targets(rows),
        "",
        *(node_table(runs, tool) + "\n" for tool in BUILDS),
        "",
        "Cross-checks against the simulator's ground truth: "
        + ("every tool agrees." if not problems else "; ".join(problems)),
    ]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000",
                        help="users per case, comma-separated (default: %(default)s)")
    parser.add_argument("--files", type=int, default=21, help="delta files per case (default: 21)")
    parser.add_argument("--skip-file", type=int, default=None,
                        help="the file the simulated platform never loads (default: files // 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool below 5M users")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per tool at 5M users or more")
    parser.add_argument("--tools", default=",".join(DEFAULT_TOOLS),
                        help="subset of " + ",".join(TOOLS) + " (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/reconcile-benchmark"),
                        help="where cases are generated and kept (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "benchmarks" / "results" / "latest.md",
                        help="the markdown report; raw runs go beside it as .json")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR,
                        help="the dbt project to time (default: this one); e.g. an export of a"
                        " commit, so edits in progress are not measured")
    parser.add_argument("--child", nargs=3, metavar=("TOOL", "FOLDER", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        tool, folder, workdir = args.child
        run_child(tool, Path(folder), Path(workdir))
        return 0

    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    info = machine()
    project = args.project_dir.resolve()
    measured = f"{project} at {project_version(project)}"
    print(f"{info['cores']} cores, {info['memory_gib']} GiB; {info['versions']}", flush=True)
    if CLUSTER in tools:
        # before adopting orphans: the cluster's processes outlive the script that starts
        # them, and must not be waited for as a build's
        cluster_env = os.environ | {"SPARK_CLUSTER_DIR": str(args.data_dir / "spark-cluster")}
        subprocess.run(["bash", str(PROJECT_DIR / "bin" / "spark-cluster"), "start"],
                       env=cluster_env, check=True)
    adopt_orphans()
    try:
        return measure_all(args, tools, project, measured, info, command)
    finally:
        if CLUSTER in tools:
            subprocess.run(["bash", str(PROJECT_DIR / "bin" / "spark-cluster"), "stop"], env=cluster_env)


def measure_all(args, tools: list[str], project: Path, measured: str, info: dict, command: str) -> int:
    """Every tool on every size, taking turns; the report written and printed."""
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    skip = args.files // 2 if args.skip_file is None else args.skip_file
    runs: list[Run] = []
    cases: dict[int, dict] = {}
    raw = args.output.with_suffix(".json")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for users in sizes:
        folder = case_dir(args.data_dir, users, args.files, args.seed, skip)
        print(f"\n== {users:,} users x {args.files} files: {folder}", flush=True)
        before = None
        if "daily" in tools:
            # the day before: the same stream less its last delta file
            before = case_dir(args.data_dir, users, args.files - 1, args.seed, skip)
            ensure_case(before, users, args.files - 1, args.seed, skip)
            warm(before)
        truth = ensure_case(folder, users, args.files, args.seed, skip, before)
        cases[users] = {
            "truth": truth,
            "delta_rows": sum(f["rows"] for f in truth["files"]),
            "csv_bytes": sum(p.stat().st_size for p in folder.glob("*.csv")),
        }
        warm(folder)
        workdir = args.data_dir / f"work_u{users}"
        workdir.mkdir(parents=True, exist_ok=True)
        for tool in (t for t in tools if t in BUILDS):
            # parse once, in full and untimed (a manifest left by another project would be
            # reused): the timed builds start from dbt's partial parse, as reruns do
            build_dir = build_workdir(workdir, tool)
            build_dir.mkdir(parents=True, exist_ok=True)
            subprocess.run([*project_command(project, folder, build_dir, "parse", tool), "--no-partial-parse"],
                           cwd=PROJECT_DIR, env=project_env(build_dir, tool),
                           stdout=subprocess.DEVNULL, check=True)
        repeat = args.repeat_large if users >= LARGE else args.repeat
        for repetition in range(1, repeat + 1):
            for tool in tools:
                run = measure(tool, users, repetition, folder, workdir, project, before)
                runs.append(run)
                print(f"  {tool:<10} run {repetition}: {run.wall_seconds:8.2f} s,"
                      f" peak {gib(run.peak_rss_bytes)} GiB, exit {run.exit_code}", flush=True)
                raw.write_text(json.dumps(
                    {"machine": info, "command": command, "project": measured, "cases": cases,
                     "runs": [asdict(r) for r in runs]}, indent=1))
        text = report(runs, cases, info, command, measured)
        args.output.write_text(text)
    print()
    print(text)
    print(f"written: {args.output} and {raw}")
    return 0 if not checks(runs, cases) else 1


if __name__ == "__main__":
    sys.exit(main())
