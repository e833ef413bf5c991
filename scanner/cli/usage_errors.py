"""argparse's own mistakes ("unrecognized arguments: ...") said in the reader's language.

argparse writes its error sentences in English and hands ``error()`` only the finished
text, so this module recognises each sentence by the template argparse builds it from and
re-says it from ``guidance/<lang>/messages/usage_errors.yaml`` with the same facts (option
names and values stay exactly as typed). A sentence no template matches is still not shown
as English prose: it gets a catalogued sentence with argparse's text as its fact.

Templates are those of ``argparse.py`` in Python 3.11-3.13 (line numbers from 3.11);
3.12+ differ only in how ``choices`` are quoted (``str`` instead of ``repr``), which the
facts keep as they come. Kept light: no catalogues, no Babel (``--help``'s loader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

GROUP: Final = "usage_errors"
_PREFIX: Final = "usage_errors."
TRY_HELP: Final = "usage_errors.try_help"
"""The pointer to ``--help`` said after every mistake."""


@dataclass(frozen=True, slots=True)
class UsageMistake:
    """One argparse error as a message id (in ``usage_errors``) and its facts."""

    key: str
    values: tuple[tuple[str, str], ...] = ()


# ArgumentError.__str__: _('argument %(argument_name)s: %(message)s') (3.11 line 781).
# The name never holds ": " (option strings joined by "/", a metavar, or "{a,b}").
_ARGUMENT: Final = re.compile(r"argument (?P<option>.+?): (?P<inner>.*)", re.DOTALL)

# Sentences argparse raises about one argument (always behind the prefix above).
_ABOUT_ONE: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    # _('not allowed with argument %s') (line 1976)
    ("not_allowed", re.compile(r"not allowed with argument (?P<other>.+)", re.DOTALL)),
    # _('expected one argument') (line 2204)
    ("expected_one", re.compile(r"expected one argument")),
    # _('expected at most one argument') (line 2205)
    ("expected_at_most_one", re.compile(r"expected at most one argument")),
    # _('expected at least one argument') (line 2206)
    ("expected_at_least_one", re.compile(r"expected at least one argument")),
    # ngettext('expected %s argument', 'expected %s arguments', n) (line 2210)
    ("expected_n", re.compile(r"expected (?P<count>\d+) arguments?")),
    # _('invalid %(type)s value: %(value)r') (line 2546); int and float said as numbers
    ("not_a_number", re.compile(r"invalid (?:int|float) value: (?P<value>.*)", re.DOTALL)),
    ("invalid_value", re.compile(r"invalid \S+ value: (?P<value>.*)", re.DOTALL)),
    # _('invalid choice: %(value)r (choose from %(choices)s)') (line 2557); 3.14 adds
    # _('invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)')
    (
        "invalid_choice",
        re.compile(
            r"invalid choice: (?P<value>.*?)(?:, maybe you meant .*\?)? "
            r"\(choose from (?P<choices>.*)\)",
            re.DOTALL,
        ),
    ),
    # _('unknown parser %(parser_name)r (choices: %(choices)s)') (line 1236)
    (
        "invalid_choice",
        re.compile(r"unknown parser (?P<value>.*) \(choices: (?P<choices>.*)\)", re.DOTALL),
    ),
    # _('ignored explicit argument %r') (lines 2026, 2040)
    ("ignored_value", re.compile(r"ignored explicit argument (?P<value>.*)", re.DOTALL)),
    # _("can't open '%(filename)s': %(error)s") (line 1305)
    ("cannot_open", re.compile(r"can't open '(?P<path>.*)': (?P<reason>.*)", re.DOTALL)),
)

# Sentences argparse gives about the command line as a whole.
_ABOUT_ALL: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    # _('unrecognized arguments: %s') (lines 1876, 2389)
    ("unrecognized", re.compile(r"unrecognized arguments: (?P<arguments>.*)", re.DOTALL)),
    # _('the following arguments are required: %s') (line 2147)
    (
        "required",
        re.compile(r"the following arguments are required: (?P<arguments>.*)", re.DOTALL),
    ),
    # _('one of the arguments %s is required') (line 2162)
    ("one_of_required", re.compile(r"one of the arguments (?P<arguments>.*) is required")),
    # _('ambiguous option: %(option)s could match %(matches)s') (line 2268)
    (
        "ambiguous",
        re.compile(r"ambiguous option: (?P<option>.*?) could match (?P<matches>.*)", re.DOTALL),
    ),
)


def _unquoted(value: str) -> str:
    """A ``%r`` value as typed: argparse quotes strings with repr's quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _said(key: str, match: re.Match[str], option: str | None = None) -> UsageMistake:
    facts = {name: _unquoted(v) if name == "value" else v for name, v in match.groupdict().items()}
    if option is not None:
        facts = {"option": option, **facts}
    return UsageMistake(_PREFIX + key, tuple(facts.items()))


def understand(message: str) -> UsageMistake:
    """What argparse's English ``message`` says, as a message id and its facts."""
    argument = _ARGUMENT.fullmatch(message)
    if argument is not None:
        option, inner = argument["option"], argument["inner"]
        for key, pattern in _ABOUT_ONE:
            if (found := pattern.fullmatch(inner)) is not None:
                return _said(key, found, option)
        return UsageMistake("usage_errors.option_problem", (("option", option), ("detail", inner)))
    for key, pattern in _ABOUT_ALL:
        if (found := pattern.fullmatch(message)) is not None:
            return _said(key, found)
    return UsageMistake("usage_errors.unknown", (("detail", message),))
