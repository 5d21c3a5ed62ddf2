"""Realistic fake run folders (results.json, samples.jsonl, a tiny PTC-format data dir) for report tests.

Imported by path (see `load_fake_runs`) so that tests outside tests/reports can use it too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ARTICLE_ID = "111"
ARTICLE_TEXT = "The corrupt clown said it.\nMake America great again!\n"
SECOND_ARTICLE_ID = "222"
SECOND_ARTICLE_TEXT = "Only the brave flag waves here.\n"
SCRIPT_COMPLETION = '<script>alert("pwned")</script> {"clown": "Name_Calling,Labeling"}'
DATA_HASH = "d" * 64
OTHER_DATA_HASH = "e" * 64
NC = "Name_Calling,Labeling"
SLOGANS = "Slogans"


def write_data_dir(root: Path) -> Path:
    """A PTC-format folder with the two dev articles the samples refer to."""
    articles = root / "dev-articles"
    articles.mkdir(parents=True, exist_ok=True)
    for article_id, text in ((ARTICLE_ID, ARTICLE_TEXT), (SECOND_ARTICLE_ID, SECOND_ARTICLE_TEXT)):
        with (articles / f"article{article_id}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return root


def metric(value: float, half_width: float | None = 0.1) -> dict[str, Any]:
    """A metric entry with a CI of +-half_width clipped to [0, 1]."""
    ci = None if half_width is None else [max(value - half_width, 0.0), min(value + half_width, 1.0)]
    return {"value": value, "ci": ci}


def system(
    flc_f1: float,
    *,
    technique: str = NC,
    validity: float = 1.0,
    hallucination: float = 0.0,
    errors: dict[str, int] | None = None,
) -> dict[str, Any]:
    """One system's block with consistent-looking numbers derived from its FLC F1."""
    return {
        "metrics": {
            "si_f1": metric(min(flc_f1 + 0.1, 1.0)),
            "flc_precision": metric(flc_f1, None),
            "flc_recall": metric(flc_f1, None),
            "flc_f1": metric(flc_f1),
            "json_validity": metric(validity, None),
            "hallucination_rate": metric(hallucination, None),
        },
        "per_technique": {
            technique: {
                "flc_precision": flc_f1,
                "flc_recall": flc_f1,
                "flc_f1": flc_f1,
                "n_pred": 2,
                "n_gold": 3,
            },
            "Doubt": {"flc_precision": 0.0, "flc_recall": 0.0, "flc_f1": 0.0, "n_pred": 0, "n_gold": 0},
        },
        "errors": dict(errors or {}),
        "counts": {
            "n_samples": 4,
            "n_articles": 2,
            "n_pred_spans": 2,
            "n_gold_spans": 3,
            "n_phrases": 3,
            "n_unaligned": 1,
        },
    }


def results_dict(
    run_id: str = "20240501-nc",
    task: str = "name-calling",
    *,
    technique: str = NC,
    kind: str = "run",
    created: str = "2024-05-01T10:00:00+00:00",
    split: str = "dev",
    data_hash: str = DATA_HASH,
    data_dir: str = "/nonexistent",
    adapter_task: str | None = "name-calling",
    adapter_hash: str = "a" * 64,
    base_f1: float | None = 0.2,
    adapted_f1: float | None = 0.5,
    model: str = "tiny-llama",
) -> dict[str, Any]:
    """A valid results.json document (schema_version 1)."""
    systems: dict[str, Any] = {}
    if base_f1 is not None:
        systems["base"] = system(
            base_f1, technique=technique, validity=0.75, hallucination=0.25, errors={"no_json": 1}
        )
    if adapted_f1 is not None:
        systems["adapted"] = system(adapted_f1, technique=technique)
    comparisons = []
    if base_f1 is not None and adapted_f1 is not None:
        for name in ("si_f1", "flc_f1"):
            a = systems["base"]["metrics"][name]["value"]
            b = systems["adapted"]["metrics"][name]["value"]
            comparisons.append(
                {
                    "metric": name,
                    "system_a": "base",
                    "system_b": "adapted",
                    "difference": b - a,
                    "ci": [b - a - 0.05, b - a + 0.05],
                    "p_value": 0.012,
                    "method": "paired_bootstrap",
                    "iterations": 1000,
                }
            )
    return {
        "schema_version": 1,
        "run_id": run_id,
        "created": created,
        "kind": kind,
        "task": task,
        "split": split,
        "prompt_variant": "instruction",
        "data": {"dir": data_dir, "hash": data_hash, "is_sample": True, "n_articles": 2, "n_windows": 3},
        "model": {"base": model, "revision": None, "quantization": "4bit"},
        "adapter": None
        if adapter_task is None
        else {"path": "adapter", "hash": adapter_hash, "task": adapter_task},
        "manifest_hash": "m" * 64,
        "systems": systems,
        "comparisons": comparisons,
        "oracle": {"flc_f1": 0.95, "si_f1": 0.97} if kind == "run" else None,
        "adapter_changes_outputs": True if kind == "run" else None,
    }


