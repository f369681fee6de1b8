"""The findings written up (recon/report.py): the committed emails, report and chart are
what a fresh build of the shipped replica renders; their figures, examples and SQL agree
with the warehouse; consistent data gives the short versions; another fault gives other
words and figures; and nothing about the case is written into the templates."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from pytests.cases import real_case_build, shipped_build, simulated_build
from pytests.dbt_harness import PROJECT_DIR, Build
from recon import report
from recon.simulator import SimulatedCase

COMMITTED = PROJECT_DIR / "reports"
REFRESH = "run `python -m recon.cli build` and commit reports/"


def render(build: Build, out: Path, parties: Path | None = None) -> dict[str, str]:
    report.write_reports(build.database, out, parties)
    return {name: (out / name).read_text() for name in report.TEXT_OUTPUTS}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Build, dict[str, str], Path]:
    build, folder = shipped_build(tmp_path_factory), tmp_path_factory.mktemp("shipped")
    return build, render(build, folder / "reports"), folder / "reports"


def simulated_case(tmp_path_factory, name: str):
    case, build = simulated_build(tmp_path_factory, name)
    return case, build, render(build, tmp_path_factory.mktemp(name) / "reports")


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Build, dict[str, str], Path]:
    """The write-up rendered from the real case files, as received."""
    build, folder = real_case_build(tmp_path_factory), tmp_path_factory.mktemp("real")
    return build, render(build, folder / "reports"), folder / "reports"


@pytest.fixture(scope="module", params=["shipped", "real"])
def written(request) -> tuple[Build, dict[str, str], Path]:
    """The write-up of the shipped replica, then of the real case files."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module", params=["shipped", "real", "altered"])
def any_written(request) -> tuple[Build, dict[str, str], Path]:
    """Those two, and a simulated case with a file loaded with altered values (besides a
    file skipped and one cut): for what every write-up must hold, whatever the cause."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def altered(tmp_path_factory) -> tuple[Build, dict[str, str], Path]:
    case, build = simulated_build(tmp_path_factory, "skipped_cut_and_columns_exchanged")
    out = tmp_path_factory.mktemp("altered") / "reports"
    return build, render(build, out), out


@pytest.fixture(scope="module")
def consistent(tmp_path_factory) -> tuple[SimulatedCase, Build, dict[str, str]]:
    return simulated_case(tmp_path_factory, "consistent_12_files")


@pytest.fixture(scope="module", params=["file_truncated", "last_arrival_wins"])
def other_fault(request, tmp_path_factory) -> tuple[SimulatedCase, Build, dict[str, str]]:
    return simulated_case(tmp_path_factory, request.param)


# ---------------------------------------------------------------- reading an email


def section(text: str, heading: str) -> str:
    """The body of a `## heading` section of a Markdown email."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the first Markdown table in the text, as lists of cells."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def sql_blocks(text: str) -> list[tuple[str, str]]:
    """Each ```sql block of an email with the text that follows it, up to the next one."""
    parts = re.split(r"```sql\n(.*?)\n```", text, flags=re.S)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def number(cell: str) -> int:
    return int(cell.replace(",", ""))


def assert_sql_returns_what_the_email_says(build: Build, email: str) -> list[tuple[list, list]]:
    """Run every SQL block of the email against the warehouse; the table printed under it
    is exactly what it returns. Returns (columns, rows) per block."""
    results = []
    # the query on the raw files runs where the files are (test_the_raw_files_query_...)
    blocks = [(sql, after) for sql, after in sql_blocks(email) if "read_csv(" not in sql]
    assert blocks, "the email shows no SQL"
    with duckdb.connect(str(build.database), read_only=True) as connection:
        for sql, after in blocks:
            cursor = connection.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            results.append((columns, rows))
            shown = after.strip()
            if shown.startswith("|"):
                expected = report._markdown_table(columns, rows)
                assert shown.startswith(expected), f"the result printed under\n{sql}\nis stale"
            else:
                stated = re.search(r"Returns the (\d+) rows?", shown)
                assert stated and int(stated.group(1)) == len(rows), sql
    return results


# ---------------------------------------------------------------- the shipped data


def test_committed_outputs_match_a_fresh_render(shipped) -> None:
    _, fresh, out = shipped
    for name, text in fresh.items():
        committed = COMMITTED / name
        assert committed.exists(), f"reports/{name} is missing: {REFRESH}"
        assert committed.read_text() == text, f"reports/{name} is not a fresh render: {REFRESH}"
    # the chart: the data it was drawn from, and its size, not its bytes
    for chart in report.CHARTS:
        committed_png, fresh_png = COMMITTED / chart, out / chart
        assert committed_png.exists(), f"reports/{chart} is missing: {REFRESH}"
        assert report.read_chart_data(committed_png) == report.read_chart_data(fresh_png), REFRESH
        with Image.open(committed_png) as a, Image.open(fresh_png) as b:
            assert a.size == b.size, REFRESH


