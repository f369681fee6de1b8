"""Every version of every input file this warehouse has read, looked at line by line
before its rows are parsed: its content fingerprint, its first line (the header), how
many physical lines it has, which of them are blank, and how many data rows that leaves;
for Parquet, its columns and the row count in its footer. base_input_file_lines is the
view of the files in the folder now.

Incremental: a file is probed once per version, a version being its path and the SHA-256
of its bytes, which base_input_folder_entries takes of every input file on every build
(an edit that keeps a file's size and modification time still changes its hash). A new
or changed file is read whole for its lines. Its landing_key, from its name and its
content's hash, is what the rows landed from it are known by (base_input_rows_landed): a
file rewritten with the same bytes keeps its key and is not read again, one re-sent with
changes gets a new one. Rows of versions no longer in the folder stay here (a few per
changed file) and are never joined; `dbt build --full-refresh` starts over.

These counts come from a read that splits lines only, so they hold the parsed rows to
account (test input_rows_are_conserved), and the blank lines, which DuckDB's CSV reader
skips, put every row at its physical line, the one a person finds in an editor
(base_input_rows).

A Python model so that a file that cannot be read (a corrupt gzip stream, bytes that are
not UTF-8) is named: the error is kept beside the file, and base_input_rows_landed stops
the build with it. Paths reach DuckDB as bound parameters, spelled for its readers
(base_input_folder_entries.reader_path), never as SQL text or as a pattern.
"""

import gzip
import hashlib

SCHEMA = (
    ("entry_path", "varchar"),
    ("size_bytes", "bigint"),
    ("modified_ns", "bigint"),
    ("content_sha256", "varchar"),
    ("landing_key", "bigint"),
    ("header_line", "varchar"),
    ("header_columns", "varchar[]"),
    ("line_count", "bigint"),
    ("blank_line_numbers", "bigint[]"),
    ("last_text_line_number", "bigint"),
    ("data_row_count", "bigint"),
    ("read_error", "varchar"),
)

# Every physical line whole: a NUL delimiter (a UTF-8 text file holds none: diagnose
# names one as an error), no quoting, no header.
LINES = """
    read_csv(
        $path, header = false, auto_detect = false, delim = '\0', quote = '', escape = '',
        columns = {'line': 'varchar'}, compression = $compression
    )
"""
# DuckDB's CSV reader's longest line, in bytes (its max_line_size)
LONGEST_LINE = 2_097_152


def probe_text_file(session, path, compression):
    """(header line, line count, blank line numbers) of a CSV file."""
    params = {"path": path, "compression": compression}
    first = session.execute(f"select line from {LINES} limit 1", params).fetchall()
    line_count, blank_count = session.execute(
        f"select count(*), count(*) filter (where line is null) from {LINES}", params
    ).fetchone()
    blank_lines = []
    if blank_count:
        # stored in the order read, so each row's place is its line
        session.execute(
            f"create or replace temp table probed_lines as"
            f" select line is null as is_blank from {LINES}", params)
        blank_lines = [number for (number,) in session.execute(
            "select rowid + 1 from probed_lines where is_blank order by rowid").fetchall()]
        session.execute("drop table probed_lines")
    header = first[0][0] if first else None
    return header, line_count, blank_lines


def diagnose(path, compression):
    """Why a text file the reader refused cannot be read, naming the line (and column)
    at fault, in words a person can act on; None when none of these checks finds it."""
    opener = gzip.open if compression == "gzip" else open
    with opener(path, "rb") as handle:
        first = handle.read(2)
    if compression != "gzip" and first == b"\x1f\x8b":
        return "line 1: the file holds gzip-compressed bytes: a gzipped file is read when its name ends in .csv.gz"
    if first in (b"\xff\xfe", b"\xfe\xff"):
        return "line 1: the file is UTF-16 text: the files must be UTF-8"
    ending_of_line_1 = None
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            body = line.rstrip(b"\n")
            ending = "CRLF" if body.endswith(b"\r") else "LF"
            body = body.removesuffix(b"\r")
            if line.endswith(b"\n"):
                ending_of_line_1 = ending_of_line_1 or ending
                if ending != ending_of_line_1:
                    return (f"line {number} ends in {ending} where line 1 ends in"
                            f" {ending_of_line_1}: the file mixes line endings")
            if len(body) > LONGEST_LINE:
                return (f"line {number} is {len(body):,} bytes long, past the longest line"
                        f" read ({LONGEST_LINE:,} bytes)")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as error:
                column = len(body[:error.start].decode("utf-8")) + 1
                return (f"line {number}, column {column}: byte 0x{body[error.start]:02X} is not"
                        " UTF-8 (Latin-1 or Windows-1252?): the files must be UTF-8")
            for character, what in (("\r", "a carriage return"), ("\0", "a NUL byte")):
                if character in text:
                    return f"line {number}, column {text.index(character) + 1}: {what} inside the line"
    return None


