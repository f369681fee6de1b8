"""Bad input: a corpus of malformed files, each run through both input paths (seeds in a
copy of the project, and input_dir) and held to its documented answer (README, "Bad
input"):

* read as is: well-formed variants (CRLF, a byte-order mark, reordered columns, values
  past 32 bits) build clean, with the same results as the clean files;
* a clear error: the build stops before any model is built, naming the file, the line and
  the column;
* a named failing data test: the offending rows are kept in the warehouse, and the rest
  of the reconciliation still builds.

Each corruption is applied to a small consistent case from the simulator, where it can be
(to a row another file supersedes), so that only the check it is about fails. Every build
that reads the files must conserve rows: lines in each file = rows staged + quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from pytests.dbt_harness import Build, copy_project, dbt_build
from recon.simulator import simulate, write_case

HEADER = "user_id,total_spend,count_saved_items,loyalty_credits,batch_id"
COLUMNS = HEADER.split(",")
# logical name -> file name in each path
SUMMARY_NAMES = {
    "input_dir": {"platform": "AIQ-user-summary.csv", "client": "Johnny-user-summary.csv"},
    "seeds": {"platform": "aiq_user_summary.csv", "client": "johnny_user_summary.csv"},
}
MODELS = ["base_input_rows", "stg_deltas", "int_users_deduplicated", "recon_summary"]

Files = dict[str, str]


@dataclass(frozen=True)
class AsIs:
    """Builds clean; with same_results, the marts equal the clean files' marts."""

    same_results: bool = True


@dataclass(frozen=True)
class Error:
    """Stops before any model is built; the message holds every one of these texts."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class FailingTest:
    """The named test fails (or warns) with this many rows kept; the marts still build."""

    name: str
    rows: int
    severity: str = "fail"


# ---- corruptions, on files as text ------------------------------------------------------


def lines(text: str) -> list[str]:
    return text.split("\n")


def superseded_line(files: Files, name: str) -> int:
    """A line (1-based) of `name` whose user has a row in a later delta: a row no table
    should hold, so corrupting it touches only the check at hand."""
    later = set()
    number = int(name.removeprefix("delta"))
    for other, text in files.items():
        if other.startswith("delta") and int(other.removeprefix("delta")) > number:
            later.update(line.split(",")[0] for line in lines(text)[1:] if line)
    for index, line in enumerate(lines(files[name])[1:], start=2):
        if line and line.split(",")[0] in later:
            return index
    raise AssertionError(f"no superseded row in {name}")


def set_field(files: Files, name: str, line_number: int, column: str, value: str) -> Files:
    rows = lines(files[name])
    fields = rows[line_number - 1].split(",")
    fields[COLUMNS.index(column)] = value
    rows[line_number - 1] = ",".join(fields)
    return {**files, name: "\n".join(rows)}


def set_superseded(name: str, column: str, value: str) -> Callable[[Files], Files]:
    return lambda files: set_field(files, name, superseded_line(files, name), column, value)


def map_columns(name: str, order: Callable[[list[str]], list[str]]) -> Callable[[Files], Files]:
    """Rewrite every line of one file with its fields rearranged by `order`."""

    def corrupt(files: Files) -> Files:
        rows = [",".join(order(line.split(","))) if line else line for line in lines(files[name])]
        return {**files, name: "\n".join(rows)}

    return corrupt


def rename_header(name: str, old: str, new: str) -> Callable[[Files], Files]:
    def corrupt(files: Files) -> Files:
        rows = lines(files[name])
        rows[0] = rows[0].replace(old, new)
        return {**files, name: "\n".join(rows)}

    return corrupt


def append_line(name: str, line_of: Callable[[Files], str]) -> Callable[[Files], Files]:
    return lambda files: {**files, name: files[name].rstrip("\n") + "\n" + line_of(files) + "\n"}


def conflicting_copy(files: Files) -> Files:
    """A superseded delta1 row sent again in delta2 with another total_spend."""
    row = lines(files["delta1"])[superseded_line(files, "delta1") - 1].split(",")
    row[1] = str(int(row[1]) + 1)
    return append_line("delta2", lambda _: ",".join(row))(files)


def overlapping_batch(files: Files) -> Files:
    """A superseded delta1 row given a batch_id from inside delta0's range."""
    delta0_batches = sorted(int(line.split(",")[4]) for line in lines(files["delta0"])[1:] if line)
    line_number = superseded_line(files, "delta1")
    user = lines(files["delta1"])[line_number - 1].split(",")[0]
    taken = {line.split(",")[4] for line in lines(files["delta0"])[1:] if line.split(",")[0] == user}
    batch = next(b for b in range(delta0_batches[-1] - 1, 0, -1) if str(b) not in taken)
    return set_field(files, "delta1", line_number, "batch_id", str(batch))