def test_evidence_states_the_warehouse_figures(any_written) -> None:
    build, emails, _ = any_written
    email = emails[report.EVIDENCE]
    summary = build.one("select * from marts.recon_summary")
    for figure in ("client_total_spend", "platform_total_spend", "expected_total_spend",
                   "spend_gap", "users_mismatched", "client_rows", "delta_files"):
        assert f"{summary[figure]:,}" in email, figure
    # the per-file breakdown is the mart, row for row: each file's spend in four parts, or
    # five where a file's newest rows are held with altered values
    files = build.query(
        "select source_file, row_count, total_spend, winning_total_spend_on_platform,"
        " winning_total_spend_altered_on_platform, winning_users_altered_on_platform,"
        " winning_total_spend_not_on_platform - winning_total_spend_altered_on_platform,"
        " winning_users_not_on_platform - winning_users_altered_on_platform,"
        " stale_total_spend_held, stale_rows_held, total_spend_replaced_as_expected,"
        " spend_gap_attributed, load_status"
        " from marts.recon_delta_files order by file_position"
    )
    altered = any(file[5] for file in files)
    rows = table_rows(section(email, "The figures").split("Per delta file", 1)[1])
    assert [row[0] for row in rows] == [f[0] for f in files]
    amount = lambda cell: number(cell.replace("$", ""))  # noqa: E731
    with_users = lambda cell: [amount(part.rstrip(")")) for part in cell.split(" (")]  # noqa: E731
    for row, file in zip(rows, files):
        cells = [number(row[1]), amount(row[2]), amount(row[3])]
        if altered:
            cells += with_users(row.pop(4))
        else:
            cells += [0, 0]
        cells += [*with_users(row[4]), *with_users(row[5]), amount(row[6]), amount(row[7])]
        assert cells == list(file[1:12])
        assert row[8].startswith(file[12])


def test_evidence_shows_at_least_five_users_with_both_rows(written) -> None:
    """Each example's two rows are the marts', and the row that should have won is at the
    line of the file the email names, in the files the build read."""
    build, emails, _ = written
    folder = {Path(p).parent for (p,) in build.query(
        "select entry_path from marts.recon_input_folder_entries where is_read")}.pop()
    rows = table_rows(section(emails[report.EVIDENCE], "Examples"))
    pairs = list(zip(rows[0::2], rows[1::2]))
    assert len(pairs) >= 5
    for held, should in pairs:
        user_id = int(held[0])
        assert held[1] == "platform" and should[1] == "should have won"
        mart = build.one(
            f"select * from marts.recon_platform_vs_rebuilt where user_id = {user_id}"
        )
        assert mart["status"] != "match"
        for cells, side in ((held, "platform"), (should, "rebuilt")):
            values = [number(c) for c in cells[2:6]]
            assert values == [mart[f"{side}_{c}"] for c in report.VALUE_COLUMNS]
        assert held[6] == mart["platform_source_file"]
        line = mart["rebuilt_source_line_number"]
        assert should[6] == f"{mart['rebuilt_source_file']}, line {line}"
        text = (folder / f"{mart['rebuilt_source_file']}.csv").read_text().splitlines()
        assert text[line - 1].strip().split(",") == [
            str(user_id), *(cell.replace(",", "") for cell in should[2:6])]


def test_sql_in_the_evidence_reproduces_the_finding(any_written) -> None:
    build, emails, _ = any_written
    email = emails[report.EVIDENCE]
    results = assert_sql_returns_what_the_email_says(build, email)
    summary = build.one("select * from marts.recon_summary")
    by_columns = {tuple(columns): rows for columns, rows in results}
    totals = dict((side, (users, spend)) for side, users, spend in
                  by_columns[("source_table", "users", "total_spend")])
    assert totals["client export"] == (summary["client_rows"], summary["client_total_spend"])
    assert totals["platform table"] == (summary["platform_rows"], summary["platform_total_spend"])
    replays = [dict(zip(columns, rows[0])) for columns, rows in results
               if columns[:2] == ["hypothesis_rank", "users_differing"]]
    # every file loaded: the users the platform got wrong (but those whose winning row it
    # holds with altered values: a replay counts it as the file's row); the explanation: none
    (altered,) = build.query(
        "select sum(winning_users_altered_on_platform) from marts.recon_delta_files")[0]
    assert replays[0]["users_differing"] == summary["users_mismatched_platform_vs_rebuilt"] - altered
    assert replays[1]["users_differing"] == 0
    assert replays[1]["hypothesis_rank"] == 1
    newest = by_columns[("source_file", "newest_rows", "on_platform", "newest_spend",
                         "newest_spend_on_platform")]
    assert newest == build.query(
        "select source_file, winning_users, winning_users_on_platform, winning_total_spend,"
        " winning_total_spend_on_platform from marts.recon_delta_files order by file_position"
    )


