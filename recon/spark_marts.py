"""A Spark build's marts, copied into a DuckDB file the write-up and the tests read.

    python -m recon.spark_marts --out FILE [--target spark|spark_cluster] [-- dbt build args]

On Spark the marts are tables in the lake (or the local warehouse folder of the `spark`
target). Everything that reads them after a build (the summary, the emails, the HTML
report, the tests that compare the engines) reads one DuckDB file with a schema `marts`,
as the DuckDB build writes it. This copies each mart of the Spark build into such a file:
in a local session through Parquet files Spark writes and DuckDB reads, no row passing
through Python; on a cluster (Spark Connect) as Arrow over the connection.

Run as a module, it runs `dbt build --target spark` (or `spark_cluster`) in this process
(the dbt-spark session, `method: session`) and then copies the marts from that same
session; it exits with dbt's status. The CLI does the same with `python -m recon.cli
build --target spark`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
# profiles.yml's Spark outputs: a local session, and a cluster through Spark Connect
TARGETS = ("spark", "spark_cluster")


def spark_dir() -> Path:
    """Where the `spark` target keeps its warehouse and metastore (profiles.yml)."""
    return Path(os.environ.get("DBT_SPARK_DIR", PROJECT_DIR / "target" / "spark"))


def marts_copy_path() -> Path:
    """The DuckDB file a Spark build's marts are copied into."""
    return spark_dir() / "spark_marts.duckdb"


def marts_schema() -> str:
    """The Spark schema the marts are written to: the target's schema, then _marts
    (macros/generate_schema_name.sql)."""
    return os.environ.get("DBT_SPARK_SCHEMA", "reconcile") + "_marts"


def quiet_the_catalog_warning() -> None:
    """dbt-spark asks every session it opens for Hive support; a Spark Connect server,
    whose catalog is fixed when it starts, answers each time with a UserWarning
    (CANNOT_MODIFY_STATIC_CONFIG) that changes nothing. Only that warning is left out."""
    warnings.filterwarnings(
        "ignore", message=r"Failed to set spark\.sql\.catalogImplementation ", category=UserWarning)


def copy_marts(out: Path, schema: str | None = None) -> list[str]:
    """Every table and view of the Spark marts schema, as a table of schema `marts` in the
    DuckDB file `out` (replaced). Uses this process's Spark session: the one the dbt-spark
    session target opened. In a local session the executors write each mart as Parquet
    beside `out`; through Spark Connect (the spark_cluster target) they may be other
    machines, so each mart comes over the connection as Arrow instead (held in this
    process's memory one mart at a time). Returns the marts copied."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    over_connection = type(spark).__module__.startswith("pyspark.sql.connect")
    schema = schema or marts_schema()
    names = sorted(table.name for table in spark.catalog.listTables(schema) if not table.isTemporary)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    staging = Path(tempfile.mkdtemp(prefix="marts-", dir=out.parent))
    try:
        with duckdb.connect(str(out)) as connection:
            connection.execute("create schema marts")
            for name in names:
                if over_connection:
                    copy_arrow(connection, spark.table(f"{schema}.{name}").toArrow(), name)
                    continue
                folder = staging / name
                spark.table(f"{schema}.{name}").coalesce(1).write.parquet(str(folder))
                connection.execute(
                    f'create table marts."{name}" as select * from read_parquet(?)',
                    [str(folder / "*.parquet")],
                )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def copy_arrow(connection: duckdb.DuckDBPyConnection, table, name: str) -> None:
    """A mart received as an Arrow table, stored as table marts.<name> as Parquet would
    have given it: each timestamp as its UTC time, without a zone."""
    import pyarrow

    def quoted(column: str) -> str:
        return '"' + column.replace('"', '""') + '"'

    columns = ", ".join(
        f"timezone('UTC', {quoted(field.name)}) as {quoted(field.name)}"
        if pyarrow.types.is_timestamp(field.type) and field.type.tz else quoted(field.name)
        for field in table.schema)
    connection.register("received_mart", table)
    try:
        connection.execute(f"create table marts.{quoted(name)} as select {columns} from received_mart")
    finally:
        connection.unregister("received_mart")


def copy_marts_of_build(result, out: Path | None = None) -> bool:
    """After a Spark `dbt build` (a dbtRunner result) that built recon_summary, its marts
    copied into `out` (default: marts_copy_path()); False, nothing copied, when the build
    stopped before the reconciliation."""
    built = any(
        node.node.name == "recon_summary" and str(node.status) == "success"
        for node in result.result or [])
    if built:
        copy_marts(out or marts_copy_path())
    return built


def main(argv: list[str] | None = None) -> int:
    from dbt.cli.main import dbtRunner

    parser = argparse.ArgumentParser(prog="python -m recon.spark_marts", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="the DuckDB file (default: DBT_SPARK_DIR/spark_marts.duckdb)")
    parser.add_argument("--target", choices=TARGETS, default="spark",
                        help="the profiles.yml output: a local session, or a cluster through Spark Connect")
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="passed on to dbt build after --")
    args = parser.parse_args(argv)
    dbt_args = [a for a in args.dbt_args if a != "--"]
    quiet_the_catalog_warning()
    result = dbtRunner().invoke(["build", "--target", args.target, *dbt_args])
    if result.exception is not None:
        print(f"dbt could not run: {result.exception}", file=sys.stderr)
        return 2
    copy_marts_of_build(result, args.out)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
