"""Target JSON (order, duplicates, exact covered text) and the answer schemas."""

from __future__ import annotations

import json

import jsonschema
import pytest

from ptc_bench.core.types import Span, Window
from ptc_bench.tasks import format_answer, get_task

NC = "Name_Calling,Labeling"
LL = "Loaded_Language"
TEXT = "The vile crook met the vile crook again.\nA crook!\n"


def test_format_answer_object_form() -> None:
    assert format_answer([]) == "{}"
    assert (
        format_answer([('a "b"', NC), ("é", LL)])
        == '{"a \\"b\\"": "Name_Calling,Labeling", "é": "Loaded_Language"}'
    )


def test_format_answer_keeps_duplicate_keys() -> None:
    raw = format_answer([("crook", NC), ("crook", LL)])
    assert raw == '{"crook": "Name_Calling,Labeling", "crook": "Loaded_Language"}'
    assert json.loads(raw, object_pairs_hook=list) == [("crook", NC), ("crook", LL)]


def test_technique_target_in_text_order_each_pair_once() -> None:
    window = Window("1", 0, TEXT)
    gold = [
        Span(43, 48, NC),  # "crook" (second line)
        Span(9, 14, NC),  # "crook"
        Span(4, 8, LL),  # "vile": another technique, ignored
        Span(28, 33, NC),  # "crook" again: same pair, listed once
        Span(4, 14, NC),  # "vile crook"
    ]
    assert [s.covered_text(TEXT) for s in gold] == ["crook", "crook", "vile", "crook", "vile crook"]
    prompt = get_task("name-calling").render(window, gold)
    assert prompt.completion == '{"vile crook": "Name_Calling,Labeling", "crook": "Name_Calling,Labeling"}'


def test_all_techniques_target_has_one_entry_per_technique() -> None:
    window = Window("1", 0, TEXT)
    gold = [Span(9, 14, NC), Span(9, 14, LL), Span(4, 8, LL)]
    completion = get_task("all-techniques").render(window, gold).completion
    assert (
        completion
        == '{"vile": "Loaded_Language", "crook": "Loaded_Language", "crook": "Name_Calling,Labeling"}'
    )


def test_span_identification_target_one_entry_per_phrase() -> None:
    window = Window("1", 0, TEXT)
    gold = [Span(9, 14, NC), Span(9, 14, LL), Span(28, 33, NC), Span(4, 8, LL)]
    completion = get_task("span-identification").render(window, gold).completion
    assert completion == '{"vile": "propaganda", "crook": "propaganda"}'


def test_empty_gold_gives_empty_object_and_no_gold_gives_none() -> None:
    window = Window("1", 0, TEXT)
    assert get_task("doubt").render(window, [Span(9, 14, NC)]).completion == "{}"
    assert get_task("doubt").render(window, []).completion == "{}"
    assert get_task("doubt").render(window).completion is None


def test_gold_past_the_window_is_an_error() -> None:
    with pytest.raises(ValueError, match="runs past"):
        get_task("name-calling").render(Window("1", 0, "short"), [Span(2, 9, NC)])


def test_object_schema_accepts_valid_and_rejects_invalid() -> None:
    schema = get_task("name-calling").output_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({})
    assert validator.is_valid({"crook": NC, "vile crook": NC})
    assert not validator.is_valid({"crook": LL})
    assert not validator.is_valid({"": NC})
    assert not validator.is_valid({"crook": 3})
    assert not validator.is_valid([{"phrase": "crook", "technique": NC}])


def test_array_schema_accepts_valid_and_rejects_invalid() -> None:
    schema = get_task("all-techniques").output_schema("array")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid([])
    assert validator.is_valid([{"phrase": "crook", "technique": NC}, {"phrase": "vile", "technique": LL}])
    assert not validator.is_valid([{"phrase": "crook", "technique": "Name calling"}])
    assert not validator.is_valid([{"phrase": "crook", "technique": NC, "note": "x"}])
    assert not validator.is_valid([{"phrase": "", "technique": NC}])
    assert not validator.is_valid([{"phrase": "crook"}])
    assert not validator.is_valid({"crook": NC})


def test_span_identification_and_classification_schemas() -> None:
    si = jsonschema.Draft202012Validator(get_task("span-identification").output_schema())
    assert si.is_valid({"crook": "propaganda"})
    assert not si.is_valid({"crook": NC})
    tc = jsonschema.Draft202012Validator(get_task("technique-classification").output_schema())
    assert tc.is_valid({"technique": "Doubt"})
    assert not tc.is_valid({"technique": "doubt"})
    assert not tc.is_valid({"technique": "Doubt", "why": "x"})
    assert not tc.is_valid({})


def test_unknown_shape_is_an_error() -> None:
    with pytest.raises(ValueError, match="shape"):
        get_task("doubt").output_schema("list")  # type: ignore[arg-type]


def test_every_target_validates_against_its_schema() -> None:
    window = Window("1", 0, TEXT)
    gold = [Span(9, 14, NC), Span(9, 14, LL), Span(4, 8, LL)]
    for name in ("name-calling", "loaded-language", "all-techniques", "span-identification"):
        task = get_task(name)
        completion = task.render(window, gold).completion
        assert completion is not None
        jsonschema.validate(json.loads(completion), task.output_schema())
