"""Catastrophic backtracking: a check of a pattern's shape, and a timed trial on hostile input.

Python's `re` backtracks. A pattern can take exponential time when a loop's body can split the same
text between its iterations in more than one way: a loop inside a loop whose boundary nothing pins
(`(a+)+`, `(\\w+\\s?)+`), or a loop over alternatives that can start alike (`(a|ab)+`). `risk()`
finds those shapes in the parsed pattern; load_db refuses such a fingerprint. Polynomial blow-ups
(`.*,.*,.*x`) are not shape errors: `trial()` times the pattern on long hostile strings, and
`camscan db verify` reports any that exceeds its bound. At run time every value is cut to
MATCH_LIMIT characters before matching, so no match works on more than that.
"""

from __future__ import annotations

import importlib
import re
import signal
import threading
from collections.abc import Iterable, Sequence
from typing import Any

# re's own parser and its node names (stable since 3.11; typeshed does not describe them)
sre: Any = importlib.import_module("re._constants")
parser: Any = importlib.import_module("re._parser")

SOURCE = __file__  # this check's own code: a cache of its verdicts is keyed on its bytes
MATCH_LIMIT = 16 * 1024  # the longest value a decoder emits (a WS-Discovery field)
TRIAL_SECONDS = 0.5  # for all hostile strings of one pattern together
_ALPHABET = range(256)
_ALL = frozenset(_ALPHABET)
_LOOPS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_CATEGORIES = {
    name: frozenset(c for c in _ALPHABET if re.match(rx, chr(c)))
    for name, rx in (
        (sre.CATEGORY_DIGIT, r"\d"), (sre.CATEGORY_NOT_DIGIT, r"\D"),
        (sre.CATEGORY_SPACE, r"\s"), (sre.CATEGORY_NOT_SPACE, r"\S"),
        (sre.CATEGORY_WORD, r"\w"), (sre.CATEGORY_NOT_WORD, r"\W"),
    )
}  # fmt: skip

Node = tuple[Any, Any]


def risk(pattern: str, flags: int = 0) -> str | None:
    """Why `pattern` can backtrack exponentially, or None when its shape is safe."""
    try:
        tree = parser.parse(pattern, flags)
    except re.error:
        return None  # compile_regex reports it
    fold = bool((flags | tree.state.flags) & re.IGNORECASE)
    return _walk(list(tree), fold)


def _walk(items: Sequence[Node], fold: bool) -> str | None:
    for op, av in items:
        for body in _children(op, av):
            found = _walk(body, fold)
            if found:
                return found
        if op in _LOOPS and av[1] > 1:
            found = _ambiguous_loop(list(av[2]), fold)
            if found:
                return found
    return None


def _children(op: Any, av: Any) -> list[Sequence[Node]]:
    if op in _LOOPS or op in (sre.POSSESSIVE_REPEAT,):
        return [av[2]]
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.BRANCH:
        return list(av[1])
    return []


def _ambiguous_loop(body: list[Node], fold: bool) -> str | None:
    """The reason a loop with this body is ambiguous, or None."""
    body = _unwrap(body)
    if len(body) == 1 and body[0][0] is sre.BRANCH:
        alternatives = body[0][1][1]
        firsts = [_first(list(alt), fold)[0] for alt in alternatives]
        for i, a in enumerate(firsts):
            if any(a & b for b in firsts[i + 1 :]):
                return "a repeated group whose alternatives can start with the same character"
    for i, (op, av) in enumerate(body):
        if op in _LOOPS and av[1] > 1:
            inner = _chars(list(av[2]), fold)
            rest = body[:i] + body[i + 1 :]
            needed = [_chars([node], fold) for node in rest if not _nullable([node])]
            if all(inner & chars for chars in needed):
                return "a repeat inside a repeat with nothing to tell their iterations apart"
    return None


def _unwrap(body: list[Node]) -> list[Node]:
    while len(body) == 1 and body[0][0] is sre.SUBPATTERN:
        body = list(body[0][1][3])
    return body


