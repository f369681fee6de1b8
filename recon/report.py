"""Write up the findings: two emails, the evidence, an HTML report and two charts, all from the warehouse.

    python -m recon.report [--database FILE] [--out DIR] [--parties FILE]

Everything about the data comes from the marts of the last build: :func:`collect` reads
them (and runs the reproduction queries the engineer's email shows, so each result printed
is what a reader gets), :func:`render` fills the Jinja2 templates in ``recon/templates/``,
which choose their wording by ``recon_summary.cause``, and :func:`write_reports` writes

* ``email_to_platform_engineer.md``: one screen: the cause, its proof, the ask, the query
  on the raw files, two examples, what to check in the logs and a lead on the mechanism;
* ``evidence_for_platform_engineer.md``, which the email attaches: every figure per file,
  the explanations replayed, more examples, SQL, what to fix and how to prevent it;
* ``reply_to_client.md``: the same finding in plain words for the client, with what it
  means for his campaign;
* ``reconciliation_report.html``: the figures and both charts, one self-contained page;
* ``customers_right.png``: for the client (his reply attaches it), how many of his
  customers the platform shows right and how many out of date;
* ``spend_by_delta_file.png``: for the engineer, each delta file's spend in four parts:
  newest rows on the platform, newest rows missing, older rows it still holds instead,
  older rows replaced as they should be, and its part of the gap;
* ``spend_gap_over_builds.png``: once the warehouse's run history holds two builds or more,
  the gap at each build and each change of cause (also in the HTML report); removed when
  there is no such history, so that no earlier warehouse's chart stays beside the rest.

Names (the client, the platform, who writes to whom) are not data: they live in
``recon/templates/parties.yml``, which ``--parties`` overrides key by key.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import duckdb
import jinja2
import yaml
from markupsafe import Markup

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
PARTIES_FILE = TEMPLATE_DIR / "parties.yml"
PROJECT_ROOT = PACKAGE_DIR.parent

ENGINEER_EMAIL = "email_to_platform_engineer.md"
EVIDENCE = "evidence_for_platform_engineer.md"
CLIENT_EMAIL = "reply_to_client.md"
HTML_REPORT = "reconciliation_report.html"
ROOT_CAUSE = "root_cause.txt.j2"
CHART_PNG = "spend_by_delta_file.png"
CUSTOMERS_CHART_PNG = "customers_right.png"
HISTORY_CHART_PNG = "spend_gap_over_builds.png"
TEXT_OUTPUTS = {
    ENGINEER_EMAIL: "email_to_platform_engineer.md.j2",
    EVIDENCE: "evidence_for_platform_engineer.md.j2",
    CLIENT_EMAIL: "reply_to_client.md.j2",
    HTML_REPORT: "reconciliation_report.html.j2",
}
# Every file write_reports writes, and the one it writes only with a history of builds.
WRITE_UP_FILES = (*TEXT_OUTPUTS, CHART_PNG, CUSTOMERS_CHART_PNG)
OPTIONAL_WRITE_UP_FILES = (HISTORY_CHART_PNG,)
# The key of the PNG text chunk that carries the data the chart was drawn from.
CHART_DATA_KEY = "Description"

EXAMPLES_SHOWN = 6
HYPOTHESES_SHOWN = 5
# How the HTML report words the marts' codes: each cause of recon_summary.cause (joined by
# '+'), each load_status of recon_delta_files. A code not listed is shown as it is.
CAUSE_WORDS = {
    "consistent": "nothing differs",
    "summary_duplicate_users": "a summary listing a user more than once",
    "batch_id_tie": "two delta rows on a user's largest batch_id",
    "delta_file_missing": "a delta file missing from the folder",
    "files_not_loaded": "delta files never loaded",
    "file_partially_loaded": "a delta file loaded in part",
    "altered_values": "delta rows loaded with altered values",
    "dedup_rule": "the last-arriving row kept, not the newest",
    "client_export_behind": "the client's export behind its deltas",
    "platform_extra_users": "users on the platform in no delta",
    "platform_missing_users": "users missing from the platform",
    "rows_quarantined": "rows that could not be read",
    "summary_empty": "a summary with no rows",
    "unexplained": "not explained yet",
}
STATUS_WORDS = {
    "loaded": "loaded",
    "not_loaded": "not loaded",
    "partially_loaded": "loaded in part",
    "loaded_with_altered_values": "loaded, with altered values",
    "undetermined": "cannot tell (every row replaced by a later one)",
}
VALUE_COLUMNS = ("total_spend", "count_saved_items", "loyalty_credits", "batch_id")



# ---------------------------------------------------------------- text from the input
# File names, folder paths, quarantined values and reasons, and every text column of the
# marts made from them come from the client. They are shown, never interpreted: control
# characters written as escapes everywhere (shown), and in the Markdown emails every
# character a renderer could take for Markdown or HTML escaped (markdown_text), which the
# Markdown templates apply to every value they print (environment(markdown=True)).

# C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional controls
# that reorder how text reads on screen
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Markdown punctuation escaped wherever it stands; '_' only where it could open or close
# emphasis (not between two letters or digits, as in batch_id), and the marks that start
# a block ('-', '+', '=', a list number's '.' or ')') only at the start of a value, since
# any value may start a line. '<', '>' and '&' become HTML entities.
_MARKDOWN_ALWAYS = frozenset("\\`*[]{}|!#~$")
_HTML_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_LIST_NUMBER = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")


def _control_escape(match: re.Match) -> str:
    character = match.group()
    if character in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """Text with its control characters (line breaks, tabs, bidirectional overrides)
    written as escapes (\\n, \\x1f, \\u202e), so that a name reads on one line, as
    it is."""
    return _CONTROL.sub(_control_escape, text)


def markdown_text(text: str) -> str:
    """Text from the input as Markdown that shows it as it is: no emphasis, link, image,
    heading, list, table cell, code or HTML of its own (see _MARKDOWN_ALWAYS)."""
    text = str(text)
    # where a line this value starts would start its block (up to three spaces in)
    start = len(text) - len(text.lstrip(" "))
    escaped = []
    for position, character in enumerate(text):
        if character in _MARKDOWN_ALWAYS:
            escaped.append("\\" + character)
        elif character in _HTML_ENTITIES:
            escaped.append(_HTML_ENTITIES[character])
        elif character == "_" and not (
            0 < position < len(text) - 1
            and text[position - 1].isalnum() and text[position + 1].isalnum()
        ):
            escaped.append("\\_")
        elif character in "-+=" and position == start:
            escaped.append("\\" + character)
        else:
            escaped.append(character)
    escaped_text = "".join(escaped)
    # a value that starts a line must not start a numbered list: "1. " or "1) "
    number = _LIST_NUMBER.match(escaped_text, start)
    if number:
        escaped_text = (f"{escaped_text[:start]}{number[1]}\\{number[2]}"
                        f"{escaped_text[number.end():]}")
    return shown(escaped_text)


def _is_text(value) -> bool:
    """Whether a value printed into a write-up is text (escaped) rather than a figure, a
    date or a flag (printed as it is)."""
    return isinstance(value, (str, list, tuple, dict, set)) and not isinstance(value, Markup)


def _markdown_value(value) -> str:
    """How the Markdown templates print any value (the environment's finalize): text
    escaped by markdown_text; Markup (figures, names from the parties file, what a macro
    or markdown_table made of escaped values) as it is."""
    if isinstance(value, Markup):
        return value
    return markdown_text(value) if _is_text(value) else str(value)


def _shown_value(value):
    """How the other templates print any value: control characters shown (the HTML
    report escapes the rest itself)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value)
    return value


