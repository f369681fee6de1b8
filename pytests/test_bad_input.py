"""Bad input: a corpus of malformed files, each in a folder read through input_dir, and
held to its documented answer (docs/bad-input.md):

* read as is: well-formed variants (CRLF, a byte-order mark, reordered columns, values
  past 32 bits) build clean, with the same results as the clean files;
* a clear error: the build stops before any model is built, naming the file, the line and
  the column;
* a named failing data test: the offending rows are kept in the warehouse, and the rest
  of the reconciliation still builds.

Each corruption is applied to a small consistent case from the simulator, where it can be
(to a row another file supersedes), so that only the check it is about fails. Every build
that reads the files must conserve rows: lines in each file = rows staged + quarantined.

A case's files are keyed by role (delta0..delta3, platform, client:
named as in the real case) or by a file name of their own (anything with a dot: Delta2.csv,
delta3(1).csv); a few are not files at all (a FIFO, a broken link, a folder).
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union

import pytest

from pytests.dbt_harness import PROJECT_DIR, Build, dbt_build, mart_select, shared_build
from recon.report import root_cause
from recon.simulator import simulate, write_case

HEADER = "user_id,total_spend,count_saved_items,loyalty_credits,batch_id"
COLUMNS = HEADER.split(",")
# role -> file name
SUMMARY_NAMES = {"platform": "AIQ-user-summary.csv", "client": "Johnny-user-summary.csv"}
MODELS = ["base_input_rows", "stg_deltas", "int_users_deduplicated", "recon_summary"]

class Fifo:
    """A named pipe in the folder: reading it would block forever."""


class BrokenLink:
    """A symbolic link to nothing."""


class Folder:
    """A folder where a file is expected."""


@dataclass(frozen=True)
class LinkOutside:
    """A symbolic link to a file outside the folder, holding this text."""

    text: str


Entry = Union[str, bytes, Fifo, BrokenLink, Folder, LinkOutside]
Files = dict[str, Entry]
Check = Callable[["Build", Files], None]


@dataclass(frozen=True)
class AsIs:
    """Builds clean; with same_results, the marts equal the clean files' marts; check,
    if given, asserts more of the build."""

    same_results: bool = True
    check: Check | None = None


@dataclass(frozen=True)
class Error:
    """Stops before any model is built; the message holds every one of these texts."""

    texts: tuple[str, ...]


@dataclass(frozen=True)
class FailingTest:
    """The named test fails (or warns) with this many rows kept; the marts still build;
    check, if given, asserts more of the build."""

    name: str
    rows: int
    severity: str = "fail"
    check: Check | None = None


# ---- corruptions, on files as text ------------------------------------------------------


def lines(text: str) -> list[str]:
    return text.split("\n")


def winning_line(files: Files, name: str) -> int:
    """A line (1-based) of `name` whose user has no row in a later delta: the row the
    platform and the client's export both hold."""
    number = int(name.removeprefix("delta"))
    later = set()
    for other, text in files.items():
        if other.startswith("delta") and int(other.removeprefix("delta")) > number:
            later.update(line.split(",")[0] for line in lines(text)[1:] if line)
    for index, line in enumerate(lines(files[name])[1:], start=2):
        if line and line.split(",")[0] not in later:
            return index
    raise AssertionError(f"no winning row in {name}")


def rename(old: str, new: str) -> Callable[[Files], Files]:
    """The file of role `old` under a name of its own."""
    return lambda files: {(new if k == old else k): v for k, v in files.items()}


def add(name: str, content: Callable[[Files], Entry]) -> Callable[[Files], Files]:
    """One more entry in the folder."""
    return lambda files: {**files, name: content(files)}


def insert_blank_lines(name: str, at: tuple[int, ...], trailing: int) -> Callable[[Files], Files]:
    """Blank lines before the given lines (1-based, of the original) and at the end."""

    def corrupt(files: Files) -> Files:
        rows = lines(files[name].rstrip("\n"))
        for number in sorted(at, reverse=True):
            rows.insert(number - 1, "")
        return {**files, name: "\n".join(rows) + "\n" + "\n" * trailing}

    return corrupt


