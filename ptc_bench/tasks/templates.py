"""Prompt wording and layout: instruction, then optional worked examples, `### Text:`, `### Output:`."""

from __future__ import annotations

from collections.abc import Sequence

from ptc_bench.tasks.prompt import VARIANTS, Prompt

TEXT_HEADER = "### Text:"
OUTPUT_HEADER = "### Output:"
EXAMPLE_TEXT_HEADER = "### Example text:"
EXAMPLE_OUTPUT_HEADER = "### Example output:"


def phrase_instruction(kind: str, title: str, labels: Sequence[str], definition: str) -> str:
    """The instruction of a phrase-listing task: what to find, the definition, the answer format."""
    if kind == "technique":
        goal = f'Find every phrase in the text that uses the technique "{title}" (label {labels[0]}).'
        value = f'is "{labels[0]}"'
    elif kind == "span-identification":
        goal = "Find every phrase in the text that uses a propaganda technique."
        value = f'is "{labels[0]}"'
    else:
        goal = "Find every phrase in the text that uses one of the propaganda techniques below."
        value = "is the label of the technique it uses (list a phrase once per technique it uses)"
    return (
        "You are annotating propaganda in a news text. "
        f"{goal}\n"
        f"{definition_block(kind, definition)}\n"
        "Answer with one JSON object and nothing else: each key is a phrase copied exactly from the "
        f"text and each value {value}. Answer {{}} if there is no such phrase."
    )


def classification_instruction(definition: str, open_marker: str, close_marker: str) -> str:
    """The instruction of technique classification: which phrase, the labels, the answer format."""
    return (
        "You are annotating propaganda in a news text. "
        f"The phrase between {open_marker} and {close_marker} uses a propaganda technique; "
        "say which one.\n"
        f"{definition_block('technique-classification', definition)}\n"
        'Answer with one JSON object and nothing else: {"technique": LABEL}, where LABEL is one of '
        "the labels above."
    )


def definition_block(kind: str, definition: str) -> str:
    """The definition paragraph of one technique, or the label list of a multi-technique task."""
    if kind in ("technique", "span-identification"):
        return f"Definition: {definition}"
    return f"Techniques (label: meaning):\n{definition}"


def layout(
    variant: str,
    instruction: str,
    text: str,
    completion: str | None,
    examples: Sequence[tuple[str, str]] = (),
) -> Prompt:
    """Assemble a prompt in one variant; `examples` are (text, answer) worked examples shown first."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown prompt variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    worked = "".join(
        f"{EXAMPLE_TEXT_HEADER}\n{_body(example)}\n\n{EXAMPLE_OUTPUT_HEADER}\n{answer}\n\n"
        for example, answer in examples
    )
    body = f"{worked}{TEXT_HEADER}\n{_body(text)}"
    if variant == "chat":
        return Prompt(variant, instruction, body, completion)
    return Prompt(variant, None, f"{instruction}\n\n{body}\n\n{OUTPUT_HEADER}\n", completion)


def _body(text: str) -> str:
    """Window text as shown in a prompt: trailing whitespace dropped (offsets use the window text)."""
    return text.rstrip()