def sample(
    system_name: str,
    article_id: str,
    window_index: int,
    window_offset: int,
    completion: str,
    pairs: list[list[str]],
    spans: list[list[Any]],
    gold: list[list[Any]],
    unaligned: Sequence[Sequence[str]] = (),
    error: str | None = None,
) -> dict[str, Any]:
    """One samples.jsonl object."""
    return {
        "system": system_name,
        "article_id": article_id,
        "window_index": window_index,
        "window_offset": window_offset,
        "prompt_hash": f"p{window_index}",
        "completion_hash": f"c{len(completion)}",
        "completion": completion,
        "parse": {
            "ok": error is None,
            "error": error,
            "message": "" if error is None else "no JSON object found",
            "truncated": False,
            "pairs": pairs,
        },
        "spans": spans,
        "unaligned": [list(pair) for pair in unaligned],
        "gold": gold,
        "counts": {"n_pred": len(spans), "n_gold": len(gold), "n_unaligned": len(unaligned)},
    }


def samples_for(technique: str = NC) -> list[dict[str, Any]]:
    """Base and adapted samples over the two articles; the base wrote a `<script>` completion."""
    gold0 = [[4, 17, NC]] if technique == NC else []
    gold1 = [[27, 52, SLOGANS]] if technique == SLOGANS else []
    return [
        sample("base", ARTICLE_ID, 0, 0, SCRIPT_COMPLETION, [["clown", NC]], [[12, 17, NC]], gold0),
        sample(
            "adapted",
            ARTICLE_ID,
            0,
            0,
            '{"corrupt clown": "Name_Calling,Labeling", "liar": "Name_Calling,Labeling"}',
            [["corrupt clown", NC], ["liar", NC]],
            [[4, 17, NC]],
            gold0,
            unaligned=[["liar", NC]],
        ),
        sample("base", ARTICLE_ID, 1, 27, "I cannot answer that.", [], [], gold1, error="no_json"),
        sample(
            "adapted",
            ARTICLE_ID,
            1,
            27,
            '{"Make America great again!": "Slogans"}',
            [["Make America great again!", SLOGANS]],
            [[27, 52, SLOGANS]],
            gold1,
        ),
        sample("base", SECOND_ARTICLE_ID, 0, 0, "{}", [], [], []),
        sample("adapted", SECOND_ARTICLE_ID, 0, 0, "{}", [], [], []),
    ]


def write_run(run_dir: Path, results: dict[str, Any], samples: list[dict[str, Any]] | None = None) -> Path:
    """Write results.json (and samples.jsonl, an adapter folder) into `run_dir`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    if samples is not None:
        lines = "".join(json.dumps(s) + "\n" for s in samples)
        (run_dir / "samples.jsonl").write_text(lines, encoding="utf-8")
    if results.get("adapter") is not None and results["kind"] == "run":
        (run_dir / "adapter").mkdir(exist_ok=True)
    return run_dir


def write_runs_folder(root: Path) -> Path:
    """Two techniques (base + adapted each), one cross-evaluation, and two runs that must not be ranked."""
    data_dir = str(write_data_dir(root / "data"))
    runs = root / "runs"
    nc = results_dict(data_dir=data_dir)
    write_run(runs / "20240501-nc", nc, samples_for(NC))
    slogans = results_dict(
        "20240502-slogans",
        "slogans",
        technique=SLOGANS,
        created="2024-05-02T10:00:00+00:00",
        data_dir=data_dir,
        adapter_task="slogans",
        adapter_hash="b" * 64,
        base_f1=0.1,
        adapted_f1=0.4,
    )
    write_run(runs / "20240502-slogans", slogans, samples_for(SLOGANS))
    cross = results_dict(
        "20240503-nc-on-slogans",
        "slogans",
        technique=SLOGANS,
        kind="eval",
        created="2024-05-03T10:00:00+00:00",
        data_dir=data_dir,
        base_f1=None,
        adapted_f1=0.15,
    )
    write_run(runs / "cross-eval" / "name-calling--on--slogans", cross)
    other = results_dict(
        "20240504-other-data",
        data_hash=OTHER_DATA_HASH,
        created="2024-05-04T10:00:00+00:00",
        base_f1=0.9,
        adapted_f1=0.95,
    )
    write_run(runs / "20240504-other-data", other)
    validation = results_dict("20240505-validation", split="validation", created="2024-05-05T10:00:00+00:00")
    write_run(runs / "20240505-validation", validation)
    return runs


def deep_copy(document: dict[str, Any]) -> dict[str, Any]:
    """A copy to break on purpose in tests."""
    return copy.deepcopy(document)
