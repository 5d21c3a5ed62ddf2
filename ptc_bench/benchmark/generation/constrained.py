"""Optional constrained decoding: mask logits so every answer follows the task's JSON schema.

Uses xgrammar (an optional dependency: `pip install --no-deps xgrammar apache-tvm-ffi`, which avoids
pulling triton) through a transformers-style logits processor with one grammar matcher per row. The
grammar allows no free whitespace, so a weak model cannot stall in blanks, and ends at the closing
bracket, where the JSON stopping criterion ends the row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    import torch

MISSING_XGRAMMAR = "--constrained needs xgrammar: pip install --no-deps xgrammar apache-tvm-ffi"


def _xgrammar() -> Any:
    """Import xgrammar or fail with the one-line install hint."""
    try:
        import xgrammar
    except ImportError as error:
        raise UserError(MISSING_XGRAMMAR) from error
    return xgrammar


@dataclass(frozen=True)
class CompiledSchema:
    """A schema compiled for one tokenizer, plus the tokens that can never be part of the answer."""

    grammar: Any  # xgrammar.CompiledGrammar
    banned_token_ids: tuple[int, ...]


def compile_json_schema(tokenizer: Any, schema: Mapping[str, Any], *, vocab_size: int) -> CompiledSchema:
    """Compile `schema` for this tokenizer (logits `vocab_size` wide) into an xgrammar grammar.

    Tokens holding a control byte (< 0x20) are banned outright: compact JSON never contains one,
    and xgrammar 0.2.8's token mask lets byte-level ones through inside strings (its matcher then
    rejects them), which would end constraint for that row.
    """
    xgr = _xgrammar()
    info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size)
    grammar = xgr.GrammarCompiler(info).compile_json_schema(json.dumps(dict(schema)), any_whitespace=False)
    stop_ids = set(info.stop_token_ids)
    banned = tuple(
        token_id
        for token_id, piece in enumerate(info.decoded_vocab)
        if token_id not in stop_ids and any(byte < 0x20 for byte in piece)
    )
    return CompiledSchema(grammar, banned)


class JsonSchemaLogitsProcessor:
    """Per-row grammar matchers: accept each row's last token, then mask tokens the schema forbids.

    One instance per `generate` call (matchers keep state). A row whose matcher has terminated, or
    that received a token the grammar rejects (a finished row being padded), is left unmasked: the
    stopping criterion has already ended it.
    """

    def __init__(self, compiled: CompiledSchema, prompt_length: int) -> None:
        self.xgr = _xgrammar()
        self.compiled = compiled
        self.prompt_length = prompt_length
        self.matchers: list[Any] = []
        self.active: list[bool] = []
        self.bitmask: Any = None

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        """Return `scores` with forbidden tokens set to -inf for every constrained row."""
        batch_size = int(input_ids.shape[0])
        if not self.matchers:
            self.matchers = [self.xgr.GrammarMatcher(self.compiled.grammar) for _ in range(batch_size)]
            self.active = [True] * batch_size
            self.bitmask = self.xgr.allocate_token_bitmask(batch_size, scores.shape[-1])
        if input_ids.shape[1] > self.prompt_length:
            last_tokens = input_ids[:, -1].tolist()
            for row, matcher in enumerate(self.matchers):
                if not self.active[row]:
                    continue
                # a terminated matcher (the row is being padded) is never fed again: xgrammar would
                # print a warning to stderr for every padded step
                if matcher.is_terminated() or not matcher.accept_token(int(last_tokens[row])):
                    self.active[row] = False
        rows = [
            row
            for row, matcher in enumerate(self.matchers)
            if self.active[row] and not matcher.is_terminated()
        ]
        if not rows:
            return scores
        for row in rows:
            self.matchers[row].fill_next_token_bitmask(self.bitmask, row)
        masked = scores.to("cpu") if scores.device.type not in ("cpu", "cuda") else scores
        self.xgr.apply_token_bitmask_inplace(masked, self.bitmask.to(masked.device), indices=rows)
        if self.compiled.banned_token_ids:
            banned = list(self.compiled.banned_token_ids)
            for row in rows:
                masked[row, banned] = float("-inf")
        return masked.to(scores.device)
