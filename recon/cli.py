"""Run the reconciliation and print what it found.

    python -m recon.cli build [--target spark] [--input-dir DIR] [--report-dir DIR] [-- extra dbt args]
    python -m recon.cli summary [--target spark]
    python -m recon.cli report [--target spark] [--out DIR] [--parties FILE]

`build` runs `dbt build` in-process on this project, then prints the summary read back
from the warehouse and the data tests that failed, generates the dbt docs site
(target/static_index.html) and writes the findings up (recon/report.py): the two emails,
the HTML report and the chart, into reports/ for the shipped replica, or target/reports/
with --input-dir, so a client's data never lands in a committed folder. It exits with
dbt's status: non-zero while the tables disagree. `report` renders them again from the
last build.

With `--target spark` the build runs on Spark (profiles.yml's `spark` output, a local
session by default) and its marts are copied into a DuckDB file (recon/spark_marts.py,
DBT_SPARK_DIR/spark_marts.duckdb) that the summary and the write-up read, as they read
the DuckDB build's warehouse.

A verdict is shown or written only when it is the one the last build made: when a build
stops before the reconciliation (a missing file, a bad header), `build` says so in one
line with the first error, writes no summary and no emails, and removes the earlier
build's write-up from the report folder; `summary` and `report` refuse a verdict older
than the last build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from pathlib import Path

import duckdb

from recon.report import OPTIONAL_WRITE_UP_FILES, WRITE_UP_FILES, root_cause

PROJECT_DIR = Path(__file__).resolve().parent.parent


class StaleVerdict(Exception):
    """The warehouse's verdict is not the last build's."""


def warehouse_path(target: str = "duckdb") -> Path:
    """The DuckDB file the marts are read from: the one dbt writes to (DBT_DUCKDB_PATH, as
    profiles.yml reads it), or, for a Spark build, the copy of its marts."""
    if target == "spark":
        from recon.spark_marts import marts_copy_path

        return marts_copy_path()
    return Path(os.environ.get("DBT_DUCKDB_PATH", PROJECT_DIR / "target" / "reconcile.duckdb"))


def target_path() -> Path:
    """dbt's target folder: DBT_TARGET_PATH, as dbt reads it, or the project's target/."""
    return Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))


def release_warehouse() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open after an in-process run, so
    that this process can open the warehouse itself."""
    import gc

    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def dbt_args(command: list[str], input_dir: str | None, target: str) -> list[str]:
    """A dbt command line on this project, for the target, reading input_dir."""
    args = [*command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target", target]
    if input_dir:
        args += ["--vars", json.dumps({"input_dir": str(Path(input_dir).resolve())})]
    return args


def run_dbt_build(
    input_dir: str | None, extra_args: list[str], target: str = "duckdb"
) -> tuple[bool, list[dict]]:
    """`dbt build` on this project; returns success and one dict per node that did not
    pass. On Spark, the marts of a build that reached recon_summary are then copied into
    the DuckDB file the summary and the write-up read."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(dbt_args(["build"], input_dir, target) + extra_args)
    release_warehouse()
    if result.exception is not None:
        raise SystemExit(f"dbt could not run: {result.exception}")
    if target == "spark":
        from recon.spark_marts import copy_marts_of_build

        copy_marts_of_build(result, warehouse_path(target))
    not_passed = [
        {
            "name": node_result.node.name,
            "status": str(node_result.status),
            "failures": node_result.failures,
            "relation": getattr(node_result.node, "relation_name", None),
            "message": node_result.message or "",
        }
        for node_result in (result.result or [])
        if str(node_result.status) not in ("pass", "success", "no-op")
    ]
    return bool(result.success), not_passed


def run_dbt_docs(input_dir: str | None, target: str = "duckdb") -> bool:
    """`dbt docs generate --static`: the docs site as one file, target/static_index.html."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        dbt_args(["docs", "generate", "--static", "--quiet"], input_dir, target))
    release_warehouse()
    return bool(result.success)


def write_report(out_dir: Path, parties: str | None = None, target: str = "duckdb",
                 with_history: bool = True) -> list[Path]:
    """The emails, the HTML report and the chart, rendered from the warehouse."""
    from recon.report import write_reports

    return write_reports(warehouse_path(target), out_dir, Path(parties) if parties else None,
                         with_history)


def read_summary(path: Path) -> dict:
    """The one row of marts.recon_summary, as a dict."""
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute("select * from marts.recon_summary")
        columns = [description[0] for description in cursor.description]
        return dict(zip(columns, cursor.fetchone()))


def last_build() -> dict | None:
    """The last `dbt build` or `dbt run` (its invocation id and time), from the
    run_results.json it left; None when the last command was another (docs, compile)."""
    try:
        results = json.loads((target_path() / "run_results.json").read_text())
    except (OSError, ValueError):
        return None
    if results.get("args", {}).get("which") not in ("build", "run"):
        return None
    metadata = results.get("metadata", {})
    return {"id": metadata.get("invocation_id"), "at": metadata.get("generated_at")}


def read_current_summary(path: Path) -> dict:
    """The summary, when the last dbt build wrote it; StaleVerdict when an earlier one did
    (the last build stopped before the reconciliation)."""
    summary = read_summary(path)
    last = last_build()
    if last and last["id"] and summary.get("invocation_id") != last["id"]:
        raise StaleVerdict(
            f"The verdict in {path} is not the last build's: the last build"
            f" ({last['at']}) stopped before marts.recon_summary. Run it again; its error"
            " says what stopped it.")
    return summary


def first_error(not_passed: list[dict]) -> list[str]:
    """The first error of a build, as the lines a person needs: dbt's header ("Compilation
    Error in model ...") and its macro trail dropped, the node named once."""
    for node in not_passed:
        if node["status"] != "error" or not node["message"]:
            continue
        lines = [line.strip() for line in node["message"].splitlines()]
        kept = [line for line in lines
                if line and not line.startswith(">")
                and not re.match(r"^[\w ]*Error in \w+ ", line)]
        return [f"{node['name']}: {kept[0] if kept else lines[0]}", *kept[1:]]
    return []


def report_stopped_build(not_passed: list[dict], report_dir: Path) -> None:
    """What a build that stopped before the reconciliation prints, and the earlier
    build's write-up removed, so that nothing shows a verdict this build did not make."""
    error = first_error(not_passed) or ["dbt stopped without an error message (see logs/dbt.log)"]
    skipped = sum(1 for node in not_passed if node["status"] == "skipped")
    print(f"The build stopped before the reconciliation: {error[0]}", file=sys.stderr)
    for line in error[1:]:
        print(f"  {line}", file=sys.stderr)
    if skipped:
        print(f"  ({skipped:,} later nodes were skipped because of it.)", file=sys.stderr)
    removed = [report_dir / name for name in (*WRITE_UP_FILES, *OPTIONAL_WRITE_UP_FILES)
               if (report_dir / name).exists()]
    for path in removed:
        path.unlink()
    print("No summary and no write-up: there is no verdict for these inputs."
          + (f" Removed the earlier build's write-up from {os.path.relpath(report_dir)}."
             if removed else ""), file=sys.stderr)


def _number(value, width: int) -> str:
    """An integer right-aligned with thousands separators; n/a for a missing one."""
    return f"{value:>{width},}" if value is not None else f"{'n/a':>{width}}"


def format_summary(summary: dict) -> str:
    """The summary as a few aligned lines a person reads in a terminal."""
    lines = [
        f"Reconciliation of {_number(summary['delta_files'], 0)} delta files "
        f"({_number(summary['delta_rows'], 0)} rows)",
        "",
        f"  {'client total spend':<34}{_number(summary['client_total_spend'], 14)}"
        f"   ({_number(summary['client_rows'], 0)} rows)",
        f"  {'platform total spend':<34}{_number(summary['platform_total_spend'], 14)}"
        f"   ({_number(summary['platform_rows'], 0)} rows)",
        f"  {'rebuilt from the deltas':<34}{_number(summary['expected_total_spend'], 14)}"
        f"   ({_number(summary['expected_rows'], 0)} rows)",
        f"  {'spend gap (client - platform)':<34}{_number(summary['spend_gap'], 14)}",
        "",
        f"  {'users mismatched, client vs platform':<40}"
        f"{_number(summary['users_mismatched'], 8)}",
        f"  {'users mismatched, platform vs rebuilt':<40}"
        f"{_number(summary['users_mismatched_platform_vs_rebuilt'], 8)}",
        f"  {'users mismatched, client vs rebuilt':<40}"
        f"{_number(summary['users_mismatched_client_vs_rebuilt'], 8)}",
        "",
        f"  cause: {summary['cause']}"
        f" ({'explained' if summary['explained'] else 'not explained'})",
        *textwrap.wrap(root_cause(summary), 88, initial_indent="  ",
                       subsequent_indent="  "),
    ]
    return "\n".join(lines)


def format_failures(not_passed: list[dict]) -> str:
    """One line per data test or node that did not pass, with where its rows are kept."""
    if not not_passed:
        return "Every data test passed: the tables agree."
    lines = ["Did not pass:"]
    for node in not_passed:
        rows = node["failures"]
        count = f" ({rows:,} row{'s' if rows != 1 else ''})" if rows else ""
        # database.schema.table: the schema and table are what a reader types
        relation = (node["relation"] or "").replace('"', "").split(".")[-2:]
        kept = f"  -> {'.'.join(relation)}" if node["relation"] else ""
        lines.append(f"  {node['status']:<6} {node['name']}{count}{kept}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recon.cli", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="dbt build, then print the summary")
    engines = dict(choices=["duckdb", "spark"], default="duckdb",
                   help="the profiles.yml output to build on, or whose build to read (default: duckdb)")
    build.add_argument("--target", **engines)
    build.add_argument("--input-dir", help="read the input files from this folder instead of the shipped replica (the var input_dir)")
    build.add_argument(
        "--report-dir", type=Path,
        help="where the write-up goes (default: reports/, or target/reports/ with --input-dir)",
    )
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed on to dbt build after --")
    commands.add_parser("summary", help="print the summary of the last build").add_argument(
        "--target", **engines)
    report = commands.add_parser("report", help="write the emails and report of the last build")
    report.add_argument("--target", **engines)
    report.add_argument("--out", type=Path, default=PROJECT_DIR / "target" / "reports")
    report.add_argument("--parties", help="YAML of names over recon/templates/parties.yml")
    args = parser.parse_args(argv)

    success = True
    not_passed: list[dict] = []
    report_dir = None
    if args.command == "build":
        extra = [a for a in args.dbt_args if a != "--"]
        success, not_passed = run_dbt_build(args.input_dir, extra, args.target)
        report_dir = args.report_dir or PROJECT_DIR / (
            "target/reports" if args.input_dir else "reports")
        if any(node["name"] == "recon_summary" for node in not_passed):
            report_stopped_build(not_passed, report_dir)
            return 1
    try:
        summary = read_current_summary(warehouse_path(args.target))
    except StaleVerdict as stale:
        print(stale, file=sys.stderr)
        return 1
    except (duckdb.Error, OSError) as error:
        print(f"No reconciliation summary in {warehouse_path(args.target)}: {error}",
              file=sys.stderr)
        return 1
    if args.command == "report":
        for path in write_report(args.out, args.parties, args.target):
            print(path)
        return 0
    print()
    print(format_summary(summary))
    print()
    if args.command == "build":
        print(format_failures(not_passed))
        docs_built = run_dbt_docs(args.input_dir, args.target)
        # the shipped replica's write-up, committed in reports/, is the same on every
        # machine: without the chart over this warehouse's builds
        written = write_report(report_dir, target=args.target,
                               with_history=report_dir.resolve() != (PROJECT_DIR / "reports").resolve())
        print()
        print("Written up:")
        for path in written:
            print(f"  {os.path.relpath(path)}")
        if docs_built:
            print(f"  {os.path.relpath(target_path() / 'static_index.html')}  (dbt docs)")
            from recon.report import HISTORY_CHART_PNG, write_docs_history_chart

            chart = write_docs_history_chart(
                warehouse_path(args.target), target_path() / "assets" / HISTORY_CHART_PNG)
            if chart:
                print(f"  {os.path.relpath(chart)}  (the docs' chart of the gap over builds)")
        else:
            print("  dbt docs generate failed: no docs site")
            success = False
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
