"""Prompt rendering: the exact instruction layout (golden text), k-shot layout and the chat variant."""

from __future__ import annotations

import pytest

from ptc_bench.core.errors import UserError
from ptc_bench.core.types import Span, Window
from ptc_bench.tasks import Prompt, get_task

NC = "Name_Calling,Labeling"
WINDOW = Window("42", 100, "Senator Smith called them thugs.\nNothing else happened.\n", 1)
GOLD = [Span(26, 31, NC)]

GOLDEN_INSTRUCTION = """\
You are annotating propaganda in a news text. Find every phrase in the text that uses the technique \
"name calling or labeling" (label Name_Calling,Labeling).
Definition: The writer tags the target of the message (a person, a group, an idea) with a label meant \
to make the audience despise or fear it, or, less often, love and praise it. Mark the label words \
themselves, such as an insulting noun or epithet, not the whole sentence that uses them.
Answer with one JSON object and nothing else: each key is a phrase copied exactly from the text and \
each value is "Name_Calling,Labeling". Answer {} if there is no such phrase.

### Text:
Senator Smith called them thugs.
Nothing else happened.

### Output:
"""

GOLDEN_ONE_SHOT_TAIL = """\
Answer {} if there is no such phrase.

### Example text:
The mob of losers marched.

### Example output:
{"losers": "Name_Calling,Labeling"}

### Text:
Senator Smith called them thugs.
Nothing else happened.

### Output:
"""


def test_golden_instruction_prompt() -> None:
    prompt = get_task("name-calling").render(WINDOW, GOLD)
    assert GOLD[0].covered_text(WINDOW.text) == "thugs"
    assert prompt == Prompt("instruction", None, GOLDEN_INSTRUCTION, '{"thugs": "Name_Calling,Labeling"}')
    assert prompt.to_text() == GOLDEN_INSTRUCTION
    assert prompt.to_text() + prompt.completion == GOLDEN_INSTRUCTION + '{"thugs": "Name_Calling,Labeling"}'


def test_golden_one_shot_prompt() -> None:
    shot = (Window("7", 0, "The mob of losers marched.\n"), [Span(11, 17, NC)])
    prompt = get_task("name-calling").render(WINDOW, GOLD, shots=[shot])
    instruction_end = GOLDEN_INSTRUCTION.index("Answer {}")
    assert prompt.user == GOLDEN_INSTRUCTION[:instruction_end] + GOLDEN_ONE_SHOT_TAIL
    assert prompt.completion == '{"thugs": "Name_Calling,Labeling"}'


def test_chat_variant_splits_instruction_and_text() -> None:
    prompt = get_task("name-calling").render(WINDOW, GOLD, variant="chat")
    instruction, _, _ = GOLDEN_INSTRUCTION.partition("\n\n### Text:")
    assert prompt.system == instruction
    assert prompt.user == "### Text:\nSenator Smith called them thugs.\nNothing else happened."
    assert prompt.completion == '{"thugs": "Name_Calling,Labeling"}'
    assert prompt.messages() == [
        {"role": "system", "content": instruction},
        {"role": "user", "content": prompt.user},
    ]
    assert prompt.preview() == f"[system]\n{instruction}\n\n[user]\n{prompt.user}"


def test_every_task_names_its_labels_in_the_instruction() -> None:
    for name in ("doubt", "all-techniques", "span-identification"):
        task = get_task(name)
        text = task.render(WINDOW).to_text()
        assert text.endswith("### Output:\n")
        assert all(label in text for label in task.labels)
        assert task.definition in text


def test_unknown_variant_and_tc_render_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown prompt variant"):
        get_task("doubt").render(WINDOW, variant="plain")
    with pytest.raises(ValueError, match="render_classification"):
        get_task("technique-classification").render(WINDOW)


def _tiny_tokenizer(chat_template: str | None) -> object:
    """A word-level tokenizer built in memory (no downloads), optionally with a chat template."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel({"<unk>": 0, "<s>": 1, "</s>": 2}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", bos_token="<s>", eos_token="</s>"
    )
    tokenizer.chat_template = chat_template
    return tokenizer


ROLE_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
NO_SYSTEM_TEMPLATE = (
    "{% for m in messages %}{% if m['role'] == 'system' %}"
    "{{ raise_exception('System role not supported') }}{% endif %}"
    "[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}"
)


def test_chat_to_text_applies_the_template_with_generation_prompt() -> None:
    prompt = Prompt("chat", "Find labels.", "### Text:\nThugs.", '{"Thugs": "x"}')
    text = prompt.to_text(_tiny_tokenizer(ROLE_TEMPLATE))
    assert text == "<|system|>\nFind labels.</s>\n<|user|>\n### Text:\nThugs.</s>\n<|assistant|>\n"


def test_chat_template_without_system_role_gets_merged_message() -> None:
    prompt = Prompt("chat", "Find labels.", "### Text:\nThugs.")
    text = prompt.to_text(_tiny_tokenizer(NO_SYSTEM_TEMPLATE))
    assert text == "[user] Find labels.\n\n### Text:\nThugs.\n[assistant] "


def test_chat_needs_a_tokenizer_with_a_template() -> None:
    prompt = Prompt("chat", "Find labels.", "Thugs.")
    with pytest.raises(UserError, match="no chat template"):
        prompt.to_text(_tiny_tokenizer(None))
    with pytest.raises(UserError, match="needs a tokenizer"):
        prompt.to_text(None)
    assert Prompt("instruction", None, "abc").to_text(_tiny_tokenizer(None)) == "abc"
