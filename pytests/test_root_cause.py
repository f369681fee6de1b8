"""Root cause on simulated cases: every fault class the simulator injects, alone and
combined (several files skipped and cut at once, on streams of up to 32 files, with the
client's export behind and the last-arrival rule), at thousands of users, built through
the project (input_dir) and checked against the simulator's ground truth: each file's load
status, the cause (every fault, joined by '+'), explained, the figures, the gap split by
side, and a root cause sentence naming every file involved. The cases are
pytests/cases.py's SIMULATED, each built once for every test file that reads it."""

from __future__ import annotations

import pytest

from pytests.cases import SIMULATED, resent_rows_build, simulated_build
from pytests.dbt_harness import Build
from recon.report import root_cause
from recon.simulator import VALUE_COLUMNS, SimulatedCase


@pytest.fixture(scope="module", params=sorted(SIMULATED))
def simulated(request, tmp_path_factory) -> tuple[SimulatedCase, Build]:
    return simulated_build(tmp_path_factory, request.param)


def test_cause_is_named_and_explained(simulated) -> None:
    case, build = simulated
    summary = build.one("select * from marts.recon_summary")
    summary["root_cause"] = root_cause(summary)
    assert summary["cause"] == "+".join(case.truth.causes), summary["root_cause"]
    assert summary["explained"] is True, summary["root_cause"]


def test_root_cause_names_every_file_involved(simulated) -> None:
    """Each file not loaded or cut short (and where), and the client's last file when
    its export is behind, is in the sentence."""
    case, build = simulated
    summary = build.one("select * from marts.recon_summary")
    sentence = root_cause(summary)
    files = build.query(
        "select source_file, load_status, loaded_up_to_line from marts.recon_delta_files")
    for source_file, status, line in files:
        if status in ("not_loaded", "partially_loaded", "loaded_with_altered_values"):
            assert f"{source_file}" in sentence, (source_file, sentence)
        if status == "partially_loaded" and line is not None:
            assert f"{source_file} only up to line {line:,}" in sentence, sentence
    # a file loaded with altered values, with the columns and the rule
    for file, a, b in case.fault.exchanged_columns:
        assert f"loaded delta{file} with {a} and {b} exchanged in " in sentence, sentence
    for file, column, power in case.fault.scaled_columns:
        change = f"divided by {10 ** -power:,}" if power < 0 else f"multiplied by {10 ** power:,}"
        assert f"loaded delta{file} with {column} {change} in " in sentence, sentence
    if "client_export_behind" in case.truth.causes:
        assert f"only up to {summary['client_last_file']}" in sentence, sentence


def test_a_chunk_lost_from_a_file_is_named_by_its_lines(simulated) -> None:
    """Each chunk of rows the load lost from a file's middle is one range of lines
    missing: it holds the lost lines, the platform holds the lines either side of it and
    none of the file's rows inside, and the sentence names it; a file that lost only such
    chunks is not called cut."""
    case, build = simulated
    summary = build.one("select * from marts.recon_summary")
    lost = [(f"delta{k}", first + 1, last + 1) for k, first, last in case.fault.lost_rows]
    ranges = [(r["source_file"], r["first_line"], r["last_line"]) for r in summary["lines_missing"] or []]
    assert len(ranges) == len(lost), ranges
    sentence = root_cause(summary)
    for (file, first, last), (named, first_line, last_line) in zip(lost, ranges, strict=True):
        assert named == file and first_line <= first <= last <= last_line, (lost, ranges)
        assert f"lines {first_line:,}–{last_line:,}" in sentence, sentence
        held = build.query(
            """
            select list(distinct deltas.source_line_number order by deltas.source_line_number)
            from marts.recon_summary_rows as platform
            inner join staging.stg_deltas as deltas
                on (platform.user_id, platform.batch_id, platform.total_spend)
                = (deltas.user_id, deltas.batch_id, deltas.total_spend)
            where platform.input_kind = 'platform_summary' and deltas.source_file = ?
                and deltas.source_line_number between ? and ?
            """, [file, first_line - 1, last_line + 1])[0][0]
        assert held[0] == first_line - 1 and held[-1] == last_line + 1, held
        assert all(line in (first_line - 1, last_line + 1) for line in held), held
    cut = build.query("select source_file from marts.recon_delta_files where loaded_up_to_line is not null")
    assert {f for (f,) in cut} == {
        f"delta{k}" for k in case.fault.cuts if case.truth.files[k].status == "partially_loaded"}


def test_every_file_gets_its_load_status(simulated) -> None:
    case, build = simulated
    statuses = build.query("select load_status from marts.recon_delta_files order by file_position")
    assert [s for (s,) in statuses] == [f.status for f in case.truth.files]