def _code(text: str) -> Markup:
    """Text for a fenced code block: printed as it is, but never a line that could close
    the fence (the SQL spells its names with _sql_text, so no name starts a line)."""
    for line in str(text).splitlines():
        if re.match(r" {0,3}(`{3,}|~{3,})", line) or _CONTROL.search(line):
            raise ValueError(f"a line of code would end its Markdown code block: {line!r}")
    return Markup(text)


class _MarkdownContext(jinja2.runtime.Context):
    """A Markdown template's context: what a macro returns was escaped as the macro
    printed it, so it is not escaped again where the macro is called."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (jinja2's own signature)
        result = super().call(__obj, *args, **kwargs)
        if isinstance(__obj, jinja2.runtime.Macro) and isinstance(result, str):
            return Markup(result)
        return result


# ---------------------------------------------------------------- reading the warehouse


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence = ()) -> list[dict]:
    cursor = connection.execute(sql, list(params))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _result(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    cursor = connection.execute(sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


def _sql_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR / "sql"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def reproduction_queries(
    connection: duckdb.DuckDBPyConnection, summary: dict, examples: list[dict]
) -> list[dict]:
    """The SQL the engineer's email shows, each run here so the email prints its result.
    Every query reads the marts: the replays are the ones recon_load_hypotheses scored,
    so the dedup rule is written once, in the models."""
    env = _sql_environment()
    queries: list[dict] = []
    # a replay scores a row the load altered as the file's row it is
    altered = summary["files_with_altered_values"]
    as_altered = (" A row of " + _names([a["source_file"] for a in altered]) + " held with altered"
                  " values counts as the file's row it is." if altered else "")

    def add(key: str, template: str, shows_result: bool = True, **variables) -> None:
        if "comment" in variables:
            lines = textwrap.wrap(variables["comment"], 86, break_on_hyphens=False)
            variables["comment"] = "\n-- ".join(lines)
        sql = env.get_template(template).render(**variables).strip()
        columns, rows = _result(connection, sql)
        queries.append(
            {"key": key, "sql": sql, "columns": columns, "rows": rows, "shows_result": shows_result}
        )

    add("totals", "totals.sql")
    add(
        "replay_all_files",
        "replay.sql",
        comment="The platform's rule (largest batch_id per user) replayed on every delta file"
        " and compared with the platform's table, user by user." + as_altered,
        condition="hypothesis_kind = 'all_files_loaded'",
    )
    add("newest_rows_by_file", "newest_rows_by_file.sql")
    if summary["hypothesis_kind"] != "all_files_loaded":
        add(
            "replay_best_hypothesis",
            "replay.sql",
            comment="The load replayed as the best hypothesis has it and compared with the"
            " platform's table, user by user." + as_altered,
            condition="hypothesis_rank = 1",
        )
    if summary["cause"] != "consistent":
        add("mismatches_by_file", "mismatches_by_file.sql", mart=example_mart(summary))
    if examples:
        add(
            "examples",
            "examples.sql",
            shows_result=False,
            mart=example_mart(summary),
            user_ids=", ".join(str(e["user_id"]) for e in examples),
        )
    return queries


def _sql_text(value: str) -> str:
    """A file name as a SQL string literal (quotes doubled), as macros/io/text_literal does;
    a control character (a line break, say) spelled chr(n) beside it, so that the SQL an
    email prints in a code block keeps each name on its line, as it is."""
    parts = []
    for piece in re.split(f"({_CONTROL.pattern})", value):
        if _CONTROL.fullmatch(piece):
            parts.append(f"chr({ord(piece)})")
        elif piece or not parts:
            parts.append("'" + piece.replace("'", "''") + "'")
    return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def raw_files_query(connection: duckdb.DuckDBPyConnection) -> dict | None:
    """The one query the engineer can run on the files as received, with no warehouse:
    our rule replayed on the delta files against our table, by the file the right row is
    in. Its result, printed under it, is the marts' (recon_platform_vs_rebuilt); a test runs
    the query on the files and checks it returns just that. The files are named as in the
    folder, spelled for DuckDB's readers as the build read them (reader_path: a glob
    character bracketed, so a name is never a pattern)."""
    deltas = _rows(
        connection,
        """
        select entry_name, source_file, reader_path from marts.recon_input_folder_entries
        where input_kind = 'delta' and is_read order by file_position
        """,
    )
    platform = _rows(
        connection,
        "select reader_path from marts.recon_input_folder_entries"
        " where input_kind = 'platform_summary' and is_read",
    )
    if not deltas or len(platform) != 1:
        return None
    sql = _sql_environment().get_template("from_the_raw_files.sql").render(
        delta_files=", ".join(_sql_text(d["entry_name"]) for d in deltas),
        delta_reader_paths=", ".join(_sql_text(os.path.basename(d["reader_path"])) for d in deltas),
        platform_file=_sql_text(os.path.basename(platform[0]["reader_path"])),
    ).strip()
    names = {d["source_file"]: d["entry_name"] for d in deltas}
    order = list(names)
    _, rows = _result(
        connection,
        """
        select
            rebuilt_source_file,
            count(*),
            sum(rebuilt_total_spend - coalesce(platform_total_spend, 0))
        from marts.recon_platform_vs_rebuilt
        where status <> 'match' and rebuilt_source_file is not null
        group by rebuilt_source_file
        """,
    )
    rows = sorted(rows, key=lambda row: order.index(row[0]))
    rows = [(names[file], users, int(spend)) for file, users, spend in rows]
    return {
        "sql": sql,
        "columns": ["newest_row_in", "users_differing", "spend_not_in_our_table"],
        "rows": rows,
        # how much of a screen it takes: its words and its result's cells
        "words": len(sql.split()) + 3 * (len(rows) + 1),
    }


def column_impact(connection: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per value column (batch_id aside), the users whose row in our table differs from the
    one it should hold, and of them how many it shows a larger value for."""
    impact = []
    for column in VALUE_COLUMNS[:3]:
        users, larger = connection.execute(
            f"""
            select
                count(*),
                count(*) filter (where platform_{column} > rebuilt_{column})
            from marts.recon_platform_vs_rebuilt
            where status = 'value_mismatch' and not is_{column}_equal
            """
        ).fetchone()
        impact.append({"column": column, "users": users, "larger": larger})
    return impact


