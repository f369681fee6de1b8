"""Run the reconciliation and print what it found.

    python -m recon.cli build [--target spark] [--input-dir DIR] [--report-dir DIR] [-- extra dbt args]
    python -m recon.cli summary [--target spark]
    python -m recon.cli report [--target spark] [--out DIR] [--parties FILE]

`build` runs `dbt build` in-process on this project, showing its progress in one line
(dbt's full log goes to target/dbt.log; `--verbose` prints it as dbt does), then prints
the summary read back from the warehouse and the findings (the data tests that failed,
one line each, with where their rows are kept), generates the dbt docs site
(target/static_index.html) and writes the findings up (recon/report.py): the two emails,
the evidence, the HTML report and the charts, into reports/ for the shipped replica, or
target/reports/ with --input-dir (or an input_dir in --vars), so a client's data never
lands in a committed folder. A --vars given after `--` is read as dbt reads it (a YAML
mapping) and merged with --input-dir into the one --vars dbt gets (dbt keeps only the
last); the docs site is generated with the same vars. It exits with dbt's status:
non-zero while the tables disagree. `report` renders them again from the last build.

A command line to fix (a --vars that is not a mapping, a --parties file that is not
YAML, a report folder that is a file, an --input-dir that loops) gets one line saying
what, and exit status 2, before anything runs; so does a warehouse another process holds
or that cannot be written (status 1). A write-up that fails midway says so in one line
and leaves no earlier write-up in the report folder.

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
import yaml

from recon.report import (
    PartiesError,
    WriteUpFailed,
    load_parties,
    remove_write_up,
    root_cause,
    shown,
)
from recon.spark_marts import TARGETS as SPARK_TARGETS

PROJECT_DIR = Path(__file__).resolve().parent.parent
# What dbt's static docs page inlines, in place of each placeholder of its index.html.
DOCS_INLINE_DATA = {
    '"MANIFEST.JSON INLINE DATA"': "manifest.json",
    '"CATALOG.JSON INLINE DATA"': "catalog.json",
}


class StaleVerdict(Exception):
    """The warehouse's verdict is not the last build's."""


class UsageError(Exception):
    """A command line to fix before anything runs: its message says what (exit 2)."""


class WarehouseUnavailable(Exception):
    """The warehouse cannot be opened for the build: in use, or not writable (exit 1)."""


def warehouse_path(target: str = "duckdb") -> Path:
    """The DuckDB file the marts are read from: the one dbt writes to (DBT_DUCKDB_PATH, as
    profiles.yml reads it), or, for a Spark build (local or on a cluster), the copy of its
    marts."""
    if target in SPARK_TARGETS:
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


def split_vars(extra_args: list[str]) -> tuple[list[str], dict]:
    """The dbt arguments given after `--`, less their --vars, and the vars those give:
    each value read as YAML, as dbt reads it, and a mapping (later ones over earlier), or a
    UsageError naming the problem."""
    rest, variables = [], {}
    position = 0
    while position < len(extra_args):
        argument = extra_args[position]
        if argument == "--vars":
            if position + 1 == len(extra_args):
                raise UsageError("--vars needs a value: a YAML mapping, such as"
                                 " '{findings_as_warnings: true}'.")
            text, position = extra_args[position + 1], position + 2
        elif argument.startswith("--vars="):
            text, position = argument.removeprefix("--vars="), position + 1
        else:
            rest.append(argument)
            position += 1
            continue
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as error:
            problem = " ".join(str(getattr(error, "problem", None) or error).split())
            raise UsageError(f"--vars {shown(text)!r} is not YAML ({problem}): give a"
                             " mapping, such as '{findings_as_warnings: true}'.") from None
        if value is None:
            value = {}
        if not isinstance(value, dict):
            kind = {str: "text", list: "list", bool: "true/false", int: "number",
                    float: "number"}.get(type(value), type(value).__name__)
            raise UsageError(
                f"--vars {shown(text)!r} is YAML {kind}, not a mapping:"
                " give a mapping, such as '{findings_as_warnings: true}'.")
        variables.update(value)
    return rest, variables


def build_vars(input_dir: str | None, user_vars: dict) -> dict:
    """The vars of a build: the user's, with input_dir (from --input-dir, resolved) merged
    in, so that neither replaces the other (dbt takes the last --vars only)."""
    variables = dict(user_vars)
    if input_dir is None:
        return variables
    if not input_dir.strip():
        raise UsageError("--input-dir is empty: give the folder that holds the input files.")
    try:
        folder = str(Path(input_dir).resolve())
    except (OSError, RuntimeError) as error:  # a symlink loop
        raise UsageError(f"--input-dir {shown(input_dir)}: {shown(str(error))}.") from None
    given = variables.get("input_dir")
    if given is not None and str(given) not in (input_dir, folder):
        raise UsageError(
            f"--input-dir {shown(input_dir)} and --vars input_dir {shown(str(given))} name"
            " two folders: give the folder once.")
    variables["input_dir"] = folder
    return variables


def _vars_text(variables: dict) -> str:
    """Vars as one --vars value: JSON (which YAML reads), or YAML for what JSON cannot
    hold (a date, say)."""
    try:
        return json.dumps(variables)
    except TypeError:
        return yaml.safe_dump(variables, default_flow_style=True, width=2**31,
                              allow_unicode=True).strip()


def dbt_args(command: list[str], variables: dict, target: str,
             extra_args: list[str] = ()) -> list[str]:
    """A dbt command line on this project, for the target, with these vars (one --vars),
    then the other arguments given after `--` (their --vars already merged in)."""
    args = [*command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target", target]
    if variables:
        args += ["--vars", _vars_text(variables)]
    return args + list(extra_args)


def check_report_dir(path: Path, option: str) -> None:
    """A UsageError unless path is a folder, or can be made one: no file in its place or
    in place of a folder above it."""
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                what = "" if folder == path else f" ({shown(str(folder))} is a file)"
                raise UsageError(f"{option} {shown(str(path))}: not a folder{what}; give a"
                                 " folder for the write-up.")
            return


def check_warehouse(target: str) -> None:
    """WarehouseUnavailable unless the build can write the DuckDB warehouse: not held by
    another process, not read-only. Checked before dbt runs, which otherwise prints
    three tracebacks before its error."""
    if target != "duckdb":
        return
    path = warehouse_path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect(str(path)).close()
    except (duckdb.Error, OSError) as error:
        message = " ".join(str(error).split())
        if "lock" in message.lower():
            what = "is in use by another process (a build, a duckdb shell, a notebook)"
            fix = "close it, or set DBT_DUCKDB_PATH to another file, and run again"
        else:
            what = "cannot be opened for writing"
            fix = "make it writable, or set DBT_DUCKDB_PATH to another file"
        raise WarehouseUnavailable(
            f"The warehouse {shown(str(path))} {what}: {fix}. ({shown(message)})") from None


class Progress:
    """dbt's build, shown compactly: on a terminal one line that counts the nodes as they
    finish; elsewhere (a pipe, a CI log) nothing until the line that says how many ran.
    A dbtRunner callback."""

    def __init__(self, stream=sys.stdout) -> None:
        self.stream, self.done, self.total = stream, 0, 0
        self.live = stream.isatty()

    def __call__(self, event) -> None:
        data = event.data
        if not self.total and getattr(data, "total", 0):
            self.total = data.total
        if event.info.name == "NodeFinished":
            self.done += 1
            if self.live:
                node = shown(data.node_info.node_name)[:48]
                total = f"{self.total:,}" if self.total else "?"
                self.stream.write(f"\r  dbt build: {self.done:,}/{total} {node:<48}")
                self.stream.flush()

    def finish(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 72 + "\r")
        log = os.path.relpath(target_path() / "dbt.log")
        print(f"dbt build: {self.done:,} {'node' if self.done == 1 else 'nodes'} run"
              f" (dbt's log: {log}; --verbose prints it here).", file=self.stream)


def run_dbt_build(
    variables: dict, extra_args: list[str], target: str = "duckdb", verbose: bool = False
) -> tuple[bool, list[dict]]:
    """`dbt build` on this project with these vars; returns success and one dict per node
    that did not pass. Unless verbose, dbt's own output goes to target/dbt.log only and
    Progress shows the build. On Spark, the marts of a build that reached recon_summary
    are then copied into the DuckDB file the summary and the write-up read."""
    from dbt.cli.main import dbtRunner

    if target in SPARK_TARGETS:
        from recon.spark_marts import quiet_the_catalog_warning

        quiet_the_catalog_warning()
    progress = None if verbose else Progress()
    quiet = [] if verbose else ["--log-level", "none", "--log-level-file", "debug",
                                "--log-path", str(target_path())]
    result = dbtRunner(callbacks=[progress] if progress else []).invoke(
        dbt_args(["build"], variables, target, [*quiet, *extra_args]))
    release_warehouse()
    if progress:
        progress.finish()
    if result.exception is not None:
        raise SystemExit(f"dbt could not run: {result.exception}")
    if target in SPARK_TARGETS:
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


def run_dbt_docs(variables: dict, target: str = "duckdb") -> bool:
    """`dbt docs generate --static` with the build's vars: the docs site as one file,
    target/static_index.html, its inlined data made inert (inert_static_docs)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        dbt_args(["docs", "generate", "--static", "--quiet"], variables, target))
    release_warehouse()
    if result.success:
        inert_static_docs(target_path())
    return bool(result.success)


