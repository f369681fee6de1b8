"""The project's shape, read from dbt's own manifest (a parse, no build): the interface
the marts promise, where each kind of node is written per target, and what is dispatched
per engine. Cheap checks that a refactor keeps what the README says."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from pytests.dbt_harness import PROJECT_DIR, copy_project


def parse(workdir: Path, target: str | None = None, variables: dict | None = None) -> dict:
    """dbt's manifest for this project, parsed into workdir (the target and vars, if
    given)."""
    from dbt.cli.main import dbtRunner

    args = [
        "parse",
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
        "--quiet",
    ]
    if target:
        args += ["--target", target]
    if variables:
        args += ["--vars", json.dumps(variables)]
    result = dbtRunner().invoke(args)
    assert result.success, result.exception
    return json.loads((workdir / "target" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    return parse(tmp_path_factory.mktemp("parse"))


@pytest.fixture(scope="module")
def folder_manifest(tmp_path_factory) -> dict:
    """The manifest of a build that reads a folder (input_dir) on DuckDB."""
    return parse(tmp_path_factory.mktemp("parse_folder"), variables={"input_dir": "a folder"})


def own_nodes(manifest: dict, resource_type: str) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == resource_type and node["package_name"] == "reconcile"
    }


def test_targets_write_into_schemas_of_their_own(manifest: dict, tmp_path: Path) -> None:
    default = {node["schema"] for node in own_nodes(manifest, "model").values()}
    ci = {node["schema"] for node in own_nodes(parse(tmp_path, "ci"), "model").values()}
    assert "marts" in default and "staging" in default
    assert all(schema.startswith("ci_") for schema in ci), ci
    assert not default & ci


def test_every_dispatched_macro_has_a_version_for_each_engine_the_tests_run() -> None:
    """DuckDB and Spark, and no other: no branch that no test runs."""
    dispatched, implemented = set(), set()
    for path in (PROJECT_DIR / "macros").rglob("*.sql"):
        text = path.read_text()
        dispatched |= set(re.findall(r"adapter\.dispatch\('(\w+)'", text))
        implemented |= set(re.findall(r"\{%-?\s*macro (\w+?)__(\w+)\(", text))
    assert dispatched
    for name in dispatched:
        engines = {engine for engine, macro in implemented if macro == name}
        # the default version stands for DuckDB where both read the same SQL
        assert engines in ({"duckdb", "spark"}, {"default", "spark"}), (name, engines)
    assert {macro for _, macro in implemented} == dispatched


def test_each_way_in_has_its_own_base_models(
    manifest: dict, folder_manifest: dict, tmp_path: Path
) -> None:
    """The same base models, by name, for the three ways in: the seeds (DuckDB, no
    input_dir), a folder read by DuckDB, a folder read by Spark; each from its own folder,
    the others disabled; everything downstream is one set of models, but for the two that
    make DuckDB's ranking incremental."""
    spark = parse(tmp_path, "spark")
    for parsed, way in ((manifest, "seeds"), (folder_manifest, "duckdb"), (spark, "spark")):
        base = {name: node for name, node in own_nodes(parsed, "model").items()
                if "/base/" in node["original_file_path"] and name != "base_input_folder"}
        assert base, way
        assert all(f"/base/{way}/" in node["original_file_path"] for node in base.values())
        assert {"base_input_folder_entries", "base_input_file_lines", "base_input_rows"} <= set(
            base)
        assert ("base_input_folder" in own_nodes(parsed, "model")) == (way != "seeds")
    shared = {name for name, node in own_nodes(manifest, "model").items()
              if "/base/" not in node["original_file_path"]}
    assert shared == {name for name, node in own_nodes(folder_manifest, "model").items()
                      if "/base/" not in node["original_file_path"]}
    assert shared - {"int_delta_ranking_plan", "int_delta_files_ranked"} == {
        name for name, node in own_nodes(spark, "model").items()
        if "/base/" not in node["original_file_path"]}


