"""The `endpoint` engine: an OpenAI-compatible server (`vllm serve`, a llama.cpp server, a hosted API).

Prompts of the `instruction` variant go to `/v1/completions`; those of the `chat` variant are the
task's messages (rendered as JSON by `MessagesRenderer`, so the cache and the sample log keep the
exact request) and go to `/v1/chat/completions`. The `openai` client does the retries with
exponential backoff (429, 5xx, dropped connections) and the timeouts; several requests are in
flight at once. `check()` asks `/v1/models` before any work: an unreachable server, a refused key
or a model it does not serve is one line.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from ptc_bench.benchmark.generation.engines.base import EngineRequest, Generated
from ptc_bench.benchmark.generation.stopping import JsonCloseTracker, StopReason
from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    from ptc_bench.benchmark.generation.settings import GenSettings

DEFAULT_KEY_VARIABLE = "OPENAI_API_KEY"
READ_ATTEMPTS = 3  # an answer that cannot be read is asked again, then reported
READ_BACKOFF_SECONDS = 0.5
MAX_COMPLETION_CHARS = 200_000  # a runaway answer is cut there (recorded as a truncation)
CONSTRAINT_SAMPLE = 4  # with --constrained, the first answers checked against the schema


class MessagesRenderer:
    """Stands in for a tokenizer's chat template: a chat prompt becomes its messages as JSON."""

    chat_template = "messages as JSON (an OpenAI-compatible endpoint applies its own template)"
    name_or_path = "endpoint"

    def apply_chat_template(self, messages: list[dict[str, str]], **_: Any) -> str:
        return json.dumps(messages, ensure_ascii=False)


