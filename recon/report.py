"""Write up the findings: two emails, an HTML report and a chart, all from the warehouse.

    python -m recon.report [--database FILE] [--out DIR] [--parties FILE]

Everything about the data comes from the marts of the last build: :func:`collect` reads
them (and runs the reproduction queries the engineer's email shows, so each result printed
is what a reader gets), :func:`render` fills the Jinja2 templates in ``recon/templates/``,
which choose their wording by ``recon_summary.cause``, and :func:`write_reports` writes

* ``email_to_platform_engineer.md``: root cause, figures, examples, SQL, fix, prevention;
* ``reply_to_client.md``: the same finding in plain words for the client;
* ``reconciliation_report.html``: the figures and the chart, one self-contained page;
* ``spend_by_delta_file.png``: the chart, for the emails to attach.

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

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
PARTIES_FILE = TEMPLATE_DIR / "parties.yml"

ENGINEER_EMAIL = "email_to_platform_engineer.md"
CLIENT_EMAIL = "reply_to_client.md"
HTML_REPORT = "reconciliation_report.html"
ROOT_CAUSE = "root_cause.txt.j2"
CHART_PNG = "spend_by_delta_file.png"
TEXT_OUTPUTS = {
    ENGINEER_EMAIL: "email_to_platform_engineer.md.j2",
    CLIENT_EMAIL: "reply_to_client.md.j2",
    HTML_REPORT: "reconciliation_report.html.j2",
}
# Every file write_reports writes.
WRITE_UP_FILES = (*TEXT_OUTPUTS, CHART_PNG)
# The key of the PNG text chunk that carries the data the chart was drawn from.
CHART_DATA_KEY = "Description"

EXAMPLES_SHOWN = 6
HYPOTHESES_SHOWN = 5
VALUE_COLUMNS = ("total_spend", "count_saved_items", "loyalty_credits", "batch_id")



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
        " and compared with the platform's table, user by user.",
        condition="hypothesis_kind = 'all_files_loaded'",
    )
    add("newest_rows_by_file", "newest_rows_by_file.sql")
    if summary["hypothesis_kind"] != "all_files_loaded":
        add(
            "replay_best_hypothesis",
            "replay.sql",
            comment="The load replayed as the best hypothesis has it and compared with the"
            " platform's table, user by user.",
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


def example_mart(summary: dict) -> str:
    """Where the users worth showing are: the platform's errors, or, when the platform is
    right and the client's export is behind, the client's."""
    if summary["cause"] == "client_export_behind":
        return "recon_client_vs_rebuilt"
    return "recon_platform_vs_rebuilt"


def pick_examples(connection: duckdb.DuckDBPyConnection, summary: dict, n: int) -> list[dict]:
    """n mismatched users, spread over the (cause, file that should have won) groups and
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
                    partition by {cause}, rebuilt_source_file order by user_id
                ) as rank_in_group
            from marts.{mart}
            where status <> 'match'
        )
        select * from ranked
        order by rank_in_group, example_cause nulls last, rebuilt_source_file nulls last, user_id
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
        hypotheses = _rows(
            connection,
            "select * from marts.recon_load_hypotheses order by hypothesis_rank limit ?",
            [HYPOTHESES_SHOWN],
        )
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
        queries = reproduction_queries(connection, summary, examples)

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
        "root_cause": root_cause(summary),
        "files": files,
        "named_files": named_files,
        "not_loaded_files": [f for f in named_files if f["source_file"] in not_loaded],
        "cut_files": [f for f in named_files if f["source_file"] in cut_short],
        "files_after_client_export": later_than_client,
        "hypotheses": hypotheses,
        "best": hypotheses[0] if hypotheses else None,
        "hypothesis_rows": [
            [h["hypothesis_rank"], h["hypothesis"], h["users_right"], h["users_wrong"]]
            for h in hypotheses
        ],
        "examples": examples,
        "queries": {q["key"]: q for q in queries},
        "chart": chart_data(summary, files),
    }


# ---------------------------------------------------------------- the chart


def chart_data(summary: dict, files: list[dict]) -> dict:
    """What the chart draws, per delta file: the spend it carries, the part of it in rows
    that should win (newest per user), and the part of that on the platform."""
    return {
        "files": [
            {
                "source_file": f["source_file"],
                "total_spend": int(f["total_spend"]),
                "winning_total_spend": int(f["winning_total_spend"]),
                "winning_total_spend_on_platform": int(f["winning_total_spend_on_platform"]),
                "missing_users": int(f["winning_users_not_on_platform"]),
            }
            for f in files
        ],
        "spend_gap": int(summary["spend_gap"]),
    }


