"""The offline `tiny` model: a byte-level BPE tokenizer and a ~1.3M-parameter Llama, built locally.

It exists so that the whole pipeline runs on a fresh laptop with no download. It is briefly
pre-trained on plain article text (language modelling, not the task) plus generic "copy a phrase
of the paragraph into a JSON object" practice, so that a LoRA adapter can later learn to copy
phrases. Its scores are a pipeline check, never a result.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.paths import cache_dir
from ptc_bench.core.hashing import new_digest

logger = logging.getLogger(__name__)

SPECIAL_TOKENS = ("<s>", "</s>", "<pad>", "<unk>")
CHAT_TEMPLATE = (
    "{% for message in messages %}### {{ message['role'] | capitalize }}:\n"
    "{{ message['content'] }}{% if message['role'] == 'assistant' %}{{ eos_token }}{% endif %}\n\n"
    "{% endfor %}{% if add_generation_prompt %}### Assistant:\n{% endif %}"
)
# Generic JSON-like text (not task labels) so that `{`, `"`, `:` and `}` are common tokens.
JSON_PARAGRAPH = """\
{"name": "river", "kind": "noun"} {"name": "quickly", "kind": "adverb"}
{"city": "Lisbon", "country": "Portugal"} {"city": "Oslo", "country": "Norway"}
{"phrase": "the old bridge", "value": "place"} {"phrase": "a long winter", "value": "time"}
{"title": "Notes on weather", "pages": "12"} {"colour": "green", "shape": "square"}
[{"key": "alpha", "value": "first"}, {"key": "beta", "value": "second"}]
{"the morning train": "travel", "a quiet street": "place", "three small boats": "thing"}
"""


@dataclass(frozen=True)
class TinyRecipe:
    """Everything that determines the tiny model; its hash names the cache folder."""

    vocab_size: int = 2048
    hidden_size: int = 128
    num_layers: int = 3
    num_heads: int = 4
    intermediate_size: int = 512
    max_position_embeddings: int = 2048
    seq_length: int = 160
    batch_size: int = 8
    steps: int = 400
    learning_rate: float = 3e-3
    copy_fraction: float = 0.7
    seed: int = 1234
    version: int = 1


DEFAULT_RECIPE = TinyRecipe()


def ensure_tiny_model(corpus_texts: Sequence[str] | None = None, *, recipe: TinyRecipe | None = None) -> Path:
    """Path of the cached tiny model for this recipe (default: DEFAULT_RECIPE) and text, built when absent."""
    recipe = recipe or DEFAULT_RECIPE
    texts = list(corpus_texts) if corpus_texts is not None else _default_corpus_texts()
    if not any(text.strip() for text in texts):
        raise ValueError("the tiny model needs some non-empty text to train on")
    texts.append(JSON_PARAGRAPH)
    key = _recipe_hash(recipe, texts)
    target = cache_dir() / f"tiny-model-{key}"
    if (target / "config.json").is_file() and (target / "tiny_recipe.json").is_file():
        return target
    started = time.perf_counter()
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        tokenizer = _train_tokenizer(texts, recipe)
        model = _build_model(tokenizer, recipe)
        final_loss = _pretrain(model, tokenizer, texts, recipe)
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        seconds = time.perf_counter() - started
        info = {
            "recipe": asdict(recipe),
            "recipe_hash": key,
            "n_parameters": sum(p.numel() for p in model.parameters()),
            "final_loss": final_loss,
            "build_seconds": round(seconds, 2),
        }
        (staging / "tiny_recipe.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:  # another process finished first: keep its copy
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("built the tiny model in %.1f s: %s", seconds, target)
    return target


def _default_corpus_texts() -> list[str]:
    """The train article texts of the shipped sample corpus: fixed, whatever `--data-dir` says."""
    from ptc_bench.benchmark.data import load_split
    from ptc_bench.benchmark.data.sample import materialise_sample

    split = load_split(materialise_sample(), "train")
    return [split.articles[key].text for key in sorted(split.articles)]


def _recipe_hash(recipe: TinyRecipe, texts: Sequence[str]) -> str:
    """Short sha256 of the recipe, the special tokens, the chat template and the training text."""
    digest = new_digest()
    payload = {"recipe": asdict(recipe), "special": SPECIAL_TOKENS, "chat_template": CHAT_TEMPLATE}
    digest.update(json.dumps(payload, sort_keys=True).encode())
    for text in texts:
        digest.update(new_digest(text.encode()).digest())
    return digest.hexdigest()[:16]


def _train_tokenizer(texts: Sequence[str], recipe: TinyRecipe) -> Any:
    """A byte-level BPE tokenizer trained on the texts, wrapped as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=recipe.vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        min_frequency=2,
        show_progress=False,
    )
    backend.train_from_iterator(list(texts), trainer=trainer)
    bos_id = backend.token_to_id("<s>")
    backend.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos_id)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        padding_side="left",
        model_max_length=recipe.max_position_embeddings,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def _build_model(tokenizer: Any, recipe: TinyRecipe) -> Any:
    """A randomly initialised, seeded Llama-shaped causal LM sized by the recipe."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=recipe.hidden_size,
        intermediate_size=recipe.intermediate_size,
        num_hidden_layers=recipe.num_layers,
        num_attention_heads=recipe.num_heads,
        num_key_value_heads=recipe.num_heads,
        max_position_embeddings=recipe.max_position_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(recipe.seed)
    model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model


def _training_sequences(tokenizer: Any, texts: Sequence[str], recipe: TinyRecipe) -> list[list[int]]:
    """Plain-text chunks, half of them followed by a JSON object copying a phrase of the chunk."""
    rng = random.Random(recipe.seed)
    ids: list[int] = []
    for text in texts:
        ids.extend(tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids)
        ids.append(tokenizer.eos_token_id)
    chunk = recipe.seq_length - 1
    sequences: list[list[int]] = []
    for _ in range(recipe.steps * recipe.batch_size):
        start = rng.randrange(max(1, len(ids) - chunk))
        piece = ids[start : start + chunk]
        if rng.random() < recipe.copy_fraction:
            piece = _with_copy_practice(tokenizer, piece, rng, chunk)
        sequences.append([tokenizer.bos_token_id, *piece])
    return sequences


def _with_copy_practice(tokenizer: Any, piece: list[int], rng: random.Random, chunk: int) -> list[int]:
    """Shorten the chunk and append `{"<phrase from it>": "<word from it>"}` plus the eos."""
    text = tokenizer.decode(piece[: chunk // 3], skip_special_tokens=True)
    words = text.split()
    if len(words) < 4:
        return piece
    pairs = []
    for _ in range(rng.randint(1, 3)):
        start = rng.randrange(len(words) - 2)
        phrase = " ".join(words[start : start + rng.randint(2, 5)])
        pairs.append(
            f"{json.dumps(phrase, ensure_ascii=False)}: {json.dumps(rng.choice(words), ensure_ascii=False)}"
        )
    answer = "\n{" + ", ".join(pairs) + "}"
    sequence = tokenizer(text + answer, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    return list(sequence[:chunk])


def _pretrain(model: Any, tokenizer: Any, texts: Sequence[str], recipe: TinyRecipe) -> float:
    """A fixed number of seeded AdamW steps of causal language modelling; returns the last loss."""
    import torch

    sequences = _training_sequences(tokenizer, texts, recipe)
    torch.manual_seed(recipe.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=recipe.learning_rate, total_steps=recipe.steps, pct_start=0.1
    )
    model.train()
    loss_value = float("nan")
    pad = tokenizer.pad_token_id
    for step in range(recipe.steps):
        batch = sequences[step * recipe.batch_size : (step + 1) * recipe.batch_size]
        width = max(len(seq) for seq in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        for row, seq in enumerate(batch):
            input_ids[row, : len(seq)] = torch.tensor(seq)
        attention = (input_ids != pad).long()
        labels = input_ids.masked_fill(attention == 0, -100)
        loss = model(input_ids=input_ids, attention_mask=attention, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=False)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        loss_value = float(loss.detach())
    model.eval()
    return loss_value