def campaign_cut(connection: duckdb.DuckDBPyConnection) -> dict:
    """For a campaign to the top spenders: the client's customers ranked by what they
    truly spent (the deltas rebuilt; ties by user_id), how many already show the right
    row on the platform, how many from the top are right before the first that is not,
    and a round spend above which every customer is right (two significant figures, up
    from the largest spend among those out of date), with how many spent more. None of
    the last two where every customer is right or none is."""
    cut = _rows(
        connection,
        """
        with ranked as (
            select
                status,
                rebuilt_total_spend,
                row_number() over (order by rebuilt_total_spend desc, user_id) as spend_rank
            from marts.recon_platform_vs_rebuilt
            where rebuilt_total_spend is not null
        )
        select
            count(*) as customers,
            count(*) filter (where status = 'match') as customers_right,
            coalesce(min(spend_rank) filter (where status <> 'match'), count(*) + 1) - 1
                as top_right,
            max(rebuilt_total_spend) filter (where status <> 'match') as highest_spend_wrong
        from ranked
        """,
    )[0]
    highest = cut.pop("highest_spend_wrong")
    cut["spend_above"] = cut["customers_above"] = None
    if highest is not None and cut["customers_right"]:
        step = 10 ** max(len(str(abs(int(highest)))) - 2, 0)
        above = -(-int(highest) // step) * step
        customers_above = connection.execute(
            "select count(*) from marts.recon_platform_vs_rebuilt where rebuilt_total_spend > ?",
            [above]).fetchone()[0]
        if customers_above:
            cut["spend_above"], cut["customers_above"] = above, customers_above
    return cut


def example_mart(summary: dict) -> str:
    """Where the users worth showing are: the platform's errors, or, when the platform is
    right and the client's export is behind, the client's."""
    if summary["cause"] == "client_export_behind":
        return "recon_client_vs_rebuilt"
    return "recon_platform_vs_rebuilt"


def pick_examples(connection: duckdb.DuckDBPyConnection, summary: dict, n: int) -> list[dict]:
    """n mismatched users, spread over the groups of (cause, file that should have won,
    file the held row came from), so each kind of stale row and each source file shows,
    the smallest user_ids first within each, with both rows side by side."""
    mart = example_mart(summary)
    held = "client" if mart == "recon_client_vs_rebuilt" else "platform"
    cause = "cause" if mart == "recon_platform_vs_rebuilt" else "cast(null as varchar)"
    rows = _rows(
        connection,
        f"""
        with ranked as (
            select
                *,
                {cause} as example_cause,
                row_number() over (
                    partition by {cause}, rebuilt_source_file, {held}_source_file
                    order by user_id
                ) as rank_in_group
            from marts.{mart}
            where status <> 'match'
        )
        select * from ranked
        order by
            rank_in_group, example_cause nulls last, rebuilt_source_file nulls last,
            {held}_source_file nulls last, user_id
        limit {int(n)}
        """,
    )
    examples = []
    for row in sorted(rows, key=lambda r: r["user_id"]):
        examples.append(
            {
                "user_id": row["user_id"],
                "status": row["status"],
                "cause": row["example_cause"],
                "differing_columns": row["differing_columns"],
                "spend_difference": row["spend_difference"],
                "held_side": held,
                "held": _side(row, held),
                "should": _side(row, "rebuilt"),
            }
        )
    return examples


def _side(row: dict, side: str) -> dict | None:
    if row[f"{side}_batch_id"] is None:
        return None
    values = {column: row[f"{side}_{column}"] for column in VALUE_COLUMNS}
    values["source_file"] = row[f"{side}_source_file"]
    values["source_line_number"] = row.get(f"{side}_source_line_number")
    return values


def collect(database: Path) -> dict:
    """Every fact the templates use, read from the warehouse of one build."""
    with duckdb.connect(str(database), read_only=True) as connection:
        summary = _rows(connection, "select * from marts.recon_summary")[0]
        files = _rows(connection, "select * from marts.recon_delta_files order by file_position")
        every_hypothesis = _rows(
            connection, "select * from marts.recon_load_hypotheses order by hypothesis_rank")
        hypotheses = every_hypothesis[:HYPOTHESES_SHOWN]
        # per file whose row should have won: where the platform's row came from instead
        # (held_from null: the platform has no row, or one no delta carries)
        held_instead = _rows(
            connection,
            """
            select
                rebuilt_source_file as should_have_won_from,
                case when platform_batch_id is not null then
                    coalesce(platform_source_file, 'no delta file')
                end as held_from,
                count(*) as users
            from marts.recon_platform_vs_rebuilt
            where status <> 'match' and rebuilt_source_file is not null
            group by all
            order by should_have_won_from, held_from nulls last
            """,
        )
        examples = pick_examples(connection, summary, EXAMPLES_SHOWN)
        raw_query = raw_files_query(connection)
        impact = column_impact(connection)
        campaign = campaign_cut(connection)
        input_folder = connection.execute(
            "select min(entry_path) from marts.recon_input_folder_entries"
        ).fetchone()[0]
        queries = reproduction_queries(connection, summary, examples)
        builds = folder_builds(connection, summary["invocation_id"])
        # the files whose rows the platform holds with altered values, each with its first
        # two such rows by line (the file's values beside the platform's)
        altered_files = [f for f in files if f["rows_altered"]]
        for file in altered_files:
            file["altered_examples"] = [
                {"user_id": row["user_id"], "differing_columns": row["differing_columns"],
                 "file": _side(row, "rebuilt"), "held": _side(row, "platform")}
                for row in _rows(
                    connection,
                    """
                    select * from marts.recon_platform_vs_rebuilt
                    where cause = 'altered_values' and rebuilt_source_file = ?
                    order by rebuilt_source_line_number
                    limit 2
                    """,
                    [file["source_file"]],
                )
            ]

    for file in files:
        file["held_instead"] = [
            {"held_from": h["held_from"], "users": h["users"]}
            for h in held_instead
            if h["should_have_won_from"] == file["source_file"]
        ]
    # the files the explanation names: not loaded, then cut short (recon_summary's lists)
    not_loaded = summary["files_not_loaded"] or []
    cut_short = summary["files_partially_loaded"] or []
    named_files = [f for f in files if f["source_file"] in not_loaded + cut_short]
    later_than_client = []
    if summary["client_last_file"]:
        cutoff = next(
            f["file_position"] for f in files if f["source_file"] == summary["client_last_file"]
        )
        later_than_client = [f for f in files if f["file_position"] > cutoff]
    return {
        "summary": summary,
        "replica_folder": replica_folder(input_folder),
        "root_cause": root_cause(summary),
        "files": files,
        "named_files": named_files,
        "not_loaded_files": [f for f in named_files if f["source_file"] in not_loaded],
        "cut_files": [f for f in named_files if f["source_file"] in cut_short],
        "altered_files": altered_files,
        "files_after_client_export": later_than_client,
        "hypotheses": hypotheses,
        "best": hypotheses[0] if hypotheses else None,
        "hypotheses_tried": len(every_hypothesis),
        "platform_fix": platform_at_fault(summary),
        # the hypotheses that tell something apart: the first of each score
        "telling_hypotheses": telling_hypotheses(every_hypothesis)[:HYPOTHESES_SHOWN],
        "examples": examples,
        "raw_query": raw_query,
        "impact": impact,
        "campaign": campaign,
        "queries": {q["key"]: q for q in queries},
        "chart": chart_data(summary, files, campaign),
        "history": history_data(builds, summary),
    }


def folder_builds(connection: duckdb.DuckDBPyConnection, invocation_id: str) -> list[dict]:
    """The builds of the run history that read the input folder this build read, with a
    verdict, oldest first."""
    return _rows(
        connection,
        """
        select
            run_started_at, invocation_id, spend_gap, cause, explained, files_not_loaded,
            files_partially_loaded
        from marts.recon_run_history
        where has_verdict and input_folder in (
            select input_folder from marts.recon_run_history where invocation_id = ?
        )
        order by run_started_at, invocation_id
        """,
        [invocation_id],
    )


def history_data(builds: list[dict], summary: dict, min_builds: int = 2) -> dict | None:
    """The gap at each build of this build's input folder the run history holds
    (recon_run_history), for the chart over builds; None unless it holds min_builds
    builds or more and ends with the build whose marts the rest of the write-up reads (a
    history that does not is not this build's)."""
    if len(builds) < max(min_builds, 1) or builds[-1]["invocation_id"] != summary["invocation_id"]:
        return None
    points = [
        {
            "at": b["run_started_at"].strftime("%Y-%m-%d %H:%M"),
            "spend_gap": int(b["spend_gap"]),
            "cause": b["cause"],
            "cause_words": cause_in_words(
                b["cause"], b["files_not_loaded"], b["files_partially_loaded"]),
            "explained": bool(b["explained"]),
        }
        for b in builds
    ]
    # the newest builds that share the last build's cause: since when it stands
    since = len(points) - 1
    while since and points[since - 1]["cause"] == points[-1]["cause"]:
        since -= 1
    return {"builds": points, "cause_since": points[since]["at"], "cause_since_build": since + 1}


def telling_hypotheses(hypotheses: list[dict]) -> list[dict]:
    """The ranked hypotheses less those that score as an earlier one does: on the data,
    nothing tells them apart from it."""
    seen, kept = set(), []
    for h in hypotheses:
        score = (h["users_right"], h["users_wrong"])
        if score not in seen:
            seen.add(score)
            kept.append(h)
    return kept


def platform_at_fault(summary: dict) -> bool:
    """Whether the platform's load or table is at fault, so that our reload (or a fix to
    the dedup) mends it: files not loaded, cut short or loaded with altered values, the
    last-arriving row kept, users the platform holds in excess or lacks. Every template
    and the client's chart ask this one question the same way."""
    causes = set(summary["cause"].split("+"))
    return bool(summary["files_not_loaded"] or summary["files_partially_loaded"]
                or summary["files_with_altered_values"]
                or causes & {"dedup_rule", "platform_extra_users", "platform_missing_users"})


def cause_in_words(cause: str, files_not_loaded: Sequence | None = None,
                   files_partially_loaded: Sequence | None = None) -> str:
    """recon_summary.cause in words (CAUSE_WORDS), each fault of a combination joined;
    given the files not loaded and cut short, their count agrees with the words ("one
    delta file never loaded", "2 delta files loaded in part")."""
    counted = {}
    if files_not_loaded:
        n = len(files_not_loaded)
        counted["files_not_loaded"] = (
            "one delta file never loaded" if n == 1 else f"{n:,} delta files never loaded")
    if files_partially_loaded:
        n = len(files_partially_loaded)
        counted["file_partially_loaded"] = (
            "a delta file loaded in part" if n == 1 else f"{n:,} delta files loaded in part")
    return ", and ".join(
        counted.get(part) or CAUSE_WORDS.get(part, part) for part in cause.split("+"))


def replica_folder(entry_path: str | None) -> str | None:
    """Where the shipped replica is (seeds/, as the project names it), when the build read
    it, as seeds or as a folder: not the client's files. None for any other folder."""
    if entry_path is None:
        return None
    if Path(entry_path).resolve().parent == (PROJECT_ROOT / "seeds").resolve():
        return "seeds/"
    return None


# ---------------------------------------------------------------- the chart


def chart_data(summary: dict, files: list[dict], campaign: dict) -> dict:
    """Every figure the two charts draw, each one of the marts': the three totals and the
    gap (recon_summary), what explains it, and per delta file the five parts of its spend
    (recon_delta_files): its newest rows on the platform, its newest rows the platform
    holds with altered values, its newest rows missing from it, its older rows the
    platform still holds in their place, and its older rows replaced as they should be,
    and the part of the gap that is the file's. The parts add up to each file's spend; the
    platform's parts (the altered rows at their altered spend), with what it holds from no
    delta, to its total. For the client's chart, his customers right and not
    (campaign_cut)."""
    parts = [
        {
            "source_file": f["source_file"],
            "total_spend": int(f["total_spend"]),
            "on_platform": int(f["winning_total_spend_on_platform"]),
            # its newest rows the platform holds with altered values: the file's spend
            # of them, and the platform's
            "altered": int(f["winning_total_spend_altered_on_platform"]),
            "altered_users": int(f["winning_users_altered_on_platform"]),
            "altered_held": int(f["altered_total_spend_held"]),
            "missing": int(f["winning_total_spend_not_on_platform"])
            - int(f["winning_total_spend_altered_on_platform"]),
            "missing_users": int(f["winning_users_not_on_platform"])
            - int(f["winning_users_altered_on_platform"]),
            "stale_held": int(f["stale_total_spend_held"]),
            "stale_users": int(f["stale_rows_held"]),
            "replaced": int(f["total_spend_replaced_as_expected"]),
            "gap": int(f["spend_gap_attributed"]),
        }
        for f in files
    ]
    on_platform = sum(f["on_platform"] for f in parts)
    stale_held = sum(f["stale_held"] for f in parts)
    altered_held = sum(f["altered_held"] for f in parts)
    return {
        "files": parts,
        "on_platform_total": on_platform,
        "stale_held_total": stale_held,
        "missing_total": sum(f["missing"] for f in parts),
        "altered_held_total": altered_held,
        "missing_users_total": sum(f["missing_users"] for f in parts),
        "client_total": int(summary["client_total_spend"]),
        "platform_total": int(summary["platform_total_spend"]),
        "expected_total": int(summary["expected_total_spend"]),
        "spend_gap": int(summary["spend_gap"]),
        "platform_held_from_no_delta": int(summary["platform_total_spend"]) - on_platform
        - stale_held - altered_held,
        "explained_by": explained_by(summary),
        "spend_gap_platform_side": int(summary["spend_gap_platform_side"]),
        # for the client: his customers on the platform, right or not (campaign_cut)
        "customers": campaign["customers"],
        "customers_right": campaign["customers_right"],
        "customers_missing": int(summary["users_missing_from_platform"] or 0),
        # only where the verdict says what to reload does the chart promise the reload
        "reload_corrects": bool(summary["explained"]) and platform_at_fault(summary),
        "spend_above": campaign["spend_above"],
        "customers_above": campaign["customers_above"],
    }


def explained_by(summary: dict) -> list[str]:
    """What explains the gap, one short phrase per fault the verdict names, from
    recon_summary's cause and lists (the engineer's email leads with them); empty where
    nothing explains it."""
    if not summary["explained"]:
        return []
    causes = summary["cause"].split("+")
    phrases = []
    if "summary_duplicate_users" in causes:
        phrases.append(f"{_number(summary['summary_users_listed_twice'], 'user')} listed twice"
                       " in a summary")
    if "batch_id_tie" in causes:
        phrases.append(f"{_number(summary['users_with_batch_id_ties'], 'user')} with two rows"
                       " on the same largest batch_id")
    if "delta_file_missing" in causes:
        phrases.append(f"{_number(summary['users_from_a_missing_delta_file'], 'user')} from a"
                       " delta file not in the folder")
    if "files_not_loaded" in causes:
        phrases.append(f"{_names(summary['files_not_loaded'])} never loaded")
    words = environment().get_template("_words.j2").module
    if "file_partially_loaded" in causes:
        cuts = zip(summary["files_partially_loaded"], summary["cut_after_lines"], strict=True)
        phrases += [f"{file} loaded {words.partial_load(file, line, summary['lines_missing'])}"
                    for file, line in cuts]
    if "altered_values" in causes:
        phrases += [f"{a['source_file']} loaded with {words.alteration(a)}"
                    for a in summary["files_with_altered_values"]]
    if "dedup_rule" in causes:
        phrases.append("each user's last-arriving row kept, not the newest")
    if "client_export_behind" in causes:
        phrases.append(
            f"the client's export reflects the deltas only up to {summary['client_last_file']}"
        )
    if "platform_extra_users" in causes:
        phrases.append(f"{_number(summary['users_extra_on_platform'], 'user')} on the platform in no delta")
    if "platform_missing_users" in causes:
        phrases.append(f"{_number(summary['users_missing_from_platform'], 'user')} missing from the platform")
    return phrases


def _chart_style(pyplot) -> None:
    # Fixed style: the output depends on the data and the pinned matplotlib only.
    pyplot.rcdefaults()
    pyplot.rcParams.update(
        {
            "font.family": "DejaVu Sans",  # bundled with matplotlib
            "font.size": 10,
            "svg.fonttype": "none",
            "svg.hashsalt": "recon",
            # every text is drawn as written: a '$' in a file or party name is not
            # mathtext (a name like 'delta3 $\\foo$' would stop the drawing)
            "text.parse_math": False,
        }
    )


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    _chart_style(pyplot)
    return pyplot


def _money(symbol: str, value: int) -> str:
    return f"-{symbol}{-value:,}" if value < 0 else f"{symbol}{value:,}"


def _round_money(symbol: str, value: float) -> str:
    """An axis tick: $0, $500k, $2M, $2.5M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{symbol}{value / size:,.1f}".rstrip("0").rstrip(".") + suffix
    return _money(symbol, int(value))


def _customers_figure(data: dict, parties: dict):
    """For the client: how many of his customers the platform already shows right and
    how many are out of date (or missing), in his words; where every customer who spent
    more than a round amount is right, that too."""
    pyplot = _pyplot()
    money = lambda value: _money(parties["currency_symbol"], value)  # noqa: E731
    customers, right = data["customers"], data["customers_right"]
    wrong = customers - right
    not_right = "out of date or missing" if data["customers_missing"] else "out of date"
    figure, axes = pyplot.subplots(figsize=(9, 1.7), dpi=110, layout="constrained")
    parts = [(right, f"{_number(right)} right", "#2e7d32"), (wrong, f"{_number(wrong)} {not_right}", "#ef6c00")]
    left = 0
    for value, label, colour in parts:
        if value:
            axes.barh([0], [value], left=left, color=colour, height=0.6)
            if value >= 0.2 * customers:  # room for the label inside the part
                axes.text(left + value / 2, 0, label, va="center", ha="center", fontsize=10.5,
                          color="white", fontweight="bold")
            else:  # above the part's end, in its colour
                axes.text(left + value, 0.36, label, va="bottom", ha="right", fontsize=10.5,
                          color=colour, fontweight="bold")
            left += value
    axes.set_xlim(0, max(customers, 1))
    axes.set_ylim(-0.4, 0.75)
    axes.set_yticks([])
    axes.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)
    platform = parties["platform_short_name"]
    if wrong:
        title = f"{_number(wrong)} of your {_number(customers, 'customer')} {_plural(wrong, 'is', 'are')} {not_right} on {platform}"
        note = (f"Our reload corrects the {_number(wrong)}." if data["reload_corrects"]
                else f"We are finding out why the {_number(wrong)} differ.")
        if data["spend_above"]:
            note = (f"Everyone who spent more than {money(data['spend_above'])} is among the"
                    f" {_number(right)} who are right. " + note)
    else:
        title = f"All {_number(customers, 'customer')} of yours are right on {platform}"
        note = "Each shows the latest figures in the files you sent."
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    axes.set_title(note, loc="left", fontsize=9.5, color="#37474f")
    return figure, pyplot


def _files_figure(data: dict, parties: dict):
    """For the engineer: each delta file's spend in five parts (see chart_data)."""
    pyplot = _pyplot()
    from matplotlib.ticker import FuncFormatter

    symbol = parties["currency_symbol"]
    files = data["files"]
    layers = [
        ("on_platform", "newest rows, on the platform", "#2e7d32"),
        # drawn only where the platform holds some with altered values
        *([("altered", "newest rows, on the platform with altered values", "#7b1fa2")]
          if any(f["altered"] for f in files) else []),
        ("missing", "newest rows, missing from the platform", "#d32f2f"),
        ("stale_held", "older rows the platform still holds instead", "#ef6c00"),
        ("replaced", "older rows, replaced by a newer one (as they should be)", "#cfd8dc"),
    ]
    widest = max([f["total_spend"] for f in files] + [1])
    figure, axes = pyplot.subplots(figsize=(9, 2.6 + 0.5 * len(files)), dpi=110, layout="constrained")
    positions = list(range(len(files)))
    left = [0] * len(files)
    for key, label, colour in layers:
        values = [f[key] for f in files]
        axes.barh(positions, values, left=left, color=colour, label=label)
        left = [a + b for a, b in zip(left, values)]
    # each file's total at its bar's end, then the parts in red and orange, every one
    for position, file in zip(positions, files):
        notes = [(_money(symbol, file["total_spend"]), "#455a64")]
        if file["missing"]:
            notes.append((f"{_money(symbol, file['missing'])} missing"
                          f" ({_number(file['missing_users'], 'user')})", "#b71c1c"))
        if file["altered"]:
            notes.append((f"{_money(symbol, file['altered'])} altered"
                          f" ({_number(file['altered_users'], 'user')})", "#6a1b9a"))
        if file["stale_held"]:
            notes.append((f"{_money(symbol, file['stale_held'])} stale"
                          f" ({_number(file['stale_users'], 'user')})", "#e65100"))
        if file["gap"]:
            notes.append((f"gap {_money(symbol, file['gap'])}", "#000000", "bold"))
        x = file["total_spend"] + widest * 0.01
        text = axes.text(x, position, notes[0][0], va="center", ha="left", fontsize=8.5, color=notes[0][1])
        for note, colour, *weight in notes[1:]:
            text = axes.annotate(
                note, xycoords=text, xy=(1, 0), xytext=(6, 0), textcoords="offset points",
                va="bottom", ha="left", fontsize=8.5, color=colour, fontweight=(weight or ["normal"])[0],
            )
    axes.set_yticks(positions, [shown(f["source_file"]) for f in files])
    axes.invert_yaxis()
    axes.set_xlim(0, widest * 1.02)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _round_money(symbol, x)))
    axes.set_xlabel("total spend in the file")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    on_platform, stale, missing = data["on_platform_total"], data["stale_held_total"], data["missing_total"]
    gap = data["spend_gap_platform_side"]
    figure.suptitle(
        f"Spend per delta file, and where our table's {_money(symbol, abs(gap))}"
        f" {'shortfall' if gap > 0 else 'excess'} comes from" if gap else
        "Spend per delta file: our table holds what it should",
        x=0.01, ha="left", fontsize=12, fontweight="bold",
    )
    held = (
        f"Our table ({_money(symbol, data['platform_total'])}) = newest rows held"
        f" {_money(symbol, on_platform)} + older rows held {_money(symbol, stale)}"
    )
    if data["altered_held_total"]:
        held += f" + newest rows held altered {_money(symbol, data['altered_held_total'])}"
    if data["platform_held_from_no_delta"]:
        held += f" + rows in no delta file {_money(symbol, data['platform_held_from_no_delta'])}"
    axes.set_title(
        f"{held}.\nNewest rows missing from it: {_money(symbol, missing)}.",
        loc="left", fontsize=9.5, color="#37474f",
    )
    figure.legend(loc="outside lower center", ncols=2, fontsize=8.5, frameon=False)
    return figure, pyplot


