"""A task as data: what to find, which gold counts, how to ask, and what a valid answer looks like."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ptc_bench.core import answer_format
from ptc_bench.core.types import Span, Window
from ptc_bench.tasks import answer, templates
from ptc_bench.tasks.prompt import Prompt

TaskKind = Literal["technique", "all-techniques", "span-identification", "technique-classification"]
KINDS: tuple[str, ...] = ("technique", "all-techniques", "span-identification", "technique-classification")
Shot = tuple[Window, Sequence[Span]]


@dataclass(frozen=True)
class Task:
    """One registered task; `labels` are the answer values allowed, `gold_labels` the gold that counts.

    `gold_labels` None means every gold span counts (technique-agnostic for span identification).
    `title` is the readable name the prompt uses; it defaults to the task name.
    """

    name: str
    kind: TaskKind
    labels: tuple[str, ...]
    gold_labels: tuple[str, ...] | None
    definition: str
    max_new_tokens: int
    title: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"task {self.name!r}: unknown kind {self.kind!r}; expected one of {KINDS}")
        if not self.labels:
            raise ValueError(f"task {self.name!r}: needs at least one answer label")
        if self.max_new_tokens <= 0:
            raise ValueError(f"task {self.name!r}: max_new_tokens must be positive")

    @property
    def technique_agnostic(self) -> bool:
        """True when spans are scored without their technique (span identification)."""
        return self.kind == "span-identification"

    @property
    def one_prompt_per_span(self) -> bool:
        """True when each prompt marks one gold span and asks for its label (technique classification)."""
        return self.kind == "technique-classification"

    @property
    def scope(self) -> tuple[str, ...]:
        """The techniques the task is scored on; empty when technique-agnostic."""
        if self.technique_agnostic:
            return ()
        return self.gold_labels if self.gold_labels is not None else self.labels

    def gold(self, spans: Sequence[Span]) -> tuple[Span, ...]:
        """The gold spans the task is scored on, sorted: its techniques only; technique-free for SI."""
        if self.technique_agnostic:
            return tuple(sorted({Span(s.start, s.end) for s in spans}))
        if self.gold_labels is None:
            return tuple(sorted(spans))
        allowed = set(self.gold_labels)
        return tuple(sorted(s for s in spans if s.technique in allowed))

    @property
    def display_title(self) -> str:
        """The readable name used in prompts."""
        return self.title or self.name

    def output_schema(self, shape: Literal["object", "array"] = "object") -> dict[str, Any]:
        """JSON schema of a valid answer (technique classification has one shape only)."""
        if self.one_prompt_per_span:
            return answer_format.classification_schema(self.labels)
        return answer_format.phrase_schema(self.labels, shape)

    def instruction(self) -> str:
        """The instruction text of this task's phrase prompts."""
        return templates.phrase_instruction(self.kind, self.display_title, self.labels, self.definition)

    def target(self, window: Window, gold: Sequence[Span]) -> str:
        """The target answer for a window: its gold phrases of this task, in text order, as JSON."""
        pairs = answer.target_pairs(
            window.text, gold, self.gold_labels, technique_agnostic=self.technique_agnostic
        )
        return answer.format_answer(pairs)

    def render(
        self,
        window: Window,
        gold: Sequence[Span] | None = None,
        *,
        variant: str = "instruction",
        shots: Sequence[Shot] = (),
    ) -> Prompt:
        """The prompt for one window (gold in window offsets gives the completion); shots come first."""
        if self.one_prompt_per_span:
            raise ValueError(
                "technique-classification renders one marked span: use tasks.render_classification"
            )
        examples = [(shot.text, self.target(shot, spans)) for shot, spans in shots]
        completion = None if gold is None else self.target(window, gold)
        return templates.layout(variant, self.instruction(), window.text, completion, examples)

    def counts(self, span: Span) -> bool:
        """True when a gold span counts for this task."""
        return self.gold_labels is None or span.technique in self.gold_labels
