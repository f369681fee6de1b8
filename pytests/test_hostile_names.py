"""File and folder names come from the client: they reach SQL only as data.

A folder whose path holds a quote, a semicolon, a comment opener, glob characters, spaces
and letters outside ASCII, with files named to close the quote and run a `copy ... to`
statement of their own, is built: given as input_dir, and as the project's own input
folder with the project itself under such a folder. The build must read exactly
those files, each under its own name, every row at its own line, and write nothing
outside its target: no file appears anywhere else, in the input folder, beside it or in
the folder the build runs from.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytests.dbt_harness import COPY_VARS, DEFAULT_INPUT_DIR, Build, copy_project, dbt_build
from recon.simulator import simulate, write_case

COLUMNS = ["user_id", "total_spend", "count_saved_items", "loyalty_credits", "batch_id"]

# Each would run SQL of its own if pasted into a quoted literal: the copy statements
# write a file into the folder the build runs from.
FOLDER_NAMES = ("O'Brien case; -- é", "*[1] ?")  # nested: the path holds "/*"
DELTA_NAMES = [
    "delta0 it's.csv",
    "delta1'); copy (select 42) to 'pwned_by_delta1.csv'; --.csv",
    "delta2 *[x]? --.csv",
    "delta3;ünï çödé.csv",
    "delta4]'||'.csv",
]
PLATFORM_NAME = "AIQ 'user' summary.csv"
CLIENT_NAME = "Johnny'); copy (select 1) to 'pwned_by_client.csv'; --.csv"


def tree(root: Path, skip: Path | None = None) -> set[str]:
    """Every path under root, but skip and what is under it."""
    found = set()
    for folder, folders, files in os.walk(root):
        found.update(os.path.join(folder, name) for name in folders + files)
    return {path for path in found if not (skip and Path(path).is_relative_to(skip))}


def the_folder_is_read_exactly(build: Build, folder: Path, names: dict[str, str]) -> None:
    """Every file of the folder is read, under its own name, and each row read stands at
    its physical line of that file."""
    entries = build.query(
        "select entry_name, is_read, source_file, not_read_reason"
        " from staging.stg_input_folder_entries order by entry_name")
    assert sorted(os.listdir(folder)) == [name for name, *_ in entries]
    assert [(name, is_read, reason) for name, is_read, _, reason in entries] == [
        (name, True, None) for name in sorted(os.listdir(folder))]
    source_files = {name: source for name, _, source, _ in entries}
    rows = build.query(
        "select source_file, source_line_number, " + ", ".join(COLUMNS)
        + " from staging.base_input_rows")
    expected = set()
    for name in os.listdir(folder):
        physical = (folder / name).read_text().splitlines()
        assert physical[0].split(",") == COLUMNS
        expected.update((source_files[name], number, *map(int, line.split(",")))
                        for number, line in enumerate(physical[1:], start=2))
    assert set(rows) == expected and len(rows) == len(expected)
    assert set(names.values()) <= set(source_files.values())


@pytest.fixture(scope="module")
def case():
    return simulate(n_users=300, n_files=5, seed=7)


def test_a_hostile_folder_is_read_as_data(case, tmp_path: Path) -> None:
    folder = tmp_path.joinpath(*FOLDER_NAMES)
    written = write_case(case, folder)
    for path, name in zip(written, DELTA_NAMES + [PLATFORM_NAME, CLIENT_NAME]):
        path.rename(folder / name)
    assert "/*" in str(folder)
    before, here = tree(tmp_path), set(os.listdir(Path.cwd()))

    build = dbt_build(tmp_path / "run", variables={
        "input_dir": str(folder),
        "platform_summary_file": PLATFORM_NAME,
        "client_summary_file": CLIENT_NAME,
    })

    assert build.success and build.failed() == {}, build.errors()
    the_folder_is_read_exactly(build, folder, {
        name: name.removesuffix(".csv") for name in DELTA_NAMES})
    assert tree(tmp_path, skip=tmp_path / "run") == before
    assert set(os.listdir(Path.cwd())) == here
    assert build.one("select cause, delta_files from marts.recon_summary") == {
        "cause": "consistent", "delta_files": 5}


def test_hostile_names_in_the_project_folder_of_a_hostile_project(case, tmp_path: Path) -> None:
    """No vars: the project itself under a folder with a quote and glob characters, its
    own input folder (the var input_dir's default, a path relative to the project) holding
    delta files named to run SQL."""
    written = write_case(case, tmp_path / "files")
    files = {name: path for name, path in zip(DELTA_NAMES, written)}
    files.update({path.name: path for path in written[len(DELTA_NAMES):]})
    project = copy_project(tmp_path.joinpath(*FOLDER_NAMES, "project"), files)
    before, here = tree(tmp_path), set(os.listdir(Path.cwd()))

    build = dbt_build(tmp_path / "run", project_dir=project, variables=COPY_VARS)

    assert build.success and build.failed() == {}, build.errors()
    the_folder_is_read_exactly(build, project / DEFAULT_INPUT_DIR, {
        name: name.removesuffix(".csv") for name in DELTA_NAMES})
    assert tree(tmp_path, skip=tmp_path / "run") == before
    assert set(os.listdir(Path.cwd())) == here