def corrupt_gzip(files: Files) -> Files:
    """delta2 sent gzipped, its stream cut and followed by bytes that are no gzip."""
    packed = gzip.compress(files["delta2"].encode())
    changed = {k: v for k, v in files.items() if k != "delta2"}
    changed["delta2.csv.gz"] = packed[: len(packed) // 2] + b"\x00not gzip" * 8
    return changed


def prefix_winning_value(name: str, column: str, prefix: str) -> Callable[[Files], Files]:
    """A winning row's value written with a prefix a strict parse refuses ('+3179'):
    a lenient loader reads the same number, so the platform holds the row."""

    def corrupt(files: Files) -> Files:
        number = winning_line(files, name)
        value = lines(files[name])[number - 1].split(",")[COLUMNS.index(column)]
        return set_field(files, name, number, column, prefix + value)

    return corrupt


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


def with_spend(line: str, spend: str) -> str:
    fields = line.split(",")
    fields[COLUMNS.index("total_spend")] = spend
    return ",".join(fields)


def winning_tie(source: str, target: str) -> Callable[[Files], Files]:
    """A winning row of `source` sent again at the end of `target` with the same user and
    batch_id and another total_spend. The ranking breaks the tie by file, then line: in
    the same file the copy wins the rebuilt table while the summaries hold the original;
    in an earlier file the original wins, as the summaries hold it."""

    def corrupt(files: Files) -> Files:
        row = lines(files[source])[winning_line(files, source) - 1]
        spend = int(row.split(",")[COLUMNS.index("total_spend")]) + 7
        return append_line(target, lambda _: with_spend(row, str(spend)))(files)

    return corrupt


def renumber(old: str, new: str) -> Callable[[Files], Files]:
    return lambda files: {(new if k == old else k): v for k, v in files.items()}


# ---- checks beyond the answer, on the build ---------------------------------------------


def folder_entries(build: Build) -> dict[str, tuple]:
    """entry_name -> (is_read, source_file, not_read_reason)."""
    return {row[0]: row[1:] for row in build.query(
        "select entry_name, is_read, source_file, not_read_reason"
        " from staging.stg_input_folder_entries")}


def reads_as(**names: str) -> Check:
    """Each file (by name) is read, under the given source_file."""

    def check(build: Build, files: Files) -> None:
        entries = folder_entries(build)
        for name, source_file in names.items():
            assert entries[name][:2] == (True, source_file), (name, entries[name])

    return check


def not_read(name: str, reason: str) -> Check:
    def check(build: Build, files: Files) -> None:
        is_read, _, why = folder_entries(build)[name]
        assert not is_read and reason in why, (name, why)
        assert name in root_cause(build.one("select * from marts.recon_summary"))

    return check


def lines_are_physical(build: Build, files: Files) -> None:
    """Every row read names the physical line it is on: that line of its file holds its
    user_id, whatever blank lines stand above it."""
    by_source = {source: name for name, (is_read, source, _) in folder_entries(build).items()
                 if is_read}
    texts = {file_name(key): text for key, text in files.items() if isinstance(text, str)}
    rows = build.query(
        "select source_file, source_line_number, user_id_text, user_id"
        " from staging.base_input_rows")
    assert rows
    for source_file, line_number, user_text, user_id in rows:
        physical = texts[by_source[source_file]].splitlines()
        header = physical[0].lstrip("\ufeff").split(",")
        fields = physical[line_number - 1].split(",")
        expected = user_text if user_id is None else str(user_id)
        assert fields[header.index("user_id")] == expected, (source_file, line_number)


def blank_lines_counted(source_file: str, count: int) -> Check:
    def check(build: Build, files: Files) -> None:
        counts = dict(build.query(
            "select source_file, blank_line_count from marts.recon_delta_files"))
        assert counts[source_file] == count, counts

    return check


def verdict(cause: str, *texts: str) -> Check:
    def check(build: Build, files: Files) -> None:
        summary = build.one("select * from marts.recon_summary")
        summary["root_cause"] = root_cause(summary)
        assert summary["cause"] == cause and summary["explained"], summary
        for text in texts:
            assert text in summary["root_cause"], (text, summary["root_cause"])

    return check


def every_file_loaded(build: Build, files: Files) -> None:
    statuses = build.query("select distinct load_status from marts.recon_delta_files")
    assert statuses == [("loaded",)], statuses


def all_of(*checks: Check) -> Check:
    def check(build: Build, files: Files) -> None:
        for one in checks:
            one(build, files)

    return check


CORPUS: dict[str, tuple] = {
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
                        FailingTest("accepted_range_recon_delta_rows_total_spend__0", 1)),
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
    # a summary listing a user twice is a cause of its own, never "consistent"
    "summary_with_a_duplicate_user": (
        append_line("platform", lambda f: with_spend(lines(f["platform"])[1], "999999")),
        FailingTest("one_row_per_user_per_summary", 2, check=verdict(
            "summary_duplicate_users", "1 user is listed on more than one row",
            "AIQ-user-summary lines 2 and ", "999,999 less than the platform's"))),
    "client_summary_with_a_duplicate_user": (
        append_line("client", lambda f: lines(f["client"])[1]),
        FailingTest("one_row_per_user_per_summary", 2, check=verdict(
            "summary_duplicate_users", "Johnny-user-summary lines 2 and ",
            "No user differs between the client's export and the platform's table, yet"))),
    # two rows on a user's largest batch_id with other values: a cause of its own, never
    # a file cut short or not loaded, whichever row the platform holds
    "tie_on_the_winning_batch_id_within_a_file": (
        winning_tie("delta3", "delta3"),
        FailingTest("one_version_per_user_and_batch_id", 2, check=all_of(
            verdict("batch_id_tie", "1 user has two delta rows with the same largest batch_id",
                    "the platform or the client's export holds the other row"),
            every_file_loaded))),
    "tie_on_the_winning_batch_id_across_files": (
        winning_tie("delta3", "delta2"),
        FailingTest("one_version_per_user_and_batch_id", 2, check=all_of(
            verdict("batch_id_tie", "the platform and the client's export hold the same one"),
            every_file_loaded))),
    # names, as clients write them: read as data, matched without regard to case, each
    # entry read or listed with its reason
    "hostile_file_names": (
        lambda f: rename("delta3", "delta3ünï.csv")(rename("delta2", "delta2*?.csv")(
            rename("delta1", "delta1[1].csv")(rename("delta0", "delta0it's;--.csv")(f)))),
        AsIs(same_results=False, check=reads_as(**{
            "delta0it's;--.csv": "delta0it's;--", "delta1[1].csv": "delta1[1]",
            "delta2*?.csv": "delta2*?", "delta3ünï.csv": "delta3ünï"}))),
    "name_differs_in_case": (
        lambda f: rename("delta3", "delta3.CSV")(rename("delta2", "Delta2.csv")(f)),
        AsIs(same_results=False,
             check=reads_as(**{"Delta2.csv": "Delta2", "delta3.CSV": "delta3"}))),
    "glob_characters_beside_a_match": (
        add("delta[3].csv", lambda f: f["delta1"]),
        FailingTest("every_input_file_found_is_read", 1, check=all_of(
            not_read("delta[3].csv", "a second file with drop number 3: delta3.csv is read"),
            lines_are_physical))),
    "second_file_with_a_drop_number": (
        lambda f: add("delta3.old.csv", lambda g: g["delta2"])(
            add("delta3(1).csv", lambda g: g["delta3"])(f)),
        FailingTest("every_input_file_found_is_read", 2, check=all_of(
            not_read("delta3(1).csv", "a second file with drop number 3"),
            not_read("delta3.old.csv", "a second file with drop number 3"),
            reads_as(**{"delta3.csv": "delta3"})))),
    "folder_named_as_a_delta": (
        add("delta4.csv", lambda f: Folder()),
        FailingTest("every_input_file_found_is_read", 1,
                    check=not_read("delta4.csv", "not a regular file: a folder"))),
    "fifo_named_as_a_delta": (
        add("delta4.csv", lambda f: Fifo()),
        FailingTest("every_input_file_found_is_read", 1,
                    check=not_read("delta4.csv", "not a regular file: a fifo"))),
    "broken_link_named_as_a_delta": (
        add("delta4.csv", lambda f: BrokenLink()),
        FailingTest("every_input_file_found_is_read", 1,
                    check=not_read("delta4.csv", "not a regular file: a broken link"))),
    "entry_matching_no_input": (
        add("notes.txt", lambda f: "what the client meant to send\n"),
        FailingTest("every_folder_entry_is_an_input_file", 1, "warn")),
    # lines: physical, blank ones counted
    "blank_lines_between_and_after_rows": (
        insert_blank_lines("delta1", at=(3, 7, 7), trailing=2),
        AsIs(same_results=False,
             check=all_of(lines_are_physical, blank_lines_counted("delta1", 5)))),
    "blank_line_above_the_header": (
        lambda f: {**f, "delta2": "\n" + f["delta2"]},
        Error(("delta2.csv", "line 1", "blank", "the header must be the file's first line"))),
    "file_of_one_line_break": (
        lambda f: {**f, "delta3": "\n"},
        Error(("delta3.csv", "line 1", "blank"))),
    "corrupt_gzip_stream": (corrupt_gzip, Error(("delta2.csv.gz", "cannot be read", "GZIP"))),
    "summary_with_a_header_only": (
        lambda f: {**f, "platform": HEADER + "\n"},
        FailingTest("every_summary_file_has_rows", 1,
                    check=verdict("summary_empty", "has a header and no usable row"))),
    # files DuckDB cannot read: the file, the line (and column) and the reason, in words
    "mixed_line_endings": (
        lambda f: {**f, "delta2": f["delta2"].replace("\n", "\r\n") + HEADER.replace("user_id", "1") + "\n"},
        Error(("delta2.csv: cannot be read: line ", "ends in LF where line 1 ends in CRLF",
               "the file mixes line endings"))),
    "carriage_return_inside_a_line": (
        set_superseded("delta2", "total_spend", "1\r2"),
        Error(("delta2.csv: cannot be read: line ", ", column ", "a carriage return inside the line"))),
    "utf16_text": (lambda f: {**f, "delta2": f["delta2"].encode("utf-16")},
                   Error(("delta2.csv: cannot be read: line 1: the file is UTF-16 text",))),
    "latin1_byte": (
        lambda f: {**f, "delta2": set_superseded("delta2", "total_spend", "12\xe9")(f)["delta2"].encode("latin-1")},
        Error(("delta2.csv: cannot be read: line ", "byte 0xE9 is not UTF-8"))),
    "gzip_bytes_named_csv": (
        lambda f: {**f, "delta2": gzip.compress(f["delta2"].encode())},
        Error(("delta2.csv: cannot be read: line 1: the file holds gzip-compressed bytes",
               ".csv.gz"))),
    "line_past_the_longest_read": (
        set_superseded("delta2", "total_spend", "9" * 3_000_000),
        Error(("delta2.csv: cannot be read: line ", "bytes long, past the longest line read"))),
    # two spends no total can hold: quarantined with the reason, never an overflow
    "spends_past_any_total": (
        lambda f: set_superseded("delta1", "total_spend", "9000000000000000000")(
            set_superseded("delta0", "total_spend", "9000000000000000000")(f)),
        FailingTest("no_input_row_quarantined", 2, check=verdict(
            "consistent", "is past 10,000,000,000, beyond any customer and any total"))),
    # a control byte in a value: the row is quarantined, the build goes on
    "unit_separator_in_a_value": (set_superseded("delta1", "count_saved_items", "7\x1f"),
                                  FailingTest("no_input_row_quarantined", 1)),
    "drop_number_past_64_bits": (
        rename("delta3", "delta20241204183432123456.csv"),
        FailingTest("every_input_file_found_is_read", 1, check=not_read(
            "delta20241204183432123456.csv", "its drop number 20241204183432123456 is past 64 bits"))),
    "header_with_a_trailing_comma": (
        rename_header("delta1", "batch_id", "batch_id,"),
        Error(("delta1.csv, line 1: column 6 has no name (a comma at the end of the header?)",))),
    "a_file_that_is_no_export": (
        lambda f: {**f, "delta1": "root:x:0:0:root:/root:/bin/bash\n"},
        Error(("delta1.csv, line 1: the first line names none of the expected columns",))),
    # a link is followed only inside the folder: what it reaches outside is never read
    "link_leaving_the_folder": (
        add("delta4.csv", lambda f: LinkOutside("root:x:0:0:root:/root:/bin/bash\n")),
        FailingTest("every_input_file_found_is_read", 1,
                    check=not_read("delta4.csv", "not a regular file: a link leaving the folder"))),
    # a delta file gone: the summaries hold rows no delta file carries, and every file
    # that is here was loaded
    "delta_file_missing": (
        lambda f: {k: v for k, v in f.items() if k != "delta1"},
        FailingTest("delta_file_numbers_have_no_gaps", 1, check=all_of(
            verdict("delta_file_missing", "that no delta file in the folder carries",
                    "every file that is here was loaded"),
            every_file_loaded))),
    # a row a lenient loader reads and this reconciliation refuses
    "plus_sign_on_a_winning_value": (
        prefix_winning_value("delta2", "total_spend", "+"),
        FailingTest("no_input_row_quarantined", 1, check=all_of(
            verdict("rows_quarantined", "1 input row could not be used", "delta2 line ",
                    "total_spend is not an integer: +"),
            every_file_loaded))),
}
CASES = sorted(CORPUS)


