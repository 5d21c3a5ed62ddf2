"""`bench tasks` and `bench prompt` on a small temp PTC folder and on the real release."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ptc_bench.benchmark.cli import main

NC = "Name_Calling,Labeling"
LL = "Loaded_Language"
TRAIN = {
    "1": (
        "The crooks lied again.\nShameful crooks!\n",
        [(NC, 4, 10), (LL, 23, 31), (NC, 32, 38), (LL, 23, 38)],
    ),
    "2": ("Nothing to see here.\n", []),
}
DEV = {"3": ("Traitors everywhere, says he.\n", [(NC, 0, 8), (LL, 0, 8)])}


def _write_split(root: Path, split: str, articles: dict[str, tuple[str, list[tuple[str, int, int]]]]) -> None:
    (root / f"{split}-articles").mkdir(parents=True)
    (root / f"{split}-labels-task-flc-tc").mkdir()
    for article_id, (text, spans) in articles.items():
        (root / f"{split}-articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
        rows = "".join(f"{article_id}\t{label}\t{start}\t{end}\n" for label, start, end in spans)
        (root / f"{split}-labels-task-flc-tc" / f"article{article_id}.task-flc-tc.labels").write_text(rows)


@pytest.fixture
def tiny_ptc(tmp_path: Path) -> Path:
    root = tmp_path / "ptc"
    _write_split(root, "train", TRAIN)
    _write_split(root, "dev", DEV)
    return root


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_tasks_json_counts(tiny_ptc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = {
        row["name"]: row for row in json.loads(_run(capsys, "tasks", "--data-dir", str(tiny_ptc), "--json"))
    }
    assert len(rows) == 17
    assert rows["name-calling"] == {
        "name": "name-calling",
        "kind": "technique",
        "labels": [NC],
        "train_spans": 2,
        "dev_spans": 1,
    }
    assert (rows["loaded-language"]["train_spans"], rows["loaded-language"]["dev_spans"]) == (2, 1)
    assert (rows["doubt"]["train_spans"], rows["doubt"]["dev_spans"]) == (0, 0)
    assert (rows["all-techniques"]["train_spans"], rows["all-techniques"]["dev_spans"]) == (4, 2)
    assert (
        rows["technique-classification"]["train_spans"],
        rows["technique-classification"]["dev_spans"],
    ) == (4, 2)
    # SI merges overlaps: [4,10) and [23,38) in article 1; [0,8) in article 3.
    assert (rows["span-identification"]["train_spans"], rows["span-identification"]["dev_spans"]) == (2, 1)
    assert len(rows["all-techniques"]["labels"]) == 14


def test_tasks_table(tiny_ptc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _run(capsys, "tasks", "--data-dir", str(tiny_ptc)).splitlines()
    assert lines[0] == f"data: {tiny_ptc.resolve()}"
    assert lines[1].split() == ["task", "kind", "label(s)", "train", "dev"]
    assert len(lines) == 2 + 17
    assert lines[2 + 9].split() == ["name-calling", "technique", NC, "2", "1"]
    assert lines[-2].split() == ["span-identification", "span-identification", "propaganda", "2", "1"]


def test_prompt_instruction_with_target(tiny_ptc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "prompt", "--task", "name-calling", "--article", "1", "--data-dir", str(tiny_ptc))
    header, rest = out.split("\n", 1)
    assert header.startswith("# task name-calling · article 1 (train) · window 0 (of 0..0)")
    prompt, target = rest.split("--- target ---\n")
    assert prompt.startswith("--- prompt ---\nYou are annotating propaganda")
    assert prompt.endswith("### Text:\nThe crooks lied again.\nShameful crooks!\n\n### Output:\n")
    assert target == '{"crooks": "Name_Calling,Labeling"}\n'


def test_prompt_chat_shots_and_small_windows(tiny_ptc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(
        capsys, "prompt", "--task", "all-techniques", "--article", "3", "--split", "dev",
        "--variant", "chat", "--shots", "1", "--window-chars", "30", "--data-dir", str(tiny_ptc),
    )  # fmt: skip
    assert "[system]\nYou are annotating propaganda" in out
    assert "[user]\n### Example text:\nThe crooks lied again.\n\n### Example output:\n" in out
    assert '{"crooks": "Name_Calling,Labeling"}' in out
    assert out.endswith(
        '--- target ---\n{"Traitors": "Loaded_Language", "Traitors": "Name_Calling,Labeling"}\n'
    )


def test_prompt_classification(tiny_ptc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(
        capsys, "prompt", "--task", "technique-classification", "--article", "1", "--span", "1",
        "--data-dir", str(tiny_ptc),
    )  # fmt: skip
    assert "### Text:\nThe crooks lied again.\n[[Shameful]] crooks!\n\n### Output:\n" in out
    assert out.endswith('--- target ---\n{"technique": "Loaded_Language"}\n')


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--task", "nope", "--article", "1"], "unknown task 'nope'"),
        (["--task", "doubt", "--article", "99"], "no article '99' in train"),
        (["--task", "doubt", "--article", "1", "--window", "5"], "--window must be 0..0"),
        (["--task", "technique-classification", "--article", "2"], "needs a window with gold spans"),
        (["--task", "doubt", "--article", "1", "--shots", "-1"], "--shots: expected a non-negative integer"),
        (["--task", "doubt", "--article", "1", "--shots", "5"], "--shots 5: only 1 worked example(s)"),
    ],
)
def test_prompt_errors(
    tiny_ptc: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["prompt", *argv, "--data-dir", str(tiny_ptc)]) == 2
    assert message in capsys.readouterr().err


def _label_counts(path: Path) -> Counter[str]:
    return Counter(line.split("\t")[1] for line in path.read_text(encoding="utf-8").splitlines() if line)


def test_tasks_on_the_real_release(ptc_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = {
        row["name"]: row for row in json.loads(_run(capsys, "tasks", "--data-dir", str(ptc_dir), "--json"))
    }
    train = _label_counts(ptc_dir / "train-task-flc-tc.labels")
    dev = _label_counts(ptc_dir / "dev-task-flc-tc.labels")
    assert rows["name-calling"]["train_spans"] == train[NC]
    assert rows["name-calling"]["dev_spans"] == dev[NC]
    assert rows["loaded-language"]["train_spans"] == train[LL]
    assert rows["all-techniques"]["train_spans"] == sum(train.values()) == 6128
    assert rows["technique-classification"]["dev_spans"] == sum(dev.values()) == 1063
    # The official dev SI file lists the merged technique-agnostic spans.
    dev_si_rows = (ptc_dir / "dev-task-si.labels").read_text(encoding="utf-8").splitlines()
    assert rows["span-identification"]["dev_spans"] == len([row for row in dev_si_rows if row])


def test_prompt_on_the_real_release(ptc_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flc = (ptc_dir / "train-task-flc-tc.labels").read_text(encoding="utf-8").splitlines()
    article_id, _, start, end = next(row.split("\t") for row in flc if row.split("\t")[1] == NC)
    text = (ptc_dir / "train-articles" / f"article{article_id}.txt").read_bytes().decode("utf-8")
    out = _run(
        capsys, "prompt", "--task", "name-calling", "--article", article_id,
        "--window-chars", "100000", "--data-dir", str(ptc_dir),
    )  # fmt: skip
    target = json.loads(out.split("--- target ---\n")[1], object_pairs_hook=list)
    assert (text[int(start) : int(end)], NC) in target


def test_tasks_on_the_sample_corpus_by_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PTC_DATA_DIR", raising=False)
    assert main(["tasks", "--json"]) == 0
    captured = capsys.readouterr()
    assert "sample corpus" in captured.err
    rows = json.loads(captured.out)
    assert len(rows) == 17
    assert all(row["train_spans"] > 0 and row["dev_spans"] > 0 for row in rows)


def test_prompt_chat_through_a_local_tokenizer(
    tiny_ptc: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel({"<unk>": 0, "</s>": 1}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", eos_token="</s>")
    tokenizer.chat_template = (
        "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}</s>{% endfor %}"
        "{% if add_generation_prompt %}<assistant>{% endif %}"
    )
    tokenizer.save_pretrained(tmp_path / "tok")
    out = _run(
        capsys, "prompt", "--task", "name-calling", "--article", "1", "--variant", "chat",
        "--tokenizer", str(tmp_path / "tok"), "--data-dir", str(tiny_ptc),
    )  # fmt: skip
    assert "--- prompt ---\n<system>You are annotating propaganda" in out
    assert (
        "</s><user>### Text:\nThe crooks lied again.\nShameful crooks!</s><assistant>\n--- target ---\n"
        in out
    )

    tokenizer.chat_template = None
    tokenizer.save_pretrained(tmp_path / "plain")
    assert main(["prompt", "--task", "doubt", "--article", "1", "--variant", "chat", "--tokenizer",
                 str(tmp_path / "plain"), "--data-dir", str(tiny_ptc)]) == 2  # fmt: skip
    assert "has no chat template" in capsys.readouterr().err
