"""The run records are written and read by the same types: to_json and from_json are inverses."""

from __future__ import annotations

import json

from ptc_bench.core.records import RunResults, SampleRecord
from tests.reports import fake_runs


def test_results_round_trip_through_json() -> None:
    document = fake_runs.results_dict()
    record = RunResults.from_json(json.loads(json.dumps(document)))
    # a results.json written before the tagger existed has no model.approach: it reads as "generate"
    expected = {**document, "model": {"approach": "generate", **document["model"]}}
    assert record.to_json() == expected
    assert RunResults.from_json(record.to_json()) == record


def test_samples_round_trip_through_json() -> None:
    for document in fake_runs.samples_for():
        record = SampleRecord.from_json(document)
        assert SampleRecord.from_json(record.to_json()) == record
        assert record.to_json()["counts"] == {
            "n_pred": len(document["spans"]),
            "n_gold": len(document["gold"]),
            "n_unaligned": len(document["unaligned"]),
        }