@pytest.fixture(scope="module")
def clean_files(tmp_path_factory) -> Files:
    """A small consistent case, as text: delta0..delta3, platform, client."""
    folder = tmp_path_factory.mktemp("clean")
    case = simulate(n_users=400, n_files=4, seed=11)
    assert case.truth.causes == ("consistent",)
    write_case(case, folder)
    files = {f"delta{i}": (folder / f"delta{i}.csv").read_text() for i in range(4)}
    files["platform"] = (folder / "AIQ-user-summary.csv").read_text()
    files["client"] = (folder / "Johnny-user-summary.csv").read_text()
    return files


def file_name(key: str) -> str:
    """The name an entry has in the folder: its own, or its role's."""
    return key if "." in key else SUMMARY_NAMES.get(key, f"{key}.csv")


def write_entries(folder: Path, files: Files) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for key, content in files.items():
        target = folder / file_name(key)
        if isinstance(content, Fifo):
            os.mkfifo(target)
        elif isinstance(content, BrokenLink):
            target.symlink_to(folder / "nowhere.csv")
        elif isinstance(content, Folder):
            target.mkdir()
        elif isinstance(content, LinkOutside):
            outside = folder.parent / f"outside-{target.name}"
            outside.write_text(content.text)
            target.symlink_to(outside)
        else:
            target.write_bytes(content if isinstance(content, bytes) else content.encode())