def past_32_bits(files: Files) -> Files:
    """A user's current row, in its delta and in both summaries, with a spend past 2**31."""
    user = lines(files["delta3"])[1].split(",")[0]
    changed = dict(files)
    for name in ("delta3", "platform", "client"):
        number = next(i for i, line in enumerate(lines(files[name]), start=1)
                      if line.split(",")[0] == user)
        changed = set_field(changed, name, number, "total_spend", "3000000000")
    return changed


def renumber(old: str, new: str) -> Callable[[Files], Files]:
    return lambda files: {(new if k == old else k): v for k, v in files.items()}


CORPUS: dict[str, tuple[Callable[[Files], Files], object]] = {
    "crlf_line_endings": (
        lambda f: {k: v.replace("\n", "\r\n") for k, v in f.items()}, AsIs()),
    "utf8_byte_order_mark": (lambda f: {**f, "delta2": "\ufeff" + f["delta2"]}, AsIs()),
    "reordered_columns": (map_columns("delta2", lambda fields: fields[::-1]), AsIs()),
    "values_past_32_bits": (past_32_bits, AsIs(same_results=False)),
    "missing_column": (
        map_columns("delta1", lambda fields: fields[:3] + fields[4:]),
        Error(("delta1", "line 1", "missing column loyalty_credits"))),
    "renamed_column": (
        rename_header("delta1", "total_spend", "spend"),
        Error(("delta1", "line 1", "missing column total_spend",
               "unexpected column spend (renamed?)"))),
    "extra_column": (
        map_columns("delta2", lambda fields: fields + ["email" if fields[0] == "user_id" else "x@y.z"]),
        Error(("delta2", "line 1", "unexpected column email"))),
    "repeated_column": (
        rename_header("delta2", "count_saved_items", "total_spend"),
        Error(("delta2", "line 1", "repeated column total_spend"))),
    "empty_file": (lambda f: {**f, "delta3": ""}, Error(("delta3", "line 1", "the file is empty"))),
    "too_many_fields_in_a_line": (
        set_superseded("delta1", "total_spend", "1,234"),
        Error(("delta1", "Line: ", "Expected Number of Columns: 5 Found: 6"))),
    "missing_summary_file": (
        lambda f: {k: v for k, v in f.items() if k != "platform"},
        Error(("platform summary", "no such"))),
    "header_only_file": (lambda f: {**f, "delta3": HEADER + "\n"},
                         FailingTest("every_delta_file_has_rows", 1)),
    "non_numeric_value": (set_superseded("delta1", "total_spend", "abc"),
                          FailingTest("no_input_row_quarantined", 1)),
    "decimal_in_integer_column": (set_superseded("delta0", "count_saved_items", "12.5"),
                                  FailingTest("no_input_row_quarantined", 1)),
    "thousands_separator": (set_superseded("delta0", "total_spend", '"1,234"'),
                            FailingTest("no_input_row_quarantined", 1)),
    "padded_value": (set_superseded("delta0", "batch_id", " 17 "),
                     FailingTest("no_input_row_quarantined", 1)),
    "value_past_64_bits": (set_superseded("delta0", "batch_id", "99999999999999999999"),
                           FailingTest("no_input_row_quarantined", 1)),
    "blank_user_id": (set_superseded("delta0", "user_id", ""),
                      FailingTest("no_input_row_quarantined", 1)),
    "blank_value": (set_superseded("delta1", "loyalty_credits", ""),
                    FailingTest("no_input_row_quarantined", 1)),
    "negative_amount": (set_superseded("delta0", "total_spend", "-50"),
                        FailingTest("accepted_range_audit_delta_rows_total_spend__0", 1)),
    "same_user_twice_in_a_file": (
        append_line("delta1", lambda f: lines(f["delta1"])[superseded_line(f, "delta1") - 1]),
        FailingTest("one_row_per_user_per_delta_file", 2)),
    "same_user_and_batch_with_other_values": (
        conflicting_copy, FailingTest("one_version_per_user_and_batch_id", 2)),
    "overlapping_batch_id_ranges": (
        overlapping_batch, FailingTest("delta_batch_id_ranges_do_not_overlap", 1, "warn")),
    "delta_file_copied": (lambda f: {**f, "delta3": f["delta2"]},
                          FailingTest("no_delta_file_is_a_copy_of_another", 2)),
    "gap_in_numbering": (renumber("delta3", "delta5"),
                         FailingTest("delta_file_numbers_have_no_gaps", 1)),
    "summary_with_a_duplicate_user": (
        append_line("platform", lambda f: lines(f["platform"])[1]),
        FailingTest("one_row_per_user_per_summary", 2)),
}