def _inert_json(text: str) -> str:
    """JSON text that holds the same data and cannot end the <script> it is inlined in:
    '<', '>' and '&' (which only a JSON string can hold) written as \\u escapes, and
    the two line separators JavaScript ends a line at."""
    for character in "<>&\u2028\u2029":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


def inert_static_docs(target: Path) -> Path:
    """Write target/static_index.html again as dbt does (its index.html with the manifest
    and the catalog inlined), but with the inlined JSON inert: the manifest holds the
    input folder's path (the source's meta, the compiled SQL), and a path holding
    '</script><img onerror=...>' would otherwise end the script and run in the page."""
    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    page = Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8").strip()
    placeholders = re.compile("|".join(re.escape(key) for key in DOCS_INLINE_DATA))
    page = placeholders.sub(
        lambda match: _inert_json(
            (target / DOCS_INLINE_DATA[match.group()]).read_text(encoding="utf-8").strip()),
        page)
    static_index = target / "static_index.html"
    static_index.write_text(page, encoding="utf-8")
    return static_index


def write_report(out_dir: Path, parties: str | None = None, target: str = "duckdb",
                 with_history: bool = True) -> list[Path]:
    """The emails, the evidence, the HTML report and the charts, from the warehouse;
    WriteUpFailed (the earlier write-up removed) when that fails."""
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
    error = first_error(not_passed) or [
        f"dbt stopped without an error message (see {os.path.relpath(target_path() / 'dbt.log')})"]
    skipped = sum(1 for node in not_passed if node["status"] == "skipped")
    print(f"The build stopped before the reconciliation: {shown(error[0])}", file=sys.stderr)
    for line in error[1:]:
        print(f"  {shown(line)}", file=sys.stderr)
    if skipped == 1:
        print("  (1 later node was skipped because of it.)", file=sys.stderr)
    elif skipped:
        print(f"  ({skipped:,} later nodes were skipped because of it.)", file=sys.stderr)
    removed = remove_write_up(report_dir) if report_dir.is_dir() else []
    print("No summary and no write-up: there is no verdict for these inputs."
          + (f" Removed the earlier build's write-up from {os.path.relpath(report_dir)}."
             if removed else ""), file=sys.stderr)