def _history_figure(data: dict, parties: dict):
    """The gap at each build of the run history, a point per build, each change of cause
    named where it happens."""
    pyplot = _pyplot()
    from matplotlib.ticker import FuncFormatter

    symbol = parties["currency_symbol"]
    builds = data["builds"]
    positions = list(range(1, len(builds) + 1))
    gaps = [b["spend_gap"] for b in builds]
    figure, axes = pyplot.subplots(figsize=(9, 3.6), dpi=110, layout="constrained")
    axes.plot(positions, gaps, color="#90a4ae", linewidth=1.5, zorder=1)
    axes.scatter(positions, gaps, zorder=2, s=36,
                 color=["#2e7d32" if gap == 0 else "#d32f2f" for gap in gaps])
    axes.axhline(0, color="#cfd8dc", linewidth=1, zorder=0)
    previous = None
    for position, build in zip(positions, builds):
        if build["cause"] != previous:
            label = build["cause_words"]
            if not build["explained"] and build["cause"] != "unexplained":
                label += " (not explained)"
            axes.annotate(label, xy=(position, build["spend_gap"]), xytext=(4, 8),
                          textcoords="offset points", fontsize=8.5, color="#37474f")
            previous = build["cause"]
    axes.set_xticks(positions, [b["at"] for b in builds], rotation=30, ha="right", fontsize=8)
    axes.set_xlim(0.5, len(builds) + 1.5)
    low, high = min(gaps + [0]), max(gaps + [0])
    margin = (high - low) * 0.15 or 1
    axes.set_ylim(low - margin, high + margin)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _money(symbol, int(y))))
    axes.set_ylabel(f"gap, client minus platform ({symbol})")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(builds) == 1:
        title = f"The gap at the one build of this folder so far, {builds[0]['at']}"
    else:
        title = f"The gap at each of the {len(builds)} builds, from {builds[0]['at']} to {builds[-1]['at']}"
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    now = builds[-1]
    axes.set_title(
        f"Now {_money(symbol, now['spend_gap'])}: {now['cause_words']},"
        f" since build {data['cause_since_build']} ({data['cause_since']}).",
        loc="left", fontsize=9.5, color="#37474f",
    )
    return figure, pyplot