class EndpointEngine:
    """Requests to one served model; `concurrency` of them in flight."""

    name = "endpoint"

    def __init__(
        self,
        url: str,
        model: str,
        *,
        chat: bool,
        key_variable: str = DEFAULT_KEY_VARIABLE,
        concurrency: int = 8,
        timeout: float = 120.0,
        retries: int = 4,
    ) -> None:
        from openai import OpenAI

        self.url = url.rstrip("/")
        self.model = model
        self.chat = chat
        self.key_variable = key_variable
        self.concurrency = concurrency
        key = os.environ.get(key_variable) or "EMPTY"  # a local vLLM server takes any key
        self._secrets = tuple(secret for secret in (key,) if secret != "EMPTY")
        self.client = OpenAI(base_url=self.url, api_key=key, timeout=timeout, max_retries=retries)
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "requests": 0}
        self._usage_lock = threading.Lock()
        self._schema_form: dict[str, Any] | None = None  # set once the server refuses a json_schema

    def identity(self) -> dict[str, str]:
        return {"engine": "endpoint", "url": self.url, "model": self.model}

    def check(self) -> None:
        """One UserError line unless the server answers, takes the key and serves `model`."""
        import openai

        try:
            served = [str(entry.id) for entry in self.client.with_options(max_retries=1).models.list()]
        except openai.AuthenticationError:
            raise UserError(
                f"{self.url} refused the API key (from ${self.key_variable}); set it or name another "
                "variable with --api-key-env"
            ) from None
        except openai.APIConnectionError as error:
            raise UserError(f"cannot reach the endpoint {self.url}: {self._line(error)}") from None
        except openai.APIStatusError as error:
            raise UserError(
                f"{self.url}/models answered HTTP {error.status_code}: {self._line(error)}"
            ) from None
        except Exception as error:  # a body that is no model list: broken JSON, HTML, a string
            raise UserError(
                f"{self.url}/models gave an answer that is no model list: {self._line(error)}"
            ) from None
        if self.model not in served:
            shown = ", ".join(served[:8]) + (" ..." if len(served) > 8 else "")
            raise UserError(
                f"{self.url} does not serve model {self.model!r} (it serves: {shown or 'nothing'})"
            )

    def generate(
        self, prompts: Sequence[str], settings: GenSettings, schema: Mapping[str, Any] | None
    ) -> Iterator[list[tuple[int, Generated]]]:
        """Every prompt as one request; each finished one is handed back (and cached) at once."""
        if not prompts:
            return
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            running: dict[Future[Generated], int] = {
                pool.submit(self._complete, prompt, settings, schema): index
                for index, prompt in enumerate(prompts)
            }
            checked: list[bool] = []  # with a schema: did the first answers follow it?
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    generated = future.result()
                    index = running.pop(future)
                    if settings.constrained and schema is not None and len(checked) < CONSTRAINT_SAMPLE:
                        checked.append(_follows(generated.text, schema))
                        if len(checked) == min(CONSTRAINT_SAMPLE, len(prompts)) and not any(checked):
                            for pending in running:
                                pending.cancel()
                            raise UserError(
                                f"{self.url} does not honour the JSON schema (none of the first "
                                f"{len(checked)} answers follows it): it ignores response_format; use a "
                                "server with guided decoding (vLLM, llama.cpp) or leave out --constrained"
                            )
                    yield [(index, generated)]  # cached at once: a kill loses no answered request

    def _complete(self, prompt: str, settings: GenSettings, schema: Mapping[str, Any] | None) -> Generated:
        options: dict[str, Any] = {
            "model": self.model,
            "max_tokens": settings.max_new_tokens,
            "temperature": settings.temperature if settings.do_sample else 0.0,
            "seed": settings.seed,
        }
        if settings.do_sample:
            options["top_p"] = settings.top_p
        if settings.constrained and schema is not None:
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": dict(schema), "strict": True},
            }
            if self.chat:
                options["response_format"] = self._schema_form or response_format
            else:  # not a field of the completions API; OpenAI-compatible servers read it from the body
                options["extra_body"] = {"response_format": response_format}
        try:
            reply, text = self._request(prompt, options)
        except _SchemaRefused:  # a chat API that takes only {"type": "json_object"}: that form from now on
            self._schema_form = {"type": "json_object"}
            options["response_format"] = self._schema_form
            reply, text = self._request(prompt, options)
        finish = reply.choices[0].finish_reason
        stopped: StopReason = "max_new_tokens" if finish == "length" else "eos"
        if len(text) > MAX_COMPLETION_CHARS:  # a runaway answer is cut and recorded as a truncation
            text, stopped = text[:MAX_COMPLETION_CHARS], "max_new_tokens"
        tracker = JsonCloseTracker()
        if tracker.feed(text) and tracker.close_end is not None:
            text, stopped = text[: tracker.close_end], "json_closed"
        usage = getattr(reply, "usage", None)
        n_prompt = _count(getattr(usage, "prompt_tokens", None))
        n_new = _count(getattr(usage, "completion_tokens", None))
        with self._usage_lock:  # requests finish on worker threads
            self.usage["prompt_tokens"] += n_prompt
            self.usage["completion_tokens"] += n_new
            self.usage["requests"] += 1
        return Generated(text, stopped, n_prompt, n_new)

    def _request(self, prompt: str, options: dict[str, Any]) -> tuple[Any, str]:
        """One completion's reply and text; an answer that cannot be read is asked again, then one line."""
        import openai

        problem = ""
        for attempt in range(READ_ATTEMPTS):
            if attempt:
                time.sleep(READ_BACKOFF_SECONDS * attempt)
            try:
                if self.chat:
                    reply: Any = self.client.chat.completions.create(messages=json.loads(prompt), **options)
                    text = reply.choices[0].message.content
                else:
                    reply = self.client.completions.create(prompt=prompt, **options)
                    text = reply.choices[0].text
            except openai.APIStatusError as error:
                form = options.get("response_format")
                if (
                    isinstance(form, dict)
                    and form.get("type") == "json_schema"
                    and error.status_code in (400, 422, 500)
                ):
                    raise _SchemaRefused from None
                raise UserError(
                    f"{self.url} answered HTTP {error.status_code}: {self._status_detail(error)}"
                ) from None
            except openai.APIConnectionError as error:
                raise UserError(f"lost the endpoint {self.url}: {self._line(error)}") from None
            except Exception as error:  # broken JSON, HTML, bytes, "choices": [] or null, ...
                problem = self._line(error)
                continue
            if text is None or isinstance(text, str):
                return reply, text or ""
            problem = f"the completion is a {type(text).__name__}, not text"
        raise UserError(f"{self.url} gave an answer that cannot be read ({READ_ATTEMPTS} tries): {problem}")

    def _status_detail(self, error: Any) -> str:
        """The server's own message of an HTTP error (from its JSON body when it has one), scrubbed."""
        body = getattr(error, "body", None)
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            message = body["error"].get("message", message)
        text = message if isinstance(message, str) and message.strip() else _first_line(error)
        return scrub(text.strip().splitlines()[0][:300], self._secrets)

    def _line(self, error: BaseException) -> str:
        """The first line of an error, cut to 200 characters, the API key and URL credentials scrubbed."""
        return scrub(_first_line(error), self._secrets)


class _SchemaRefused(Exception):
    """The server refused a `json_schema` response format (its chat API takes `json_object` only)."""


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """`text` without the given secrets, bearer tokens or credentials of a URL (a server may echo them)."""
    for secret in secrets:
        text = text.replace(secret, "***")
    text = re.sub(r"(?i)(bearer\s+)[^\s'\",]+", r"\1***", text)
    return re.sub(r"(\w+://)[^/\s:@]+:[^/\s@]+@", r"\1***@", text)


def _follows(text: str, schema: Mapping[str, Any]) -> bool:
    """Whether `text` is JSON that validates against `schema`."""
    import jsonschema

    try:
        jsonschema.validate(json.loads(text), dict(schema))
    except (ValueError, jsonschema.ValidationError, jsonschema.SchemaError):
        return False
    return True


def _count(value: object) -> int:
    """A usage figure as a count: anything but a non-negative integer (a string, -40, 1e30) is 0."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**9:
        return 0
    return value


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]


def create(request: EngineRequest) -> EndpointEngine:
    """The registry's constructor: a served model (nothing contacted until `check` or `generate`)."""
    if request.endpoint is None or request.served_name is None:
        raise ValueError("the endpoint engine needs the server's URL and the served model's name")
    return EndpointEngine(
        request.endpoint,
        request.served_name,
        chat=request.chat,
        key_variable=request.key_variable,
        concurrency=request.concurrency,
        timeout=request.timeout,
    )
