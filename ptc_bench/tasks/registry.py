"""Tasks registered by name: the 14 technique tasks and the three multi-technique settings."""

from __future__ import annotations

import difflib

from ptc_bench.core.answer_format import SI_VALUE
from ptc_bench.core.errors import UserError
from ptc_bench.core.techniques import LABELS, TECHNIQUES
from ptc_bench.tasks.definitions import SPAN_IDENTIFICATION_DEFINITION, TECHNIQUE_TEXTS, techniques_overview
from ptc_bench.tasks.task import Task

# Answer budgets (tokens), sized from PTC train targets of 2,000-character windows: the 99th
# percentile of one technique's answer is under ~1,200 characters, of all techniques ~1,600.
TECHNIQUE_MAX_NEW_TOKENS = 384
ALL_TECHNIQUES_MAX_NEW_TOKENS = 768
CLASSIFICATION_MAX_NEW_TOKENS = 32

_REGISTRY: dict[str, Task] = {}


def register_task(task: Task) -> Task:
    """Add a task under its name; a name already taken is a ValueError."""
    if task.name in _REGISTRY:
        raise ValueError(f"a task named {task.name!r} is already registered")
    _REGISTRY[task.name] = task
    return task


def get_task(name: str) -> Task:
    """The task with this name; a UserError listing the known names otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        pass
    close = difflib.get_close_matches(name.lower().replace("_", "-").replace(" ", "-"), list(_REGISTRY), n=1)
    if close:
        raise UserError(f"unknown task {name!r}; did you mean {close[0]}? (`bench tasks` lists them all)")
    raise UserError(f"unknown task {name!r}; known tasks: {', '.join(_REGISTRY)}")


def list_tasks() -> list[Task]:
    """Every registered task, in registration order (techniques first, then the combined ones)."""
    return list(_REGISTRY.values())


def _register_builtin_tasks() -> None:
    """The 17 tasks every installation has."""
    for technique in TECHNIQUES:
        text = TECHNIQUE_TEXTS[technique.label]
        register_task(
            Task(
                name=technique.slug,
                kind="technique",
                labels=(technique.label,),
                gold_labels=(technique.label,),
                definition=text.definition,
                max_new_tokens=TECHNIQUE_MAX_NEW_TOKENS,
                title=text.title,
            )
        )
    register_task(
        Task(
            name="all-techniques",
            kind="all-techniques",
            labels=LABELS,
            gold_labels=LABELS,
            definition=techniques_overview(),
            max_new_tokens=ALL_TECHNIQUES_MAX_NEW_TOKENS,
            title="all propaganda techniques",
        )
    )
    register_task(
        Task(
            name="span-identification",
            kind="span-identification",
            labels=(SI_VALUE,),
            gold_labels=None,
            definition=SPAN_IDENTIFICATION_DEFINITION,
            max_new_tokens=ALL_TECHNIQUES_MAX_NEW_TOKENS,
            title="propaganda (any technique)",
        )
    )
    register_task(
        Task(
            name="technique-classification",
            kind="technique-classification",
            labels=LABELS,
            gold_labels=None,
            definition=techniques_overview(),
            max_new_tokens=CLASSIFICATION_MAX_NEW_TOKENS,
            title="technique of a marked span",
        )
    )


_register_builtin_tasks()
