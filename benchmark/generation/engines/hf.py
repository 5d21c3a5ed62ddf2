"""The `hf` engine: transformers' `generate` on a loaded model, length-sorted left-padded batches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from benchmark.generation.cache import prompt_hash
from benchmark.generation.engines.base import Generated
from core.hashing import stable_int

if TYPE_CHECKING:
    from benchmark.generation.generate import GenSettings


class HFEngine:
    """Greedy (or sampled) batches through `model.generate`, each row stopped when its JSON closes."""

    name = "hf"

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model = model
        self.tokenizer = tokenizer

    def identity(self) -> dict[str, str]:
        return {"engine": "hf"}

    def generate(
        self, prompts: Sequence[str], settings: GenSettings, schema: Mapping[str, Any] | None
    ) -> Iterator[list[tuple[int, Generated]]]:
        """Longest prompts first, `settings.batch_size` at a time."""
        from benchmark.generation import generate as gen

        if not prompts:
            return
        tokenizer = self.tokenizer
        with gen.left_padding(tokenizer):
            add_special = gen.wants_special_tokens(tokenizer, prompts[0])
            lengths = tokenizer(list(prompts), add_special_tokens=add_special)["input_ids"]
            order = sorted(range(len(prompts)), key=lambda index: -len(lengths[index]))
            grammar = gen.compile_grammar(self.model, tokenizer, schema) if settings.constrained else None
            for start in range(0, len(order), settings.batch_size):
                batch = order[start : start + settings.batch_size]
                seed = stable_int(f"{settings.seed}:{prompt_hash(prompts[batch[0]])}", 4)
                results = gen.generate_batch(
                    self.model, tokenizer, [prompts[i] for i in batch], settings, add_special, seed, grammar
                )
                yield [(i, Generated(*result)) for i, result in zip(batch, results, strict=True)]
