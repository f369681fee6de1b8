"""The command line never shows a verdict that is not this build's.

`python -m recon.cli build` runs in its own process, as a person runs it, with the
warehouse, dbt's target and logs, and the write-up in a scratch folder. A good folder is
built, then a folder whose delta2.csv has a renamed column: the second build must say in
one line that it stopped, naming the file, line and what is wrong, print no summary,
write no emails, and leave none of the first build's write-up behind; `summary` must then
refuse the first build's verdict.

A command line to fix (a --vars that is not a mapping, two folders at once, a report
folder that is a file, a --parties file that is not a mapping of names, an input folder
that loops) is refused in one line, exit status 2, before dbt runs; a warehouse another
process holds, or that cannot be written, in one line too (exit status 1). A --vars given
after `--` reaches dbt merged with --input-dir, in one --vars.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from pytests.dbt_harness import PROJECT_DIR
from recon import cli as recon_cli
from recon.report import HISTORY_CHART_PNG, WRITE_UP_FILES, read_chart_data
from recon.simulator import simulate, write_case


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_DUCKDB_TEMP_DIRECTORY": str(workdir / "spill"),
    }
    return subprocess.run(
        [sys.executable, "-m", "recon.cli", *args], cwd=PROJECT_DIR, env=env,
        capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli_folders")
    case = simulate(n_users=300, n_files=4, seed=5)
    good, bad, empty = root / "good", root / "bad", root / "empty"
    for folder in (good, bad, empty):
        write_case(case, folder)
    delta2 = bad / "delta2.csv"
    delta2.write_text(delta2.read_text().replace("total_spend", "spend", 1))
    platform = empty / "AIQ-user-summary.csv"
    platform.write_text(platform.read_text().split("\n", 1)[0] + "\n")
    return {"good": good, "bad": bad, "empty": empty}


def test_a_build_that_stops_shows_no_earlier_verdict(folders, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    first = cli(tmp_path, "build", "--input-dir", str(folders["good"]),
                "--report-dir", str(reports))
    assert first.returncode == 0, first.stderr
    assert "cause: consistent" in first.stdout
    assert sorted(os.listdir(reports)) == sorted(WRITE_UP_FILES)
    # the docs site's chart of the gap over builds: this folder's one build so far
    drawn = read_chart_data(tmp_path / "target" / "assets" / HISTORY_CHART_PNG)
    assert [(b["spend_gap"], b["cause"]) for b in drawn["builds"]] == [(0, "consistent")]

    second = cli(tmp_path, "build", "--input-dir", str(folders["bad"]),
                 "--report-dir", str(reports))

    assert second.returncode == 1
    stopped = [line for line in second.stderr.splitlines()
               if line.startswith("The build stopped before the reconciliation")]
    assert stopped == [
        "The build stopped before the reconciliation: base_input_rows_landed: "
        f"{folders['bad'] / 'delta2.csv'}, line 1: missing column total_spend; unexpected"
        " column spend (renamed?). Expected the columns user_id, total_spend,"
        " count_saved_items, loyalty_credits, batch_id (in any order); found user_id, spend,"
        " count_saved_items, loyalty_credits, batch_id."]
    assert "No summary and no write-up" in second.stderr
    assert "Reconciliation of" not in second.stdout + second.stderr
    assert "cause:" not in second.stdout + second.stderr
    assert not reports.exists() or os.listdir(reports) == []
    assert "Traceback" not in second.stderr

    summary = cli(tmp_path, "summary")
    assert summary.returncode == 1
    assert "is not the last build's" in summary.stderr
    assert "cause:" not in summary.stdout
    report = cli(tmp_path, "report", "--out", str(reports))
    assert report.returncode == 1
    assert not reports.exists() or os.listdir(reports) == []


def test_a_summary_with_no_rows_gets_a_verdict_not_a_traceback(folders, tmp_path: Path) -> None:
    result = cli(tmp_path, "build", "--input-dir", str(folders["empty"]),
                 "--report-dir", str(tmp_path / "reports"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "cause: summary_empty (explained)" in result.stdout
    assert "The platform's table (AIQ-user-summary) has a header and no usable row" in (
        " ".join(result.stdout.split()))
    assert "every_summary_file_has_rows" in result.stdout
    assert sorted(os.listdir(tmp_path / "reports")) == sorted(WRITE_UP_FILES)


def test_the_build_screen_is_progress_summary_findings_and_the_write_up(folders, tmp_path: Path) -> None:
    """dbt's own log goes to target/dbt.log: the screen shows one line for the build, the
    summary, each finding on one line, and where the write-up went; --verbose shows dbt's
    log as dbt prints it."""
    result = cli(tmp_path, "build", "--input-dir", str(folders["empty"]),
                 "--report-dir", str(tmp_path / "reports"))
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"dbt build: \d+ nodes run \(dbt's log: .*dbt\.log; --verbose prints it here\)\.",
                        lines[0]), lines[0]
    for dbt_says in ("START", "Failure in test", "Done. PASS", "Completed with", "Running with dbt"):
        assert dbt_says not in result.stdout, dbt_says
    findings = lines.index(next(line for line in lines if "findings (data tests that found rows" in line
                                or line.startswith("One finding")))
    assert lines.index(next(line for line in lines if line.startswith("Reconciliation of"))) < findings
    assert any(line.startswith("  every_summary_file_has_rows") for line in lines[findings:])
    assert lines.index("Written up:") > findings
    assert "Failure in test" in (tmp_path / "target" / "dbt.log").read_text()
    verbose = cli(tmp_path, "build", "--verbose", "--input-dir", str(folders["empty"]),
                  "--report-dir", str(tmp_path / "reports"))
    assert "Failure in test" in verbose.stdout and "dbt build: " not in verbose.stdout


# ---------------------------------------------------------------- a command line to fix
# Each is refused before dbt runs, in one line: `main` returns without building.


@pytest.fixture
def no_build(monkeypatch, tmp_path: Path) -> Path:
    """A warehouse in a scratch folder, and any dbt run a failure of the test."""
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))

    def no_dbt(*args, **kwargs):
        raise AssertionError("dbt ran")

    monkeypatch.setattr(recon_cli, "run_dbt_build", no_dbt)
    monkeypatch.setattr(recon_cli, "run_dbt_docs", no_dbt)
    return tmp_path


def one_line_refusal(capsys, status: int, returned: int) -> str:
    out, err = capsys.readouterr()
    assert returned == status, err
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_the_users_vars_and_the_input_folder_both_reach_dbt() -> None:
    for given in (["--", "--vars", "{findings_as_warnings: true}"],
                  ["--", "--vars={findings_as_warnings: true}"],
                  ["--vars", "findings_as_warnings: true"]):
        extra, user_vars = recon_cli.split_vars([a for a in given if a != "--"])
        variables = recon_cli.build_vars("some/folder", user_vars)
        args = recon_cli.dbt_args(["build"], variables, "duckdb", ["--select", "x", *extra])
        assert args.count("--vars") == 1 and not any(a.startswith("--vars=") for a in args)
        passed = yaml.safe_load(args[args.index("--vars") + 1])
        assert passed == {"findings_as_warnings": True,
                          "input_dir": str(Path("some/folder").resolve())}
        assert args[-2:] == ["--select", "x"]
    # later --vars over earlier ones, as dbt reads one; the user's input_dir kept as given
    assert recon_cli.split_vars(["--vars", "{a: 1, b: 1}", "--vars={b: 2}"]) == (
        [], {"a": 1, "b": 2})
    assert recon_cli.build_vars(None, {"input_dir": "x"}) == {"input_dir": "x"}
    # a date (YAML reads one) is passed on as YAML, not lost
    date_vars = recon_cli.build_vars(None, recon_cli.split_vars(["--vars", "{d: 2024-01-31}"])[1])
    args = recon_cli.dbt_args(["build"], date_vars, "duckdb")
    assert yaml.safe_load(args[args.index("--vars") + 1]) == date_vars


@pytest.mark.parametrize("given, problem", [
    (["--vars", "[1, 2]"], "is YAML list, not a mapping"),
    (["--vars=findings_as_warnings"], "is YAML text, not a mapping"),
    (["--vars", "{a: [}"], "is not YAML"),
    (["--vars"], "--vars needs a value"),
])
def test_vars_that_are_not_a_mapping_are_refused(no_build, capsys, given, problem) -> None:
    line = one_line_refusal(capsys, 2, recon_cli.main(
        ["build", "--input-dir", str(no_build), "--", *given]))
    assert line.startswith("python -m recon.cli build: ") and problem in line


def test_two_folders_given_at_once_are_refused(no_build, capsys) -> None:
    line = one_line_refusal(capsys, 2, recon_cli.main(
        ["build", "--input-dir", str(no_build), "--", "--vars", "{input_dir: elsewhere}"]))
    assert "name two folders" in line


def test_a_report_folder_that_is_a_file_is_refused(no_build, capsys) -> None:
    a_file = no_build / "a_file"
    a_file.write_text("not a folder")
    line = one_line_refusal(capsys, 2, recon_cli.main(
        ["build", "--input-dir", str(no_build), "--report-dir", str(a_file)]))
    assert f"--report-dir {a_file}: not a folder" in line
    line = one_line_refusal(capsys, 2, recon_cli.main(
        ["report", "--out", str(a_file / "below")]))
    assert f"--out {a_file / 'below'}: not a folder ({a_file} is a file)" in line
    assert a_file.read_text() == "not a folder"


@pytest.mark.parametrize("text, problem", [
    ("client_name: [unclosed\n", "not YAML at line 2"),
    ("- just\n- a list\n", "a YAML list, not a mapping of names"),
    ("client_name:\n  first: a\n", "client_name is a dict, not a name"),
    (None, "cannot be read"),
])
def test_a_parties_file_that_cannot_be_used_is_refused(no_build, capsys, text, problem) -> None:
    parties = no_build / "parties.yml"
    if text is not None:
        parties.write_text(text)
    line = one_line_refusal(capsys, 2, recon_cli.main(
        ["report", "--out", str(no_build / "out"), "--parties", str(parties)]))
    assert f"--parties {parties}: " in line and problem in line
    assert not (no_build / "out").exists()


def test_an_input_folder_that_loops_is_refused(no_build, capsys) -> None:
    loop = no_build / "loop"
    loop.symlink_to(loop)
    line = one_line_refusal(capsys, 2, recon_cli.main(["build", "--input-dir", str(loop)]))
    assert f"--input-dir {loop}: Symlink loop" in line
    line = one_line_refusal(capsys, 2, recon_cli.main(["build", "--input-dir", ""]))
    assert "--input-dir is empty" in line


def test_a_warehouse_another_process_holds_is_named_in_one_line(no_build, capsys) -> None:
    warehouse = no_build / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " sys.stdin.read()", str(warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        line = one_line_refusal(capsys, 1, recon_cli.main(["build", "--input-dir", str(no_build)]))
    finally:
        holder.communicate("", timeout=30)
    assert line.startswith(f"The warehouse {warehouse} is in use by another process")
    assert "DBT_DUCKDB_PATH" in line


def test_a_read_only_warehouse_is_named_in_one_line(no_build, capsys) -> None:
    warehouse = no_build / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    warehouse.chmod(0o444)
    immutable = False
    if os.geteuid() == 0:  # root writes a read-only file: make it immutable instead
        immutable = subprocess.run(["chattr", "+i", str(warehouse)],
                                   capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("running as root, and chattr +i is not available here")
    try:
        line = one_line_refusal(capsys, 1, recon_cli.main(["build", "--input-dir", str(no_build)]))
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(warehouse)], check=True)
    assert line.startswith(f"The warehouse {warehouse} cannot be opened for writing")