CHARTS = {CHART_PNG: _files_figure, CUSTOMERS_CHART_PNG: _customers_figure}


def draw_chart(data: dict, parties: dict, fmt: str, name: str = CHART_PNG) -> bytes:
    """One chart (CHARTS, or the history's) as PNG bytes (with the data in a text chunk)
    or as SVG text."""
    figure, pyplot = (_history_figure if name == HISTORY_CHART_PNG else CHARTS[name])(data, parties)
    buffer = io.BytesIO()
    if fmt == "png":
        metadata = {"Software": None, CHART_DATA_KEY: json.dumps(data, sort_keys=True)}
    else:
        metadata = {"Date": None, "Creator": None}
    # the notes beside the bars may run past the axes, which end at the longest bar
    figure.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight", pad_inches=0.15)
    pyplot.close(figure)
    return buffer.getvalue()


def read_chart_data(png: Path) -> dict:
    """The data a chart PNG written by :func:`draw_chart` was drawn from."""
    from PIL import Image

    with Image.open(png) as image:
        return json.loads(image.text[CHART_DATA_KEY])


# ---------------------------------------------------------------- rendering


class PartiesError(ValueError):
    """A --parties file that cannot be used: its message says why, in one line."""


def load_parties(path: Path | None = None) -> dict:
    """The names the emails use: parties.yml, with the keys of `path` (if given) over it.
    A key given no value there keeps parties.yml's; a number is a name as written. A file
    that cannot be read, is not YAML, or is not a mapping of names is a PartiesError."""
    parties = yaml.safe_load(PARTIES_FILE.read_text())
    if path is None:
        return parties
    where = f"--parties {shown(str(path))}"
    try:
        given = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PartiesError(f"{where}: cannot be read ({shown(str(error))}).") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "not YAML"
        raise PartiesError(f"{where}: not YAML{at} ({problem}); give a mapping of names"
                           " such as 'client_name: Acme'.") from None
    if given is None:
        return parties
    if not isinstance(given, dict):
        raise PartiesError(f"{where}: a YAML {type(given).__name__}, not a mapping of names;"
                           " give one such as 'client_name: Acme'.")
    for key, value in given.items():
        if value is None:
            continue  # no value: parties.yml's
        if isinstance(value, (dict, list)):
            raise PartiesError(f"{where}: {shown(str(key))} is a {type(value).__name__}, not a"
                               " name; give it as text.")
        parties[str(key)] = value if isinstance(value, str) else str(value)
    return parties


