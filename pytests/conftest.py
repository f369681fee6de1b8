"""How the suite runs (bin/test): spread over the machine's cores by pytest-xdist, the
slowest work first, and the quick tier for everyday work.

A test file's tests run on one worker (xdist hands out whole files), so the module
fixtures that many tests read are built once. Two kinds of file are handed out in
smaller pieces, so the longest file no longer bounds the run: BY_TEST's tests one by one
(independent cases, each reading a build of its own or a shared one), BY_CASE's by case
(the tests of one parameter of the module's case fixture together). The builds more
than one file reads are built once per run whichever worker asks first
(pytests/cases.py).

Files are handed out in the order of SLOWEST_FIRST, then the rest, the pieces last: a
long file started last would leave the other worker idle. The Spark parity cases run in
one session on one worker (pytests/spark_session.py): two local Spark sessions side by
side on two cores took about 180 s a case, against 90 to 150 s one at a time.

QUICK is `bash bin/test --quick`: the logic's unit tests, the generic tests' own tests,
one build each of the shipped replica and of the real case files, and the project's
shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BY_TEST = {"test_bad_input"}
BY_CASE = {"test_root_cause"}
SLOWEST_FIRST = ["test_spark_parity", "test_incremental_landing", "test_input_dir",
                 "test_run_history", "test_report", "test_docs_site", "test_cli"]
QUICK = {"test_unit_tests", "test_generic_tests", "test_pipeline", "test_project_shape"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "quick: the everyday tier (bash bin/test --quick)")


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # pytest runs without xdist too
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Whole files to a worker, in the order collected (see pytest_collection_modifyitems),
    but BY_TEST's tests one by one and BY_CASE's case by case."""
    from xdist.scheduler import LoadScopeScheduling

    class FilesCasesOrTests(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            if Path(file).stem in BY_TEST:
                return nodeid
            case = re.search(r"\[([^\]]+)\]$", nodeid)
            return f"{file}[{case.group(1)}]" if Path(file).stem in BY_CASE and case else file

    config.option.loadscopereorder = False  # not by number of tests: as collected
    return FilesCasesOrTests(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        stem = Path(str(item.path)).stem
        if stem in SLOWEST_FIRST:
            return SLOWEST_FIRST.index(stem)
        return len(SLOWEST_FIRST) + (stem in BY_TEST or stem in BY_CASE)

    items.sort(key=rank)  # stable: a file's tests keep their order
    for item in items:
        if Path(str(item.path)).stem in QUICK:
            item.add_marker(pytest.mark.quick)