def test_every_mart_is_public_with_an_enforced_contract(manifest: dict) -> None:
    models = own_nodes(manifest, "model")
    marts = {name: node for name, node in models.items() if node["schema"] == "marts"}
    assert marts
    for name, node in marts.items():
        assert node["access"] == "public", name
        assert node["contract"]["enforced"], name
        assert all(column["data_type"] for column in node["columns"].values()), name
    for name, node in models.items():
        if node["schema"] == "intermediate":
            assert node["access"] == "private", name
        history = node["original_file_path"].startswith("models/marts/history/")
        assert node["group"] == ("history" if history else "reconciliation"), name
    # the history's own views sit in the intermediate schema, not in the marts
    assert {name for name, node in models.items()
            if node["group"] == "history" and node["schema"] == "intermediate"} == {
        "int_history_runs_numbered", "int_history_file_runs"}


@pytest.mark.parametrize("folder, referenced, group", [
    ("intermediate", "int_history_runs_numbered", "history"),
    ("marts/history", "int_delta_file_stats", "reconciliation"),
])
def test_a_private_model_is_private_to_its_group(folder, referenced, group, tmp_path) -> None:
    """The reconciliation refs none of the history's private views, nor the history any
    of the reconciliation's intermediate models: dbt refuses it when it parses."""
    from dbt.cli.main import dbtRunner

    project = copy_project(tmp_path / "project", {})
    (project / "models" / folder / "probe.sql").write_text(
        "select * from {{ ref('" + referenced + "') }}\n")
    result = dbtRunner().invoke([
        "parse", "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        "--quiet"])
    assert not result.success
    assert f"private to the '{group}' group" in str(result.exception)


def test_the_project_says_which_dbt_it_needs(manifest: dict) -> None:
    import yaml

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert project["require-dbt-version"][0].startswith(">=1.10")


def test_exposures_depend_on_marts_only(manifest: dict) -> None:
    models = {
        node["unique_id"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    for exposure in manifest["exposures"].values():
        for parent in exposure["depends_on"]["nodes"]:
            assert models[parent]["schema"] == "marts", (exposure["name"], parent)


def test_every_data_test_is_a_finding_or_an_integrity_check(manifest: dict) -> None:
    kinds = {
        name: {"finding", "integrity"} & set(node["tags"])
        for name, node in own_nodes(manifest, "test").items()
    }
    assert kinds and all(len(kind) == 1 for kind in kinds.values()), {
        name: kind for name, kind in kinds.items() if len(kind) != 1
    }
    findings = {name for name, kind in kinds.items() if kind == {"finding"}}
    assert {"reconciliation_finds_nothing_wrong", "no_input_row_quarantined"} <= findings
    assert {"input_rows_are_conserved", "spend_gap_parts_add_up_to_the_gap"}.isdisjoint(findings)



def test_architecture_points_at_columns_and_sql_that_exist(manifest: dict) -> None:
    """Every row of ARCHITECTURE.md's figure table names a mart column the contract
    declares and a file (and CTE) that exist, so a reader following it lands right."""
    text = (PROJECT_DIR / "ARCHITECTURE.md").read_text()
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", text, re.M)
    rows = [row for row in rows if not row[0].startswith(("figure", "---"))]
    assert len(rows) >= 10
    marts = {name: node for name, node in own_nodes(manifest, "model").items()
             if node["schema"] == "marts"}
    paths: list[str] = []
    for figure, columns, where in rows:
        for mart, column in re.findall(r"`(recon_\w+)\.(\w+?)\*?`", columns):
            declared = marts[mart]["columns"]
            assert column in declared or any(c.startswith(column) for c in declared), (
                figure, mart, column)
        # "same, CTE x" is the previous row's file
        paths = re.findall(r"`((?:models|recon)/[\w/.]+)`", where) or (
            paths if where.startswith("same") else [])
        for path in paths:
            assert (PROJECT_DIR / path).exists(), (figure, path)
        for cte in re.findall(r"CTE `(\w+)`", where):
            sql = (PROJECT_DIR / paths[0]).read_text() if paths else ""
            assert re.search(rf"^{cte} as \(", sql, re.M), (figure, cte, paths)


def test_the_inputs_are_declared_once_and_the_lineage_starts_there(
    manifest: dict, folder_manifest: dict
) -> None:
    """A folder: the source client_exports declares it and its three kinds of file; the
    model that takes them from there depends on all three, and every model reading the
    files depends on it. The replica: seven seeds, every value loaded as text, each read by
    the base model that unions them. No edge is forced by a `-- depends_on:` comment."""
    sources = {node["name"]: node for node in folder_manifest["sources"].values()
               if node["package_name"] == "reconcile"}
    assert set(sources) == {"delta_files", "platform_user_summary", "client_user_summary"}
    assert {node["source_name"] for node in sources.values()} == {"client_exports"}
    assert {node["source_meta"]["folder"] for node in sources.values()} == {"a folder"}
    assert sources["delta_files"]["meta"]["file_name_pattern"] == "delta*.csv"
    models = own_nodes(folder_manifest, "model")
    assert sorted(models["base_input_folder"]["depends_on"]["nodes"]) == sorted(
        node["unique_id"] for node in sources.values())
    assert not [name for name, node in models.items()
                if any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])
                and name != "base_input_folder"]
    commented = [path.name for path in (PROJECT_DIR / "models").rglob("*.sql")
                 if "depends_on:" in path.read_text()]
    assert commented == []

    seeds = own_nodes(manifest, "seed")
    assert sorted(seeds) == sorted(["AIQ-user-summary", "Johnny-user-summary",
                                    *(f"delta{k}" for k in range(5))])
    for name, node in seeds.items():
        assert set(node["config"]["column_types"].values()) == {"varchar"}, name
        assert node["description"], name
    union = own_nodes(manifest, "model")["base_input_rows"]
    assert sorted(union["depends_on"]["nodes"]) == sorted(
        [node["unique_id"] for node in seeds.values()]
        + ["model.reconcile.base_input_folder_entries"])
    assert not [name for name, node in own_nodes(manifest, "model").items()
                if any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])]


