"""The PTC table: the newest generative run and tagger per task, dev on the release only, by hand."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from ptc_bench.reports.ptc_table import ROWS, ptc_table, to_markdown_table
from ptc_bench.reports.results import load_runs_tolerant


def _on_release(document: dict[str, object]) -> dict[str, object]:
    document["data"] = {**document["data"], "is_sample": False}  # type: ignore[dict-item]
    return document


def test_one_row_per_task_newest_runs_release_dev_only(tmp_path: Path, fake: ModuleType) -> None:
    runs = tmp_path / "runs"
    old = fake.results_dict(
        "old-nc", adapted_f1=0.3, model="smollm2-135m", created="2024-05-01T10:00:00+00:00"
    )
    fake.write_run(runs / "old-nc", _on_release(old))
    new = fake.write_run(
        runs / "new-nc",
        _on_release(
            fake.results_dict(
                "new-nc", adapted_f1=0.4, model="smollm2-135m", created="2024-05-02T10:00:00+00:00"
            )
        ),
    )
    (new / "train-manifest.json").write_text(json.dumps({"data": {"n_train": 1553}}), encoding="utf-8")
    sample = fake.results_dict(
        "sample-nc", adapted_f1=0.9, model="smollm2-135m", created="2024-06-01T10:00:00+00:00"
    )
    fake.write_run(runs / "sample-nc", sample)  # the sample corpus: never in the table
    other = _on_release(fake.results_dict("gemma-nc", adapted_f1=0.8, model="gemma3-270m"))
    fake.write_run(runs / "gemma-nc", other)  # another generative model: not this table's
    tagger = _on_release(
        fake.results_dict("tag-nc", kind="eval", base_f1=None, adapted_f1=0.25, model="minilm-l6")
    )
    tagger["model"]["approach"] = "tagger"  # type: ignore[index]
    fake.write_run(runs / "tag-nc", tagger)
    loaded, unreadable = load_runs_tolerant(runs)
    assert not unreadable

    rows = {row.task: row for row in ptc_table(loaded, model="smollm2-135m", tagger_model="minilm-l6")}
    assert list(rows) == list(ROWS)
    row = rows["name-calling"]
    # the fake's si_f1 is its flc_f1 + 0.1 with a CI of +-0.1; difference and p: the fake comparison
    assert row.cells() == (
        "name-calling", "1,553", "0.300 (0.20–0.40)", "0.500 (0.40–0.60)", "+0.200, p = 0.012",
        "0.350 (0.25–0.45)",
    )  # fmt: skip
    assert rows["slogans"].cells() == ("slogans", "–", "–", "–", "–", "–")
    table = to_markdown_table(list(rows.values()))
    assert table.splitlines()[0].startswith("| task | training windows |") and len(
        table.splitlines()
    ) == 2 + len(ROWS)