def reader_message(error):
    """DuckDB's error in one line: its reason lines, without the line it quotes (which
    may be megabytes long) and the options and fixes it lists after a blank line."""
    kept = []
    for line in str(error).strip().splitlines():
        if not line.strip():
            break
        if not line.startswith("Original Line:"):
            kept.append(line.strip())
    return "; ".join(kept)


def header_columns(header):
    """The names in a CSV header line, as written (a byte-order mark and quotes off)."""
    if header is None:
        return None
    return [name.strip().strip('"') for name in header.lstrip("\ufeff").split(",")]


def landing_key(entry):
    """64 bits of the hash of the file's name and its content's digest, so that two
    files with the same bytes under two names land apart."""
    keyed = hashlib.sha256(f"{entry['entry_name']}\0{entry['content_sha256']}".encode()).digest()
    return int.from_bytes(keyed[:8], "big", signed=True)


def probe(session, entry):
    """A file's row of this table. Its reads run on a cursor of their own, outside the
    build's transaction, so that a file DuckDB refuses fails only its own probe."""
    reader = session.cursor()
    try:
        return probe_with(reader, entry)
    finally:
        reader.close()


def probe_with(session, entry):
    row = {name: entry[name] for name in ("entry_path", "size_bytes", "modified_ns", "content_sha256")}
    path = entry["reader_path"]
    compression = "gzip" if entry["file_format"] == "csv.gz" else "none"
    try:
        if entry["content_sha256"] is None:
            with open(entry["entry_path"], "rb") as handle:  # names the reason it fails
                handle.read(1)
            raise OSError(f"{entry['entry_path']}: its bytes could not be read whole")
        row["landing_key"] = landing_key(entry)
        if entry["file_format"] == "parquet":
            (count,) = session.execute(
                "select num_rows from parquet_file_metadata($path)", {"path": path}).fetchone()
            columns = session.execute(
                "select column_name from (describe select * from read_parquet($path))",
                {"path": path}).fetchall()
            row.update(header_columns=[name for (name,) in columns], data_row_count=count,
                       blank_line_numbers=[])
            return row
        header, line_count, blank_lines = probe_text_file(session, path, compression)
    except Exception as error:  # noqa: BLE001 - any reader error is kept, with its file
        try:
            reason = diagnose(entry["entry_path"], compression)
        except (OSError, EOFError, ValueError):  # a stream that cannot be read at all
            reason = None
        row["read_error"] = reason or reader_message(error)
        return row
    last_text_line = line_count
    for number in reversed(blank_lines):
        if number != last_text_line:
            break
        last_text_line -= 1
    row.update(
        last_text_line_number=last_text_line,
        header_line=header,
        header_columns=header_columns(header),
        line_count=line_count,
        blank_line_numbers=blank_lines,
        data_row_count=max(line_count - len(blank_lines) - 1, 0),
    )
    return row


VERSION = ("entry_path", "content_sha256")


def model(dbt, session):
    # its YAML adds a post-hook: drop_python_increment_tables
    dbt.config(materialized="incremental", incremental_strategy="append")
    files = dbt.ref("base_input_folder_entries").filter("file_index is not null")
    columns = files.columns
    entries = [dict(zip(columns, values)) for values in files.order("file_index").fetchall()]
    probed = set()
    if dbt.is_incremental:
        probed = set(session.execute(
            f"select {', '.join(VERSION)} from {dbt.this}").fetchall())
    rows = [probe(session, entry) for entry in entries
            if tuple(entry[name] for name in VERSION) not in probed]
    declared = ", ".join(f"{name} {sql_type}" for name, sql_type in SCHEMA)
    session.execute(f"create or replace temp table input_file_probes ({declared})")
    if rows:
        session.executemany(
            f"insert into input_file_probes values ({', '.join('?' for _ in SCHEMA)})",
            [[row.get(name) for name, _ in SCHEMA] for row in rows],
        )
    return session.table("input_file_probes")
