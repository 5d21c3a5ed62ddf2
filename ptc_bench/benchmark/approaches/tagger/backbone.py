"""A backbone with a token-classification head: LoRA on a causal model, full fine-tuning of an encoder.

A causal model (`*ForCausalLM` in its config: the catalogue's LLMs, `tiny`) gets a new linear head
on its last hidden states and LoRA on every linear projection of the backbone (peft `TOKEN_CLS`,
the head trained in full); it sees only the left context of each token. An encoder (BERT-like:
`minilm-l6`) is small enough to fine-tune in full, as the SemEval-2020 systems did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from ptc_bench.benchmark.approaches.tagger.tags import TAG_NAMES, TagScheme
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.core.errors import UserError

Tuning = Literal["lora", "full"]
TAGGER_FILE = "tagger.json"  # marks a trained tagger folder: scheme, tuning, base model
HEAD_NAMES = ("classifier", "score")  # the token-classification head in transformers' models


def tuning_for(model_path: str) -> Tuning:
    """LoRA for a causal language model, full fine-tuning otherwise (an encoder)."""
    config = _read_config(model_path)
    architectures = config.get("architectures") or []
    return "lora" if any(str(name).endswith("ForCausalLM") for name in architectures) else "full"


def load_backbone(model_path: str, scheme: TagScheme, *, seed: int, trust_remote_code: bool = False) -> Any:
    """The model with a freshly initialised head of `scheme.num_labels` outputs (seeded)."""
    from transformers import AutoModelForTokenClassification, set_seed

    set_seed(seed)
    id2label = scheme.id2label()
    try:
        model = AutoModelForTokenClassification.from_pretrained(
            model_path,
            num_labels=scheme.num_labels,
            id2label=id2label,
            label2id={label: index for index, label in id2label.items()},
            trust_remote_code=trust_remote_code,
        )
    except ValueError as error:  # the architecture has no token-classification class
        raise UserError(f"{model_path}: no token-classification head for this model ({error})") from None
    if model.config.pad_token_id is None:
        model.config.pad_token_id = model.config.eos_token_id
    return model


def with_lora(model: Any, config: TrainConfig) -> Any:
    """The model wrapped for LoRA training: adapters on the backbone's linear layers, the head in full."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=backbone_linear_names(model),
        bias="none",
        task_type="TOKEN_CLS",
    )
    return get_peft_model(model, lora)


def backbone_linear_names(model: Any) -> list[str]:
    """Names (last component) of the backbone's linear layers: every nn.Linear but the head."""
    import torch

    names = {
        name.rsplit(".", 1)[-1]
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and name.rsplit(".", 1)[-1] not in HEAD_NAMES
    }
    return sorted(names)


def tagger_loss(logits: Any, labels: Any, positive_weight: float = 1.0) -> Any:
    """Cross-entropy over every (token, layer) tag that is not IGNORE, B and I weighted by `positive_weight`.

    The weighted mean (torch's: the sum of weighted losses over the sum of the targets' weights);
    weight 1 is the plain mean.
    """
    import torch

    flat_logits = logits.reshape(-1, len(TAG_NAMES))  # head outputs are layer-major: O, B, I per layer
    weight = torch.tensor([1.0, positive_weight, positive_weight], device=flat_logits.device)
    return torch.nn.functional.cross_entropy(
        flat_logits.float(), labels.reshape(-1), weight=weight, ignore_index=-100
    )


def save_tagger(
    model: Any, tokenizer: Any, folder: Path, *, scheme: TagScheme, tuning: Tuning, base: str
) -> None:
    """The trained head (+ LoRA adapter, or the whole fine-tuned encoder), the tokenizer, tagger.json."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    facts = {"layers": list(scheme.layers), "tuning": tuning, "base_model": base}
    (folder / TAGGER_FILE).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")


def load_tagger(folder: Path, model_path: str, *, trust_remote_code: bool = False) -> tuple[Any, TagScheme]:
    """A saved tagger ready for inference, and its scheme; UserError when `folder` is not one."""
    facts = read_tagger_facts(folder)
    scheme = TagScheme(tuple(facts["layers"]))
    if facts["tuning"] == "full":
        from transformers import AutoModelForTokenClassification

        model = AutoModelForTokenClassification.from_pretrained(
            str(folder), trust_remote_code=trust_remote_code
        )
    else:
        from peft import PeftModel

        base = load_backbone(model_path, scheme, seed=0, trust_remote_code=trust_remote_code)
        model = PeftModel.from_pretrained(base, str(folder), is_trainable=False)
    model.eval()
    return model, scheme


def read_tagger_facts(folder: Path) -> dict[str, Any]:
    """The tagger.json of a trained tagger folder; UserError naming the folder when absent or unreadable."""
    path = Path(folder) / TAGGER_FILE
    try:
        facts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UserError(
            f"{folder}: not a tagger folder (no readable {TAGGER_FILE}); train one with --approach tagger"
        ) from None
    if not isinstance(facts, dict) or not facts.get("layers") or facts.get("tuning") not in ("lora", "full"):
        raise UserError(f"{path}: not a tagger description (needs layers and tuning)")
    return facts


def _read_config(model_path: str) -> dict[str, Any]:
    path = Path(model_path) / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
