"""Plain-language definitions of the 14 techniques, written for this project, used in prompts."""

from __future__ import annotations

from dataclasses import dataclass

from ptc_bench.core.techniques import LABELS


@dataclass(frozen=True)
class TechniqueText:
    """How a prompt names a technique: a readable title, a one-line gloss and a full definition."""

    label: str
    title: str
    gloss: str
    definition: str


_TEXTS: tuple[TechniqueText, ...] = (
    TechniqueText(
        "Appeal_to_Authority",
        "appeal to authority",
        "a claim presented as true only because an expert, official or famous source backs it",
        "The writer asks the reader to accept a claim because a person or body with standing (an "
        "expert, an official, a celebrity, an institution) endorses it, and offers that endorsement "
        "instead of evidence. Mark the stretch that invokes the source together with what the source "
        "is said to claim, such as a quotation or an 'according to' statement used to settle the point.",
    ),
    TechniqueText(
        "Appeal_to_fear-prejudice",
        "appeal to fear or prejudice",
        "building anxiety, panic or prejudice to win support for an idea",
        "The writer tries to win the reader over by making them afraid of what will happen if an idea "
        "is rejected, or by stirring up hostility towards a group. Mark the clause or sentence that "
        "paints the threat or the feared consequence, not the neutral context around it.",
    ),
    TechniqueText(
        "Bandwagon,Reductio_ad_hitlerum",
        "bandwagon or reductio ad hitlerum",
        "'everyone agrees, so join in', or rejecting an idea because a hated group favours it",
        "Two related moves: urging the reader to adopt a view because many people or everyone already "
        "hold it (bandwagon), or discrediting a view or action by linking it to a group the audience "
        "despises, such as Nazis or terrorists (reductio ad hitlerum). Mark the words that appeal to "
        "the crowd or that draw the damaging association.",
    ),
    TechniqueText(
        "Black-and-White_Fallacy",
        "black-and-white fallacy",
        "presenting two options as the only ones when more exist",
        "The writer frames an issue as a choice between exactly two alternatives (often one good and "
        "one terrible) while other options exist, or tells the reader which single course of action "
        "is acceptable. Mark the statement that sets up the false either-or choice.",
    ),
    TechniqueText(
        "Causal_Oversimplification",
        "causal oversimplification",
        "blaming a single cause for a complex outcome",
        "The writer explains a complicated event or problem by pointing to one cause (or a very few) "
        "and ignoring the other factors involved, often to assign blame. Mark the statement that "
        "asserts the simplified cause-and-effect link.",
    ),
    TechniqueText(
        "Doubt",
        "doubt",
        "questioning the credibility of a person, group or claim to undermine it",
        "The writer casts suspicion on someone or something (a person, an organisation, a report, a "
        "claim) to weaken the reader's trust in it, often through insinuating questions or hints of "
        "hidden motives. Mark the question or statement that raises the doubt.",
    ),
    TechniqueText(
        "Exaggeration,Minimisation",
        "exaggeration or minimisation",
        "making something look far bigger or far smaller than it is",
        "The writer overstates something (larger, worse, better, more extreme than the facts allow) "
        "or plays it down as trivial or unimportant. Mark the overstating or understating words, "
        "usually a short phrase rather than the whole sentence.",
    ),
    TechniqueText(
        "Flag-Waving",
        "flag-waving",
        "justifying an idea by appeal to patriotism or group identity",
        "The writer plays on strong feelings for a nation or another group identity (patriotism, "
        "'our people', national pride) to justify or promote an idea or action. Mark the phrase that "
        "invokes the nation or group feeling.",
    ),
    TechniqueText(
        "Loaded_Language",
        "loaded language",
        "words with strong emotional charge used to sway the reader",
        "The writer uses specific words or short phrases with strong emotional connotations, positive "
        "or negative, to influence the reader rather than to inform. Mark the charged word or short "
        "phrase itself (for example an inflammatory adjective or verb), not the sentence around it.",
    ),
    TechniqueText(
        "Name_Calling,Labeling",
        "name calling or labeling",
        "attaching a label the audience fears, hates or admires to a person, group or idea",
        "The writer tags the target of the message (a person, a group, an idea) with a label meant to "
        "make the audience despise or fear it, or, less often, love and praise it. Mark the label "
        "words themselves, such as an insulting noun or epithet, not the whole sentence that uses them.",
    ),
    TechniqueText(
        "Repetition",
        "repetition",
        "repeating the same message again and again so that it sticks",
        "The writer repeats the same word, phrase or idea several times so that the reader ends up "
        "accepting it. Mark each repeated occurrence that serves to drive the message home.",
    ),
    TechniqueText(
        "Slogans",
        "slogans",
        "a short, catchy rallying phrase",
        "The writer uses a brief, striking phrase that works as a rallying cry, often with labeling or "
        "stereotyping in it, such as a campaign motto or a chant. Mark the slogan itself.",
    ),
    TechniqueText(
        "Thought-terminating_Cliches",
        "thought-terminating cliches",
        "a stock phrase that shuts down further thinking or debate",
        "The writer uses a short, generic, familiar phrase that discourages critical thought and "
        "closes the discussion, offering an apparently final answer to a complex question (for "
        "example 'it is what it is'). Mark the cliche phrase.",
    ),
    TechniqueText(
        "Whataboutism,Straw_Men,Red_Herring",
        "whataboutism, straw men or red herring",
        "deflecting with hypocrisy charges, distorted opponent positions or irrelevant topics",
        "The writer avoids the actual argument: by accusing the opponent of hypocrisy instead of "
        "answering (whataboutism), by attacking a distorted, weaker version of the opponent's position "
        "(straw man), or by bringing in an irrelevant topic to pull attention away (red herring). "
        "Mark the passage that deflects or misrepresents.",
    ),
)

TECHNIQUE_TEXTS: dict[str, TechniqueText] = {text.label: text for text in _TEXTS}

SPAN_IDENTIFICATION_DEFINITION = (
    "A phrase is propaganda when it uses a rhetorical or psychological technique to push the reader "
    "towards a view instead of informing them: emotionally loaded words, insulting or flattering "
    "labels, exaggeration, appeals to fear, authority or patriotism, slogans, false dilemmas, "
    "oversimplified causes, insinuated doubt, repetition and similar devices. Mark each such phrase, "
    "as short as the technique allows."
)


def techniques_overview(labels: tuple[str, ...] = LABELS) -> str:
    """One line per technique, `label: gloss`, for prompts that cover several techniques."""
    return "\n".join(f"- {label}: {TECHNIQUE_TEXTS[label].gloss}" for label in labels)


def _check_complete() -> None:
    """Fail at import time if a technique lacks its definition (keeps the table in step)."""
    missing = set(LABELS) - set(TECHNIQUE_TEXTS)
    if missing:
        raise RuntimeError(f"techniques without a definition: {sorted(missing)}")


_check_complete()
