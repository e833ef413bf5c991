"""``dumpsys account``: accounts signed in on the phone, per Android user.

Format (``AccountManagerService.dump`` / ``dumpUser``, Android 9-16)::

    User UserInfo{0:Owner:c13}:
      Accounts: 2
        Account {name=someone@gmail.com, type=com.google}

``Account.toString()`` prints the name unescaped, so a name may itself contain
``, type=``: the last ``, type=`` on the line is the separator.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.commands import DUMPSYS_ACCOUNT
from scanner.model import Account, CollectionWarning
from scanner.parse.common import Capped, WarningLog, has_text, leading_int, nonempty_lines
from scanner.phrases import words

MAX_ACCOUNTS = 1000
"""Accounts kept; a phone holds a few dozen at most."""


@dataclass(frozen=True, slots=True)
class AccountsParse:
    """Accounts found, plus warnings."""

    accounts: tuple[Account, ...] = ()
    warnings: tuple[CollectionWarning, ...] = ()


def parse_account_line(text: str) -> tuple[str, str] | None:
    """``Account {name=a, type=b}`` -> ``(name, type)``; None when not that shape."""
    if not text.startswith("Account {name=") or not text.endswith("}"):
        return None
    body = text[len("Account {name=") : -1]
    name, sep, acc_type = body.rpartition(", type=")
    if not sep or not acc_type:
        return None
    return name, acc_type


def parse_dumpsys_account(text: str) -> AccountsParse:
    """Parse ``dumpsys account``; never raises."""
    log = WarningLog(DUMPSYS_ACCOUNT)
    accounts: Capped[Account] = Capped(MAX_ACCOUNTS)
    user = 0
    in_accounts = False
    recognised = False
    last = 0
    for number, line in nonempty_lines(text):
        if number > last + 1:
            in_accounts = False  # an empty line ends the list of accounts
        last = number
        stripped = line.strip()
        if not stripped:
            in_accounts = False
            continue
        if stripped.startswith("User UserInfo{") or stripped.startswith("User "):
            # ``User UserInfo{0:Owner:c13}:`` (user id first inside the braces)
            brace = stripped.find("{")
            uid = leading_int(stripped[brace + 1 :]) if brace >= 0 else None
            if uid is not None and stripped.endswith(":"):
                user, in_accounts, recognised = uid, False, True
                continue
        if stripped.startswith("Accounts:"):
            in_accounts, recognised = True, True
            continue
        if stripped.startswith("Account {"):
            pair = parse_account_line(stripped)
            if pair is None:
                log.line(number, line, words("problems.account_line"))
            elif in_accounts:
                accounts.add(Account(type=pair[1], name=pair[0], user=user))
            continue
        in_accounts = False
    if has_text(text) and not recognised:
        log.add(words("problems.accounts_unknown"), text)
    accounts.report(log, "problems.capped_accounts")
    unique = tuple(dict.fromkeys(accounts.items))
    return AccountsParse(unique, log.result())
