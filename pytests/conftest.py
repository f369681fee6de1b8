"""How the suite runs (bin/test): spread over the machine's cores by pytest-xdist, and the
quick tier for everyday work.

A test file whose tests share module fixtures (one build that many tests read) runs on
one worker, where each fixture is built once (an xdist group per file). The files in
SPREAD hold independent cases, each test with builds of its own: their tests are handed
out one by one, so the longest files no longer bound the run. The Spark parity cases stay
on one worker: two Spark sessions side by side on two cores took 180 s a case against
about 40 s one at a time.

QUICK is `bash bin/test --quick`: the logic's unit tests, the generic tests' own tests,
one build each of the shipped replica and of the real case files, and the project's
shape."""

from __future__ import annotations

import pytest

SPREAD = {"test_bad_input"}
QUICK = {"test_unit_tests", "test_generic_tests", "test_pipeline", "test_project_shape"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "quick: the everyday tier (bash bin/test --quick)")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if module not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(module))
        if module in QUICK:
            item.add_marker(pytest.mark.quick)