def _first(items: Sequence[Node], fold: bool) -> tuple[frozenset[int], bool]:
    """(characters the text matched by `items` can start with, whether it can be empty)."""
    first: set[int] = set()
    for node in items:
        chars, nullable = _first_of(node, fold)
        first |= chars
        if not nullable:
            return frozenset(first), False
    return frozenset(first), True


def _first_of(node: Node, fold: bool) -> tuple[frozenset[int], bool]:
    op, av = node
    if op in _ZERO_WIDTH:
        return frozenset(), True
    if op is sre.BRANCH:
        parts = [_first(list(alt), fold) for alt in av[1]]
        return frozenset().union(*(p[0] for p in parts)), any(p[1] for p in parts)
    if op in _LOOPS or op is sre.POSSESSIVE_REPEAT:
        chars, nullable = _first(list(av[2]), fold)
        return chars, nullable or av[0] == 0
    if op is sre.SUBPATTERN:
        return _first(list(av[3]), fold)
    if op is sre.ATOMIC_GROUP:
        return _first(list(av), fold)
    if op is sre.GROUPREF:
        return _ALL, True
    return _chars([node], fold), False


def _nullable(items: Sequence[Node]) -> bool:
    return _first(items, False)[1]


def _chars(items: Iterable[Node], fold: bool) -> frozenset[int]:
    """Every character the text matched by `items` can contain (an over-approximation)."""
    out: set[int] = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(av)
        elif op is sre.NOT_LITERAL or op is sre.ANY or op is sre.GROUPREF:
            out |= _ALL - ({av} if op is sre.NOT_LITERAL else set())
        elif op is sre.IN:
            out |= _in_set(av)
        elif op in _LOOPS or op is sre.POSSESSIVE_REPEAT:
            out |= _chars(av[2], False)
        elif op is sre.SUBPATTERN:
            out |= _chars(av[3], False)
        elif op is sre.ATOMIC_GROUP:
            out |= _chars(av, False)
        elif op is sre.BRANCH:
            for alt in av[1]:
                out |= _chars(alt, False)
    if fold:
        swapped = (chr(c).swapcase() for c in list(out))
        out |= {ord(s) for s in swapped if len(s) == 1 and ord(s) < 256}
    return frozenset(out)


def _in_set(items: Sequence[Node]) -> frozenset[int]:
    out: set[int] = set()
    negate = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            out.add(av)
        elif op is sre.RANGE:
            out |= set(range(av[0], min(av[1], 255) + 1))
        elif op is sre.CATEGORY:
            out |= _CATEGORIES.get(av, _ALL)
    return _ALL - out if negate else frozenset(out)


class _TooSlow(Exception):
    """Raised by SIGALRM inside the matcher."""


def trial(regex: re.Pattern[str], seconds: float = TRIAL_SECONDS) -> str | None:
    """The hostile input on which `regex` took longer than `seconds`, described; else None.

    Needs the main thread (SIGALRM interrupts the matcher); elsewhere it checks nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    inputs = _hostile_inputs(regex)

    def stop(signum: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    current = ""
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        for current in inputs:
            regex.search(current)
    except _TooSlow:
        return (
            f"took over {seconds:g} s on {len(current)} characters "
            f"({current[:12]!r}...): catastrophic backtracking"
        )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return None


def _hostile_inputs(regex: re.Pattern[str]) -> list[str]:
    """Long runs of the characters the pattern's loops eat, each with a failing tail."""
    try:
        tree = parser.parse(regex.pattern, regex.flags)
    except re.error:
        return []
    seeds: set[str] = {"a", " ", ",", "0", "."}
    for chars in _loop_sets(list(tree)):
        if chars:
            seeds.add(chr(min(chars)))
            seeds.add(chr(max(chars)))
    out = []
    for seed in sorted(seeds):
        run = seed * (MATCH_LIMIT - 1)
        out += [run + "\x00", run[: MATCH_LIMIT // 2] + "\n" + run[: MATCH_LIMIT // 2 - 2]]
    return out


def _loop_sets(items: Sequence[Node]) -> list[frozenset[int]]:
    out = []
    for op, av in items:
        if op in _LOOPS or op is sre.POSSESSIVE_REPEAT:
            out.append(_chars(av[2], False))
        for body in _children(op, av):
            out += _loop_sets(body)
    return out