def _possessive(name: str) -> str:
    text = str(name) + ("'" if str(name).endswith("s") else "'s")
    return Markup(text) if isinstance(name, Markup) else text


def _number(value, singular: str | None = None, plural: str | None = None) -> str:
    """An integer with thousands separators; with a noun, the noun after it, in the
    singular for 1 and the plural otherwise (plural: singular + 's' unless given)."""
    figure = f"{int(value):,}"
    return f"{figure} {_plural(value, singular, plural)}" if singular else figure


def _percent(part, whole) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def _names(values: Sequence[str], conjunction: str = "and") -> str:
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + f" {conjunction} " + values[-1]


def _plural(count, singular: str, plural: str | None = None) -> str:
    return singular if int(count) == 1 else (plural or singular + "s")


def _all_of(count, singular: str, plural: str | None = None) -> str:
    """'all 5 deltas', or 'the 1 delta' when there is one."""
    return ("the " if int(count) == 1 else "all ") + _number(count, singular, plural)


def _markdown_table(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        # text (a file name, say) escaped, '|' among the rest; a figure as it is
        return markdown_text(value) if _is_text(value) else str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _trusted(function):
    """A helper whose result a Markdown template prints as it is: a figure, or words the
    template itself gives."""
    return lambda *args, **kwargs: Markup(function(*args, **kwargs))


def environment(markdown: bool = False, html: bool = False) -> jinja2.Environment:
    """The templates' environment. The HTML report's (html=True) escapes what every
    template prints, the macros it imports too (autoescape); the Markdown emails
    (markdown=True) print every value through _markdown_value, so that text from the
    input is escaped wherever it lands and only figures, the parties' names and the
    templates' own words are printed as they are; the plain one (the root cause's words)
    escapes nothing. All show control characters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=html,
        finalize=_markdown_value if markdown else _shown_value,
    )
    env.filters.update(
        n=_number,
        possessive=_possessive,
        names=_names,
        markdown_table=_markdown_table,
        cause_words=cause_in_words,
        status_words=lambda status: STATUS_WORDS.get(status, status),
    )
    env.globals.update(percent=_percent, plural=_plural, all_n=_all_of)
    if markdown:
        env.context_class = _MarkdownContext
        env.filters.update(
            n=_trusted(_number),
            markdown_table=_trusted(_markdown_table),
            cause_words=_trusted(cause_in_words),
            status_words=_trusted(env.filters["status_words"]),
            code=_code,
        )
        env.globals.update(percent=_trusted(_percent), plural=_trusted(_plural),
                           all_n=_trusted(_all_of))
    return env


def root_cause(summary: dict) -> str:
    """The root cause in a few sentences, worded by recon/templates/root_cause.txt.j2 from
    recon_summary's row: the one place the finding is put in words (the command line's
    summary, the emails and the HTML report all use it)."""
    text = environment().get_template(ROOT_CAUSE).render(s=summary)
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one newline at the end."""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render(facts: dict, parties: dict) -> dict[str, str]:
    """The emails and the HTML report as text, by output file name."""
    env = environment(html=True)
    svgs = {}
    for name in CHARTS:
        svg = draw_chart(facts["chart"], parties, "svg", name).decode()
        # the SVG goes inline into the page: drop its XML prolog and doctype
        svgs[name] = svg[svg.index("<svg") :]
    if facts["history"]:
        svg = draw_chart(facts["history"], parties, "svg", HISTORY_CHART_PNG).decode()
        svgs[HISTORY_CHART_PNG] = svg[svg.index("<svg") :]
    context = {
        **facts,
        "p": parties,
        # an amount in the parties' currency, its sign before the symbol
        "money": lambda value: _money(parties["currency_symbol"], int(value)),
        "chart_svg": svgs[CHART_PNG],
        "customers_chart_svg": svgs[CUSTOMERS_CHART_PNG],
        "history_chart_svg": svgs.get(HISTORY_CHART_PNG),
        "history_chart_png": HISTORY_CHART_PNG,
        "chart_png": CHART_PNG,
        "customers_chart_png": CUSTOMERS_CHART_PNG,
        "engineer_email": ENGINEER_EMAIL,
        "evidence": EVIDENCE,
        "client_email": CLIENT_EMAIL,
    }
    # the Markdown emails print the parties' names and the amounts as they are (they are
    # the project's words, not the input's), everything else escaped (environment)
    markdown_context = {
        **context,
        "p": {key: Markup(value) if isinstance(value, str) else value
              for key, value in parties.items()},
        "money": _trusted(context["money"]),
    }
    markdown_env = environment(markdown=True)
    return {
        name: _tidy(
            markdown_env.get_template(template).render(**markdown_context)
            if template.endswith(".md.j2")
            else env.get_template(template).render(**context))
        for name, template in TEXT_OUTPUTS.items()
    }


