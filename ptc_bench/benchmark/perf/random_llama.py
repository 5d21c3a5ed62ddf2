"""Llama-shaped models with random weights, saved locally: bigger CPU models for the memory rows and a
7B shape for the GPU rows, with no download.

`python -m benchmark.perf.random_llama OUT_DIR --preset 60m` writes a ~60M-parameter model with the
tiny model's tokenizer, usable as `bench perf --model OUT_DIR`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LlamaShape:
    """The sizes that define a Llama-shaped model."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_position_embeddings: int


PRESETS: dict[str, LlamaShape] = {
    "60m": LlamaShape(768, 8, 12, 2048, 2048, 2048),
    "7b": LlamaShape(4096, 32, 32, 11008, 32000, 4096),
}


def llama_config(shape: LlamaShape, tokenizer: Any | None = None) -> Any:
    """A LlamaConfig of this shape (vocabulary widened to the tokenizer's, special ids from it)."""
    from transformers import LlamaConfig

    vocab = max(shape.vocab_size, len(tokenizer)) if tokenizer is not None else shape.vocab_size
    special = {}
    if tokenizer is not None:
        special = {
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        }
    return LlamaConfig(
        vocab_size=vocab,
        hidden_size=shape.hidden_size,
        intermediate_size=shape.intermediate_size,
        num_hidden_layers=shape.num_layers,
        num_attention_heads=shape.num_heads,
        num_key_value_heads=shape.num_heads,
        max_position_embeddings=shape.max_position_embeddings,
        tie_word_embeddings=False,
        **special,
    )


def parameter_count(shape: LlamaShape) -> int:
    """Parameters of the shape: embeddings, output head, attention, MLP and norms."""
    h, i, v = shape.hidden_size, shape.intermediate_size, shape.vocab_size
    per_layer = 4 * h * h + 3 * h * i + 2 * h
    return shape.num_layers * per_layer + 2 * v * h + h


def build_random_llama(
    out_dir: Path,
    shape: LlamaShape,
    *,
    tokenizer_source: str | None = None,
    device: str = "cpu",
    seed: int = 0,
) -> Path:
    """Save a seeded random bf16 model of `shape` (and the tokenizer, when given) into `out_dir`."""
    import torch
    from transformers import LlamaForCausalLM

    from ptc_bench.benchmark.models.loading import load_tokenizer

    tokenizer = load_tokenizer(tokenizer_source) if tokenizer_source is not None else None
    config = llama_config(shape, tokenizer)
    torch.manual_seed(seed)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        with torch.device(device):
            model = LlamaForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    if tokenizer is not None:
        tokenizer.save_pretrained(out_dir)
    del model
    return out_dir


def main(argv: Sequence[str] | None = None) -> int:
    """Build a preset with the tiny model's tokenizer (or `--tokenizer PATH`)."""
    parser = argparse.ArgumentParser(prog="python -m benchmark.perf.random_llama")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="60m")
    parser.add_argument(
        "--tokenizer", default="tiny", help="a catalogue name ('tiny', ...) or a model folder"
    )
    args = parser.parse_args(argv)
    from ptc_bench.benchmark.models.catalogue import resolve_model

    source = resolve_model(args.tokenizer).path
    path = build_random_llama(args.out_dir, PRESETS[args.preset], tokenizer_source=source)
    print(f"{path}: ~{parameter_count(PRESETS[args.preset]) / 1e6:.0f}M parameters (random weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
