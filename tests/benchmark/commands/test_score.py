"""`bench score`: JSON and table output, errors with file:line, and agreement with the independent
reference implementation on random prediction files over the real dev set."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.commands.score import parse_techniques
from ptc_bench.core.errors import UserError
from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span
from ptc_bench.metrics.naive import reference_flc, reference_si, reference_tc
from ptc_bench.metrics.prediction_io import load_gold

LOADED = "Loaded_Language"
NAME = "Name_Calling,Labeling"
DOUBT = "Doubt"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A two-article split: gold folder, concatenated gold file and article texts."""
    (tmp_path / "dev-articles").mkdir()
    (tmp_path / "dev-labels-task-flc-tc").mkdir()
    (tmp_path / "dev-articles" / "article1.txt").write_text("x" * 40, encoding="utf-8")
    (tmp_path / "dev-articles" / "article2.txt").write_text("y" * 10, encoding="utf-8")
    gold = {"1": f"1\t{LOADED}\t0\t10\n1\t{NAME}\t20\t30\n", "2": ""}
    for article_id, rows in gold.items():
        (tmp_path / "dev-labels-task-flc-tc" / f"article{article_id}.task-flc-tc.labels").write_text(rows)
    (tmp_path / "dev-task-flc-tc.labels").write_text("".join(gold.values()))
    return tmp_path


def bench_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["score", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_flc_json_by_hand(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", [f"1\t{NAME}\t0\t10", f"1\t{NAME}\t20\t25", f"1\t{LOADED}\t0\t5"])
    result = bench_json(
        capsys, "--task", "flc", "--pred", str(pred), "--gold", str(corpus / "dev-labels-task-flc-tc")
    )
    assert list(result) == ["precision", "recall", "f1", "per_technique", "n_pred", "n_gold"]
    assert (result["precision"], result["recall"], result["f1"]) == pytest.approx((2 / 3, 0.5, 4 / 7))
    assert (result["n_pred"], result["n_gold"]) == (3, 2)
    per_technique = result["per_technique"]
    assert isinstance(per_technique, dict) and list(per_technique) == list(LABELS)
    assert per_technique[NAME] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})
    assert per_technique[LOADED] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3})


def test_si_json_merges_overlapping_predictions(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", ["1\t0\t6", "1\t4\t10", "2\t0\t3"])
    result = bench_json(
        capsys, "--task", "si", "--pred", str(pred), "--gold", str(corpus / "dev-task-flc-tc.labels")
    )
    # merged [0,10) is exact; article 2 (no gold, known from dev-articles/) has a false positive
    assert result == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "per_technique": {},
        "n_pred": 2,
        "n_gold": 2,
    }


