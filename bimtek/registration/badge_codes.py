"""Badge codes a person can read off a badge and type: ten characters from an alphabet
without look-alikes, the last one a check character, printed in two groups (K7Q4M-9XD2P).

The alphabet has 31 characters, a prime, and the check character makes the weighted sum
of all ten values (weights 1 to 10) divisible by 31: any one wrong character, and any two
neighbours swapped, give another sum, so a typo is answered as a typo and never lands on
another participant's badge."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

# No 0/O and no 1/I/L; no = + - @ either, so a spreadsheet never reads a code as a formula.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10  # of which the last is the check character
GROUP = 5
_VALUES = {character: value for value, character in enumerate(ALPHABET)}
# What a person may type around or inside a code, and is ignored.
_IGNORED = str.maketrans("", "", " -\t")


def _check_character(data: str) -> str:
    total = sum(weight * _VALUES[c] for weight, c in enumerate(data, start=1))
    return next(c for c in ALPHABET if (total + LENGTH * _VALUES[c]) % len(ALPHABET) == 0)


def new_badge_code() -> str:
    """What the badge's QR holds and what is printed under it: random, so a badge cannot
    be guessed from another (31^9, about 2.6 × 10^13 codes)."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return data + _check_character(data)


def is_valid(code: str) -> bool:
    return len(code) == LENGTH and all(c in _VALUES for c in code) \
        and _check_character(code[:-1]) == code[-1]


def grouped(code: str) -> str:
    """The code as printed: K7Q4M-9XD2P. A badge printed before these codes keeps its
    own code, shown as it is."""
    if not is_valid(code):
        return code
    return "-".join(code[start:start + GROUP] for start in range(0, LENGTH, GROUP))


@dataclass(frozen=True)
class TypedBadge:
    """What the desk received, read both ways: as a typeable code (`code`, None when it
    is not a valid one) and as an older badge's exact code (`as_scanned`)."""

    as_scanned: str
    code: str | None
    mistyped: bool  # it looks like a typed code, but its check character disagrees


def read_badge(text: str) -> TypedBadge:
    """Case, spaces and dashes do not matter in a typed code. Ten letters and digits that
    fail the check are a typo (a look-alike such as O or 1 typed included)."""
    as_scanned = text.strip()
    folded = as_scanned.translate(_IGNORED).upper()
    if is_valid(folded):
        return TypedBadge(as_scanned, folded, mistyped=False)
    looks_typed = len(folded) == LENGTH and folded.isascii() and folded.isalnum()
    return TypedBadge(as_scanned, None, mistyped=looks_typed)
