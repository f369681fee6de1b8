"""dbt's own unit tests (`unit_tests:` in the models' YAML), run on their own: every one
passes, and each model whose logic only full builds used to cover has some.

A unit test reads the column types of its model's parents from the warehouse, so the
project is built first (without its unit tests), then `dbt test --select test_type:unit`
runs them, both in a tmp workdir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from pytests.cases import shipped_build
from pytests.dbt_harness import Build, dbt_build

# The models with the most logic: the load replay (its scores, its ranking, a step of the
# search), the evidence it is scored from, and the two verdicts the write-up reads
# (recon_delta_files.load_status, recon_summary.cause).
MODELS_THAT_NEED_UNIT_TESTS = {
    "int_load_enumerated_replays",
    "int_load_hypotheses",
    "int_load_search_step_1",
    "int_user_load_evidence",
    "int_user_mismatches_counted",
    "recon_delta_files",
    "recon_summary",
}


class UnitTestRun(NamedTuple):
    run: Build
    # every unit test of the project (manifest), name -> the model it tests
    declared: dict[str, str]


@pytest.fixture(scope="module")
def unit_tests(tmp_path_factory) -> UnitTestRun:
    workdir: Path = tmp_path_factory.mktemp("unit_tests")
    # a build leaves the unit tests out; they run on a copy of its warehouse
    built = shipped_build(tmp_path_factory).copied_to(workdir)
    unbuilt = {
        name
        for name, kind in built.kinds.items()
        if kind == "model" and built.statuses[name] != "success"
    }
    assert not unbuilt, f"models not built, their unit tests cannot run: {unbuilt}"
    run = dbt_build(workdir, command="test", extra_args=("--select", "test_type:unit"))
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    declared = {
        unit_test["name"]: unit_test["model"]
        for unit_test in manifest["unit_tests"].values()
        if unit_test["package_name"] == "reconcile"
    }
    return UnitTestRun(run, declared)


def test_every_unit_test_runs_and_passes(unit_tests: UnitTestRun) -> None:
    run = unit_tests.run
    ran = {name for name, kind in run.kinds.items() if kind == "unit_test"}
    assert ran == set(unit_tests.declared), "every declared unit test runs, nothing else"
    not_passed = {
        name: f"{run.statuses[name]}: {run.messages[name]}"
        for name in ran
        if run.statuses[name] != "pass"
    }
    assert not not_passed, "\n".join(f"{name} {why}" for name, why in not_passed.items())
    assert run.success


def test_the_models_with_the_most_logic_have_unit_tests(unit_tests: UnitTestRun) -> None:
    tested = set(unit_tests.declared.values())
    assert MODELS_THAT_NEED_UNIT_TESTS <= tested, MODELS_THAT_NEED_UNIT_TESTS - tested