def _number(value, width: int) -> str:
    """An integer right-aligned with thousands separators; n/a for a missing one."""
    return f"{value:>{width},}" if value is not None else f"{'n/a':>{width}}"


def format_summary(summary: dict) -> str:
    """The summary as a few aligned lines a person reads in a terminal."""
    lines = [
        f"Reconciliation of {_number(summary['delta_files'], 0)} delta"
        f" file{'' if summary['delta_files'] == 1 else 's'}"
        f" ({_number(summary['delta_rows'], 0)} row{'' if summary['delta_rows'] == 1 else 's'})",
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
    """The findings, one line each: every data test that failed (or warned), with how
    many rows it found and where they are kept; then anything that did not run."""
    if not not_passed:
        return "No finding: every data test passed, the tables agree."
    findings = [node for node in not_passed if node["status"] in ("fail", "warn")]
    others = [node for node in not_passed if node not in findings]

    def line(node: dict, status: str) -> str:
        rows = node["failures"]
        count = f" ({rows:,} row{'s' if rows != 1 else ''})" if rows else ""
        # database.schema.table: the schema and table are what a reader types
        relation = (node["relation"] or "").replace('"', "").split(".")[-2:]
        kept = f"  -> {'.'.join(relation)}" if node["relation"] else ""
        return f"  {status}{node['name']}{count}{shown(kept)}"

    lines = []
    if findings:
        lines.append(f"{'One finding' if len(findings) == 1 else f'{len(findings):,} findings'}"
                     " (data tests that found rows, kept in the warehouse):")
        lines += [line(node, "warn: " if node["status"] == "warn" else "") for node in findings]
    if others:
        lines.append("Did not run to the end:")
        lines += [line(node, f"{node['status']}: ") for node in others]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recon.cli", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="dbt build, then print the summary")
    engines = dict(choices=["duckdb", *SPARK_TARGETS], default="duckdb",
                   help="the profiles.yml output to build on, or whose build to read (default: duckdb)")
    build.add_argument("--target", **engines)
    build.add_argument("--input-dir", help="read the input files from this folder instead of the shipped replica (the var input_dir)")
    build.add_argument(
        "--report-dir", type=Path,
        help="where the write-up goes (default: reports/, or target/reports/ with --input-dir)",
    )
    build.add_argument("--verbose", action="store_true",
                       help="print dbt's own log as it runs (otherwise it goes to target/dbt.log)")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed on to dbt build after --")
    commands.add_parser("summary", help="print the summary of the last build").add_argument(
        "--target", **engines)
    report = commands.add_parser("report", help="write the emails and report of the last build")
    report.add_argument("--target", **engines)
    report.add_argument("--out", type=Path, default=PROJECT_DIR / "target" / "reports")
    report.add_argument("--parties", help="YAML of names over recon/templates/parties.yml")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UsageError as error:
        print(f"{parser.prog} {args.command}: {error}", file=sys.stderr)
        return 2
    except WarehouseUnavailable as error:
        print(error, file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    """One command, its arguments checked before anything runs (UsageError)."""
    success = True
    not_passed: list[dict] = []
    report_dir = None
    variables: dict = {}
    if args.command == "build":
        extra, user_vars = split_vars([a for a in args.dbt_args if a != "--"])
        variables = build_vars(args.input_dir, user_vars)
        # another folder than the shipped replica: its write-up never goes to reports/
        report_dir = args.report_dir or PROJECT_DIR / (
            "target/reports" if "input_dir" in variables else "reports")
        check_report_dir(report_dir, "--report-dir")
        check_warehouse(args.target)
        success, not_passed = run_dbt_build(variables, extra, args.target, args.verbose)
        if any(node["name"] == "recon_summary" for node in not_passed):
            report_stopped_build(not_passed, report_dir)
            return 1
    if args.command == "report":
        check_report_dir(args.out, "--out")
        try:
            load_parties(Path(args.parties) if args.parties else None)
        except PartiesError as error:
            raise UsageError(str(error)) from None
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
        try:
            written = write_report(args.out, args.parties, args.target)
        except WriteUpFailed as failed:
            print(failed, file=sys.stderr)
            return 1
        for path in written:
            print(path)
        return 0
    print()
    print(format_summary(summary))
    print()
    if args.command == "build":
        print(format_failures(not_passed))
        docs_built = run_dbt_docs(variables, args.target)
        # the shipped replica's write-up, committed in reports/, is the same on every
        # machine: without the chart over this warehouse's builds
        try:
            written = write_report(
                report_dir, target=args.target,
                with_history=report_dir.resolve() != (PROJECT_DIR / "reports").resolve())
        except WriteUpFailed as failed:
            print(failed, file=sys.stderr)
            written, success = [], False
        print()
        print("Written up:" if written or docs_built else "Nothing written up.")
        for path in written:
            print(f"  {os.path.relpath(path)}")
        if docs_built:
            print(f"  {os.path.relpath(target_path() / 'static_index.html')}  (dbt docs)")
            from recon.report import HISTORY_CHART_PNG, write_docs_history_chart

            try:
                chart = write_docs_history_chart(
                    warehouse_path(args.target), target_path() / "assets" / HISTORY_CHART_PNG)
            except Exception as error:  # noqa: BLE001 (the docs' chart is an extra)
                print(f"  the docs' chart of the gap over builds failed ({type(error).__name__}:"
                      f" {shown(' '.join(str(error).split()))})", file=sys.stderr)
                chart, success = None, False
            if chart:
                print(f"  {os.path.relpath(chart)}  (the docs' chart of the gap over builds)")
        else:
            print("  dbt docs generate failed: no docs site")
            success = False
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
