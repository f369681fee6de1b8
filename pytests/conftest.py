"""How the suite runs (bin/test): spread over the machine's cores by pytest-xdist, and the
quick tier for everyday work.

A test file's tests run on one worker (xdist hands out whole files), so the module
fixtures that many tests read (one build each) are built once. The files in SPREAD hold
independent cases, each test with builds of its own: their tests are handed out one by
one, so the longest file no longer bounds the run. The Spark parity cases stay on one
worker: two local Spark sessions side by side on two cores took about 180 s a case,
against 90 to 150 s one at a time beside the other worker's DuckDB builds.

QUICK is `bash bin/test --quick`: the logic's unit tests, the generic tests' own tests,
one build each of the shipped replica and of the real case files, and the project's
shape."""

from __future__ import annotations

from pathlib import Path

import pytest

SPREAD = {"test_bad_input"}
QUICK = {"test_unit_tests", "test_generic_tests", "test_pipeline", "test_project_shape"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "quick: the everyday tier (bash bin/test --quick)")


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # pytest runs without xdist too
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Whole files to a worker, but the tests of the files in SPREAD one by one."""
    from xdist.scheduler import LoadScopeScheduling

    class FilesOrSpreadTests(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            return nodeid if Path(file).stem in SPREAD else file

    return FilesOrSpreadTests(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).stem in QUICK:
            item.add_marker(pytest.mark.quick)
