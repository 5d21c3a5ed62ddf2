"""Write a saved Llama model folder as an F32 GGUF file, the way llama.cpp's `convert_hf_to_gguf.py` does.

Used by the catalogue tests to make a small, real GGUF offline: the weights are renamed to llama.cpp's
tensor names, the query/key projections get llama.cpp's rotary permutation (transformers reverses it on
load), and the byte-level BPE tokenizer goes in as a `gpt2` vocabulary with its merges.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

# transformers' Llama parameter names (per layer, without `model.layers.N.`) -> llama.cpp tensor names
LAYER_TENSORS: dict[str, str] = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
GLOBAL_TENSORS: dict[str, str] = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}


def llama_cpp_permute(weights: np.ndarray, n_head: int, n_head_kv: int | None = None) -> np.ndarray:
    """llama.cpp's `LlamaModel.permute`: interleave the two rotary halves of every head's rows."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    rows = weights.shape[0]
    return (
        weights.reshape(n_head, 2, rows // n_head // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


def gguf_tensor_name(hf_name: str) -> str:
    """The llama.cpp name of a transformers Llama parameter."""
    if hf_name in GLOBAL_TENSORS:
        return GLOBAL_TENSORS[hf_name]
    prefix, _, rest = hf_name.partition(".layers.")
    layer, _, leaf = rest.partition(".")
    if prefix != "model" or not layer.isdigit() or leaf not in LAYER_TENSORS:
        raise KeyError(f"no llama.cpp name for {hf_name}")
    return f"blk.{layer}.{LAYER_TENSORS[leaf]}"


def gguf_tensors(state_dict: dict[str, Any], n_head: int, n_head_kv: int) -> dict[str, np.ndarray]:
    """The state dict as llama.cpp's F32 tensors, q/k permuted."""
    tensors: dict[str, np.ndarray] = {}
    for hf_name, value in state_dict.items():
        array = value.detach().to("cpu").float().numpy().copy()
        if hf_name.endswith("self_attn.q_proj.weight"):
            array = llama_cpp_permute(array, n_head, n_head)
        elif hf_name.endswith("self_attn.k_proj.weight"):
            array = llama_cpp_permute(array, n_head, n_head_kv)
        tensors[gguf_tensor_name(hf_name)] = np.ascontiguousarray(array, dtype=np.float32)
    return tensors


def byte_level_vocabulary(tokenizer_json: dict[str, Any]) -> tuple[list[str], list[int], list[str]]:
    """Tokens in id order, their llama.cpp token types (special tokens CONTROL) and `"a b"` merges."""
    import gguf

    model = tokenizer_json["model"]
    if model["type"] != "BPE":
        raise ValueError(f"expected a BPE tokenizer, got {model['type']}")
    by_id: dict[int, str] = {index: token for token, index in model["vocab"].items()}
    special: set[int] = set()
    for added in tokenizer_json.get("added_tokens", []):
        by_id[added["id"]] = added["content"]
        if added.get("special"):
            special.add(added["id"])
    if sorted(by_id) != list(range(len(by_id))):
        raise ValueError("token ids are not contiguous")
    tokens = [by_id[index] for index in range(len(by_id))]
    types = [
        int(gguf.TokenType.CONTROL if i in special else gguf.TokenType.NORMAL) for i in range(len(tokens))
    ]
    merges = [" ".join(pair) if isinstance(pair, list) else str(pair) for pair in model["merges"]]
    return tokens, types, merges


def write_llama_gguf(model_dir: Path, out_path: Path, *, name: str = "tiny-test") -> Path:
    """Write the transformers Llama folder `model_dir` (model + fast tokenizer) as an F32 GGUF file."""
    import gguf
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    config = model.config
    if config.model_type != "llama":
        raise ValueError(f"expected a llama model, got {config.model_type}")
    rope = getattr(config, "rope_parameters", None) or {}
    rope_theta = float(rope.get("rope_theta", getattr(config, "rope_theta", 10000.0)))
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    tokens, types, merges = byte_level_vocabulary(
        json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    )

    out_path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(out_path), "llama")  # also writes general.architecture
    writer.add_name(name)
    writer.add_file_type(int(gguf.LlamaFileType.ALL_F32))
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(rope_theta)
    writer.add_layer_norm_rms_eps(float(config.rms_norm_eps))
    writer.add_vocab_size(len(tokens))

    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(tokenizer.bos_token_id)
    writer.add_eos_token_id(tokenizer.eos_token_id)
    writer.add_pad_token_id(tokenizer.pad_token_id)
    writer.add_unk_token_id(tokenizer.unk_token_id)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    if tokenizer.chat_template:
        writer.add_chat_template(tokenizer.chat_template)

    for tensor_name, array in gguf_tensors(
        model.state_dict(), config.num_attention_heads, config.num_key_value_heads
    ).items():
        writer.add_tensor(tensor_name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out_path
