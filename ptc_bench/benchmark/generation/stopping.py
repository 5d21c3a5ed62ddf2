"""Stop each generated sequence as soon as its JSON answer is closed (or on end-of-sequence).

The answer is the first top-level JSON object or array in the generated text; text before it is
skipped, braces inside JSON strings (with escapes) are ignored. Generation of a row stops at the token
that closes that value, so a model that keeps talking after its answer costs nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import torch

StopReason = Literal["eos", "json_closed", "max_new_tokens"]

_OPENERS = "{["
_CLOSERS = "}]"


class JsonCloseTracker:
    """Incremental scanner: feed text chunks, learn when the first top-level JSON value closes."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escaped = False
        self.started = False
        self.closed = False
        self.consumed = 0  # characters fed so far
        self.close_end: int | None = None  # index just after the closing bracket, in fed characters

    def feed(self, chunk: str) -> bool:
        """Scan `chunk` (the text that follows everything fed before); True once the value is closed."""
        if self.closed:
            self.consumed += len(chunk)
            return True
        for position, char in enumerate(chunk):
            if self._step(char):
                self.closed = True
                self.close_end = self.consumed + position + 1
                break
        self.consumed += len(chunk)
        return self.closed

    def _step(self, char: str) -> bool:
        """Advance by one character; True when this character closes the top-level value."""
        if not self.started:
            if char in _OPENERS:
                self.started = True
                self.depth = 1
            return False
        if self.in_string:
            if self.escaped:
                self.escaped = False
            elif char == "\\":
                self.escaped = True
            elif char == '"':
                self.in_string = False
            return False
        if char == '"':
            self.in_string = True
        elif char in _OPENERS:
            self.depth += 1
        elif char in _CLOSERS:
            self.depth -= 1
            return self.depth == 0
        return False


class JsonStopCriteria:
    """A transformers stopping criterion: per row, stop on end-of-sequence or once the JSON answer closes.

    Rows are judged on the text decoded from their new tokens (after `prompt_length`); the
    reason and the number of new tokens kept are recorded per row for the caller. Duck-typed
    (no transformers import at module level); deliberately has no `eos_token_id` attribute so that
    transformers' own end-of-sequence handling is left as configured.
    """

    def __init__(
        self, tokenizer: Any, prompt_length: int, stop_token_ids: Sequence[int], batch_size: int
    ) -> None:
        self.tokenizer = tokenizer
        self.prompt_length = prompt_length
        self.stop_token_ids = frozenset(int(token) for token in stop_token_ids)
        self.trackers = [JsonCloseTracker() for _ in range(batch_size)]
        self.reasons: list[StopReason | None] = [None] * batch_size
        self.kept_tokens: list[int | None] = [None] * batch_size  # new tokens kept, excluding eos

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        """Return a (batch,) bool tensor, True for rows that are finished."""
        import torch

        new_ids = input_ids[:, self.prompt_length :].tolist()
        for row, ids in enumerate(new_ids):
            if self.reasons[row] is not None or not ids:
                continue
            if ids[-1] in self.stop_token_ids:
                self.reasons[row] = "eos"
                self.kept_tokens[row] = len(ids) - 1
                continue
            tracker = self.trackers[row]
            text = self.tokenizer.decode(ids, skip_special_tokens=True)
            # An incomplete multi-byte character decodes as U+FFFD; hold it back until it is complete.
            stable = len(text.rstrip("\ufffd"))
            if stable > tracker.consumed and tracker.feed(text[tracker.consumed : stable]):
                self.reasons[row] = "json_closed"
                self.kept_tokens[row] = len(ids)
        done = [reason is not None for reason in self.reasons]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    def outcome(self, row: int, n_generated: int) -> tuple[StopReason, int]:
        """Why row `row` stopped and how many of its `n_generated` new tokens belong to the completion."""
        reason = self.reasons[row]
        kept = self.kept_tokens[row]
        if reason is None or kept is None:
            return "max_new_tokens", n_generated
        return reason, min(kept, n_generated)


def cut_at_json_close(
    tokenizer: Any, new_ids: Sequence[int], stop_token_ids: Sequence[int]
) -> tuple[StopReason, int]:
    """Where `JsonStopCriteria` would have stopped a finished sequence: (reason, new tokens kept).

    For engines that generate a whole sequence before we see it (vLLM, endpoints return text):
    the same end-of-sequence and JSON-closed rules, token by token.
    """
    stops = frozenset(int(token) for token in stop_token_ids)
    tracker = JsonCloseTracker()
    for length in range(1, len(new_ids) + 1):
        if new_ids[length - 1] in stops:
            return "eos", length - 1
        text = tokenizer.decode(list(new_ids[:length]), skip_special_tokens=True)
        stable = len(text.rstrip("\ufffd"))
        if stable > tracker.consumed and tracker.feed(text[tracker.consumed : stable]):
            return "json_closed", length
    return "max_new_tokens", len(new_ids)