def test_no_file_whose_rows_the_platform_holds_is_not_loaded(simulated) -> None:
    """A file is not_loaded only when none of its rows' user and batch_id is on the
    platform, whatever values the platform holds for them; a file loaded with altered
    values names the columns and the rule that explain every altered row."""
    case, build = simulated
    held = build.query(
        """
        select distinct files.source_file
        from marts.recon_delta_files as files
        inner join staging.stg_deltas as deltas on files.file_position = deltas.file_position
        inner join marts.recon_summary_rows as platform
            on platform.input_kind = 'platform_summary'
            and (platform.user_id, platform.batch_id) = (deltas.user_id, deltas.batch_id)
        where files.load_status = 'not_loaded'
        """)
    assert held == []
    altered = build.query(
        """
        select source_file, altered_columns, alteration_rule, alteration_factor
        from marts.recon_delta_files where rows_altered > 0 order by file_position
        """)
    expected = [(f"delta{k}", f"{a}, {b}" if VALUE_COLUMNS.index(a) < VALUE_COLUMNS.index(b) else f"{b}, {a}",
                 "columns_exchanged", None) for k, a, b in case.fault.exchanged_columns]
    expected += [(f"delta{k}", column, "column_scaled", 10.0 ** power)
                 for k, column, power in case.fault.scaled_columns]
    assert altered == sorted(expected, key=lambda row: int(row[0].removeprefix("delta")))
    # and the run history keeps each file loaded with altered values as a fault of its own
    assert build.query(
        "select source_file from marts.recon_faults_over_runs where fault = 'file_altered'"
        " order by source_file") == sorted(
        (f"delta{k}",) for k, f in enumerate(case.truth.files)
        if f.status == "loaded_with_altered_values")


def test_figures_match_the_ground_truth(simulated) -> None:
    case, build = simulated
    truth = case.truth
    summary = build.one("select * from marts.recon_summary")
    assert summary["client_total_spend"] == truth.client_total
    assert summary["platform_total_spend"] == truth.platform_total
    assert summary["expected_total_spend"] == truth.correct_total
    assert summary["spend_gap"] == truth.gap
    assert summary["users_mismatched_platform_vs_rebuilt"] == truth.users_differing
    files = build.query(
        "select row_count, total_spend from marts.recon_delta_files order by file_position"
    )
    assert files == [(f.rows, f.spend) for f in truth.files]
    (attributed,) = build.query("select sum(spend_gap_attributed) from marts.recon_delta_files")[0]
    assert attributed + summary["spend_gap_unattributed"] == truth.gap
    # the gap split by side: the platform's load and the client's export
    assert summary["spend_gap_platform_side"] == truth.correct_total - truth.platform_total
    assert summary["spend_gap_client_side"] == truth.client_total - truth.correct_total


def test_build_fails_exactly_when_something_is_wrong(simulated) -> None:
    case, build = simulated
    consistent = case.truth.causes == ("consistent",)
    assert build.success is consistent
    assert (build.failed() == {}) is consistent
    if not consistent:
        assert "reconciliation_finds_nothing_wrong" in build.failed()


def test_a_search_from_the_composed_hypothesis_corrects_what_a_resent_row_misleads(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Two of 15 files never loaded, and the later one also sends again, unchanged, 30 rows
    an earlier file carries. The platform holds those rows and they trace to the later
    file, so its own evidence says it was loaded in part, and the composed hypothesis,
    cutting it there, gets users wrong (pairs are not replayed at 15 files). The search
    from it leaves the file out instead, and that reproduces the platform's table."""
    case, build = resent_rows_build(tmp_path_factory)

    composed = build.one(
        "select * from intermediate.int_load_composed where dedup_rule = 'largest_batch_id'")
    assert composed["files_partially_loaded"] == ["delta11"]
    assert composed["users_right"] < composed["users_total"]
    search = build.one("select * from intermediate.int_load_composed_search")
    assert (search["search_files_changed"], search["search_statuses_set"], search["search_steps"]) == (
        ["delta11"], ["not_loaded"], 1)

    summary = build.one("select * from marts.recon_summary")
    assert summary["hypothesis_kind"] == "composed_search"
    assert (summary["cause"], summary["explained"]) == ("files_not_loaded", True)
    assert summary["files_not_loaded"] == ["delta6", "delta11"]
    assert summary["spend_gap"] == case.truth.gap
    statuses = build.query("select load_status from marts.recon_delta_files order by file_position")
    assert [s for (s,) in statuses] == [f.status for f in case.truth.files]
    assert "did not load delta6 and delta11" in root_cause(summary)