@pytest.fixture(scope="module")
def clean_files(tmp_path_factory) -> Files:
    """A small consistent case, as text: delta0..delta3, platform, client."""
    folder = tmp_path_factory.mktemp("clean")
    case = simulate(n_users=400, n_files=4, seed=11)
    assert case.truth.causes == ("consistent",)
    write_case(case, folder, names="case")
    files = {f"delta{i}": (folder / f"delta{i}.csv").read_text() for i in range(4)}
    files["platform"] = (folder / "AIQ-user-summary.csv").read_text()
    files["client"] = (folder / "Johnny-user-summary.csv").read_text()
    return files


def run_path(path: str, files: Files, root: Path) -> Build:
    """Write the files for one input path and build."""
    names = {k: SUMMARY_NAMES[path].get(k, f"{k}.csv") for k in files}
    if path == "input_dir":
        folder = root / "input"
        folder.mkdir(parents=True)
        for key, text in files.items():
            (folder / names[key]).write_bytes(text.encode())
        return dbt_build(root / "run", variables={"input_dir": str(folder)})
    project = copy_project(root / "project", {})
    for key, text in files.items():
        (project / "seeds" / names[key]).write_bytes(text.encode())
    return dbt_build(root / "run", project_dir=project)


@pytest.fixture(scope="module")
def clean_builds(clean_files, tmp_path_factory) -> dict[str, Build]:
    return {path: run_path(path, clean_files, tmp_path_factory.mktemp(f"clean_{path}"))
            for path in SUMMARY_NAMES}


def mart_rows(build: Build) -> dict[str, list[tuple]]:
    return {
        mart: build.query(f"select * from marts.{mart} order by all")
        for mart in ("recon_summary", "recon_delta_files", "recon_client_vs_platform",
                     "recon_platform_vs_rebuilt", "recon_load_hypotheses")
    }


def data_lines(text: str) -> int:
    """Rows in a file, counted by hand: non-empty lines after the header."""
    return sum(1 for line in text.splitlines()[1:] if line.strip())


def test_clean_case_builds_clean(clean_builds) -> None:
    for build in clean_builds.values():
        assert build.success and build.failed() == {}


@pytest.mark.parametrize("path", sorted(SUMMARY_NAMES))
@pytest.mark.parametrize("case_name", sorted(CORPUS))
def test_bad_input_gets_its_documented_answer(case_name, path, clean_files, clean_builds, tmp_path):
    corrupt, answer = CORPUS[case_name]
    files = corrupt(clean_files)
    build = run_path(path, files, tmp_path)

    if isinstance(answer, Error):
        assert not build.success
        message = build.errors()
        for text in answer.texts:
            assert text in message, f"{text!r} not in:\n{message}"
        assert "Traceback" not in message
        # nothing is built from files that could not be read
        assert [m for m in MODELS if build.statuses.get(m) == "success"] == []
        return

    # every other answer reads every file: nothing is lost
    staged = dict(build.query(
        "select source_file, count(*) from staging.stg_deltas group by all"))
    quarantined = dict(build.query(
        "select source_file, count(*) from audit.audit_quarantined_input_rows group by all"))
    for key, text in files.items():
        if key.startswith("delta"):
            assert staged.get(key, 0) + quarantined.get(key, 0) == data_lines(text), key
    assert build.statuses["input_rows_are_conserved"] == "pass"

    if isinstance(answer, AsIs):
        assert build.success and build.failed() == {}, build.failed()
        if answer.same_results:
            assert mart_rows(build) == mart_rows(clean_builds[path])
        return

    assert build.statuses[answer.name] == answer.severity, build.statuses[answer.name]
    (kept,) = build.query(f"select count(*) from test_failures.{answer.name}")[0]
    assert kept == answer.rows
    # the reconciliation still builds around the failure
    assert all(build.statuses[m] == "success" for m in MODELS)
    if answer.name == "no_input_row_quarantined":
        (reason,) = build.query(
            "select quarantine_reason from audit.audit_quarantined_input_rows")[0]
        assert " is " in reason


def test_both_paths_give_identical_results_on_clean_input(clean_builds) -> None:
    assert mart_rows(clean_builds["input_dir"]) == mart_rows(clean_builds["seeds"])


def test_builds_are_deterministic_and_rebuilding_changes_nothing(clean_files, tmp_path) -> None:
    first = run_path("input_dir", clean_files, tmp_path / "first")
    second = run_path("input_dir", clean_files, tmp_path / "second")
    assert mart_rows(first) == mart_rows(second)
    again = dbt_build(tmp_path / "first" / "run",
                      variables={"input_dir": str(tmp_path / "first" / "input")})
    assert mart_rows(again) == mart_rows(first)
