"""A tiny random Llama and a byte-level BPE tokenizer, built in a second, for generation tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

SENTENCES = (
    'The minister said the plan was a disaster. {"a disaster": "Loaded_Language"}',
    'Critics called him a traitor and a coward. {"a traitor": "Name_Calling,Labeling"}',
    'Make America great again! [{"phrase": "great again", "technique": "Slogans"}]',
    "Everyone knows the truth, so join the movement now before it is too late.",
    'Quotes "inside" strings and {braces} [brackets] appear too: \\" escaped.',
    "Numbers 1 2 3 4 5 6 7 8 9 0, commas, colons: and full stops.",
)


def build_tokenizer(vocab_size: int = 400) -> Any:
    """A byte-level BPE tokenizer trained on a few sentences, with <s>, </s> and <pad>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(list(SENTENCES) * 4, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )


def build_model(tokenizer: Any, seed: int = 0, hidden_size: int = 64) -> Any:
    """A random LlamaForCausalLM (~100k parameters) in fp32 eval mode, deterministic in `seed`."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model.eval()


def make_prompts(count: int) -> list[str]:
    """`count` distinct prompts of varied lengths."""
    return [
        f"Article {index}: " + " ".join(SENTENCES[: 1 + index % len(SENTENCES)]) + "\nAnswer:"
        for index in range(count)
    ]


class TokenForcer:
    """A logits processor that makes every row emit `token_ids` in order (then eos)."""

    def __init__(self, token_ids: Sequence[int], eos_id: int) -> None:
        self.token_ids = list(token_ids)
        self.eos_id = eos_id
        self.prompt_length: int | None = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if self.prompt_length is None:
            self.prompt_length = int(input_ids.shape[1])
        step = int(input_ids.shape[1]) - self.prompt_length
        forced = self.token_ids[step] if step < len(self.token_ids) else self.eos_id
        scores[:, :] = -1e9
        scores[:, forced] = 0.0
        return scores


def force_tokens(model: Any, token_ids: Sequence[int], eos_id: int) -> None:
    """Patch `model.generate` so each call emits `token_ids` (a fresh forcer per call)."""
    original = model.generate

    def generate(*args: Any, **kwargs: Any) -> Any:
        kwargs["logits_processor"].append(TokenForcer(token_ids, eos_id))
        return original(*args, **kwargs)

    model.generate = generate


@contextmanager
def single_threaded_torch() -> Iterator[None]:
    """Run torch on one thread: a tiny model on a busy 2-core machine is ~30x faster than with 2."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
