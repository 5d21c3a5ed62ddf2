"""A one-line rich display of training for the console: steps, loss, eval loss and time left."""

from __future__ import annotations

from typing import Any


def training_display() -> Any:
    """A transformers TrainerCallback drawing a rich progress bar on stderr (main process only)."""
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
