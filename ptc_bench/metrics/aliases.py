"""Technique-name aliases: map what a model writes ("Name-Calling", "straw man") to a PTC label.

Names are compared by a key that ignores case, accents, spaces, underscores, hyphens and other
punctuation, so "Name_Calling,Labeling", "name calling / labeling" and "NAME-CALLING" agree. Only
names that mean the technique are listed; nothing like "yes" or "propaganda!" is guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ptc_bench.core.answer_format import SI_VALUE
from ptc_bench.core.techniques import TECHNIQUES

_ALIASES: dict[str, tuple[str, ...]] = {
    "Appeal_to_Authority": ("Appeal to authority", "Argument from authority", "Authority appeal"),
    "Appeal_to_fear-prejudice": (
        "Appeal to fear",
        "Appeal to prejudice",
        "Appeal to fear/prejudice",
        "Appeal to fear and prejudice",
        "Appeal to fear or prejudice",
        "Fear appeal",
        "Fearmongering",
        "Fear mongering",
    ),
    "Bandwagon,Reductio_ad_hitlerum": (
        "Bandwagon",
        "Bandwagon effect",
        "Reductio ad Hitlerum",
        "Bandwagon/Reductio ad Hitlerum",
        "Bandwagon and Reductio ad Hitlerum",
    ),
    "Black-and-White_Fallacy": (
        "Black and white fallacy",
        "Black and white",
        "Black-and-white thinking",
        "Black and white fallacy, dictatorship",
        "False dilemma",
        "False dichotomy",
        "Either-or fallacy",
    ),
    "Causal_Oversimplification": ("Causal oversimplification", "Oversimplification", "Causal simplification"),
    "Doubt": ("Doubt", "Casting doubt"),
    "Exaggeration,Minimisation": (
        "Exaggeration",
        "Minimisation",
        "Minimization",
        "Exaggeration/Minimisation",
        "Exaggeration/Minimization",
        "Exaggeration or minimisation",
        "Exaggeration or minimization",
        "Exaggeration and minimisation",
        "Exaggeration and minimization",
        "Hyperbole",
    ),
    "Flag-Waving": ("Flag waving", "Flag-waver", "Flagwaving"),
    "Loaded_Language": ("Loaded language", "Loaded words", "Loaded word", "Loaded terms"),
    "Name_Calling,Labeling": (
        "Name calling",
        "Name-calling",
        "Labeling",
        "Labelling",
        "Name calling/labeling",
        "Name calling, labelling",
        "Name calling and labeling",
        "Name calling or labeling",
    ),
    "Repetition": ("Repetition", "Repetitions"),
    "Slogans": ("Slogan", "Slogans"),
    "Thought-terminating_Cliches": (
        "Thought-terminating cliché",
        "Thought-terminating clichés",
        "Thought terminating cliche",
        "Thought-terminating cliches",
        "Thought stopper",
    ),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Whataboutism",
        "Straw man",
        "Straw men",
        "Strawman",
        "Straw man fallacy",
        "Red herring",
        "Whataboutism/Straw man/Red herring",
        "Whataboutism, straw men, red herring",
        "Whataboutism, straw man, red herring",
    ),
}


def technique_key(name: str) -> str:
    """Comparison key: accents folded, case folded, only letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


SPAN_IDENTIFICATION_KEY = technique_key(SI_VALUE)


def _build_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for technique in TECHNIQUES:
        names = (technique.label, technique.slug, *_ALIASES.get(technique.label, ()))
        for name in names:
            key = technique_key(name)
            previous = index.setdefault(key, technique.label)
            if previous != technique.label:
                raise ValueError(f"alias {name!r} names both {previous!r} and {technique.label!r}")
    return index


ALIAS_INDEX: dict[str, str] = _build_alias_index()


def normalize_technique(name: str, labels: Sequence[str]) -> str | None:
    """The label in `labels` that `name` means, or None when it names none of them.

    A name equal to a label up to case and punctuation wins first (so tasks with labels outside the
    14 PTC ones, like "propaganda", work); then the alias table, whose answer must be in `labels`.
    For span identification (a "propaganda" label) any technique name means "propaganda".
    """
    key = technique_key(name)
    if not key:
        return None
    for label in labels:
        if technique_key(label) == key:
            return label
    aliased = ALIAS_INDEX.get(key)
    if aliased is not None and aliased in labels:
        return aliased
    if aliased is not None:
        return next((label for label in labels if technique_key(label) == SPAN_IDENTIFICATION_KEY), None)
    return None