def test_tc_json(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", [f"1\t{LOADED}\t0\t10", f"1\t{DOUBT}\t20\t30"])
    result = bench_json(
        capsys, "--task", "tc", "--pred", str(pred), "--gold", str(corpus / "dev-labels-task-flc-tc")
    )
    assert (result["precision"], result["recall"], result["f1"], result["n_pred"]) == (0.5, 0.5, 0.5, 2)
    assert result["per_technique"][DOUBT] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert result["per_technique"][LOADED] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_techniques_option_restricts_flc(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", [f"1\t{NAME}\t0\t10", f"1\t{NAME}\t20\t25", f"1\t{LOADED}\t0\t5"])
    gold = str(corpus / "dev-labels-task-flc-tc")
    result = bench_json(
        capsys, "--task", "flc", "--pred", str(pred), "--gold", gold, "--techniques", "name-calling"
    )
    assert list(result["per_technique"]) == [NAME]
    assert (result["precision"], result["recall"], result["n_pred"], result["n_gold"]) == (0.5, 0.5, 2, 1)


def test_parse_techniques_accepts_labels_with_commas_and_slugs() -> None:
    assert parse_techniques("Name_Calling,Labeling,doubt") == (NAME, DOUBT)
    assert parse_techniques("loaded-language, Whataboutism,Straw_Men,Red_Herring") == (
        LOADED,
        "Whataboutism,Straw_Men,Red_Herring",
    )
    with pytest.raises(UserError, match="unknown technique 'Labeling'"):
        parse_techniques("Labeling")


def test_table_output(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", [f"1\t{LOADED}\t0\t10"])
    assert (
        main(
            ["score", "--task", "flc", "--pred", str(pred), "--gold", str(corpus / "dev-labels-task-flc-tc")]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "overall" in out and LOADED in out and "1.0000" in out
    assert "predicted spans: 1" in out


@pytest.mark.parametrize(
    ("task", "rows", "message"),
    [
        ("flc", [f"1\t{LOADED}\t0\t5", "1\tLoaded\t0\t5"], "p.txt:2: unknown technique 'Loaded'"),
        ("flc", [f"3\t{LOADED}\t0\t5"], "p.txt:1: article 3 is not in the gold set"),
        ("si", ["1\t0\t5", "2\t5\t11"], r"p.txt:2: span [5, 11) ends beyond article 2 (10 characters)"),
        ("si", ["1\tx\t5"], "p.txt:1: start offset must be an integer"),
        ("tc", [f"1\t{LOADED}\t0\t10"], "gold span(s) have no predicted label"),
        ("si", ["1\t0\t5"], None),
    ],
)
def test_errors_exit_2_with_file_and_line(
    corpus: Path, capsys: pytest.CaptureFixture[str], task: str, rows: list[str], message: str | None
) -> None:
    pred = write(corpus / "p.txt", rows)
    status = main(
        ["score", "--task", task, "--pred", str(pred), "--gold", str(corpus / "dev-labels-task-flc-tc")]
    )
    err = capsys.readouterr().err
    if message is None:
        assert status == 0
    else:
        assert status == 2
        assert message in err and err.startswith("bench score: error:")


def test_option_errors(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", ["1\t0\t5"])
    si_gold = write(corpus / "dev-task-si.labels", ["1\t0\t10"])
    gold = str(corpus / "dev-labels-task-flc-tc")
    assert main(["score", "--task", "si", "--pred", str(pred), "--gold", gold, "--techniques", "doubt"]) == 2
    assert "--techniques applies to --task flc only" in capsys.readouterr().err
    assert main(["score", "--task", "flc", "--pred", str(pred), "--gold", str(si_gold)]) == 2
    assert "needs FLC/TC gold" in capsys.readouterr().err
    assert main(["score", "--task", "si", "--gold", gold]) == 2
    assert main(["score", "--task", "si", "--pred", str(corpus), "--gold", gold]) == 2
    assert capsys.readouterr().err.strip().endswith(f"{corpus}: is a directory, not a prediction file")
    assert main(["score", "--task", "si", "--pred", str(pred), "--gold", gold, "--articles", "nowhere"]) == 2


# --- the real dev set -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev(ptc_dir: Path) -> tuple[dict[str, list[Span]], dict[str, str]]:
    gold = load_gold(ptc_dir / "dev-labels-task-flc-tc", ptc_dir / "dev-articles")
    assert gold.texts is not None and len(gold.spans) == 75
    return gold.spans, gold.texts


@pytest.mark.parametrize("gold_name", ["dev-labels-task-flc-tc", "dev-task-flc-tc.labels"])
def test_dev_gold_against_itself_is_perfect(
    ptc_dir: Path, capsys: pytest.CaptureFixture[str], gold_name: str
) -> None:
    gold = str(ptc_dir / gold_name)
    for task, pred in (
        ("si", "dev-task-si.labels"),
        ("flc", "dev-task-flc-tc.labels"),
        ("tc", "dev-task-flc-tc.labels"),
    ):
        result = bench_json(capsys, "--task", task, "--pred", str(ptc_dir / pred), "--gold", gold)
        assert (result["precision"], result["recall"], result["f1"]) == pytest.approx(
            (1.0, 1.0, 1.0), abs=1e-12
        )
        assert all(
            v == pytest.approx({"precision": 1, "recall": 1, "f1": 1})
            for v in result["per_technique"].values()
        )
    assert result["n_gold"] == 1063


def random_prediction_rows(
    gold: dict[str, list[Span]], texts: dict[str, str], seed: int
) -> list[tuple[str, Span]]:
    rng = random.Random(seed)
    rows: list[tuple[str, Span]] = []
    for article_id, spans in gold.items():
        if rng.random() < 0.2:
            continue
        length = len(texts[article_id])
        for span in spans:
            if rng.random() < 0.5:
                start = min(max(0, span.start + rng.randint(-20, 20)), length - 1)
                end = min(length, max(start + 1, span.end + rng.randint(-20, 20)))
                rows.append(
                    (
                        article_id,
                        Span(start, end, span.technique if rng.random() < 0.5 else rng.choice(LABELS)),
                    )
                )
        for _ in range(rng.randint(0, 10)):
            start = rng.randrange(length)
            rows.append(
                (article_id, Span(start, min(length, start + rng.randint(1, 150)), rng.choice(LABELS)))
            )
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("seed", [11, 12])
def test_bench_score_agrees_with_the_reference_on_random_dev_predictions(
    ptc_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    dev: tuple[dict[str, list[Span]], dict[str, str]],
    seed: int,
) -> None:
    gold, texts = dev
    rows = random_prediction_rows(gold, texts, seed)
    pred: dict[str, list[Span]] = {}
    for article_id, span in rows:
        pred.setdefault(article_id, []).append(span)
    si_file = write(tmp_path / "si.txt", [f"{a}\t{s.start}\t{s.end}" for a, s in rows])
    flc_file = write(tmp_path / "flc.txt", [f"{a}\t{s.technique}\t{s.start}\t{s.end}" for a, s in rows])
    gold_arg = str(ptc_dir / "dev-labels-task-flc-tc")

    si = bench_json(capsys, "--task", "si", "--pred", str(si_file), "--gold", gold_arg)
    si_ref = reference_si(pred, gold)
    assert (si["n_pred"], si["n_gold"]) == (si_ref.n_pred, si_ref.n_gold)
    assert (si["precision"], si["recall"], si["f1"]) == pytest.approx(
        (si_ref.precision, si_ref.recall, si_ref.f1), abs=1e-9
    )

    flc = bench_json(capsys, "--task", "flc", "--pred", str(flc_file), "--gold", gold_arg)
    flc_ref, per_technique_ref = reference_flc(pred, gold, LABELS)
    assert (flc["n_pred"], flc["n_gold"]) == (flc_ref.n_pred, flc_ref.n_gold)
    assert (flc["precision"], flc["recall"], flc["f1"]) == pytest.approx(
        (flc_ref.precision, flc_ref.recall, flc_ref.f1), abs=1e-9
    )
    for label, ref in per_technique_ref.items():
        mine = flc["per_technique"][label]
        assert (mine["precision"], mine["recall"], mine["f1"]) == pytest.approx(
            (ref.precision, ref.recall, ref.f1), abs=1e-9
        )
    assert 0.05 < float(flc["f1"]) < 0.9


def test_bench_score_tc_agrees_with_the_reference_on_dev(
    ptc_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    dev: tuple[dict[str, list[Span]], dict[str, str]],
) -> None:
    gold, _ = dev
    rng = random.Random(4)
    pred = {
        a: [Span(s.start, s.end, s.technique if rng.random() < 0.4 else rng.choice(LABELS)) for s in spans]
        for a, spans in gold.items()
    }
    rows = [f"{a}\t{s.technique}\t{s.start}\t{s.end}" for a, spans in pred.items() for s in spans]
    rng.shuffle(rows)
    result = bench_json(
        capsys,
        "--task",
        "tc",
        "--pred",
        str(write(tmp_path / "tc.txt", rows)),
        "--gold",
        str(ptc_dir / "dev-task-flc-tc.labels"),
    )
    accuracy, per_label = reference_tc(pred, gold, LABELS)
    assert result["f1"] == pytest.approx(accuracy, abs=1e-9)
    for label, expected in per_label.items():
        mine = result["per_technique"][label]
        assert (mine["precision"], mine["recall"], mine["f1"]) == pytest.approx(expected, abs=1e-9)


def test_score_ignores_label_files_that_are_not_official_names(corpus: Path) -> None:
    """A subprocess `bench score`: a stray .orig.labels file does not replace gold (issue 22, case 2)."""
    import os
    import subprocess
    import sys

    folder = corpus / "dev-labels-task-flc-tc"
    (folder / "article1.task-flc-tc.orig.labels").write_text(f"1\t{LOADED}\t0\t5\n", encoding="utf-8")
    pred = write(corpus / "p.txt", [f"1\t{LOADED}\t0\t10", f"1\t{NAME}\t20\t30"])
    repo = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ptc_bench.benchmark.cli",
            "score",
            "--task",
            "flc",
            "--pred",
            str(pred),
            "--json",
            "--gold",
            str(folder),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(repo)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["f1"] == 1.0


def test_score_an_offset_of_5000_digits_is_one_line(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write(corpus / "p.txt", [f"1\t{LOADED}\t0\t" + "7" * 5000])
    gold = corpus / "dev-labels-task-flc-tc"
    assert main(["score", "--task", "flc", "--pred", str(pred), "--gold", str(gold)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "p.txt:1: end offset has 5000 digits" in err


def test_score_keeps_the_official_f1_of_1_on_no_gold_and_no_predictions(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bench score` emulates the official scorer, so nothing vs nothing stays F1 1.0 (with a note)."""
    folder = corpus / "dev-labels-task-flc-tc"
    (folder / "article1.task-flc-tc.labels").write_text("", encoding="utf-8")
    pred = write(corpus / "p.txt", [])
    result = bench_json(capsys, "--task", "si", "--pred", str(pred), "--gold", str(folder))
    assert (result["f1"], result["n_pred"], result["n_gold"]) == (1.0, 0, 0)
    assert main(["score", "--task", "si", "--pred", str(pred), "--gold", str(folder)]) == 0
    assert "official scorer's convention" in capsys.readouterr().err
