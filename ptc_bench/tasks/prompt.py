"""A rendered prompt (and, for training windows, its target) and how it becomes model input."""

from __future__ import annotations

from dataclasses import dataclass

from ptc_bench.core.errors import UserError

VARIANTS: tuple[str, ...] = ("instruction", "chat")


@dataclass(frozen=True)
class Prompt:
    """One prompt: `user` is the whole text for `instruction`; `chat` splits it into two messages.

    `completion` is the target answer (training windows with gold), None otherwise; it is the JSON
    alone: the training code appends the tokenizer's end-of-sequence token after it.
    """

    variant: str
    system: str | None
    user: str
    completion: str | None = None

    def messages(self) -> list[dict[str, str]]:
        """The chat messages (system first when there is one)."""
        messages = [{"role": "system", "content": self.system}] if self.system else []
        messages.append({"role": "user", "content": self.user})
        return messages

    def to_text(self, tokenizer: object | None = None) -> str:
        """The exact model input; `chat` applies the tokenizer's chat template with the generation prompt."""
        if self.variant != "chat":
            return self.user
        if tokenizer is None:
            raise UserError("the chat prompt variant needs a tokenizer with a chat template")
        if not getattr(tokenizer, "chat_template", None):
            name = getattr(tokenizer, "name_or_path", "") or type(tokenizer).__name__
            raise UserError(
                f"tokenizer {name!r} has no chat template; "
                "use the instruction variant or a chat model's tokenizer"
            )
        apply = getattr(tokenizer, "apply_chat_template")  # noqa: B009 - any tokenizer-like object
        try:
            text = apply(self.messages(), tokenize=False, add_generation_prompt=True)
        except Exception as error:  # templates that reject a system role (e.g. Gemma's)
            if self.system is None or "system" not in str(error).lower():
                raise
            merged = [{"role": "user", "content": f"{self.system}\n\n{self.user}"}]
            text = apply(merged, tokenize=False, add_generation_prompt=True)
        if not isinstance(text, str):
            raise TypeError(f"chat template returned {type(text).__name__}, expected str")
        return text

    def preview(self) -> str:
        """Human-readable form for debugging: the text itself, or the messages under role headers."""
        if self.variant != "chat":
            return self.user
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self.messages())