def test_every_delta_seed_is_read() -> None:
    """A delta seed is read when the var delta_seeds names it: a file in seeds/ left out
    of it would be loaded and never reconciled, and a name with no file fails dbt."""
    import yaml

    declared = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"][
        "delta_seeds"]
    files = [path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv")
             if path.stem.lower().startswith("delta")]
    assert sorted(set(files) - set(declared)) == [], "delta seeds not read: add them to the var delta_seeds"
    assert sorted(set(declared) - set(files)) == [], "delta seeds named with no file in seeds/"


def test_every_dbt_command_works_on_a_fresh_clone(tmp_path: Path) -> None:
    """On an empty warehouse, before any build: `dbt compile` (of the seeds' build and of
    a folder's) and `dbt docs generate` succeed: no model's SQL depends on what a build
    wrote."""
    from dbt.cli.main import dbtRunner

    for name, command, variables in (("seeds", ["compile"], {}),
                                      ("folder", ["compile"], {"input_dir": "seeds"}),
                                      ("docs", ["docs", "generate"], {})):
        args = [*command, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
                "--target-path", str(tmp_path / name / "target"),
                "--log-path", str(tmp_path / name / "logs"), "--quiet"]
        if variables:
            args += ["--vars", json.dumps(variables)]
        os.environ["DBT_DUCKDB_PATH"] = str(tmp_path / name / "empty.duckdb")
        try:
            result = dbtRunner().invoke(args)
        finally:
            del os.environ["DBT_DUCKDB_PATH"]
        assert result.success, (name, result.exception)
        compiled = tmp_path / name / "target" / "compiled" / "reconcile" / "models"
        assert (compiled / "intermediate" / "int_delta_versions_ranked.sql").exists(), name


def test_the_architecture_picture_draws_every_model_and_only_models(
    manifest: dict, folder_manifest: dict, tmp_path: Path
) -> None:
    """ARCHITECTURE.md's picture names every model dbt lists, on each way in (the seeds, a
    folder on DuckDB, a folder on Spark), and names no model that is not one."""
    text = (PROJECT_DIR / "ARCHITECTURE.md").read_text()
    picture = text.split("```mermaid", 1)[1].split("```", 1)[0]
    drawn = set(re.findall(r"\b((?:base|stg|int|recon)_\w+)", picture))
    models = set()
    for parsed in (manifest, folder_manifest, parse(tmp_path, "spark")):
        models |= set(own_nodes(parsed, "model"))
    assert sorted(models - drawn) == [], "models the picture leaves out"
    assert sorted(drawn - models) == [], "names in the picture that are no model"
