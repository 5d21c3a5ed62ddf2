"""The Python API: the same run as the command line, the same checks, the README's example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ptc_bench
from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.data import load_split, load_train_and_validation
from ptc_bench.core.errors import UserError

REPO = Path(__file__).resolve().parent
QUICK = {"limit_articles": 2, "window_chars": 500, "max_new_tokens": 48, "iterations": 50}


def quick_flags(tiny: Path, data: Path, runs: Path) -> list[str]:
    return [
        "--model", str(tiny), "--data-dir", str(data), "--runs-dir", str(runs), "--limit-articles", "2",
        "--window-chars", "500", "--max-new-tokens", "48", "--iterations", "50",
    ]  # fmt: skip


@pytest.mark.integration
def test_the_api_and_the_command_line_give_the_same_run(
    tiny_path: Path, sample_dir: Path, tmp_path: Path
) -> None:
    options = {
        "model": tiny_path,
        "data_dir": sample_dir,
        "runs_dir": tmp_path / "api",
        "max_steps": 3,
        **QUICK,
    }
    results = ptc_bench.run("name-calling", quiet=True, **options)
    assert main(["run", "--task", "name-calling", *quick_flags(tiny_path, sample_dir, tmp_path / "cli"),
                 "--max-steps", "3"]) == 0  # fmt: skip
    (cli_dir,) = (tmp_path / "cli").glob("name-calling__*")
    cli = json.loads((cli_dir / "results.json").read_text(encoding="utf-8"))
    assert results.run_id == cli["run_id"] == cli_dir.name
    assert results.run_dir == tmp_path / "api" / results.run_id
    for system, scored in results.systems.items():
        assert {name: m.value for name, m in scored.metrics.items()} == {
            name: m["value"] for name, m in cli["systems"][system]["metrics"].items()
        }
    table = results.to_pandas()
    assert len(table) == sum(len(s.metrics) for s in results.systems.values())
    row = table[(table.system == "adapted") & (table.metric == "si_f1")].iloc[0]
    assert row.value == results.systems["adapted"].metrics["si_f1"].value and row.run_id == results.run_id

    evaluated = ptc_bench.evaluate(
        "name-calling", quiet=True, model=tiny_path, data_dir=sample_dir, runs_dir=tmp_path / "ev", **QUICK
    )
    assert set(evaluated.systems) == {"base"} and evaluated.kind == "eval"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"lr": "fast"}, "argument --lr"),
        ({"bogus": 1}, "unrecognized arguments: --bogus 1"),
        ({"tasks": ["doubt"]}, "give the task as the first argument"),
        ({"window_chars": 0}, "--window-chars"),
    ],
)
def test_bad_options_are_the_command_lines_one_line_errors(options: dict[str, object], expected: str) -> None:
    with pytest.raises(UserError, match=re.escape(expected)):
        ptc_bench.run("name-calling", **options)


def test_load_ptc_has_every_article_and_span_of_the_loader(sample_dir: Path) -> None:
    ptc = ptc_bench.load_ptc(sample_dir)
    train, validation = load_train_and_validation(sample_dir)
    dev = load_split(sample_dir, "dev")
    assert set(ptc) == {"train", "validation", "dev"}  # the sample corpus has no test articles
    for name, split in (("train", train), ("validation", validation), ("dev", dev)):
        rows = ptc[name]
        assert sorted(rows["article_id"]) == sorted(split.articles)
        assert sum(len(row["spans"]) for row in rows) == sum(len(split.gold(a)) for a in split.articles)
    first = ptc["dev"][0]
    span = dev.gold(first["article_id"])[0]
    assert first["spans"][0] == {"start": span.start, "end": span.end, "technique": span.technique}
    windows = ptc_bench.load_ptc(sample_dir, level="windows", window_chars=500)
    for row in windows["dev"]:
        article = dev.articles[row["article_id"]].text
        assert article[row["offset"] : row["offset"] + len(row["text"])] == row["text"]
        assert all(
            row["offset"] <= s["start"] < s["end"] <= row["offset"] + len(row["text"]) for s in row["spans"]
        )


def test_score_is_bench_score(sample_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = sample_dir / "dev-task-flc-tc.labels"
    pred = tmp_path / "pred.txt"
    rows = gold.read_text(encoding="utf-8").splitlines()[::2]
    pred.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    assert main(["score", "--task", "flc", "--pred", str(pred), "--gold", str(gold), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert ptc_bench.score(pred, gold, task="flc") == expected
    assert expected["precision"] == 1.0 and 0 < expected["recall"] < 1  # half the gold rows, all correct
    with pytest.raises(UserError, match="expected si, flc or tc"):
        ptc_bench.score(pred, gold, task="xyz")


@pytest.mark.integration
def test_the_readmes_python_example_runs_on_the_tiny_model(
    tiny_path: Path, sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (REPO.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python") :]
    code = section[section.index("```python\n") + len("```python\n") :]
    code = code[: code.index("```")]
    assert 'model="smollm2-135m"' in code
    quick = ", ".join(f"{key}={value!r}" for key, value in {**QUICK, "max_steps": 3}.items())
    code = code.replace(
        'model="smollm2-135m"', f"model={str(tiny_path)!r}, data_dir={str(sample_dir)!r}, {quick}"
    )
    code = code.replace('load_ptc(level="windows")', f'load_ptc({str(sample_dir)!r}, level="windows")')
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert list((tmp_path / "runs").glob("name-calling__*/results.json"))
