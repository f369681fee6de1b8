"""Profile the models of a finished build: run each model's compiled SELECT again under
DuckDB's profiler (what EXPLAIN ANALYZE shows) against the warehouse the build wrote, and
list the operators that take the time.

    python -m benchmarks.profile_models /tmp/reconcile-benchmark/work_u10000000 --top 6

WORKDIR is a folder holding ``target/`` (with run_results.json and compiled SQL) and
``warehouse.duckdb``, as ``python -m benchmarks.run`` leaves them. The models are the
slowest ones of that build (``--top``) or those named (``--models a,b``). Each model's
query runs read-only: its upstream tables are the build's own. The full plan of each goes
to ``WORKDIR/profiles/<model>.txt``, its JSON profile beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def slowest_models(workdir: Path, top: int) -> list[tuple[str, float, str]]:
    """(model name, build seconds, compiled SQL path) of the slowest models of the build."""
    results = json.loads((workdir / "target" / "run_results.json").read_text())
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    models = []
    for result in results["results"]:
        node = manifest["nodes"].get(result["unique_id"])
        if node and node["resource_type"] == "model" and node["config"]["materialized"] != "view":
            compiled = workdir / "target" / "compiled" / node["package_name"] / node["original_file_path"]
            models.append((node["name"], result["execution_time"], str(compiled)))
    models.sort(key=lambda m: -m[1])
    return models if top <= 0 else models[:top]


def operators(node: dict, depth: int = 0) -> list[tuple[float, int, str, int]]:
    """(seconds, rows out, operator, depth) of every operator of a JSON profile tree.

    DuckDB 2 nests the plan under "operator" (name, timing, intermediate_rows); older
    releases put operator_name, operator_timing, operator_cardinality in "children"."""
    if "operator" in node and isinstance(node["operator"], list):
        return [found for child in node["operator"] for found in operators(child, depth)]
    name = node.get("name") or node.get("operator_name") or node.get("operator_type") or "?"
    extra = node.get("extra_info") or {}
    if isinstance(extra, dict):
        detail = next((extra[key] for key in ("Join Type", "Function", "Table", "Projections",
                                              "Aggregates", "Groups") if extra.get(key)), "")
        if isinstance(detail, list):
            detail = ", ".join(str(item) for item in detail)
        if detail:
            name = f"{name} ({str(detail)[:110]})".replace("\n", " ")
    seconds = node.get("timing", node.get("operator_timing", 0.0)) or 0.0
    rows = node.get("intermediate_rows", node.get("operator_cardinality", 0)) or 0
    found = [(seconds, rows, name.strip(), depth)]
    for child in node.get("children", []):
        found += operators(child, depth + 1)
    return found


def summarize_profile(json_path: Path, limit: int = 6) -> list[tuple[float, int, str, int]]:
    """The slowest operators of a saved profile."""
    return sorted(operators(json.loads(json_path.read_text())), key=lambda o: -o[0])[:limit]


def profile(workdir: Path, name: str, sql_path: str, memory_limit: str, threads: int) -> dict:
    import duckdb

    sql = Path(sql_path).read_text()
    out = workdir / "profiles"
    out.mkdir(exist_ok=True)
    json_path = out / f"{name}.json"
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute(f"set threads = {threads}")
    con.execute("set preserve_insertion_order = true")
    con.execute(f"set temp_directory = '{workdir / 'profile_spill'}'")
    con.execute("set enable_profiling = 'json'")
    con.execute(f"set profiling_output = '{json_path}'")
    con.execute("set profiling_mode = 'detailed'")
    started = time.perf_counter()
    # create the result as a temporary table, as dbt's table materialisation does
    con.execute(f"create temp table profiled as {sql}")
    seconds = time.perf_counter() - started
    con.execute("set enable_profiling = 'no_output'")
    rows = con.execute("select count(*) from profiled").fetchone()[0]
    con.close()
    tree = json.loads(json_path.read_text())
    ops = sorted(operators(tree), key=lambda o: -o[0])
    lines = [f"{name}: {seconds:.2f} s, {rows:,} rows", ""]
    lines += [f"{t:8.2f} s {card:>14,} rows  {'  ' * d}{op}" for t, card, op, d in operators(tree)]
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n")
    return {"model": name, "seconds": seconds, "rows": rows, "top_operators": ops[:5]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_models",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--top", type=int, default=6, help="the slowest N models (0: all)")
    parser.add_argument("--models", default="", help="comma-separated model names instead")
    parser.add_argument("--memory-limit", default=os.environ.get("DBT_DUCKDB_MEMORY_LIMIT", "6GB"))
    parser.add_argument("--summarize", action="store_true",
                        help="only list the slowest operators of the profiles already saved")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)

    if args.summarize:
        for json_path in sorted((args.workdir / "profiles").glob("*.json")):
            print(f"\n{json_path.stem}: slowest operators:")
            for seconds, rows, op, _ in summarize_profile(json_path):
                print(f"  {seconds:8.2f} s {rows:>14,} rows  {op}")
        return 0
    models = slowest_models(args.workdir, 0 if args.models else args.top)
    if args.models:
        wanted = args.models.split(",")
        models = [m for m in models if m[0] in wanted]
    for name, build_seconds, sql_path in models:
        found = profile(args.workdir, name, sql_path, args.memory_limit, args.threads)
        print(f"\n{name}: {found['seconds']:.2f} s profiled ({build_seconds:.2f} s in the build),"
              f" {found['rows']:,} rows; slowest operators:")
        for seconds, rows, op, _ in found["top_operators"]:
            print(f"  {seconds:8.2f} s {rows:>14,} rows  {op}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