def test_client_reply_is_plain_and_names_the_figures(any_written) -> None:
    build, emails, _ = any_written
    reply = emails[report.CLIENT_EMAIL]
    summary = build.one("select * from marts.recon_summary")
    parties = report.load_parties()
    assert "```" not in reply and "select " not in reply.lower() and "batch_id" not in reply
    assert f"Dear {parties['client_contact_first_name']}," in reply
    # what we checked, and no more: his export and his files, which agree
    assert f"We checked your export and the {summary['delta_files']} data exports you sent us" in reply
    assert f"they agree that your {summary['client_rows']:,} customers spent" in reply
    symbol = parties["currency_symbol"]
    for figure in ("client_total_spend", "platform_total_spend", "spend_gap"):
        assert f"{symbol}{summary[figure]:,}" in reply, figure
    # the customers that differ: in the sentence of a single cause, or where the reply
    # answers for the campaign
    assert (f"{summary['users_mismatched']:,} of your customers" in reply
            or f"and {summary['users_mismatched']:,} are not" in reply)
    # every file the verdict names
    named = [*(summary["files_not_loaded"] or []), *(summary["files_partially_loaded"] or []),
             *(a["source_file"] for a in summary["files_with_altered_values"] or [])]
    assert named and all(f"the file named {name}" in reply for name in named), named
    assert "reloading" in reply and parties["campaign_name"] in reply
    body = reply[reply.index("**To:**"):reply.rindex("Kind regards")]
    assert len(body.split()) <= 250, len(body.split())


def test_client_reply_is_signed_and_promises_only_what_is_ours(written) -> None:
    """A named sender and role; what the campaign should do (hold it) and what we will
    tell him next; no date, no product change, nothing said for others."""
    _, emails, _ = written
    reply = emails[report.CLIENT_EMAIL]
    parties = report.load_parties()
    signature = f"{parties['sender_name']}<br>\n{parties['sender_role']}, {parties['sender_organisation']}"
    assert reply.rstrip().endswith(signature)
    assert f"**From:** {parties['sender_name']}, {parties['sender_role']}" in reply
    # the error owned in one sentence; when he hears from us next, from the parties file
    assert reply.count("The difference is our error, and I am sorry for it.") == 1
    assert f"I will write to you {parties['next_update']} with where that stands." in reply
    assert "From now on we will check every file you send against what we load, and tell you if one is missing." in reply
    assert "nothing for you to resend" in reply
    for promise in ("before your", "adding a check", "will be caught", "our platform will show",
                    "by tomorrow", "within"):
        assert promise not in reply, promise


def test_client_reply_answers_the_campaign_from_the_data(real) -> None:
    """On the real files: 8,159 customers right and 1,841 out of date; ranked by true
    spend (ties by user_id) the first out of date is #2,484, and everyone who spent more
    than $5,000 (2,481 customers) is right."""
    _, emails, _ = real
    reply = emails[report.CLIENT_EMAIL]
    assert "8,159 of your 10,000 customers are already right and 1,841 are not." in reply
    assert ("your top 2,483 are all right, among them everyone who spent more than $5,000"
            " (2,481). A campaign to them can go now.") in reply
    assert "Please hold it for the others until our reload puts them right." in reply


def test_html_report_carries_the_chart_and_the_figures(written) -> None:
    build, emails, out = written
    html = emails[report.HTML_REPORT]
    summary = build.one("select * from marts.recon_summary")
    assert "<svg" in html and html.count("</svg>") == len(report.CHARTS)
    for file, in build.query("select source_file from marts.recon_delta_files"):
        assert f">{file}</text>" in html or f">{file}<" in html
    assert report.root_cause(summary).replace("'", "&#39;") in html
    assert f'href="{report.CHART_PNG}"' in html
    with Image.open(out / report.CHART_PNG) as image:
        assert image.format == "PNG" and image.size[0] >= 800


def test_templates_hold_nothing_about_the_case() -> None:
    parties = report.load_parties()
    names = [parties[k] for k in ("client_name", "platform_name", "platform_short_name",
                                  "client_contact_name", "client_contact_first_name")]
    shipped_facts = ["delta3", "33,904,525", "29,162,044", "4,742,481", "1,841", "10,000"]
    templates = [p for p in report.TEMPLATE_DIR.rglob("*") if p.is_file()
                 and p != report.PARTIES_FILE]
    assert len(templates) >= 4
    for path in templates:
        text = path.read_text()
        for word in names + shipped_facts:
            assert word not in text, f"{path.relative_to(PROJECT_DIR)} holds {word!r}"


