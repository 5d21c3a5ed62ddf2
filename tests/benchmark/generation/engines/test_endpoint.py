"""The endpoint engine against a real HTTP server on 127.0.0.1 (written here: an OpenAI-compatible
subset), so that the default install tests its requests, not only the vLLM-marked tests."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ptc_bench.benchmark.cli import main
from ptc_bench.benchmark.generation.engines import EngineRequest, get_engine
from ptc_bench.benchmark.generation.engines.endpoint import MAX_COMPLETION_CHARS, scrub
from ptc_bench.benchmark.generation.settings import GenSettings
from ptc_bench.core.errors import UserError

SERVED = "served-model"
KEY = "sk-test-key"


class _Handler(BaseHTTPRequestHandler):
    """GET /v1/models and POST /v1/completions, /v1/chat/completions; every request recorded."""

    requests: list[dict[str, Any]]

    def log_message(self, *args: object) -> None:  # keep the test output quiet
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _raw(self, status: int, data: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        mode = self.server.mode  # type: ignore[attr-defined]
        if mode == "models-broken":
            self._raw(200, b'{"data": [')
            return
        if mode == "models-string":
            self._answer(200, {"object": "list", "data": "everything"})
            return
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            self._answer(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
            return
        self._answer(200, {"object": "list", "data": [{"id": SERVED, "object": "model", "owned_by": "me"}]})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        self.server.requests.append({"path": self.path, "body": body})  # type: ignore[attr-defined]
        mode = self.server.mode  # type: ignore[attr-defined]
        broken = {
            "broken-json": (200, b'{"choices": [', "application/json"),
            "html": (200, b"<html><body>hello</body></html>", "text/html"),
            "bytes": (200, b"\xff\xfe\x00garbage", "application/json"),
            "choices-empty": (
                200,
                b'{"id": "c", "object": "text_completion", "choices": []}',
                "application/json",
            ),
            "choices-null": (
                200,
                b'{"id": "c", "object": "text_completion", "choices": null}',
                "application/json",
            ),
        }
        if mode in broken:
            status, data, kind = broken[mode]
            self._raw(status, data, kind)
            return
        form = body.get("response_format") or {}
        if mode == "json-object-only" and form.get("type") == "json_schema":
            message = "1 validation error for ChatCompletionRequest: response_format.type: only json_object"
            self._answer(400, {"error": {"message": message, "type": "invalid_request_error"}})
            return
        if mode == "echo-key":  # a server that quotes the request's headers in its error
            message = f"internal error for request with Authorization: {self.headers.get('Authorization')}"
            self._answer(500, {"error": {"message": message, "type": "server_error"}})
            return
        # the answer names the prompt's first word as a phrase, then rambles after the JSON closes
        prompt = body["prompt"] if "prompt" in body else body["messages"][-1]["content"]
        word = prompt.split()[0].strip('"{}')
        text = json.dumps({word: "Name_Calling,Labeling"}) + " and more text"
        usage: dict[str, Any] = {"prompt_tokens": 10, "completion_tokens": 7, "total_tokens": 17}
        if mode == "absurd-usage":
            usage = {"prompt_tokens": "abc", "completion_tokens": -40, "total_tokens": None}
        if mode == "huge":
            text = "x" * 300_000
        if self.path.endswith("/chat/completions"):
            choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            self._answer(200, {"id": "c", "object": "chat.completion", "created": 0, "model": SERVED,
                               "choices": [choice], "usage": usage})  # fmt: skip
        else:
            choice = {"index": 0, "text": text, "finish_reason": "length", "logprobs": None}
            self._answer(200, {"id": "c", "object": "text_completion", "created": 0, "model": SERVED,
                               "choices": [choice], "usage": usage})  # fmt: skip


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = []  # type: ignore[attr-defined]
    httpd.mode = "ok"  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def _url(httpd: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def test_completions_requests_usage_and_the_json_cut(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENDPOINT_TEST_KEY", KEY)
    request = EngineRequest(
        endpoint=_url(server), served_name=SERVED, key_variable="ENDPOINT_TEST_KEY", timeout=10
    )
    engine = get_engine("endpoint").create(request)
    engine.check()  # reachable, takes the key, serves the model
    settings = GenSettings(max_new_tokens=16, seed=3)
    batches = list(engine.generate(["alpha beta", "gamma delta"], settings, None))
    found = dict(pair for batch in batches for pair in batch)
    assert found[0].text == '{"alpha": "Name_Calling,Labeling"}' and found[0].stopped == "json_closed"
    assert (found[1].n_prompt_tokens, found[1].n_new_tokens) == (10, 7)
    sent = sorted(server.requests, key=lambda r: r["body"]["prompt"])  # type: ignore[attr-defined]
    assert [r["path"] for r in sent] == ["/v1/completions"] * 2
    assert sent[0]["body"] == {
        "model": SERVED, "prompt": "alpha beta", "max_tokens": 16, "temperature": 0.0, "seed": 3,
    }  # fmt: skip
    assert engine.usage == {"prompt_tokens": 20, "completion_tokens": 14, "requests": 2}  # type: ignore[attr-defined]


def test_a_wrong_key_and_an_unserved_model_are_one_line(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENDPOINT_TEST_KEY", "wrong")
    wrong = EngineRequest(
        endpoint=_url(server), served_name=SERVED, key_variable="ENDPOINT_TEST_KEY", timeout=10
    )
    with pytest.raises(UserError, match=r"refused the API key \(from \$ENDPOINT_TEST_KEY\)"):
        get_engine("endpoint").create(wrong).check()
    monkeypatch.setenv("ENDPOINT_TEST_KEY", KEY)
    other = EngineRequest(
        endpoint=_url(server), served_name="other", key_variable="ENDPOINT_TEST_KEY", timeout=10
    )
    with pytest.raises(UserError, match=f"does not serve model 'other' \\(it serves: {SERVED}\\)"):
        get_engine("endpoint").create(other).check()


def test_bench_eval_through_the_endpoint_end_to_end(
    server: ThreadingHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptc_bench.benchmark.data.sample import materialise_sample

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    runs = tmp_path / "runs"
    argv = [
        "eval",
        "--task",
        "name-calling",
        "--endpoint",
        _url(server),
        "--model",
        SERVED,
        "--variant",
        "chat",
    ]
    argv += ["--data-dir", str(materialise_sample()), "--limit-articles", "2", "--iterations", "0"]
    assert main([*argv, "--runs-dir", str(runs)]) == 0
    (run_dir,) = runs.glob("name-calling__*")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["identity"]["engine"] == "endpoint" and manifest["identity"]["endpoint"] == _url(server)
    assert KEY not in (run_dir / "manifest.json").read_text(encoding="utf-8")
    model = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["model"]
    assert model["base"] == SERVED and model["endpoint"] == _url(server)
    chats = [r for r in server.requests if r["path"] == "/v1/chat/completions"]  # type: ignore[attr-defined]
    samples = (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(chats) == len(samples) > 0  # one request a window, in the chat form
    assert all(json.loads(line)["completion"].endswith('"Name_Calling,Labeling"}') for line in samples)
    # a second run asks the server nothing: every completion is in the cache
    assert main([*argv, "--runs-dir", str(runs)]) == 0
    assert len([r for r in server.requests if r["path"] == "/v1/chat/completions"]) == len(chats)  # type: ignore[attr-defined]


def _engine(httpd: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ENDPOINT_TEST_KEY", KEY)
    monkeypatch.setattr("ptc_bench.benchmark.generation.engines.endpoint.READ_BACKOFF_SECONDS", 0.0)
    request = EngineRequest(
        endpoint=_url(httpd), served_name=SERVED, key_variable="ENDPOINT_TEST_KEY", timeout=10
    )
    return get_engine("endpoint").create(request)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("broken-json", "gave an answer that cannot be read (3 tries)"),
        ("html", "gave an answer that cannot be read (3 tries)"),
        ("bytes", "gave an answer that cannot be read (3 tries)"),
        ("choices-empty", "gave an answer that cannot be read (3 tries)"),
        ("choices-null", "gave an answer that cannot be read (3 tries)"),
    ],
)
def test_an_answer_that_cannot_be_read_is_retried_then_one_line(
    mode: str, expected: str, server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 4: malformed completion bodies are typed errors, not tracebacks."""
    engine = _engine(server, monkeypatch)
    server.mode = mode  # type: ignore[attr-defined]
    with pytest.raises(UserError, match=re.escape(expected)) as caught:
        list(engine.generate(["alpha beta"], GenSettings(max_new_tokens=8), None))
    assert len(str(caught.value).splitlines()) == 1
    assert len(server.requests) == 3  # type: ignore[attr-defined]  # asked again, then reported