def run_folder(files: Files, root: Path) -> Build:
    """Write the files into a folder and build it (input_dir)."""
    write_entries(root / "input", files)
    return dbt_build(root / "run", variables={"input_dir": str(root / "input")})


def corpus_build(tmp_path_factory, name: str, files: Files) -> Build:
    """The build of a corpus case's files (or of the clean ones), once per test run: the
    Spark parity tests read the same builds."""
    def write(folder: Path) -> dict:
        write_entries(folder, files)
        return {"input_dir": str(folder)}

    return shared_build(tmp_path_factory, f"bad_input-{name}", write)


@pytest.fixture(scope="module")
def clean_build(clean_files, tmp_path_factory) -> Build:
    return corpus_build(tmp_path_factory, "clean", clean_files)


def mart_rows(build: Build) -> dict[str, list[tuple]]:
    return {
        mart: build.query(f"{mart_select(mart, across_folders=True)} order by all")
        for mart in ("recon_summary", "recon_delta_files", "recon_client_vs_platform",
                     "recon_platform_vs_rebuilt", "recon_load_hypotheses")
    }


def data_lines(text: str) -> int:
    """Rows in a file, counted by hand: non-empty lines after the header."""
    return sum(1 for line in text.splitlines()[1:] if line.strip())


def test_clean_case_builds_clean(clean_build) -> None:
    assert clean_build.success and clean_build.failed() == {}