def test_names_come_from_the_parties_file(shipped, tmp_path) -> None:
    build, _, _ = shipped
    override = tmp_path / "parties.yml"
    override.write_text("client_name: Acme Outfitters\nclient_contact_first_name: Dana\n"
                        "currency_symbol: '€'\n")
    emails = render(build, tmp_path / "out", override)
    assert "Acme Outfitters" in emails[report.ENGINEER_EMAIL]
    assert "Dear Dana," in emails[report.CLIENT_EMAIL]
    assert "€" in emails[report.CLIENT_EMAIL]
    assert report.load_parties()["client_name"] not in emails[report.ENGINEER_EMAIL]


# ---------------------------------------------------------------- other data


def test_consistent_data_gives_the_short_versions(consistent) -> None:
    case, build, emails = consistent
    engineer, reply = emails[report.ENGINEER_EMAIL], emails[report.CLIENT_EMAIL]
    assert "everything matches" in engineer.splitlines()[2]
    assert "## What to fix" not in engineer and "## Examples" not in engineer
    assert f"{case.truth.client_total:,}" in engineer
    assert len(engineer.splitlines()) < 60
    assert "they match" in reply and "reloading" not in reply
    assert f"{case.truth.client_total:,}" in reply
    assert len(reply.split()) < 150
    assert_sql_returns_what_the_email_says(build, emails[report.EVIDENCE])
    html = emails[report.HTML_REPORT]
    assert "nothing differs" in html and f"customers of yours are right on" in html


def test_another_fault_gives_its_own_words_and_figures(other_fault) -> None:
    case, build, emails = other_fault
    truth = case.truth
    engineer, reply = emails[report.ENGINEER_EMAIL], emails[report.CLIENT_EMAIL]
    summary = build.one("select * from marts.recon_summary")
    assert summary["cause"] == truth.causes[0]
    for text in (engineer, reply):
        assert f"{abs(truth.gap):,}" in text
        assert f"{truth.client_total:,}" in text and f"{truth.platform_total:,}" in text
    assert f"{truth.users_differing:,} users" in engineer
    if truth.causes[0] == "file_partially_loaded":
        (cut,) = [i for i, f in enumerate(truth.files) if f.status == "partially_loaded"]
        name = summary["file_1"]
        assert build.one(
            f"select file_position from marts.recon_delta_files where source_file = '{name}'"
        )["file_position"] == cut + 1
        subject = engineer.splitlines()[2]
        assert "loaded only up to line" in subject and name in subject
        assert f"only part of the one named {name}" in reply
    else:
        assert "last-arriving" in engineer.splitlines()[2]
        assert "kept an older version instead" in reply
    evidence = emails[report.EVIDENCE]
    results = assert_sql_returns_what_the_email_says(build, evidence)
    replays = [dict(zip(columns, rows[0])) for columns, rows in results
               if columns[:2] == ["hypothesis_rank", "users_differing"]]
    # every file, the platform's rule
    assert replays[0]["users_differing"] == truth.users_differing
    assert replays[1]["users_differing"] == 0  # the explanation reproduces the platform's table
    assert len(table_rows(section(evidence, "Examples"))) >= 10


@pytest.fixture(scope="module")
def combined_faults(tmp_path_factory) -> tuple[SimulatedCase, Build, dict[str, str]]:
    """Three faults at once: a file never loaded, another cut short, and the client's
    export behind its own deltas."""
    return simulated_case(tmp_path_factory, "skipped_cut_and_client_export_behind")


def test_combined_faults_are_each_worded_with_the_gap_split_by_side(combined_faults) -> None:
    case, build, emails = combined_faults
    truth = case.truth
    engineer, reply = emails[report.ENGINEER_EMAIL], emails[report.CLIENT_EMAIL]
    summary = build.one("select * from marts.recon_summary")
    assert summary["cause"] == "+".join(truth.causes) == (
        "files_not_loaded+file_partially_loaded+client_export_behind")
    (not_loaded,), (cut,) = summary["files_not_loaded"], summary["files_partially_loaded"]
    (line,) = summary["cut_after_lines"]
    client_last = summary["client_last_file"]
    subject = engineer.splitlines()[2]
    for words in (f"{not_loaded} never loaded", f"{cut} loaded only in part",
                  f"the client export stops at {client_last}"):
        assert words in subject, subject
    evidence = emails[report.EVIDENCE]
    wrong = section(evidence, "What is wrong")
    assert f"{not_loaded} was never loaded" in wrong
    assert f"{cut} was loaded only up to line {line:,}" in wrong
    assert f"matches the deltas only up to {client_last}" in wrong
    platform_side, client_side = summary["spend_gap_platform_side"], summary["spend_gap_client_side"]
    assert platform_side + client_side == truth.gap
    assert (f"our table is {abs(platform_side):,} short and the client's export"
            f" {abs(client_side):,} short: together, the gap of {truth.gap:,}") in wrong
    fix = section(evidence, "What to fix")
    assert f"load {not_loaded} and reload {cut} in full" in fix
    assert f"their deltas after {client_last} carry changes" in fix
    assert "cause not yet found" not in engineer and "No load hypothesis" not in evidence
    assert f"the file named {not_loaded}" in reply and f"the file named {cut}" in reply
    assert f"only up to the one named {client_last}" in reply
    assert (f"our platform is ${abs(platform_side):,} below that, and your export"
            f" ${abs(client_side):,} below it") in reply
    html = emails[report.HTML_REPORT]
    words = report.cause_in_words(
        summary["cause"], summary["files_not_loaded"], summary["files_partially_loaded"]
    ).replace("'", "&#39;")
    assert words in html and "not explained" not in html
    assert_sql_returns_what_the_email_says(build, evidence)


