"""Every version of every input file this warehouse has read, looked at line by line
before its rows are parsed: its content fingerprint, its first line (the header), how
many physical lines it has, which of them are blank, and how many data rows that leaves;
for Parquet, its columns and the row count in its footer. base_input_file_lines is the
view of the files in the folder now.

Incremental: a file is probed once per version, a version being its path, size and
modification time (base_input_folder_entries). A file not touched since the last build
is not opened again; a new or rewritten one is read whole, once for its SHA-256 and once
for its lines. Its landing_key, from its name and its content's hash, is what the rows
landed from it are known by (base_input_rows_landed): a file rewritten with the same
bytes keeps its key and is not read again, one re-sent with changes gets a new one. Rows
of versions no longer in the folder stay here (a few per changed file) and are never
joined; `dbt build --full-refresh` starts over.

These counts come from a read that splits lines only, so they hold the parsed rows to
account (test input_rows_are_conserved), and the blank lines, which DuckDB's CSV reader
skips, put every row at its physical line, the one a person finds in an editor
(base_input_rows).

A Python model so that a file that cannot be read (a corrupt gzip stream, bytes that are
not UTF-8) is named: the error is kept beside the file, and base_input_rows_landed stops
the build with it. Paths reach DuckDB as bound parameters, spelled for its readers
(base_input_folder_entries.reader_path), never as SQL text or as a pattern.
"""

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

# Every physical line whole: a delimiter that never occurs, no quoting, no header.
LINES = """
    read_csv(
        $path, header = false, auto_detect = false, delim = '\x1f', quote = '', escape = '',
        columns = {'line': 'varchar'}, compression = $compression
    )
"""


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


def header_columns(header):
    """The names in a CSV header line, as written (a byte-order mark and quotes off)."""
    if header is None:
        return None
    return [name.strip().strip('"') for name in header.lstrip("\ufeff").split(",")]


def content_hashes(entry):
    """(hex SHA-256 of the file's bytes, landing key): the key is 64 bits of the hash of
    the file's name and that digest, so that two files with the same bytes under two
    names land apart."""
    digest = hashlib.sha256()
    with open(entry["entry_path"], "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    content = digest.hexdigest()
    keyed = hashlib.sha256(f"{entry['entry_name']}\0{content}".encode()).digest()
    return content, int.from_bytes(keyed[:8], "big", signed=True)


def probe(session, entry):
    row = {name: entry[name] for name in ("entry_path", "size_bytes", "modified_ns")}
    path = entry["reader_path"]
    try:
        row["content_sha256"], row["landing_key"] = content_hashes(entry)
        if entry["file_format"] == "parquet":
            (count,) = session.execute(
                "select num_rows from parquet_file_metadata($path)", {"path": path}).fetchone()
            columns = session.execute(
                "select column_name from (describe select * from read_parquet($path))",
                {"path": path}).fetchall()
            row.update(header_columns=[name for (name,) in columns], data_row_count=count,
                       blank_line_numbers=[])
            return row
        compression = "gzip" if entry["file_format"] == "csv.gz" else "none"
        header, line_count, blank_lines = probe_text_file(session, path, compression)
    except Exception as error:  # noqa: BLE001 - any reader error is kept, with its file
        row["read_error"] = str(error).strip().splitlines()[0]
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


VERSION = ("entry_path", "size_bytes", "modified_ns")


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
