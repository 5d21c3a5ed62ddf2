"""results.json / samples.jsonl reading: schema validation with clear messages, run discovery."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from ptc_bench.core.errors import DataError
from ptc_bench.reports.results import find_runs, load_results, load_samples, results_schema
from tests.reports.run_helpers import load_runs


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_load_results_mirrors_the_json(run_dir: Path) -> None:
    results = load_results(run_dir)
    assert results.run_id == "20240501-nc"
    assert results.kind == "run" and results.split == "dev" and results.task == "name-calling"
    assert results.adapter is not None and results.adapter.task == "name-calling"
    assert results.systems["base"].metrics["flc_f1"].value == pytest.approx(0.2)
    assert results.systems["base"].metrics["flc_f1"].ci == pytest.approx((0.1, 0.3))
    assert results.systems["base"].metrics["json_validity"].ci is None
    assert results.systems["base"].errors == {"no_json": 1}
    assert results.systems["adapted"].counts.n_unaligned == 1
    comparison = results.comparison("flc_f1")
    assert comparison is not None and comparison.difference == pytest.approx(0.3)
    assert comparison.p_value == pytest.approx(0.012) and comparison.iterations == 1000
    assert results.oracle == {"flc_f1": 0.95, "si_f1": 0.97}
    assert results.adapter_changes_outputs is True
    assert results.run_dir == run_dir


def test_schema_is_draft_2020_12() -> None:
    assert results_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (
            lambda d: d["systems"]["base"]["metrics"]["flc_f1"].__setitem__("value", "high"),
            "$.systems.base.metrics.flc_f1.value: 'high' is not of type 'number', 'null'",
        ),
        (lambda d: d.pop("manifest_hash"), "$: 'manifest_hash' is a required property"),
        (lambda d: d.__setitem__("kind", "train"), "$.kind: 'train' is not one of ['run', 'eval']"),
        (
            lambda d: d["systems"]["adapted"]["counts"].__setitem__("n_samples", -1),
            "$.systems.adapted.counts.n_samples: -1 is less than the minimum of 0",
        ),
        (lambda d: d["comparisons"][0].__setitem__("ci", [0.1]), "$.comparisons[0].ci: [0.1] is too short"),
        (lambda d: d.__setitem__("schema_version", 2), "$.schema_version: 1 was expected"),
        (
            lambda d: d["comparisons"][0].__setitem__("system_b", "tuned"),
            "$.comparisons[0].system_b: unknown system 'tuned'",
        ),
        (
            lambda d: d.__setitem__("created", "last tuesday"),
            "$.created: 'last tuesday' is not an ISO-8601 date-time",
        ),
        (
            lambda d: d["systems"]["base"]["metrics"]["si_f1"].__setitem__("value", 1.5),
            "$.systems.base.metrics.si_f1.value: 1.5 is greater than the maximum of 1.000000001",
        ),
        (
            lambda d: d["systems"]["base"]["metrics"]["flc_f1"].__setitem__("ci", [-0.2, 0.4]),
            "$.systems.base.metrics.flc_f1.ci[0]: -0.2 is less than the minimum of 0",
        ),
        (
            lambda d: d["systems"]["base"]["per_technique"]["Doubt"].__setitem__("flc_f1", 7),
            "$.systems.base.per_technique.Doubt.flc_f1: 7 is greater than the maximum of 1.000000001",
        ),
        (
            lambda d: d["systems"]["adapted"]["metrics"]["flc_f1"].__setitem__("value", float("nan")),
            "$.systems.adapted.metrics.flc_f1.value: NaN or infinity is not a score",
        ),
        (
            lambda d: d["oracle"].__setitem__("si_f1", float("inf")),
            "$.oracle.si_f1: NaN or infinity is not a score",
        ),
    ],
)
def test_malformed_results_name_the_json_path(
    tmp_path: Path, fake: ModuleType, break_it, expected: str
) -> None:
    document = fake.results_dict()
    break_it(document)
    path = _write(tmp_path / "results.json", document)
    with pytest.raises(DataError) as caught:
        load_results(path)
    assert str(caught.value) == f"{path}: {expected}"
    assert caught.value.line is None


def test_invalid_json_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text('{\n  "schema_version": 1,\n  oops\n}', encoding="utf-8")
    with pytest.raises(DataError, match=r"results\.json:3: invalid JSON"):
        load_results(path)


def test_missing_results_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_results(tmp_path)


def test_unreadable_or_non_utf8_results_are_one_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_bytes(b'{"run_id": "caf\xe9"}')
    with pytest.raises(DataError, match=r"results\.json: not valid UTF-8 at byte 15"):
        load_results(path)
    folder = tmp_path / "runs" / "run" / "results.json"
    folder.mkdir(parents=True)
    with pytest.raises(DataError, match=r"results\.json: cannot read: Is a directory"):
        load_results(tmp_path / "runs" / "run")
    assert find_runs(tmp_path / "runs") == [tmp_path / "runs" / "run"]  # found, so a board lists it apart


def test_torn_last_sample_line_is_skipped_with_a_warning(
    run_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = run_dir / "samples.jsonl"
    whole = path.read_text(encoding="utf-8")
    path.write_text(whole + whole.splitlines()[0][:40], encoding="utf-8")  # killed mid-line
    assert len(load_samples(run_dir)) == 6
    assert "skipping a torn last line" in caplog.text and "samples.jsonl:7" in caplog.text
    path.write_bytes(whole.encode() + b'{"system": "\xff"}\n')
    with pytest.raises(DataError, match=r"samples\.jsonl: not valid UTF-8"):
        load_samples(run_dir)


def test_load_samples(run_dir: Path, fake: ModuleType) -> None:
    samples = load_samples(run_dir)
    assert len(samples) == 6
    first = samples[0]
    assert first.system == "base" and first.article_id == "111" and first.window_offset == 0
    assert first.completion == fake.SCRIPT_COMPLETION
    assert first.parse.ok and first.parse.pairs == (("clown", fake.NC),)
    assert [(s.start, s.end, s.technique) for s in first.spans] == [(12, 17, fake.NC)]
    assert [(s.start, s.end) for s in first.gold] == [(4, 17)]
    assert samples[1].unaligned == (("liar", fake.NC),) and samples[1].n_unaligned == 1
    assert samples[2].parse.error == "no_json" and not samples[2].parse.ok


def test_bad_sample_line_names_the_line(run_dir: Path) -> None:
    path = run_dir / "samples.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[2])
    broken["spans"] = [[1, "x", None]]
    lines[2] = json.dumps(broken)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_samples(path)
    assert caught.value.line == 3
    assert "$.spans[0][1]: 'x' is not of type 'integer'" in str(caught.value)


def test_find_runs_is_recursive(runs_dir: Path) -> None:
    found = find_runs(runs_dir)
    assert [p.relative_to(runs_dir).as_posix() for p in found] == [
        "20240501-nc",
        "20240502-slogans",
        "20240504-other-data",
        "20240505-validation",
        "cross-eval/name-calling--on--slogans",
    ]
    assert [r.run_id for r in load_runs(runs_dir)][-1] == "20240503-nc-on-slogans"


def test_find_runs_on_a_file_is_an_error(run_dir: Path) -> None:
    with pytest.raises(DataError, match="not a folder"):
        find_runs(run_dir / "results.json")
