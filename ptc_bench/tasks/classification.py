"""Technique classification prompts: the window text with one span marked, answer one label."""

from __future__ import annotations

from collections.abc import Sequence

from ptc_bench.core.types import Span, Window
from ptc_bench.tasks import answer, templates
from ptc_bench.tasks.prompt import Prompt

MARKER_PAIRS: tuple[tuple[str, str], ...] = (("[[", "]]"), ("<<", ">>"), ("{{", "}}"), ("⟦", "⟧"))
CLASSIFICATION_TASK = "technique-classification"


def choose_markers(*texts: str) -> tuple[str, str]:
    """The first marker pair that appears in none of the texts, so the marked span is unambiguous."""
    for open_marker, close_marker in MARKER_PAIRS:
        if not any(open_marker in text or close_marker in text for text in texts):
            return open_marker, close_marker
    raise ValueError("every span marker pair already occurs in the text; cannot mark the span")


def mark_span(text: str, span: Span, markers: tuple[str, str]) -> str:
    """`text` with the span's characters enclosed in the markers."""
    if span.end > len(text):
        raise ValueError(f"span [{span.start}, {span.end}) runs past the text ({len(text)} chars)")
    open_marker, close_marker = markers
    return f"{text[: span.start]}{open_marker}{span.covered_text(text)}{close_marker}{text[span.end :]}"


def render_classification(
    window: Window,
    span: Span,
    *,
    variant: str = "instruction",
    label: str | None = None,
    shots: Sequence[tuple[Window, Span]] = (),
) -> Prompt:
    """The prompt asking which technique the marked span uses; `label` gives the target answer.

    `span` is in window offsets; `shots` are (window, labelled span) worked examples shown first.
    """
    from ptc_bench.tasks.registry import get_task

    task = get_task(CLASSIFICATION_TASK)
    for _, shot_span in shots:
        if shot_span.technique is None:
            raise ValueError("a technique-classification shot needs a span with its technique")
    markers = choose_markers(window.text, *(shot.text for shot, _ in shots))
    if label is not None and label not in task.labels:
        raise ValueError(f"unknown technique label {label!r}; expected one of {', '.join(task.labels)}")
    examples = [
        (mark_span(shot.text, shot_span, markers), answer.format_classification(str(shot_span.technique)))
        for shot, shot_span in shots
    ]
    instruction = templates.classification_instruction(task.definition, *markers)
    completion = None if label is None else answer.format_classification(label)
    return templates.layout(variant, instruction, mark_span(window.text, span, markers), completion, examples)