def test_altered_values_are_worded_with_the_rule_and_two_rows_at_their_lines(altered) -> None:
    """A file loaded with two columns exchanged, besides a file skipped and one cut: the
    engineer's email names the file, the columns and the rule, and shows two altered rows
    at their lines, each as the raw file has it and as our table does; the evidence says
    the same, the client's reply names the file, and nothing calls it not loaded."""
    build, emails, _ = altered
    summary = build.one("select * from marts.recon_summary")
    (file,) = summary["files_with_altered_values"]
    assert (file["source_file"], file["altered_columns"], file["alteration_rule"]) == (
        "delta4", "total_spend, loyalty_credits", "columns_exchanged")
    how = f"total_spend and loyalty_credits exchanged in {file['rows_altered']:,} rows"
    words = f"delta4 loaded with {how}"
    engineer, evidence = emails[report.ENGINEER_EMAIL], emails[report.EVIDENCE]
    assert_fits_one_screen(engineer)
    assert_reply_is_short_and_plain(emails[report.CLIENT_EMAIL], says_when_we_write=True)
    assert "delta4 loaded with altered values" in engineer.splitlines()[2]
    assert words in engineer, engineer
    assert f"loaded delta4 with {how}" in evidence and f"was loaded, but our table holds" in evidence
    assert "the file named delta4" in emails[report.CLIENT_EMAIL]
    assert "not_loaded" not in build.query(
        "select load_status from marts.recon_delta_files where source_file = 'delta4'")[0]
    folder = Path(build.variables["input_dir"])
    lines = (folder / "delta4.csv").read_text().splitlines()
    shown = re.findall(
        r"delta4 line (\d+), user (\d+): the file has total_spend (\d+) and loyalty_credits (\d+),"
        r" our table (\d+) and (\d+)\.", engineer)
    assert len(shown) == 2, engineer
    platform = {row[0]: row[1:] for row in build.query(
        "select user_id, total_spend, loyalty_credits from marts.recon_summary_rows"
        " where input_kind = 'platform_summary'")}
    for line, user, spend, credits, held_spend, held_credits in shown:
        user_id, total_spend, _, loyalty_credits, _ = lines[int(line) - 1].split(",")
        assert (user_id, total_spend, loyalty_credits) == (user, spend, credits)
        assert platform[int(user)] == (int(held_spend), int(held_credits)) == (
            int(credits), int(spend))


@pytest.fixture(scope="module")
def lines_lost(tmp_path_factory) -> tuple[SimulatedCase, Build, dict[str, str]]:
    """A chunk of rows lost from the middle of one file, the rows after it loaded."""
    return simulated_case(tmp_path_factory, "lines_lost")


def test_lines_lost_are_worded_as_a_range_held_either_side(lines_lost) -> None:
    """The subject, the cause and the evidence name the file and the lines missing; the
    evidence says the platform holds the line before and the line after, which the raw
    file and our table confirm, and the lead is a batch skipped, not a load that stopped;
    the client hears that a block of rows never reached us."""
    case, build, emails = lines_lost
    summary = build.one("select * from marts.recon_summary")
    (lost,) = summary["lines_missing"]
    file, first, last = lost["source_file"], lost["first_line"], lost["last_line"]
    words = f"{file} loaded without lines {first:,}–{last:,}"
    engineer, evidence = emails[report.ENGINEER_EMAIL], emails[report.EVIDENCE]
    assert_fits_one_screen(engineer)
    assert words in engineer.splitlines()[2] and f"**Cause: {words}.**" in engineer
    assert "goes on past one that failed" in engineer and "then stops" not in engineer
    assert (f"Our table holds lines {first - 1:,} and {last + 1:,} of it and none of its rows"
            f" between ({lost['rows_missing']:,} rows)") in evidence
    assert f"Find why lines {first:,}–{last:,} of {file} were not loaded" in evidence
    reply = emails[report.CLIENT_EMAIL]
    assert_reply_is_short_and_plain(reply, says_when_we_write=True)
    assert "a block of rows in the middle of it never reached us" in reply
    platform = {row for row in build.query(
        "select user_id, batch_id from marts.recon_summary_rows where input_kind = 'platform_summary'")}
    raw = (Path(build.variables["input_dir"]) / f"{file}.csv").read_text().splitlines()
    for line in (first - 1, last + 1):
        user_id, *_, batch_id = raw[line - 1].split(",")
        assert (int(user_id), int(batch_id)) in platform, line
    inside = {tuple(map(int, (row.split(",")[0], row.split(",")[-1]))) for row in raw[first - 1:last]}
    assert not inside & platform


