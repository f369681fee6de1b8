"""Several Spark builds in one process, so one local Spark session: what
`python -m recon.spark_marts` does for one build, for each build of a plan in turn.

    python -m pytests.spark_session PLAN.json

PLAN is a JSON list of builds, each {"env": {...}, "argv": [...]}: the environment
variables that set the build apart (its schema, DBT_SPARK_SCHEMA, and its target and log
folders) and the arguments of `python -m recon.spark_marts`. A build's exit status is
written beside its target folder (DBT_TARGET_PATH/../status). Every build shares the
warehouse folder and metastore of DBT_SPARK_DIR, each in schemas of its own.

The session is the cost: a fresh JVM plans each of a build's queries cold. The parity
cases (pytests/test_spark_parity.py) took 90 to 150 s each in sessions of their own; in
one session, alone on two cores, the first took 80 s and each after it 39 to 45 s."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from recon import spark_marts


def main(plan_file: str) -> int:
    for build in json.loads(Path(plan_file).read_text()):
        os.environ.update(build["env"])
        status = spark_marts.main(build["argv"])
        Path(build["env"]["DBT_TARGET_PATH"]).parent.joinpath("status").write_text(str(status))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
