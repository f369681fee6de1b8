"""Text from the input is shown, never interpreted, wherever the write-up puts it.

File names, the input folder's path and quarantined values come from the client. One
small case is built once, with `python -m recon.cli build` as a person runs it, from a
folder whose path holds `</script><img onerror=...>` and whose delta files are named to
inject Markdown and HTML (a link, bold text, an <img>, a line break, a closing code
fence), to be mathtext (`$\\foo$`), and to reorder the text on screen (a bidi override);
one row holds such text as a value, so it is quarantined. The build must write its
write-up and docs site, and:

* the Markdown emails show every such text escaped (for Markdown and for the HTML their
  renderer passes), on one line, and the SQL they print still runs on the files;
* the HTML report shows control characters escaped;
* the docs site's inlined JSON cannot end its <script>;
* the charts draw '$' as a character, for a file name or a party name;
* a write-up that fails midway leaves none of the earlier one behind;
* counts agree with their nouns and verbs ("1 user differs"), whatever the cause.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_harness import PROJECT_DIR
from recon import cli as recon_cli
from recon import report
from recon.simulator import Fault, simulate, write_case

# the path holds '</script><img ...>': '/' is the separator, so across two folders
FOLDER_PARTS = ("x<", "script><img src=x onerror=alert(1)>", "in")
LINK = "**Pay at [our new account](https:evil.example)**"
IMG = "<img src=x onerror=alert(1)>"
DELTA_NAMES = {
    1: "delta1 `x` ```\n```sql\x1f\u202eevil.csv",
    2: f"delta2 {LINK}\n# {IMG}.csv",  # the file never loaded: named everywhere
    3: "delta3 $\\foo$ | x.csv",
}
QUARANTINED_VALUE = f"**Pay** {IMG} [x](https:evil.example)"
CAUSES = [*report.CAUSE_WORDS, "+".join(
    ["files_not_loaded", "file_partially_loaded", "dedup_rule", "client_export_behind",
     "platform_extra_users", "platform_missing_users"])]


def cli_env(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_DUCKDB_TEMP_DIRECTORY": str(workdir / "spill"),
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hostile_text")
    folder = root.joinpath(*FOLDER_PARTS)
    case = simulate(n_users=300, n_files=4, seed=5, fault=Fault(skip_files=(2,)))
    paths = write_case(case, folder)
    lines = paths[0].read_text().split("\n")
    original = paths[0].read_text()
    fields = lines[1].split(",")
    fields[1] = QUARANTINED_VALUE
    lines[1] = ",".join(fields)
    paths[0].write_text("\n".join(lines))
    for number, name in DELTA_NAMES.items():
        paths[number].rename(folder / name)
    assert "</script><img" in str(folder)
    workdir = root / "run"
    result = subprocess.run(
        [sys.executable, "-m", "recon.cli", "build", "--input-dir", str(folder),
         "--report-dir", str(workdir / "reports"),
         # the unit tests check the models' logic, not these names
         "--", "--exclude-resource-type", "unit_test"],
        cwd=PROJECT_DIR, env=cli_env(workdir), capture_output=True, text=True, timeout=600)
    reports = workdir / "reports"
    return {"result": result, "folder": folder, "workdir": workdir, "reports": reports,
            "delta0": original,
            "texts": {name: (reports / name).read_text()
                      for name in report.TEXT_OUTPUTS if (reports / name).exists()}}


def test_the_build_writes_everything_up(hostile) -> None:
    result = hostile["result"]
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 1  # the findings
    assert re.search(r"cause: \S*files_not_loaded\S* \(explained\)", result.stdout)
    assert sorted(os.listdir(hostile["reports"])) == sorted(report.WRITE_UP_FILES)
    assert (hostile["workdir"] / "target" / "static_index.html").exists()
    # the terminal shows each name on its line: a line break in a name is written \n
    assert "delta2 **Pay at [our new account](https:evil.example)**\\n# <img" in (
        " ".join(result.stdout.split()))


def test_the_emails_show_input_text_escaped(hostile) -> None:
    escaped_names = {
        "delta1": "delta1 \\`x\\` \\`\\`\\`\\n\\`\\`\\`sql\\x1f\\u202eevil",
        "delta2": "delta2 \\*\\*Pay at \\[our new account\\](https:evil.example)\\*\\*\\n\\#"
                  " &lt;img src=x onerror=alert(1)&gt;",
        "delta3": "delta3 \\$\\\\foo\\$ \\| x",
    }
    for name in (report.ENGINEER_EMAIL, report.EVIDENCE, report.CLIENT_EMAIL):
        # the SQL's code blocks aside (a renderer interprets nothing in them: see
        # test_the_raw_files_query_keeps_its_code_block_and_runs_on_the_files)
        email = re.sub(r"```sql\n.*?\n```", "", hostile["texts"][name], flags=re.S)
        # no tag but the templates' own line breaks, no link but to the charts
        assert set(re.findall(r"<[^>]*>", email)) <= {"<br>"}, name
        assert set(re.findall(r"(?<!\\)\]\(([^)]*)\)", email)) <= {
            report.CHART_PNG, report.CUSTOMERS_CHART_PNG, report.EVIDENCE}, name
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", email)
        # every raw name is gone; its escaped form is there
        for raw in DELTA_NAMES.values():
            assert raw.removesuffix(".csv") not in email
        assert escaped_names["delta2"] in email, name
        assert LINK not in email and IMG not in email
        # no line a name starts is a heading, a list item or a fence of its own
        for line in email.splitlines():
            assert not line.startswith(("# ", "```sql.", "```sql\\")), line
    engineer = hostile["texts"][report.EVIDENCE]
    assert all(escaped in engineer for escaped in escaped_names.values())
    code = "".join(re.findall(r"```sql\n.*?\n```", engineer, flags=re.S))
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", code)
    # the quarantined value, escaped where the email quotes it
    assert ("total_spend is not an integer: \\*\\*Pay\\*\\* &lt;img src=x onerror=alert(1)&gt;"
            " \\[x\\](https:evil.example)") in engineer


def test_the_raw_files_query_keeps_its_code_block_and_runs_on_the_files(hostile, tmp_path) -> None:
    short = hostile["texts"][report.ENGINEER_EMAIL]
    fences = [line for line in short.splitlines() if line.lstrip().startswith("```")]
    assert fences == ["```sql", "```"]
    email = hostile["texts"][report.EVIDENCE]
    # each fence opens with ```sql and the next fence closes it: none in between
    fences = [line for line in email.splitlines() if line.lstrip().startswith("```")]
    assert fences == ["```sql", "```"] * (len(fences) // 2)
    query, after = re.search(r"## Check it on the raw files\n.*?```sql\n(.*?)\n```\n\n(.*?)\n\n",
                             email, re.S).groups()
    assert after.splitlines()[2].startswith(f"| {report.markdown_text(DELTA_NAMES[2])} | ")
    # run where the files are, delta0 without its quarantined value (DuckDB's reader would
    # read that column as text): each name, line break and all, reads its file
    folder = tmp_path / "files"
    shutil.copytree(hostile["folder"], folder)
    (folder / "delta0.csv").write_text(hostile["delta0"])
    previous = os.getcwd()
    os.chdir(folder)
    try:
        with duckdb.connect() as connection:
            rows = connection.execute(query).fetchall()
    finally:
        os.chdir(previous)
    assert [row[0] for row in rows] == [DELTA_NAMES[2]]


def test_the_html_report_shows_control_characters_escaped(hostile) -> None:
    html = hostile["texts"][report.HTML_REPORT]
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", html)
    assert IMG not in html and "<img" not in html
    assert "delta2 **Pay at [our new account](https:evil.example)**\\n# &lt;img" in html
    assert "delta1 `x` ```\\n```sql\\x1f\\u202eevil" in html


def test_the_docs_site_cannot_run_the_folder_path(hostile) -> None:
    target = hostile["workdir"] / "target"
    page = (target / "static_index.html").read_text()
    manifest = (target / "manifest.json").read_text()
    assert "</script><img" in manifest  # the path is in the data
    assert "</script><img" not in page and "<img src=x" not in page
    # the same data, with '<', '>' and '&' as JSON escapes
    inert = recon_cli._inert_json(manifest.strip())
    assert inert in page and json.loads(inert) == json.loads(manifest)
    assert page.count("</script>") == 1  # the page's own


def test_a_dollar_in_a_chart_text_is_drawn_as_written(hostile, tmp_path) -> None:
    facts = report.collect(hostile["workdir"] / "warehouse.duckdb")
    parties = {**report.load_parties(), "client_name": "A $x^2$ B", "platform_short_name": "$P$"}
    gap = report.draw_chart(facts["chart"], parties, "svg", report.CUSTOMERS_CHART_PNG).decode()
    files = report.draw_chart(facts["chart"], parties, "svg", report.CHART_PNG).decode()
    assert "$P$" in gap
    assert "delta3 $\\foo$ | x" in files
    # a line break or control character in a name is shown, not drawn
    assert "delta1 `x` ```\\n```sql\\x1f\\u202eevil" in files


def test_a_write_up_that_fails_midway_leaves_no_earlier_one(hostile, tmp_path, monkeypatch,
                                                          capsys) -> None:
    for key, value in cli_env(hostile["workdir"]).items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "reports"
    out.mkdir()
    for name in (*report.WRITE_UP_FILES, *report.OPTIONAL_WRITE_UP_FILES):
        (out / name).write_text("an earlier build's")
    (out / "notes.txt").write_text("not the write-up's")

    def fails(*args, **kwargs):
        raise ValueError("drawing stopped\nhalfway")

    monkeypatch.setattr(report, "draw_chart", fails)
    status = recon_cli.main(["report", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in captured.out + captured.err
    assert captured.err.strip().splitlines() == [
        "The write-up failed (ValueError: drawing stopped halfway). Removed the earlier"
        f" write-up from {os.path.relpath(out)}."]
    assert os.listdir(out) == ["notes.txt"]


# ---------------------------------------------------------------- words and figures


def test_markdown_text_escapes_what_a_renderer_would_interpret() -> None:
    assert report.markdown_text(LINK) == "\\*\\*Pay at \\[our new account\\](https:evil.example)\\*\\*"
    assert report.markdown_text(IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert report.markdown_text("a\nb\r\x1f\u202e&") == "a\\nb\\r\\x1f\\u202e&amp;"
    assert report.markdown_text("1. first") == "1\\. first"
    assert report.markdown_text("- item") == "\\- item"
    assert report.markdown_text("  2) item") == "  2\\) item"
    assert report.markdown_text("_x_ {y} !z ~w~ #v") == "\\_x\\_ \\{y\\} \\!z \\~w\\~ \\#v"
    # what needs no escape stays as it is: the shipped replica's write-up does not change
    for plain in ("delta3", "delta3.csv", "batch_id", "seeds/",
                  "every delta file loaded, largest batch_id kept", "2024.csv", "a-b"):
        assert report.markdown_text(plain) == plain


def test_a_name_with_a_line_break_is_spelled_in_sql_on_one_line() -> None:
    name = "a\n```\nb's.csv"
    literal = report._sql_text(name)
    assert "\n" not in literal
    with duckdb.connect() as connection:
        assert connection.execute(f"select {literal}").fetchone()[0] == name


def with_counts(facts: dict, count: int, cause: str) -> dict:
    """The facts of a build, every count set to count and the verdict to cause."""
    def counts(value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return count
        if isinstance(value, dict):
            return {key: counts(item) for key, item in value.items()}
        if isinstance(value, list):
            return [counts(item) for item in value]
        return value

    facts = counts(copy.deepcopy(facts))
    summary = facts["summary"]
    # a finding's first rows: as many records as the count says
    records = {
        "quarantined_rows_first": {"source_file": "delta2", "source_line_number": 7,
                                   "quarantine_reason": "user_id is missing"},
        "summary_users_listed_twice_first": {"user_id": 7, "source_file": "aiq",
                                             "source_line_numbers": [3, 4]},
        "batch_id_ties_first": {"user_id": 7, "source_file": "delta2", "source_line_number": 3,
                                "tied_source_file": "delta1", "tied_source_line_number": 5},
        "input_files_not_read_list": {"entry_name": "delta9.csv.gpg", "not_read_reason": "encrypted"},
    }
    for key, value in summary.items():
        if value is None:
            summary[key] = {"files_not_loaded": ["delta2"], "files_partially_loaded": ["delta2"],
                            "cut_after_lines": [count],
                            "lines_missing": [{"source_file": "delta2", "first_line": count,
                                               "last_line": count, "rows_missing": count}],
                            }.get(key, count)
        if key in records:
            summary[key] = [records[key]] * count
    summary.update(cause=cause, explained=cause != "unexplained")
    for file in facts["files"] + facts["named_files"]:
        for key, value in file.items():
            if value is None:
                file[key] = count
    facts.update(cut_files=facts["named_files"], not_loaded_files=facts["named_files"],
                 files_after_client_export=facts["files"][-1:])
    return facts


NOUNS = r"(?:users|rows|files|customers|exports|deltas|lines|records|builds)"
SINGULAR = r"(?:user|row|file|customer|export|delta|line|record|build)"
VERBS = r"(?:are|have|differ|hold|come|show|appear|inflate|were|trace)"
# "1 users", "1 data exports"; "1 user differ", "1 user (0.3%) differ", "the other 1 have";
# not "1 of those rows"
WRONG_NUMBER = re.compile(
    rf"(?<![\d,.$])1 (?!of )(?:(?:[a-z-]+ )?{NOUNS}\b|(?:[a-z-]+ ){{0,2}}?{SINGULAR}"
    rf"(?: \([^)]*\))? {VERBS}\b|{VERBS}\b)[^\n]{{0,30}}")


@pytest.mark.parametrize("cause", CAUSES)
def test_one_of_anything_is_in_the_singular(hostile, cause) -> None:
    facts = report.collect(hostile["workdir"] / "warehouse.duckdb")
    texts = report.render(with_counts(facts, 1, cause), report.load_parties())
    for name, text in texts.items():
        text = re.sub(r"<svg.*?</svg>", "", text, flags=re.S)
        wrong = [match.group() for match in WRONG_NUMBER.finditer(text)]
        assert not wrong, (name, wrong)
    # and many in the plural, with the same words
    texts = report.render(with_counts(facts, 2, cause), report.load_parties())
    assert "2 user " not in " ".join(texts.values())


def test_a_party_left_empty_keeps_the_default(tmp_path) -> None:
    parties = tmp_path / "parties.yml"
    parties.write_text("currency_symbol:\nclient_name: Acme\nsender_name: 42\n")
    loaded = report.load_parties(parties)
    assert loaded["currency_symbol"] == report.load_parties()["currency_symbol"] == "$"
    assert loaded["client_name"] == "Acme" and loaded["sender_name"] == "42"