@pytest.mark.parametrize("mode", ["models-broken", "models-string"])
def test_a_model_list_that_cannot_be_read_is_one_line(
    mode: str, server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _engine(server, monkeypatch)
    server.mode = mode  # type: ignore[attr-defined]
    with pytest.raises(UserError, match="models gave an answer that is no model list"):
        engine.check()


def test_the_key_a_server_echoes_never_reaches_the_message(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 5."""
    engine = _engine(server, monkeypatch)
    engine.client = engine.client.with_options(max_retries=0)
    server.mode = "echo-key"  # type: ignore[attr-defined]
    with pytest.raises(UserError, match="answered HTTP 500") as caught:
        list(engine.generate(["alpha beta"], GenSettings(max_new_tokens=8), None))
    assert KEY not in str(caught.value) and "Bearer ***" in str(caught.value)


def test_absurd_usage_counts_nothing_and_a_runaway_answer_is_cut(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, cases 15 and 17."""
    engine = _engine(server, monkeypatch)
    server.mode = "absurd-usage"  # type: ignore[attr-defined]
    list(engine.generate(["alpha beta"], GenSettings(max_new_tokens=8), None))
    assert engine.usage == {"prompt_tokens": 0, "completion_tokens": 0, "requests": 1}
    server.mode = "huge"  # type: ignore[attr-defined]
    (batch,) = list(engine.generate(["alpha beta"], GenSettings(max_new_tokens=8), None))
    ((_, generated),) = batch
    assert len(generated.text) == MAX_COMPLETION_CHARS and generated.stopped == "max_new_tokens"


def test_scrub_removes_keys_bearer_tokens_and_url_credentials() -> None:
    text = "failed: Authorization: Bearer sk-abc123, url http://me:pw@host:1/v1 key sk-abc123"
    assert scrub(text, ["sk-abc123"]) == "failed: Authorization: Bearer ***, url http://***@host:1/v1 key ***"


def test_each_answer_is_handed_back_at_once(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 13: completions reach the cache one by one, so a kill loses none answered."""
    engine = _engine(server, monkeypatch)
    batches = list(engine.generate(["a b", "c d", "e f"], GenSettings(max_new_tokens=8), None))
    assert [len(batch) for batch in batches] == [1, 1, 1]


def test_the_local_precision_is_no_part_of_an_endpoint_run(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 14: --precision fp32 or bf16 here, the server computes the same run."""
    from ptc_bench.benchmark.commands.run import parse_spec

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    argv = ["--task", "name-calling", "--endpoint", _url(server), "--model", SERVED]
    identities = [
        parse_spec("eval", [*argv, "--precision", choice]).identity() for choice in ("fp32", "bf16")
    ]
    assert identities[0] == identities[1] and "precision" not in identities[0]


def test_a_server_that_ignores_the_schema_is_one_line(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 12: --constrained through a server that ignores response_format."""
    engine = _engine(server, monkeypatch)
    server.mode = "free-text"  # type: ignore[attr-defined]
    schema = {
        "type": "object",
        "additionalProperties": {"enum": ["Slogans"]},
    }  # the answers name another label
    settings = GenSettings(max_new_tokens=8, constrained=True)
    with pytest.raises(UserError, match="does not honour the JSON schema \\(none of the first 4 answers"):
        list(engine.generate(["a b", "c d", "e f", "g h", "i j", "k l"], settings, schema))
    sent = server.requests[0]["body"]  # type: ignore[attr-defined]
    assert sent["response_format"]["json_schema"]["schema"] == schema  # it was asked, in the body
    server.mode = "ok"  # type: ignore[attr-defined]
    honoured = {"type": "object", "additionalProperties": {"enum": ["Name_Calling,Labeling"]}}
    assert len(list(engine.generate(["a b", "c d"], settings, honoured))) == 2


def test_a_chat_api_taking_only_json_object_gets_that_form(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reliability round 4, case 12: the schema is sent in the form the server accepts."""
    monkeypatch.setenv("ENDPOINT_TEST_KEY", KEY)
    request = EngineRequest(
        endpoint=_url(server), served_name=SERVED, key_variable="ENDPOINT_TEST_KEY", timeout=10, chat=True
    )
    engine = get_engine("endpoint").create(request)
    server.mode = "json-object-only"  # type: ignore[attr-defined]
    schema = {"type": "object", "additionalProperties": {"enum": ["Name_Calling,Labeling"]}}
    messages = json.dumps([{"role": "user", "content": "alpha beta"}])
    settings = GenSettings(max_new_tokens=8, constrained=True)
    ((_, generated),) = next(iter(engine.generate([messages], settings, schema)))
    assert generated.text == '{"alpha": "Name_Calling,Labeling"}'
    forms = [r["body"]["response_format"]["type"] for r in server.requests]  # type: ignore[attr-defined]
    assert forms == ["json_schema", "json_object"]
    list(engine.generate([messages], settings, schema))  # the accepted form from then on
    assert [r["body"]["response_format"]["type"] for r in server.requests][-1] == "json_object"  # type: ignore[attr-defined]
    assert len(server.requests) == 3  # type: ignore[attr-defined]
