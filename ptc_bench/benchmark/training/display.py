"""Training progress for the console: steps, loss, eval loss and time left.

On a terminal a rich bar redraws in place; otherwise (nohup, CI, `2> log`) plain lines are printed
every 30 s or 10% of the steps (`benchmark.plain_progress`).
"""

from __future__ import annotations

from typing import Any


def training_display() -> Any:
    """A transformers TrainerCallback showing progress on stderr (main process only)."""
    import sys

    from ptc_bench.benchmark.plain_progress import is_terminal

    return _rich_display() if is_terminal(sys.stderr) else _plain_display()


def _plain_display() -> Any:
    """A TrainerCallback printing 'training: step 12/120 (10%) · loss 2.345 · eval loss – · 1 min left'."""
    from transformers import TrainerCallback

    from ptc_bench.benchmark.plain_progress import PlainProgress, time_left

    class PlainTrainingLines(TrainerCallback):
        """Plain progress lines for a log file."""

        def __init__(self) -> None:
            self.progress: PlainProgress | None = None
            self.losses = {"loss": "–", "eval": "–"}
            self.first_step = 0

        def _line(self, done: int, total: int, elapsed: float) -> str:
            share = f" ({done / total:.0%})" if total else ""
            left = time_left(done, total, elapsed, self.first_step)
            return (
                f"training: step {done}/{total}{share} · loss {self.losses['loss']} · "
                f"eval loss {self.losses['eval']} · {left} left"
            )

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.is_world_process_zero:
                self.first_step = state.global_step  # a resumed run times only its own steps
                self.progress = PlainProgress(state.max_steps, self._line)

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if self.progress is not None:
                self.progress.update(state.global_step)

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
            for key in ("loss", "train_loss"):
                if logs and key in logs:
                    self.losses["loss"] = f"{logs[key]:.3f}"
            if logs and "eval_loss" in logs:
                self.losses["eval"] = f"{logs['eval_loss']:.3f}"

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.progress = None

    return PlainTrainingLines()


def _rich_display() -> Any:
    """A TrainerCallback drawing a rich progress bar on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from transformers import TrainerCallback

    class TrainingDisplay(TrainerCallback):
        """Steps done of the total, the last training and eval loss, and the estimated time left."""

        def __init__(self) -> None:
            self.progress: Progress | None = None
            self.task: Any = None
            self.losses = {"loss": "–", "eval": "–"}

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if not state.is_world_process_zero:
                return
            self.progress = Progress(
                TextColumn("training"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("steps · loss {task.fields[loss]} · eval loss {task.fields[eval]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self.progress.start()
            self.task = self.progress.add_task(
                "training",
                total=state.max_steps,
                completed=state.global_step,
                loss=self.losses["loss"],
                eval=self.losses["eval"],
            )

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if self.progress is not None:
                self.progress.update(self.task, completed=state.global_step)

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
            if self.progress is None or not logs:
                return
            for key in ("loss", "train_loss"):  # the last logged step, or the mean over the run at the end
                if key in logs:
                    self.losses["loss"] = f"{logs[key]:.3f}"
            if "eval_loss" in logs:
                self.losses["eval"] = f"{logs['eval_loss']:.3f}"
            self.progress.update(self.task, loss=self.losses["loss"], eval=self.losses["eval"])

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if self.progress is not None:
                self.progress.update(self.task, completed=state.global_step)
                self.progress.stop()
                self.progress = None

    return TrainingDisplay()