@pytest.mark.parametrize("case_name", CASES)
def test_bad_input_gets_its_documented_answer(case_name, clean_files, clean_build, tmp_path_factory):
    corrupt, answer = CORPUS[case_name]
    files = corrupt(clean_files)
    build = corpus_build(tmp_path_factory, case_name, files)

    if isinstance(answer, Error):
        assert not build.success
        message = build.errors()
        for text in answer.texts:
            assert text in message, f"{text!r} not in:\n{message}"
        assert "Traceback" not in message
        # nothing is built from files that could not be read
        assert [m for m in MODELS if build.statuses.get(m) == "success"] == []
        return

    # every other answer reads every file it lists as read: nothing is lost
    staged = dict(build.query(
        "select source_file, count(*) from staging.stg_deltas group by all"))
    quarantined = dict(build.query(
        "select source_file, count(*) from marts.recon_quarantined_rows group by all"))
    entries = folder_entries(build)
    assert set(entries) == {file_name(key) for key in files}
    for key, text in files.items():
        is_read, source_file, _ = entries[file_name(key)]
        if is_read and isinstance(text, str) and source_file.lower().startswith("delta"):
            counted = staged.get(source_file, 0) + quarantined.get(source_file, 0)
            assert counted == data_lines(text), key
    assert build.statuses["input_rows_are_conserved"] == "pass"

    if isinstance(answer, AsIs):
        assert build.success and build.failed() == {}, build.failed()
        if answer.same_results:
            assert mart_rows(build) == mart_rows(clean_build)
        if answer.check:
            answer.check(build, files)
        return

    assert build.statuses[answer.name] == answer.severity, build.statuses[answer.name]
    (kept,) = build.query(f"select count(*) from test_failures.{answer.name}")[0]
    assert kept == answer.rows
    # the reconciliation still builds around the failure
    assert all(build.statuses[m] == "success" for m in MODELS)
    if answer.name == "no_input_row_quarantined":
        (reason,) = build.query(
            "select quarantine_reason from marts.recon_quarantined_rows")[0]
        assert " is " in reason
    if answer.check:
        answer.check(build, files)


