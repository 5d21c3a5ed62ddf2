"""The runner's data stage: an evaluation with no article is an error, before any model work."""

from __future__ import annotations

from pathlib import Path

import pytest

from ptc_bench.benchmark.data.sample import materialise_sample
from ptc_bench.benchmark.run.runner import prepare_data
from ptc_bench.benchmark.stage.spec import RunSpec
from ptc_bench.core.errors import UserError


@pytest.mark.parametrize("limit", [0, -3])
def test_limit_below_one_is_an_error_and_creates_no_run_folder(tmp_path: Path, limit: int) -> None:
    with pytest.raises(UserError, match=f"run setting limit_articles = {limit}: expected"):
        RunSpec(
            task="name-calling",
            data_dir=str(materialise_sample()),
            runs_dir=tmp_path / "runs",
            limit_articles=limit,
        )
    assert not (tmp_path / "runs").exists()


def test_split_without_articles_is_an_error(tmp_path: Path) -> None:
    data = tmp_path / "ptc"
    for folder in ("train-articles", "train-labels-task-flc-tc", "dev-articles", "dev-labels-task-flc-tc"):
        (data / folder).mkdir(parents=True)
    (data / "train-articles" / "article1.txt").write_text("Crooks everywhere.\n", encoding="utf-8")
    (data / "train-labels-task-flc-tc" / "article1.task-flc-tc.labels").write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="has no articles to evaluate on"):
        prepare_data(RunSpec(task="name-calling", data_dir=str(data)), lambda message: None)


def test_limit_keeps_the_first_articles() -> None:
    data = prepare_data(
        RunSpec(task="name-calling", data_dir=str(materialise_sample()), limit_articles=2), print
    )
    assert len(data.evaluation.articles) == 2
