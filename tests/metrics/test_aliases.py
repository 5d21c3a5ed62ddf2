"""Technique-name normalisation: labels, slugs, common spellings, and what must stay unknown."""

from __future__ import annotations

import pytest

from ptc_bench.core.techniques import LABELS, TECHNIQUES, Technique
from ptc_bench.metrics.aliases import ALIAS_INDEX, normalize_technique, technique_key


@pytest.mark.parametrize("technique", TECHNIQUES, ids=lambda t: t.slug)
def test_label_and_slug_name_their_technique(technique: Technique) -> None:
    label, slug = technique.label, technique.slug
    assert normalize_technique(label, LABELS) == label
    assert normalize_technique(slug, LABELS) == label
    assert normalize_technique(label.upper(), LABELS) == label
    assert normalize_technique(f"  {label.replace('_', ' ')} ", LABELS) == label


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Name-Calling", "Name_Calling,Labeling"),
        ("name calling", "Name_Calling,Labeling"),
        ("Labeling", "Name_Calling,Labeling"),
        ("Labelling", "Name_Calling,Labeling"),
        ("Name calling/labeling", "Name_Calling,Labeling"),
        ("Loaded Language", "Loaded_Language"),
        ("Exaggeration", "Exaggeration,Minimisation"),
        ("Minimization", "Exaggeration,Minimisation"),
        ("Minimisation", "Exaggeration,Minimisation"),
        ("Whataboutism", "Whataboutism,Straw_Men,Red_Herring"),
        ("Straw Man", "Whataboutism,Straw_Men,Red_Herring"),
        ("strawman", "Whataboutism,Straw_Men,Red_Herring"),
        ("Red Herring", "Whataboutism,Straw_Men,Red_Herring"),
        ("Reductio ad Hitlerum", "Bandwagon,Reductio_ad_hitlerum"),
        ("Bandwagon", "Bandwagon,Reductio_ad_hitlerum"),
        ("Black and white fallacy", "Black-and-White_Fallacy"),
        ("False dilemma", "Black-and-White_Fallacy"),
        ("Thought-terminating cliché", "Thought-terminating_Cliches"),
        ("THOUGHT TERMINATING CLICHES", "Thought-terminating_Cliches"),
        ("Appeal to fear", "Appeal_to_fear-prejudice"),
        ("Appeal to Fear/Prejudice", "Appeal_to_fear-prejudice"),
        ("Flag waving", "Flag-Waving"),
        ("Causal oversimplification", "Causal_Oversimplification"),
        ("Appeal to authority", "Appeal_to_Authority"),
        ("Slogan", "Slogans"),
    ],
)
def test_common_spellings(name: str, label: str) -> None:
    assert normalize_technique(name, LABELS) == label


@pytest.mark.parametrize("name", ["", "   ", "yes", "true", "propaganda", "Sarcasm", "Loaded", "Name", "1"])
def test_names_that_mean_no_technique_stay_unknown(name: str) -> None:
    assert normalize_technique(name, LABELS) is None


def test_alias_outside_the_task_labels_is_unknown() -> None:
    assert normalize_technique("Name calling", ("Loaded_Language",)) is None
    assert normalize_technique("Loaded language", ("Loaded_Language",)) == "Loaded_Language"


def test_span_identification_accepts_any_technique_name() -> None:
    assert normalize_technique("Propaganda", ("propaganda",)) == "propaganda"
    assert normalize_technique("Straw man", ("propaganda",)) == "propaganda"
    assert normalize_technique("yes", ("propaganda",)) is None


def test_key_ignores_case_accents_and_punctuation() -> None:
    assert technique_key("Thought-terminating_Clichés ") == "thoughtterminatingcliches"
    assert technique_key("Name_Calling,Labeling") == technique_key("name calling / labeling")


def test_every_alias_points_to_a_real_label() -> None:
    assert set(ALIAS_INDEX.values()) == set(LABELS)