# ---------------------------------------------------------------- the charts


def test_chart_figures_are_the_marts_and_add_up(any_written) -> None:
    """Each figure the charts draw is a mart's; each file's five parts add up to its
    spend; the platform's parts to its total; the gap is the missing rows less the older
    rows held in their place (and what altered values changed)."""
    build, _, out = any_written
    data = report.read_chart_data(out / report.CHART_PNG)
    assert report.read_chart_data(out / report.CUSTOMERS_CHART_PNG) == data
    summary = build.one("select * from marts.recon_summary")
    assert (data["client_total"], data["platform_total"], data["expected_total"], data["spend_gap"]) == (
        summary["client_total_spend"], summary["platform_total_spend"],
        summary["expected_total_spend"], summary["spend_gap"])
    files = build.query(
        """select source_file, total_spend, winning_total_spend_on_platform,
               winning_total_spend_altered_on_platform, winning_users_altered_on_platform,
               altered_total_spend_held,
               winning_total_spend_not_on_platform - winning_total_spend_altered_on_platform,
               winning_users_not_on_platform - winning_users_altered_on_platform,
               stale_total_spend_held, stale_rows_held, total_spend_replaced_as_expected,
               spend_gap_attributed
           from marts.recon_delta_files order by file_position""")
    keys = ("source_file", "total_spend", "on_platform", "altered", "altered_users",
            "altered_held", "missing", "missing_users", "stale_held", "stale_users", "replaced",
            "gap")
    assert [tuple(f[k] for k in keys) for f in data["files"]] == files
    parts = ("on_platform", "altered", "missing", "stale_held", "replaced")
    for f in data["files"]:
        assert sum(f[k] for k in parts) == f["total_spend"]
        assert min(f[k] for k in parts) >= 0
    assert (data["on_platform_total"] + data["stale_held_total"] + data["altered_held_total"]
            + data["platform_held_from_no_delta"]) == data["platform_total"]
    altered = sum(f["altered"] for f in data["files"])
    assert data["expected_total"] == data["on_platform_total"] + altered + data["missing_total"]
    assert (data["missing_total"] + altered - data["altered_held_total"] - data["stale_held_total"]
            - data["platform_held_from_no_delta"]) == summary["spend_gap_platform_side"]
    # the client's chart: his customers, right or not, as recon_platform_vs_rebuilt has them
    right, customers = build.query(
        "select count(*) filter (where status = 'match'), count(*)"
        " from marts.recon_platform_vs_rebuilt where rebuilt_total_spend is not null")[0]
    assert (data["customers_right"], data["customers"]) == (right, customers)


def test_each_chart_draws_and_labels_what_its_reader_needs(written) -> None:
    """The engineer's chart labels each file's part of the gap beside its bar; the
    client's, how many of his customers are right and how many out of date."""
    build, _, out = written
    data = report.read_chart_data(out / report.CHART_PNG)
    parties = report.load_parties()
    money = lambda value: report._money(parties["currency_symbol"], value)  # noqa: E731
    files_svg = report.draw_chart(data, parties, "svg", report.CHART_PNG).decode()
    gaps = build.query("select spend_gap_attributed from marts.recon_delta_files"
                       " where spend_gap_attributed <> 0")
    assert gaps
    for (gap,) in gaps:
        assert f">gap {money(gap)}<" in files_svg
    assert "total spend in the file" in files_svg and "total_spend" not in files_svg
    customers_svg = report.draw_chart(data, parties, "svg", report.CUSTOMERS_CHART_PNG).decode()
    wrong = data["customers"] - data["customers_right"]
    assert f">{data['customers_right']:,} right<" in customers_svg
    assert f">{wrong:,} out of date<" in customers_svg
    assert f"{wrong:,} of your {data['customers']:,} customers are out of date" in customers_svg
    assert "table" not in customers_svg


