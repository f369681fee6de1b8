"""Run the reconciliation and print what it found.

    python -m recon.cli build [--input-dir DIR] [--report-dir DIR] [-- extra dbt args]
    python -m recon.cli summary
    python -m recon.cli report [--out DIR] [--parties FILE]

`build` runs `dbt build` in-process on this project, then prints the summary read back
from the warehouse and the data tests that failed, generates the dbt docs site
(target/static_index.html) and writes the findings up (recon/report.py): the two emails,
the HTML report and the chart, into reports/ for the shipped seeds, or target/reports/
with --input-dir, so a client's data never lands in a committed folder. It exits with
dbt's status: non-zero while the tables disagree. `report` renders them again from the
last build.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent


def warehouse_path() -> Path:
    """The DuckDB file dbt writes to: DBT_DUCKDB_PATH, as profiles.yml reads it."""
    return Path(os.environ.get("DBT_DUCKDB_PATH", PROJECT_DIR / "target" / "reconcile.duckdb"))


def release_warehouse() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open after an in-process run, so
    that this process can open the warehouse itself."""
    import gc

    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def run_dbt_build(input_dir: str | None, extra_args: list[str]) -> tuple[bool, list[dict]]:
    """`dbt build` on this project; returns success and one dict per node that did not pass."""
    from dbt.cli.main import dbtRunner

    args = ["build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if input_dir:
        args += ["--vars", json.dumps({"input_dir": str(Path(input_dir).resolve())})]
    result = dbtRunner().invoke(args + extra_args)
    release_warehouse()
    if result.exception is not None:
        raise SystemExit(f"dbt could not run: {result.exception}")
    not_passed = [
        {
            "name": node_result.node.name,
            "status": str(node_result.status),
            "failures": node_result.failures,
            "relation": getattr(node_result.node, "relation_name", None),
        }
        for node_result in (result.result or [])
        if str(node_result.status) not in ("pass", "success")
    ]
    return bool(result.success), not_passed


def run_dbt_docs(input_dir: str | None) -> bool:
    """`dbt docs generate --static`: the docs site as one file, target/static_index.html."""
    from dbt.cli.main import dbtRunner

    args = ["docs", "generate", "--static", "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR), "--quiet"]
    if input_dir:
        args += ["--vars", json.dumps({"input_dir": str(Path(input_dir).resolve())})]
    result = dbtRunner().invoke(args)
    release_warehouse()
    return bool(result.success)


def write_report(out_dir: Path, parties: str | None = None) -> list[Path]:
    """The emails, the HTML report and the chart, rendered from the warehouse."""
    from recon.report import write_reports

    return write_reports(warehouse_path(), out_dir, Path(parties) if parties else None)


def read_summary(path: Path) -> dict:
    """The one row of marts.recon_summary, as a dict."""
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute("select * from marts.recon_summary")
        columns = [description[0] for description in cursor.description]
        return dict(zip(columns, cursor.fetchone()))


def format_summary(summary: dict) -> str:
    """The summary as a few aligned lines a person reads in a terminal."""
    lines = [
        f"Reconciliation of {summary['delta_files']:,} delta files "
        f"({summary['delta_rows']:,} rows)",
        "",
        f"  {'client total spend':<34}{summary['client_total_spend']:>14,}"
        f"   ({summary['client_rows']:,} rows)",
        f"  {'platform total spend':<34}{summary['platform_total_spend']:>14,}"
        f"   ({summary['platform_rows']:,} rows)",
        f"  {'rebuilt from the deltas':<34}{summary['expected_total_spend']:>14,}"
        f"   ({summary['expected_rows']:,} rows)",
        f"  {'spend gap (client - platform)':<34}{summary['spend_gap']:>14,}",
        "",
        f"  {'users mismatched, client vs platform':<40}{summary['users_mismatched']:>8,}",
        f"  {'users mismatched, platform vs rebuilt':<40}"
        f"{summary['users_mismatched_platform_vs_rebuilt']:>8,}",
        f"  {'users mismatched, client vs rebuilt':<40}"
        f"{summary['users_mismatched_client_vs_rebuilt']:>8,}",
        "",
        f"  cause: {summary['cause']}"
        f" ({'explained' if summary['explained'] else 'not explained'})",
        *textwrap.wrap(summary["root_cause"], 88, initial_indent="  ", subsequent_indent="  "),
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
    build.add_argument("--input-dir", help="read the input files from this folder instead of the seeds")
    build.add_argument(
        "--report-dir", type=Path,
        help="where the write-up goes (default: reports/, or target/reports/ with --input-dir)",
    )
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed on to dbt build after --")
    commands.add_parser("summary", help="print the summary of the last build")
    report = commands.add_parser("report", help="write the emails and report of the last build")
    report.add_argument("--out", type=Path, default=PROJECT_DIR / "target" / "reports")
    report.add_argument("--parties", help="YAML of names over recon/templates/parties.yml")
    args = parser.parse_args(argv)

    success = True
    not_passed: list[dict] = []
    if args.command == "build":
        extra = [a for a in args.dbt_args if a != "--"]
        success, not_passed = run_dbt_build(args.input_dir, extra)
    try:
        summary = read_summary(warehouse_path())
    except (duckdb.Error, OSError, TypeError) as error:
        print(f"No reconciliation summary in {warehouse_path()}: {error}", file=sys.stderr)
        return 1
    if args.command == "report":
        for path in write_report(args.out, args.parties):
            print(path)
        return 0
    print()
    print(format_summary(summary))
    print()
    if args.command == "build":
        print(format_failures(not_passed))
        docs_built = run_dbt_docs(args.input_dir)
        default_dir = PROJECT_DIR / ("target/reports" if args.input_dir else "reports")
        written = write_report(args.report_dir or default_dir)
        print()
        print("Written up:")
        for path in written:
            print(f"  {os.path.relpath(path)}")
        if docs_built:
            print(f"  {os.path.relpath(PROJECT_DIR / 'target' / 'static_index.html')}  (dbt docs)")
        else:
            print("  dbt docs generate failed: no docs site")
            success = False
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