def _chart_figure(data: dict, parties: dict):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import FuncFormatter

    # Fixed style: the output depends on the data and the pinned matplotlib only.
    pyplot.rcdefaults()
    pyplot.rcParams.update(
        {
            "font.family": "DejaVu Sans",  # bundled with matplotlib
            "font.size": 10,
            "svg.fonttype": "none",
            "svg.hashsalt": "recon",
            "hatch.linewidth": 0.8,
        }
    )
    files = data["files"]
    names = [f["source_file"] for f in files]
    on_platform = [f["winning_total_spend_on_platform"] for f in files]
    missing = [f["winning_total_spend"] - f["winning_total_spend_on_platform"] for f in files]
    superseded = [f["total_spend"] - f["winning_total_spend"] for f in files]
    widest = max([f["total_spend"] for f in files] + [1])

    figure, axes = pyplot.subplots(
        figsize=(9, 2.3 + 0.5 * len(files)), dpi=110, layout="constrained"
    )
    positions = list(range(len(files)))
    axes.barh(positions, on_platform, color="#2e7d32", label="on the platform")
    axes.barh(
        positions, missing, left=on_platform, color="#d32f2f",
        label="should be on the platform, is not",
    )
    axes.barh(
        positions,
        superseded,
        left=[a + b for a, b in zip(on_platform, missing)],
        color="#cfd8dc",
        label="replaced by a later file (as it should be)",
    )
    narrow = widest * 0.15  # a missing part too short to hold its label
    room = 1.16
    for position, file in zip(positions, files):
        gone = file["winning_total_spend"] - file["winning_total_spend_on_platform"]
        label, colour = f"{file['total_spend']:,}", "#455a64"
        if 0 < gone < narrow:
            label += f"   {gone:,} missing ({file['missing_users']:,} users)"
            colour, room = "#b71c1c", 1.6
        axes.text(
            file["total_spend"] + widest * 0.01, position, label,
            va="center", ha="left", fontsize=9, color=colour,
        )
        if gone >= narrow:
            axes.text(
                file["winning_total_spend_on_platform"] + gone / 2, position,
                f"{gone:,} missing\n{file['missing_users']:,} users",
                va="center", ha="center", fontsize=8.5, color="#ffffff", fontweight="bold",
            )
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlim(0, widest * room)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    axes.set_xlabel(f"total_spend in the file ({parties['currency_symbol']})")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    total_missing = sum(missing)
    users_missing = sum(f["missing_users"] for f in files)
    figure.suptitle(
        f"Spend per delta file: what {_possessive(parties['client_name'])} deltas carry"
        f" vs what reached {parties['platform_short_name']}",
        x=0.01, ha="left", fontsize=12, fontweight="bold",
    )
    if total_missing:
        subtitle = (
            f"Missing from the platform: {total_missing:,} of spend in the rows that should"
            f" have won ({users_missing:,} users).\nNet of the rows it holds for those users"
            f" instead, the gap is {data['spend_gap']:,}."
        )
    else:
        subtitle = "Every row that should have won is on the platform."
    axes.set_title(
        subtitle, loc="left", fontsize=9.5, color="#b71c1c" if total_missing else "#2e7d32"
    )
    figure.legend(loc="outside lower center", ncols=3, fontsize=8.5, frameon=False)
    return figure, pyplot


def draw_chart(data: dict, parties: dict, fmt: str) -> bytes:
    """The chart as PNG bytes (with its data in a text chunk) or as SVG text."""
    figure, pyplot = _chart_figure(data, parties)
    buffer = io.BytesIO()
    if fmt == "png":
        metadata = {"Software": None, CHART_DATA_KEY: json.dumps(data, sort_keys=True)}
    else:
        metadata = {"Date": None, "Creator": None}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    pyplot.close(figure)
    return buffer.getvalue()


def read_chart_data(png: Path) -> dict:
    """The data a chart PNG written by :func:`draw_chart` was drawn from."""
    from PIL import Image

    with Image.open(png) as image:
        return json.loads(image.text[CHART_DATA_KEY])


# ---------------------------------------------------------------- rendering


def load_parties(path: Path | None = None) -> dict:
    """The names the emails use: parties.yml, with the keys of `path` (if given) over it."""
    parties = yaml.safe_load(PARTIES_FILE.read_text())
    if path is not None:
        parties.update(yaml.safe_load(Path(path).read_text()) or {})
    return parties


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def _number(value) -> str:
    return f"{int(value):,}"


def _percent(part, whole) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def _names(values: Sequence[str], conjunction: str = "and") -> str:
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + f" {conjunction} " + values[-1]


def _plural(count, singular: str, plural: str | None = None) -> str:
    return singular if int(count) == 1 else (plural or singular + "s")


def _markdown_table(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=jinja2.select_autoescape(["html.j2"]),
    )
    env.filters.update(
        n=_number,
        possessive=_possessive,
        names=_names,
        markdown_table=_markdown_table,
    )
    env.globals.update(percent=_percent, plural=_plural)
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
    env = environment()
    svg = draw_chart(facts["chart"], parties, "svg").decode()
    # the SVG goes inline into the page: drop its XML prolog and doctype
    svg = svg[svg.index("<svg") :]
    context = {
        **facts,
        "p": parties,
        "chart_svg": svg,
        "chart_png": CHART_PNG,
        "engineer_email": ENGINEER_EMAIL,
        "client_email": CLIENT_EMAIL,
    }
    return {
        name: _tidy(env.get_template(template).render(**context))
        for name, template in TEXT_OUTPUTS.items()
    }


def write_reports(database: Path, out_dir: Path, parties_file: Path | None = None) -> list[Path]:
    """Render everything from the warehouse into out_dir; returns the files written."""
    parties = load_parties(parties_file)
    facts = collect(database)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(facts, parties).items():
        path = out_dir / name
        path.write_text(text)
        written.append(path)
    png = out_dir / CHART_PNG
    png.write_bytes(draw_chart(facts["chart"], parties, "png"))
    written.append(png)
    return written


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
    for path in write_reports(args.database, args.out, args.parties):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