def test_every_figure_on_the_charts_is_in_the_text(any_written) -> None:
    """What the per-file chart prints is in the engineer's evidence and the HTML report; what
    the customers chart prints is in the client's reply."""
    _, texts, out = any_written
    data = report.read_chart_data(out / report.CHART_PNG)
    symbol = report.load_parties()["currency_symbol"]
    money = lambda value: report._money(symbol, value)  # noqa: E731
    printed = [money(data["platform_total"]), money(data["on_platform_total"]),
               money(data["stale_held_total"]), money(data["missing_total"])]
    for f in data["files"]:
        printed.append(money(f["total_spend"]))
        if f["missing"]:
            printed += [money(f["missing"]), f"({f['missing_users']:,})"]
        if f["stale_held"]:
            printed += [money(f["stale_held"]), f"({f['stale_users']:,})"]
        if f["altered"]:
            printed += [money(f["altered"]), f"({f['altered_users']:,})"]
    if data["altered_held_total"]:
        printed.append(money(data["altered_held_total"]))
    printed += [money(f["gap"]) for f in data["files"] if f["gap"]]
    for name in (report.EVIDENCE, report.HTML_REPORT):
        missing = [figure for figure in printed if figure not in texts[name]]
        assert not missing, (name, missing)
    # what the client's chart prints: his customers, right and not, and the round spend
    reply = texts[report.CLIENT_EMAIL]
    wrong = data["customers"] - data["customers_right"]
    for figure in (f"{data['customers_right']:,}", f"{wrong:,}", f"{data['customers']:,}",
                   money(data["spend_above"])):
        assert figure in reply, figure


def test_the_real_files_chart_shows_the_stale_rows_the_platform_holds(real) -> None:
    """On the real files, delta0-2 reached the platform in full: what the old chart drew as
    "replaced" includes 1,841 rows the platform still holds in place of delta3's."""
    _, _, out = real
    data = report.read_chart_data(out / report.CHART_PNG)
    stale = {f["source_file"]: (f["stale_users"], f["stale_held"]) for f in data["files"]}
    assert stale == {"delta0": (1_016, 1_014_921), "delta1": (354, 882_008),
                     "delta2": (471, 1_651_436), "delta3": (0, 0), "delta4": (0, 0)}
    assert data["on_platform_total"] == 25_613_679
    assert data["missing_total"] == 8_290_846 and data["missing_users_total"] == 1_841
    assert data["explained_by"] == ["delta3 never loaded"]


def test_a_write_up_of_the_replica_says_so_in_its_first_line(shipped, real) -> None:
    """The committed reports are the shipped replica's, which is not the real files: each
    says so first. The real files' write-up does not."""
    for name, text in shipped[1].items():
        first = text.split("<main>\n", 1)[-1].lstrip().splitlines()[0]
        assert "shipped replica (seeds/)" in first, name
    for name, text in real[1].items():
        assert "replica" not in text, name


# ---------------------------------------------------------------- the engineer's email


def email_body(email: str) -> str:
    """The email as its reader gets it: from its header to its signature (the line that
    says a write-up is the replica's is a note on the file, not part of the message)."""
    start = email.index("**To:**")
    end = email.rindex("\n" + report.load_parties()["sender_name"] + "<br>")
    return email[start:end]


def assert_fits_one_screen(email: str) -> None:
    """At most 400 words above the signature, the raw-files query and its result
    included; the evidence named as attached and in the text; nothing of the project: no
    command, no data test, no warehouse table."""
    body = email_body(email)
    assert len(body.split()) <= 400, len(body.split())
    attached = next(line for line in body.splitlines() if line.startswith("**Attached:**"))
    assert f"[{report.EVIDENCE}]({report.EVIDENCE})" in attached
    assert body.rstrip().endswith(f"the attached {report.EVIDENCE}.") or "attached evidence" in body
    prose = re.sub(r"```sql\n.*?\n```", "", body, flags=re.S).replace(report.EVIDENCE, "")
    prose = "\n".join(line for line in prose.splitlines() if not line.startswith("|"))
    for word in ("python", "recon.", "dbt", "marts.", "audit.", "staging.", "duckdb -",
                 "target/", "warehouse"):
        assert word not in prose.lower(), word
    # a data test's name, or any other project identifier of three words or more
    for chart in report.CHARTS:
        prose = prose.replace(chart, "")
    assert not re.findall(r"\b[a-z]+(?:_[a-z]+){2,}\b", prose), prose


def test_engineer_email_fits_one_screen(written) -> None:
    build, emails, _ = written
    email = emails[report.ENGINEER_EMAIL]
    assert_fits_one_screen(email)
    summary = build.one("select * from marts.recon_summary")
    (file,) = summary["files_not_loaded"]
    low, high = build.query(
        f"select min_batch_id, max_batch_id from marts.recon_delta_files where source_file = '{file}'")[0]
    subject = next(line for line in email.splitlines() if line.startswith("**Subject:**"))
    # the file, its batch_ids, the users and the amount
    assert (f"{file} (batch_id {low} to {high}) never loaded,"
            f" {summary['users_mismatched_platform_vs_rebuilt']:,} users out of date,"
            f" total spend {summary['spend_gap']:,} short") in subject
    # two examples, each at the file and line of the row that should have won
    examples = re.findall(r"^- User (\d+): our table holds batch_id (\d+) from (\w+); it should"
                          r" hold (\w+) line (\d+), batch_id (\d+)\.$", email, re.M)
    assert len(examples) == 2
    for user_id, held_batch, held_file, file_won, line, batch in examples:
        mart = build.one(f"select * from marts.recon_platform_vs_rebuilt where user_id = {user_id}")
        assert (int(held_batch), held_file) == (mart["platform_batch_id"], mart["platform_source_file"])
        assert (file_won, int(line), int(batch)) == (
            mart["rebuilt_source_file"], mart["rebuilt_source_line_number"], mart["rebuilt_batch_id"])
    # the lead on the mechanism, labelled as one, from the pipeline the parties file describes
    lead = next(line for line in email.splitlines() if line.startswith("**A lead to check:**"))
    assert report.load_parties()["poll_interval"] in lead and file in lead