class WriteUpFailed(Exception):
    """A write-up that stopped midway; the earlier write-up was removed from its folder."""


def remove_write_up(out_dir: Path) -> list[Path]:
    """Remove every file of a write-up from out_dir (WRITE_UP_FILES and the optional
    ones); returns those it removed."""
    removed = [out_dir / name for name in (*WRITE_UP_FILES, *OPTIONAL_WRITE_UP_FILES)
               if (out_dir / name).is_file()]
    for path in removed:
        path.unlink()
    return removed


def write_reports(
    database: Path, out_dir: Path, parties_file: Path | None = None, with_history: bool = True
) -> list[Path]:
    """Render everything from the warehouse into out_dir; returns the files written.
    Without history, the chart over builds is left out whatever the run history holds.
    Everything is rendered before anything is written; when any of it fails, no file of
    a write-up is left in out_dir (the earlier one would show a verdict that is not this
    one) and WriteUpFailed says why."""
    parties = load_parties(parties_file)
    try:
        facts = collect(database)
        if not with_history:
            facts["history"] = None
        outputs = {name: text.encode() for name, text in render(facts, parties).items()}
        for name in CHARTS:
            outputs[name] = draw_chart(facts["chart"], parties, "png", name)
        if facts["history"]:
            outputs[HISTORY_CHART_PNG] = draw_chart(
                facts["history"], parties, "png", HISTORY_CHART_PNG)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / HISTORY_CHART_PNG).unlink(missing_ok=True)
        written = []
        for name, content in outputs.items():
            (out_dir / name).write_bytes(content)
            written.append(out_dir / name)
    except Exception as error:  # noqa: BLE001 (any failure: no earlier write-up is left)
        removed = remove_write_up(out_dir) if out_dir.is_dir() else []
        message = " ".join(str(error).split()) or "no message"
        if len(message) > 300:
            message = message[:299] + "…"
        raise WriteUpFailed(
            f"The write-up failed ({type(error).__name__}: {shown(message)})."
            + (f" Removed the earlier write-up from {shown(os.path.relpath(out_dir))}."
               if removed else "")) from error
    return written


