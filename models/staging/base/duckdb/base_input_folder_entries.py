"""Every entry of the input folder, one row each: either an input file to read (a delta
file, the platform's summary, the client's export) or listed with the reason it is not
read. Nothing in the folder is passed over unsaid.

A Python model because only the file system can tell a regular file from a folder, a
FIFO (which would block a reader forever) or a broken link, and whether it can be opened.
It never fails: base_input_rows_landed stops the build, naming the file, when an entry it
needs cannot be read. The only content it reads is each input file's bytes, once, for
their SHA-256 (content_sha256): a file is known by what it holds, not by its size and
modification time, which an edit can leave as they were (base_input_file_probes).

Names are matched without regard to case (Delta2.csv and delta4.CSV are delta files), and
a gzipped file by its name less .gz (delta2.csv.gz is a delta file for delta*.csv). A
delta file's drop number is the first number in its name (delta3 (1).csv is drop 3); when
two readable files share a number, the shorter name is read (delta3.csv before
delta3.old.csv) and the other is listed as a second file with that number.
"""

import errno
import fnmatch
import hashlib
import os
import re
import stat

# (name ending, format), longest first: a name ends in at most one of them.
FORMATS = ((".csv.gz", "csv.gz"), (".parquet", "parquet"), (".csv", "csv"), (".gz", "csv.gz"))
# DuckDB's readers expand these in any path; each is read literally inside brackets.
GLOB_CHARACTERS = re.compile(r"([\[*?])")

SCHEMA = (
    ("entry_name", "varchar"),
    ("entry_path", "varchar"),
    ("entry_type", "varchar"),
    ("is_symlink", "boolean"),
    ("size_bytes", "bigint"),
    ("modified_ns", "bigint"),
    ("content_sha256", "varchar"),
    ("input_kind", "varchar"),
    ("matches_name_exactly", "boolean"),
    ("file_format", "varchar"),
    ("source_file", "varchar"),
    ("file_number", "bigint"),
    ("not_read_reason", "varchar"),
    ("reader_path", "varchar"),
    ("file_index", "bigint"),
    ("file_position", "bigint"),
)


def entry_type(path):
    """What the entry is, following a symbolic link: file, folder, fifo, socket, device,
    broken link or link loop (a link to a file outside the folder is listed as leaving it,
and not followed); whether it is a link; and, for a regular file, its size and
    modification time (ns), by which a later build knows it has not changed since it was
    last read (base_input_file_probes)."""
    try:
        is_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError as error:
        return f"unlistable ({error.strerror})", False, None, None
    try:
        info = os.stat(path)
    except OSError as error:
        return ("link loop" if error.errno == errno.ELOOP else "broken link"), is_link, None, None
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return "file", is_link, info.st_size, info.st_mtime_ns
    if stat.S_ISDIR(mode):
        return "folder", is_link, None, None
    if stat.S_ISFIFO(mode):
        return "fifo", is_link, None, None
    if stat.S_ISSOCK(mode):
        return "socket", is_link, None, None
    return "device", is_link, None, None


def content_sha256(path):
    """The hex SHA-256 of a file's bytes, or None when they cannot be read (the probe
    then names the error)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def inside(path, folder):
    """Whether a resolved path lies within the resolved folder."""
    return os.path.commonpath([path, folder]) == folder


def unreadable_reason(path):
    """Why a regular file cannot be opened, or None."""
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        return f"unreadable: {error.strerror}"
    return None


def reader_path(path):
    """The path as DuckDB's readers take it, naming this one file: its glob characters
    bracketed. None when no spelling does: DuckDB never matches a backslash in a pattern."""
    if not GLOB_CHARACTERS.search(path):
        return path
    if "\\" in path:
        return None
    return GLOB_CHARACTERS.sub(r"[\1]", path)


def split_format(name):
    """(name without its format's ending, format); a name with no known ending is CSV."""
    lowered = name.lower()
    for ending, file_format in FORMATS:
        if lowered.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)], file_format
    return name, "csv"