def assert_reply_is_short_and_plain(reply: str, says_when_we_write: bool) -> None:
    """At most 250 words above the signature, no SQL, and, unless everything matches,
    when the client hears from us next (parties.yml)."""
    body = reply[reply.index("**To:**"):reply.rindex("Kind regards")]
    assert len(body.split()) <= 250, len(body.split())
    assert "```" not in body and "select " not in body.lower()
    assert (f"I will write to you {report.load_parties()['next_update']}" in body) == says_when_we_write


def test_every_write_up_the_tests_render_fits_its_reader(
        written, consistent, other_fault, combined_faults) -> None:
    """The shipped replica and the real files, consistent data, another fault and three
    faults at once."""
    write_ups = [written[1], consistent[2], other_fault[2], combined_faults[2]]
    for emails, has_a_fault in zip(write_ups, (True, False, True, True)):
        assert_fits_one_screen(emails[report.ENGINEER_EMAIL])
        assert_reply_is_short_and_plain(emails[report.CLIENT_EMAIL], says_when_we_write=has_a_fault)



def test_engineer_email_leads_with_cause_ask_and_urgency(written) -> None:
    build, emails, _ = written
    email = emails[report.ENGINEER_EMAIL]
    summary = build.one("select * from marts.recon_summary")
    body = email.split(report.load_parties()["engineer_greeting"] + ",", 1)[1]
    first_100 = " ".join(body.split()[:100])
    assert f"**Cause: {summary['files_not_loaded'][0]} never loaded.**" in first_100
    assert f"**Please load {summary['files_not_loaded'][0]}" in first_100
    assert "**It is urgent:**" in first_100 and report.load_parties()["campaign_name"] in first_100
    assert "**The proof:** our dedup replayed as" in first_100
    assert "so the dedup is fine" not in email and "What it cannot say" in emails[report.EVIDENCE]


def test_the_raw_files_query_returns_what_the_email_prints(written, monkeypatch) -> None:
    """The query the engineer can run with nothing but DuckDB and the files, run in the
    folder of the files the build read, returns the table printed under it."""
    build, emails, _ = written
    for text in (emails[report.ENGINEER_EMAIL],
                 section(emails[report.EVIDENCE], "Check it on the raw files")):
        assert_raw_files_query_returns_what_follows(build, text, monkeypatch)


def assert_raw_files_query_returns_what_follows(build: Build, text: str, monkeypatch) -> None:
    sql, after = re.search(r"```sql\n(.*?)\n```(.*)", text, re.S).groups()
    (folder,) = {Path(p).parent for (p,) in build.query(
        "select entry_path from marts.recon_input_folder_entries where is_read")}
    monkeypatch.chdir(folder)
    with duckdb.connect() as connection:
        cursor = connection.execute(sql)
        columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
    assert after.strip().startswith(report._markdown_table(columns, rows))
    summary = build.one("select * from marts.recon_summary")
    assert sum(users for _, users, _ in rows) == summary["users_mismatched_platform_vs_rebuilt"]
    assert sum(spend for _, _, spend in rows) == summary["spend_gap_platform_side"]


def test_evidence_says_what_changed_beyond_spend(written) -> None:
    build, emails, _ = written
    email = emails[report.EVIDENCE]
    for column in ("count_saved_items", "loyalty_credits"):
        users, larger = build.query(
            f"select count(*), count(*) filter (where platform_{column} > rebuilt_{column})"
            f" from marts.recon_platform_vs_rebuilt"
            f" where status = 'value_mismatch' and not is_{column}_equal")[0]
        assert f"{users:,} differ in {column} (for {larger:,} of them our table shows more" in email


def test_examples_show_each_file_the_stale_rows_come_from(written) -> None:
    """On the real files, delta0, delta1 and delta2 all hold stale rows: the examples show
    each, not six users of delta0."""
    build, emails, _ = written
    rows = table_rows(section(emails[report.EVIDENCE], "Examples"))
    shown = {held[6] for held in rows[0::2]}
    groups = {f for (f,) in build.query(
        "select distinct coalesce(platform_source_file, 'no delta file')"
        " from marts.recon_platform_vs_rebuilt where status <> 'match'")}
    assert len(groups) <= report.EXAMPLES_SHOWN
    assert shown == groups
