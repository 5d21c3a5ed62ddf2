"""Leaderboard ranking, exclusion of runs on other data or splits, and the per-task pivot."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from ptc_bench.core.errors import UserError
from ptc_bench.core.records import RunResults
from ptc_bench.reports.leaderboard import leaderboard_pivot, leaderboard_table
from tests.reports.run_helpers import load_runs


def test_ranked_by_metric_with_other_data_and_split_apart(runs_dir: Path) -> None:
    ranked, excluded = leaderboard_table(load_runs(runs_dir), "flc_f1")
    assert ranked.index.name == "rank" and list(ranked.index) == [1, 2, 3, 4, 5]
    assert list(zip(ranked["run"], ranked["system"], strict=True)) == [
        ("20240501-nc", "adapted"),
        ("20240502-slogans", "adapted"),
        ("20240501-nc", "base"),
        ("20240503-nc-on-slogans", "adapted"),
        ("20240502-slogans", "base"),
    ]
    assert ranked["flc_f1"].tolist() == pytest.approx([0.5, 0.4, 0.2, 0.15, 0.1])
    assert ranked.loc[1, "flc_f1 CI"] == pytest.approx((0.4, 0.6))
    assert ranked.loc[1, "adapter"] == "name-calling aaaaaaaaaaaa" and ranked.loc[3, "adapter"] is None
    assert ranked.loc[1, "date"] == "2024-05-01" and ranked.loc[1, "manifest"] == "m" * 12
    # the other-data run would be first (0.95) but is never ranked with the others
    reasons = {e.run.run_id: e.reason for e in excluded}
    assert reasons == {
        "20240504-other-data": (
            "data hash eeeeeeeeeeee (sample corpus) differs from the majority's dddddddddddd"
        ),
        "20240505-validation": "split is 'validation', not 'dev'",
    }


def test_selected_data_hash_ranks_only_its_runs(runs_dir: Path) -> None:
    ranked, excluded = leaderboard_table(load_runs(runs_dir), "flc_f1", data_hash="eee")
    assert set(ranked["run"]) == {"20240504-other-data"}
    assert len(excluded) == 4
    assert any("differs from the selected one eeeeeeeeeeee" in e.reason for e in excluded)


def test_unknown_data_hash_is_a_user_error(runs_dir: Path) -> None:
    with pytest.raises(UserError, match="data hash 'fff' matches no run"):
        leaderboard_table(load_runs(runs_dir), "flc_f1", data_hash="fff")


def test_lower_is_better_metric_ranks_ascending(runs_dir: Path) -> None:
    ranked, _ = leaderboard_table(load_runs(runs_dir), "hallucination_rate")
    assert ranked["hallucination_rate"].tolist() == sorted(ranked["hallucination_rate"].tolist())
    assert ranked.attrs["best"]["hallucination_rate"] == "min"


def test_run_without_the_metric_is_listed_apart(fake: ModuleType) -> None:
    document = fake.results_dict()
    for system in document["systems"].values():
        del system["metrics"]["si_f1"]
    ranked, excluded = leaderboard_table([RunResults.from_json(document)], "si_f1")
    assert len(ranked.index) == 0
    assert [e.reason for e in excluded] == ["no si_f1 score"]


def test_run_with_zero_evaluated_windows_is_never_ranked(fake: ModuleType) -> None:
    scored = fake.results_dict()
    vacuous = fake.results_dict(
        "20240509-empty", created="2024-05-09T10:00:00+00:00", base_f1=1.0, adapted_f1=1.0
    )
    vacuous["data"].update(n_articles=0, n_windows=0)  # `--limit-articles 0` used to score F1 = 1
    runs = [RunResults.from_json(scored), RunResults.from_json(vacuous)]
    ranked, excluded = leaderboard_table(runs, "flc_f1")
    assert set(ranked["run"]) == {"20240501-nc"}
    assert [(e.run.run_id, e.reason) for e in excluded] == [
        ("20240509-empty", "no evaluated windows (its scores mean nothing)")
    ]


def test_pivot_rows_systems_columns_tasks(runs_dir: Path) -> None:
    runs: list[RunResults] = [r for r in load_runs(runs_dir) if r.split == "dev" and r.data.hash == "d" * 64]
    pivot = leaderboard_pivot(runs, "flc_f1")
    assert pivot is not None
    assert list(pivot.columns) == ["name-calling", "slogans"]
    assert list(pivot.index) == [
        "tiny-llama + no adapter",
        "tiny-llama + name-calling aaaaaaaaaaaa",
        "tiny-llama + slogans bbbbbbbbbbbb",
    ]
    assert pivot.loc["tiny-llama + name-calling aaaaaaaaaaaa", "slogans"] == pytest.approx(0.15)
    assert pivot.loc["tiny-llama + slogans bbbbbbbbbbbb", "name-calling"] is None


def test_no_pivot_for_a_single_task(run_dir: Path) -> None:
    assert leaderboard_pivot(load_runs(run_dir), "flc_f1") is None


def test_ranking_by_json_validity_has_one_validity_column_and_renders(runs_dir: Path) -> None:
    from ptc_bench.reports.render import to_markdown

    ranked, _ = leaderboard_table(load_runs(runs_dir), "json_validity")
    assert list(ranked.columns).count("json_validity") == 1
    assert ranked.attrs["best"]["json_validity"] == "max"
    assert "| json_validity |" in to_markdown(ranked)


def test_generate_and_tagger_runs_rank_side_by_side_under_their_own_labels(fake: ModuleType) -> None:
    generate = fake.results_dict("20240501-gen", adapted_f1=0.3)
    tagger = fake.results_dict("20240502-tag", created="2024-05-02T10:00:00+00:00", adapted_f1=0.6)
    tagger["model"]["approach"] = "tagger"
    ranked, excluded = leaderboard_table(
        [RunResults.from_json(generate), RunResults.from_json(tagger)], "flc_f1"
    )
    assert not excluded
    assert ranked["model"].iloc[0] == "tiny-llama (tagger)"
    assert set(ranked["model"]) == {"tiny-llama", "tiny-llama (tagger)"}


def test_two_folders_with_one_run_id_rank_once(tmp_path: Path, fake: ModuleType) -> None:
    """Issue 22, case 11: a copied run folder is not ranked twice; the copy is listed apart."""
    runs = tmp_path / "runs"
    fake.write_run(runs / "a" / "20240501-nc", fake.results_dict(created="2024-05-01T10:00:00+00:00"))
    fake.write_run(runs / "b" / "20240501-nc", fake.results_dict(created="2024-05-03T10:00:00+00:00"))
    ranked, excluded = leaderboard_table(load_runs(runs), "flc_f1")
    assert ranked["run"].tolist().count("20240501-nc") == len({s for s in ranked["system"]})
    (copy,) = excluded
    assert "same run id as" in copy.reason and str(runs / "b" / "20240501-nc") in copy.reason
    assert copy.run.created.startswith("2024-05-01")


def test_an_unfinished_run_is_left_out_and_said_so(tmp_path: Path, fake: ModuleType) -> None:
    """Issue 30: a run whose manifest says running, error or interrupted is not ranked; it is listed."""
    from ptc_bench.reports.board_report import excluded_table
    from ptc_bench.reports.results import load_runs_tolerant

    runs = tmp_path / "runs"
    fake.write_run(runs / "20240501-nc", fake.results_dict())
    crashed = fake.write_run(runs / "20240502-nc", fake.results_dict(created="2024-05-02T10:00:00+00:00"))
    (crashed / "manifest.json").write_text(
        json.dumps({"identity": {"task": "name-calling"}, "status": "error", "error": "out of memory"}),
        encoding="utf-8",
    )
    older = fake.write_run(runs / "20240503-nc", fake.results_dict(created="2024-05-03T10:00:00+00:00"))
    (older / "manifest.json").write_text(json.dumps({"identity": {"task": "name-calling"}}), encoding="utf-8")
    loaded, unreadable = load_runs_tolerant(runs)
    assert len(loaded) == 2  # the first and the one whose manifest has no status (finished)
    (bad,) = unreadable
    assert bad.run_dir == crashed
    assert bad.reason == "unfinished: its last attempt is error: out of memory (re-run it)"
    assert excluded_table([], unreadable)["reason"].tolist() == [bad.reason]


def test_a_served_and_a_local_model_of_one_name_stay_apart(tmp_path: Path, fake: ModuleType) -> None:
    """Reliability round 4, case 7: the leaderboard and the comparison name the server."""
    from ptc_bench.reports.comparison import comparison_matrix

    runs = tmp_path / "runs"
    fake.write_run(
        runs / "local",
        fake.results_dict("local", adapter_task=None, kind="eval", base_f1=0.2, adapted_f1=None),
    )
    served = fake.results_dict("served", adapter_task=None, kind="eval", base_f1=0.4, adapted_f1=None,
                               created="2024-05-02T10:00:00+00:00")  # fmt: skip
    served["model"]["endpoint"] = "http://127.0.0.1:8000/v1"
    fake.write_run(runs / "served", served)
    loaded = load_runs(runs)
    ranked, _ = leaderboard_table(loaded, "flc_f1")
    assert sorted(ranked["model"]) == ["tiny-llama", "tiny-llama @ http://127.0.0.1:8000/v1"]
    matrix = comparison_matrix(loaded, "flc_f1")  # keyed by the model's label: two rows, not one
    assert len(matrix.index) == 2


def test_a_run_dated_in_the_future_is_unreadable_not_the_newest(tmp_path: Path, fake: ModuleType) -> None:
    """Reliability round 4, case 16: a planted copy dated 2099 cannot win every "newest run" choice."""
    from ptc_bench.reports.results import load_runs_tolerant

    runs = tmp_path / "runs"
    fake.write_run(runs / "real", fake.results_dict("real"))
    fake.write_run(runs / "planted", fake.results_dict("planted", created="2099-01-01T00:00:00+00:00"))
    loaded, unreadable = load_runs_tolerant(runs)
    assert [run.run_id for run in loaded] == ["real"]
    (bad,) = unreadable
    assert "$.created: '2099-01-01T00:00:00+00:00' is in the future" in bad.reason