def list_entries(folder, delta_glob, summary_names):
    """One dict per entry of the folder, classified; or one row for the folder itself
    when it cannot be listed."""
    folder = os.path.abspath(folder)
    if not os.path.exists(folder):
        return [{"entry_path": folder, "entry_type": "no such folder",
                 "not_read_reason": "no such folder"}]
    if not os.path.isdir(folder):
        return [{"entry_path": folder, "entry_type": "not a folder",
                 "not_read_reason": "not a folder"}]
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        return [{"entry_path": folder, "entry_type": "unlistable folder",
                 "not_read_reason": f"the folder cannot be listed: {error.strerror}"}]

    real_folder = os.path.realpath(folder)
    delta_pattern = re.compile(fnmatch.translate(delta_glob), re.IGNORECASE)
    delta_pattern_with_case = re.compile(fnmatch.translate(delta_glob))
    entries = []
    for name in names:
        path = os.path.join(folder, name)
        kind, is_link, size, modified_ns = entry_type(path)
        if is_link and kind == "file" and not inside(os.path.realpath(path), real_folder):
            # not followed: the folder is what the client sent, not what a link reaches
            kind, size, modified_ns = "link leaving the folder", None, None
        entry = {"entry_name": name, "entry_path": path, "entry_type": kind,
                 "is_symlink": is_link, "size_bytes": size, "modified_ns": modified_ns}
        stem, file_format = split_format(name)
        # the name as matched: a gzipped file by its name less .gz
        plain = name[:-3] if name.lower().endswith(".gz") and len(name) > 3 else name
        candidates = {name, plain}
        for input_kind, expected in summary_names.items():
            if expected.casefold() in {c.casefold() for c in candidates}:
                entry.update(input_kind=input_kind, matches_name_exactly=expected in candidates)
        if "input_kind" not in entry and any(delta_pattern.match(c) for c in candidates):
            exact = any(delta_pattern_with_case.match(c) for c in candidates)
            entry.update(input_kind="delta", matches_name_exactly=exact)
            number = re.search(r"[0-9]+", stem)
            entry["drop_number"] = number.group() if number else None
            entry["file_number"] = int(number.group()) if number else None
            if entry["file_number"] is not None and entry["file_number"] >= 2**63:
                entry["file_number"] = None
        if "input_kind" in entry:
            entry.update(file_format=file_format, source_file=stem, reader_path=reader_path(path))
        entry["not_read_reason"] = first_reason(entry)
        entries.append(entry)
    settle_shared_names(entries, summary_names)
    settle_shared_numbers(entries)
    number_the_files(entries)
    return entries


def first_reason(entry):
    """Why an entry is not read, before comparing it with the others; None to read it."""
    if "input_kind" not in entry:
        return "its name matches no input file"
    if entry["entry_type"] != "file":
        return f"not a regular file: a {entry['entry_type']}"
    reason = unreadable_reason(entry["entry_path"])
    if reason:
        return reason
    if entry["reader_path"] is None:
        return "unreadable: DuckDB cannot read a path holding both a backslash and [, * or ?"
    if entry["input_kind"] == "delta" and entry["drop_number"] is None:
        return "no number in its name: the number gives the drop order (delta0, delta1, ...)"
    if entry["input_kind"] == "delta" and entry["file_number"] is None:
        return (f"its drop number {entry['drop_number']} is past 64 bits: the number gives"
                " the drop order, and must be smaller")
    return None


def settle_shared_names(entries, summary_names):
    """Of the entries naming one summary (apart from case, or gzipped), the one named
    exactly is read, the first in name order if several are; with none named exactly,
    none is read: which one is meant cannot be told."""
    for input_kind, expected in summary_names.items():
        readable = [e for e in entries
                    if e.get("input_kind") == input_kind and e["not_read_reason"] is None]
        exact = [e for e in readable if e["matches_name_exactly"]]
        if len(readable) > 1:
            for entry in readable:
                if not exact:
                    entry["not_read_reason"] = (
                        f"{len(readable)} files are named {expected} apart from case:"
                        " which one to read cannot be told")
                elif entry is not exact[0]:
                    entry["not_read_reason"] = (
                        f"a second file named {expected}: {exact[0]['entry_name']} is read")


def settle_shared_numbers(entries):
    """Of the readable delta files sharing a drop number, the shortest name (then the
    first in name order) is read; each other one is listed as a second file."""
    by_number = {}
    for entry in entries:
        if entry.get("input_kind") == "delta" and entry["not_read_reason"] is None:
            by_number.setdefault(entry["file_number"], []).append(entry)
    for number, group in by_number.items():
        group.sort(key=lambda e: (len(e["entry_name"]), e["entry_name"]))
        for entry in group[1:]:
            entry["not_read_reason"] = (
                f"a second file with drop number {number}: {group[0]['entry_name']} is read")


def number_the_files(entries):
    """file_index over the files read (the deltas in drop order, then the platform's
    summary, then the client's), and file_position over the deltas."""
    read = [e for e in entries if e.get("input_kind") and e["not_read_reason"] is None]
    deltas = sorted((e for e in read if e["input_kind"] == "delta"),
                    key=lambda e: (e["file_number"], e["entry_name"]))
    summaries = [e for kind in ("platform_summary", "client_summary")
                 for e in read if e["input_kind"] == kind]
    for position, entry in enumerate(deltas, start=1):
        entry["file_position"] = position
    for index, entry in enumerate(deltas + summaries, start=1):
        entry["file_index"] = index
        entry["content_sha256"] = content_sha256(entry["entry_path"])


def model(dbt, session):
    dbt.config(materialized="table")
    folder = dbt.ref("base_input_folder")
    (row,) = folder.fetchall()
    settings = dict(zip(folder.columns, row))
    entries = list_entries(
        settings["input_folder"],
        settings["delta_file_glob"],
        {"platform_summary": settings["platform_summary_file"],
         "client_summary": settings["client_summary_file"]},
    )
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in SCHEMA)
    session.execute(f"create or replace temp table input_folder_entries ({columns})")
    if entries:
        session.executemany(
            f"insert into input_folder_entries values ({', '.join('?' for _ in SCHEMA)})",
            [[entry.get(name) for name, _ in SCHEMA] for entry in entries],
        )
    return session.table("input_folder_entries")
