"""The tagger's head: its loss by hand, LoRA vs full fine-tuning, saved-folder checks."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ptc_bench.benchmark.approaches.tagger.backbone import read_tagger_facts, tagger_loss, tuning_for
from ptc_bench.core.errors import UserError


def test_loss_is_the_mean_cross_entropy_over_tagged_token_layers() -> None:
    import torch

    # one sequence, two tokens, two layers (O, B, I each); token 2's second layer is ignored
    logits = torch.tensor([[[0.0, 1.0, 2.0, 1.0, 0.0, 0.0], [3.0, 0.0, 0.0, 0.0, 0.0, 0.0]]])
    labels = torch.tensor([[[2, 0], [1, -100]]])

    def nll(row: list[float], label: int) -> float:
        return -(row[label] - math.log(sum(math.exp(v) for v in row)))

    expected = (nll([0, 1, 2], 2) + nll([1, 0, 0], 0) + nll([3, 0, 0], 1)) / 3
    assert tagger_loss(logits, labels).item() == pytest.approx(expected, rel=1e-6)
    assert expected == pytest.approx((0.40761 + 0.55144 + 3.09492) / 3, abs=1e-4)
    # B and I weighted 5x: the two positive targets count 5 times in the sum and in the divisor
    weighted = (5 * nll([0, 1, 2], 2) + nll([1, 0, 0], 0) + 5 * nll([3, 0, 0], 1)) / 11
    assert tagger_loss(logits, labels, 5.0).item() == pytest.approx(weighted, rel=1e-6)


@pytest.mark.parametrize(
    ("architectures", "tuning"),
    [(["LlamaForCausalLM"], "lora"), (["BertModel"], "full"), ([], "full")],
)
def test_causal_backbones_get_lora_encoders_full_fine_tuning(
    tmp_path: Path, architectures: list[str], tuning: str
) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"architectures": architectures}), encoding="utf-8")
    assert tuning_for(str(tmp_path)) == tuning


def test_a_folder_without_tagger_json_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a tagger folder"):
        read_tagger_facts(tmp_path)
    (tmp_path / "tagger.json").write_text('{"layers": [], "tuning": "lora"}', encoding="utf-8")
    with pytest.raises(UserError, match="needs layers and tuning"):
        read_tagger_facts(tmp_path)