@pytest.mark.parametrize("variables, message", [
    ({"replay_pairs_max_files": "(select count(*) from read_text('/etc/hostname'))"},
     "The var replay_pairs_max_files must be a whole number from 0 to 1000; it is \"(select"),
    ({"replay_pairs_max_files": "12; drop table x"}, "replay_pairs_max_files must be a whole"),
    ({"composed_search_moves": "3; drop table x"}, "composed_search_moves must be a whole"),
    ({"replay_versions_kept": 0}, "replay_versions_kept must be a whole number from 3 to 10; it is 0."),
    ({"composed_search_moves": 2.5}, "composed_search_moves must be a whole number"),
])
def test_numeric_vars_are_checked_before_any_sql(variables, message, tmp_path) -> None:
    """A var that must be a number stops dbt when it parses the project, naming the var
    and its value: it never reaches SQL as text."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([
        "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        "--quiet", "--vars", json.dumps(variables)])
    assert not result.success
    assert message in str(result.exception)


def test_a_folder_that_does_not_exist_is_named(tmp_path) -> None:
    """Not mistaken for a missing summary file: the folder itself is named."""
    build = dbt_build(tmp_path / "run", variables={"input_dir": str(tmp_path / "no such")})
    assert not build.success
    assert f"{tmp_path / 'no such'}: no such folder (the var input_dir)." in build.errors()
    assert "summary" not in build.errors()
    assert [m for m in MODELS if build.statuses.get(m) == "success"] == []


def test_an_unreadable_file_on_a_kept_warehouse_is_named(clean_files, tmp_path) -> None:
    """A warehouse built before reads a changed file that cannot be read: the build stops
    naming the file, the line and the reason, as a fresh build does, with no aborted
    transaction; once the file is mended the same warehouse builds again."""
    first = run_folder(clean_files, tmp_path)
    assert first.success
    broken = run_folder({**clean_files, "delta2": clean_files["delta2"].encode("utf-16")}, tmp_path)
    assert not broken.success
    assert "delta2.csv: cannot be read: line 1: the file is UTF-16 text" in broken.errors()
    assert "transaction" not in broken.errors() and "Traceback" not in broken.errors()
    mended = run_folder(clean_files, tmp_path)
    assert mended.success and mart_rows(mended) == mart_rows(first)


def test_builds_are_deterministic_and_rebuilding_changes_nothing(
        clean_files, clean_build, tmp_path) -> None:
    """Two builds of the same files (this test's and the shared one) agree, and
    rebuilding into a warehouse changes nothing."""
    first = run_folder(clean_files, tmp_path / "first")
    assert mart_rows(first) == mart_rows(clean_build)
    again = dbt_build(tmp_path / "first" / "run",
                      variables={"input_dir": str(tmp_path / "first" / "input")})
    assert mart_rows(again) == mart_rows(first)