def write_docs_history_chart(database: Path, out: Path, parties_file: Path | None = None) -> Path | None:
    """The chart over builds for the docs site's front page (models/_docs.md shows
    assets/spend_gap_over_builds.png beside the site): from the first build of the folder
    on, one point per build. None, and any earlier chart removed, when the warehouse holds
    no verdict of its last build's."""
    with duckdb.connect(str(database), read_only=True) as connection:
        summary = _rows(connection, "select * from marts.recon_summary")[0]
        data = history_data(folder_builds(connection, summary["invocation_id"]), summary, min_builds=1)
    if data is None:
        out.unlink(missing_ok=True)
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(draw_chart(data, load_parties(parties_file), "png", HISTORY_CHART_PNG))
    return out


def default_database() -> Path:
    return Path(os.environ.get("DBT_DUCKDB_PATH", PROJECT_DIR / "target" / "reconcile.duckdb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m recon.report", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", type=Path, default=default_database())
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "target" / "reports")
    parser.add_argument(
        "--parties", type=Path, help="YAML of names over recon/templates/parties.yml"
    )
    args = parser.parse_args(argv)
    try:
        written = write_reports(args.database, args.out, args.parties)
    except PartiesError as error:
        print(error, file=sys.stderr)
        return 2
    except WriteUpFailed as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
