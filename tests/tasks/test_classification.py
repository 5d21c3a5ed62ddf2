"""Technique classification prompts: marked span, marker fallback, label target."""

from __future__ import annotations

import json

import jsonschema
import pytest

from ptc_bench.core.types import Span, Window
from ptc_bench.tasks import get_task, render_classification
from ptc_bench.tasks.classification import choose_markers

WINDOW = Window("5", 0, "They are traitors, all of them.\n")


def test_span_is_marked_and_label_becomes_the_target() -> None:
    prompt = render_classification(WINDOW, Span(9, 17), label="Name_Calling,Labeling")
    assert prompt.user.endswith("### Text:\nThey are [[traitors]], all of them.\n\n### Output:\n")
    assert "between [[ and ]]" in prompt.user
    assert prompt.completion == '{"technique": "Name_Calling,Labeling"}'
    jsonschema.validate(json.loads(prompt.completion), get_task("technique-classification").output_schema())
    assert render_classification(WINDOW, Span(9, 17)).completion is None


def test_other_markers_when_the_text_already_has_brackets() -> None:
    window = Window("5", 0, "See [[note]] and <<quote>>: traitors.\n")
    prompt = render_classification(window, Span(28, 36), variant="chat")
    assert prompt.user == "### Text:\nSee [[note]] and <<quote>>: {{traitors}}."
    assert prompt.system is not None and "between {{ and }}" in prompt.system
    assert choose_markers("a ]] b") == ("<<", ">>")
    with pytest.raises(ValueError, match="every span marker"):
        choose_markers("[[ << {{ ⟦")


def test_shots_are_marked_and_answered() -> None:
    shot = (Window("9", 0, "A shameful act.\n"), Span(2, 10, "Loaded_Language"))
    prompt = render_classification(WINDOW, Span(9, 17), shots=[shot])
    assert (
        '### Example text:\nA [[shameful]] act.\n\n### Example output:\n{"technique": "Loaded_Language"}\n\n'
        in prompt.user
    )
    with pytest.raises(ValueError, match="needs a span with its technique"):
        render_classification(WINDOW, Span(9, 17), shots=[(shot[0], Span(2, 10))])


def test_bad_label_and_span_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown technique label"):
        render_classification(WINDOW, Span(9, 17), label="Name calling")
    with pytest.raises(ValueError, match="runs past"):
        render_classification(WINDOW, Span(9, 99))
