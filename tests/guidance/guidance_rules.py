"""The wording rules every guidance text must meet, as pure functions the tests apply.

Each rule returns a list of problems (empty when the text passes), so a failing test can
say exactly which sentence broke which rule. The rules, in full:

1. Reading ease: every prose field scores at least ``FLESCH_MIN`` on the Flesch reading
   ease scale (``textstat``, English only; see ``conftest.py`` for the offline word list).
2. Short sentences: no sentence has more than ``SENTENCE_MAX_WORDS`` words. Sentences end
   at ``.``, ``!``, ``?`` or a line break; a phone number counts one word per group.
3. Removal risk first: a field that mentions removing, uninstalling, deleting, disabling,
   revoking, resetting, wiping, clearing, turning/switching/taking something off, or
   signing/logging someone out must carry the full caveat, made of four parts:
     - alert:    doing so can alert (or be noticed by) the person who installed it;
     - danger:   it can make them more dangerous (or make things unsafe / worse);
     - evidence: it destroys (loses, wipes, erases) evidence, in one sentence;
     - plan:     a safety plan with an advocate, in one sentence.
   The caveat must be complete before the field mentions removal as a plain step. A
   caveat has to name the act it warns about, so the sentence that first mentions
   removal may be part of the caveat ("Removing it can alert ...") but never a bare step:
   every mention before the caveat is complete must sit in a sentence that carries at
   least one caveat part. The caveat must be complete within three sentences after the
   first mention, so it reads as one warning.
   The after-scan text meets this honestly: changing settings can be noticed, a change
   that is noticed can make the person more dangerous, and revoking the list of trusted
   computers wipes a record that may be evidence of who set the phone up.
4. Never an order to give up the phone or the app: no phrase from ``FORBIDDEN`` (just
   delete the app, uninstall it now, stay off social media, stop using ..., you must).
"""

from __future__ import annotations

import re
from collections.abc import Callable

FLESCH_MIN = 70.0
SENTENCE_MAX_WORDS = 25
CAVEAT_WINDOW_SENTENCES = 3

_REMOVAL = re.compile(
    r"""\b(?:
        remov\w* | uninstall\w* | delet\w* | disabl\w* | revok\w* | reset\w* | eras(?:e|es|ing)\b
      | wip(?:e|es|ed|ing)\b | get(?:ting)?\ rid\ of | force\ stop\w*
      | clear(?:s|ed|ing)?\ (?:it|them|the|all|this|that|your)\b
      | (?:turn|turns|turned|turning|switch|switches|switched|switching
         |take|takes|took|taking|log|logs|logged|logging|sign|signs|signed|signing)
        (?:\W+[\w'’-]+){0,4}?\W+(?:off|out)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_ALERT = re.compile(r"\b(?:alert\w*|notic\w*|find(?:s)? out|found out)\b", re.IGNORECASE)
_DANGER = re.compile(
    r"\b(?:danger\w*|unsafe|get(?:s)? worse|escalat\w*)\b",
    re.IGNORECASE,
)
_EVIDENCE = re.compile(r"\bevidence\b", re.IGNORECASE)
_DESTROY = re.compile(
    r"\b(?:destroy\w*|los(?:e|es|ing)|lost|wip(?:e|es|ed|ing)|eras\w*|gone)\b", re.IGNORECASE
)
_PLAN = re.compile(r"\bsafety plan", re.IGNORECASE)
_ADVOCATE = re.compile(r"\badvocate", re.IGNORECASE)

CAVEAT_PARTS = frozenset({"alert", "danger", "evidence", "plan"})

FORBIDDEN: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bdelete (?:the|this|that|your) apps?\b",
        r"\b(?:uninstall|remove|delete|reset|wipe) (?:it|them|the app|this app|the phone)"
        r" (?:now|right away|straight away|immediately|today)\b",
        r"\bjust (?:delete|remove|uninstall|reset|wipe|turn|switch|get rid)\b",
        r"\bstay off\b",
        r"\bstop using\b",
        r"\b(?:come|get|keep) off social media\b",
        r"\b(?:quit|leave|close|delete) (?:your )?(?:social media|accounts?)\b",
        r"\b(?:don't|do not|never) use (?:your|the|this) phone\b",
        r"\bget rid of (?:it|the app|this app|the phone|your phone)\b",
        r"\bthrow (?:it|the phone|your phone) away\b",
        r"\byou must\b",
        r"\bimmediately\b",
    )
)

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")


def sentences(text: str) -> list[str]:
    """Split prose into sentences (line breaks end a sentence too, for lists)."""
    parts = (part.strip(" -*•\t") for part in _SENTENCE_END.split(text))
    return [part for part in parts if part]


def word_count(sentence: str) -> int:
    """Words in one sentence, counting each group of digits as a word."""
    return len(_WORD.findall(sentence))


def mentions_removal(text: str) -> bool:
    """True when the text mentions removing, disabling or turning something off."""
    return _REMOVAL.search(text) is not None


def caveat_parts(sentence: str) -> frozenset[str]:
    """Which of the four caveat parts one sentence carries."""
    found: set[str] = set()
    if _ALERT.search(sentence):
        found.add("alert")
    if _DANGER.search(sentence):
        found.add("danger")
    if _EVIDENCE.search(sentence) and _DESTROY.search(sentence):
        found.add("evidence")
    if _PLAN.search(sentence) and _ADVOCATE.search(sentence):
        found.add("plan")
    return frozenset(found)


def removal_caveat_problems(text: str) -> list[str]:
    """Rule 3: the full removal caveat comes before removal is offered as a step."""
    parts = sentences(text)
    if not any(mentions_removal(s) for s in parts):
        return []
    seen: set[str] = set()
    first_mention: int | None = None
    for index, sentence in enumerate(parts):
        carried = caveat_parts(sentence)
        if mentions_removal(sentence):
            if first_mention is None:
                first_mention = index
            if not carried and not seen >= CAVEAT_PARTS:
                return [f"removal is offered as a step before the caveat is complete: {sentence!r}"]
        seen |= carried
        if seen >= CAVEAT_PARTS:
            if first_mention is not None and index - first_mention > CAVEAT_WINDOW_SENTENCES:
                return [f"the caveat is spread too far from the first removal mention: {text!r}"]
            return []
    missing = ", ".join(sorted(CAVEAT_PARTS - seen))
    return [f"mentions removal but the caveat lacks: {missing}"]


def long_sentence_problems(text: str) -> list[str]:
    """Rule 2: no sentence over ``SENTENCE_MAX_WORDS`` words."""
    return [
        f"{word_count(s)} words: {s!r}"
        for s in sentences(text)
        if word_count(s) > SENTENCE_MAX_WORDS
    ]


def forbidden_phrase_problems(text: str) -> list[str]:
    """Rule 4: no order to delete the app, give up the phone or leave social media."""
    return [f"forbidden phrase {m.group(0)!r}" for p in FORBIDDEN if (m := p.search(text))]


def reading_ease_problems(text: str, flesch: Callable[[str], float]) -> list[str]:
    """Rule 1: Flesch reading ease of at least ``FLESCH_MIN``."""
    score = flesch(text)
    return [] if score >= FLESCH_MIN else [f"Flesch reading ease {score:.1f} < {FLESCH_MIN}"]
