"""Mutation pass over scanner/engine/ and scanner/db/ (`make mutation`; never part of `make test`).

Each mutant is one small change to the source: a comparison flipped (< and <=, == and !=, in and
not in, is and is not), an operator swapped (+ and -, * and /, // to /, += and -=), a number moved
(an int +1, a weight or threshold in (0, 1] -0.1, any other float doubled), True and False
swapped, a `not` dropped, `and` and `or` swapped; plus the mutants named in issue 11, which must
die.

How a mutant is judged. One traced run of the test pool records, per test, the lines of the
targets it executes (in-process and in every process it starts). A mutant then runs only the
tests that execute its statement (a statement run at import: every test that executes any line of
its file), fastest first and as many as fit in --budget seconds of their unmutated time, stopping
at the first failure, in a copy of the tree (PYTHONPATH points there, so the installed package is
not touched). Killed: a test fails or the copy no longer imports; timeout (counted as killed): the
tests ran past 30 s + 4x their unmutated time; survived: every selected test passes (a slower
covering test might still kill it); unreached: no test of the pool executes the statement.

    .venv/bin/python tests/mutation/mutate.py [--jobs N] [--only PATH ...] [--tests ...]
        [--named-only] [--json FILE]

The exit status is 1 when a named mutant is not killed.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TARGETS = ("scanner/engine", "scanner/db")
# tests/realworld is left out: its corpus replay (a 20 s fixture) never fits a mutant's budget
POOL = ("tests/unit/engine", "tests/unit/db", "tests/replay")
# (file, exact source text, replacement, name): the rules issue 11 found unpinned
NAMED = (
    (
        "scanner/engine/fuse.py",
        "round(top * (1.0 - runner_up / 2.0), 3)",
        "round(top, 3)",
        "fusion without the runner-up discount",
    ),
    ("scanner/engine/hosts.py", "ROUTER_UNBOUND_IPS = 2", "ROUTER_UNBOUND_IPS = 3", "router at 3"),
    (
        "scanner/engine/fuse.py",
        "ATTRIBUTION_FLOOR = 0.3",
        "ATTRIBUTION_FLOOR = 0.2",
        "attribution floor 0.2",
    ),
)
COMPARE_SWAP = {
    ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">", ast.Eq: "!=", ast.NotEq: "==",
    ast.In: "not in", ast.NotIn: "in", ast.Is: "is not", ast.IsNot: "is",
}  # fmt: skip
COMPARE_TEXT = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}  # fmt: skip
# operator: (its text, its replacement); % and ** are left alone (formatting, rare)
BINOP_SWAP = {
    ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "/"), ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "/"),
}  # fmt: skip
OPERATOR_CHARS = b"<>=!*/+-%&|^~@"  # one operator token never touches another
STATUSES = ("killed", "timeout", "survived", "unreached", "error", "invalid")


@dataclass(frozen=True, slots=True)
class Mutant:
    """One edit of one file: bytes [start, end) replaced by `new`, inside statement lines `lines`.

    `top` marks a statement executed at import (module or class body, default arguments).
    """

    path: str
    line: int
    start: int
    end: int
    new: bytes
    what: str
    lines: tuple[int, int]
    top: bool

    def apply(self, source: bytes) -> bytes:
        """The mutated source."""
        return source[: self.start] + self.new + source[self.end :]


def _offsets(source: bytes) -> list[int]:
    starts, pos = [0], 0
    for line in source.splitlines(keepends=True):
        pos += len(line)
        starts.append(pos)
    return starts


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _annotation_nodes(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        notes: list[ast.expr | None] = []
        if isinstance(node, ast.AnnAssign | ast.arg):
            notes.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            notes.append(node.returns)
        for note in notes:
            if note is not None:
                found.update(id(n) for n in ast.walk(note))
    return found


def _number_variant(value: int | float) -> int | float:
    """One moved number: True/False swapped, an int +1, a weight in (0, 1] -0.1 (+0.1 when it is
    0.1 or less), any other float doubled (0.0 becomes 1.0)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if 0.0 < value <= 1.0:
        return round(value - 0.1, 6) if value > 0.1 else round(value + 0.1, 6)
    return value * 2 if value else 1.0


def _header(node: ast.AST) -> tuple[int, int]:
    """The lines of a statement that run before its body (all of it for a simple statement)."""
    first = getattr(node, "lineno", 1)
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        return first, max(first, body[0].lineno - 1)
    return first, getattr(node, "end_lineno", None) or first


def _contexts(tree: ast.Module) -> dict[int, tuple[tuple[int, int], bool]]:
    """Per node id: the header lines of its statement, and whether it runs at import."""
    out: dict[int, tuple[tuple[int, int], bool]] = {}

    def visit(node: ast.AST, lines: tuple[int, int], top: bool) -> None:
        out[id(node)] = (lines, top)
        inner = set()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = {id(s) for s in node.body}
        elif isinstance(node, ast.Lambda):
            inner = {id(node.body)}
        for child in ast.iter_child_nodes(node):
            here = _header(child) if isinstance(child, ast.stmt | ast.excepthandler) else lines
            visit(child, here, top and id(child) not in inner)

    visit(tree, (1, 1), True)
    return out


def mutants_of(rel: str) -> Iterator[Mutant]:
    """Every generic mutant of the file `rel` (relative to the repository)."""
    source = (REPO / rel).read_bytes()
    tree = ast.parse(source)
    starts = _offsets(source)
    skip = _docstring_nodes(tree) | _annotation_nodes(tree)
    context = _contexts(tree)

    def at(line: int, col: int) -> int:
        return starts[line - 1] + col

    def end(node: ast.AST) -> int:
        return at(getattr(node, "end_lineno", 1) or 1, getattr(node, "end_col_offset", 0) or 0)

    def begin(node: ast.AST) -> int:
        return at(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def made(node: ast.AST, line: int, a: int, b: int, new: str, what: str) -> Mutant:
        lines, top = context[id(node)]
        return Mutant(rel, line, a, b, new.encode(), what, lines, top)

    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            left: ast.expr = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                a = end(left)
                old = COMPARE_TEXT[type(op)].encode()
                i = _find(source[a : begin(right)], old)
                if i >= 0:
                    new = COMPARE_SWAP[type(op)]
                    yield made(node, node.lineno, a + i, a + i + len(old), new,
                               f"{old.decode()} -> {new}")  # fmt: skip
                left = right
        elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in BINOP_SWAP:
            lhs, rhs = (node.left, node.right) if isinstance(node, ast.BinOp) else (
                node.target, node.value)  # fmt: skip
            if _is_text(lhs) or _is_text(rhs):
                continue  # string concatenation and path joins: a TypeError, not a mutant
            old_s, new_s = BINOP_SWAP[type(node.op)]
            if isinstance(node, ast.AugAssign):
                old_s, new_s = old_s + "=", new_s + "="
            a = end(lhs)
            i = _find(source[a : begin(rhs)], old_s.encode())
            if i >= 0:
                yield made(node, lhs.end_lineno or node.lineno, a + i, a + i + len(old_s),
                           new_s, f"{old_s} -> {new_s}")  # fmt: skip
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            a, b = begin(node), end(node)
            v = _number_variant(node.value)
            yield made(node, node.lineno, a, b, repr(v), f"{source[a:b].decode()} -> {v!r}")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield made(node, node.lineno, begin(node), begin(node.operand), "", "not x -> x")
        elif isinstance(node, ast.BoolOp):
            old, new = (b"and", "or") if isinstance(node.op, ast.And) else (b"or", "and")
            for x, y in zip(node.values, node.values[1:], strict=False):
                a = end(x)
                i = _find(source[a : begin(y)], old)
                if i >= 0:
                    yield made(node, x.end_lineno or x.lineno, a + i, a + i + len(old), new,
                               f"{old.decode()} -> {new}")  # fmt: skip


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def _find(gap: bytes, token: bytes) -> int:
    """Where the operator `token` stands in `gap` (the text between two operands), or -1.

    Comments are skipped; a word operator must stand alone, a symbol must not be part of a longer
    one (`*` in `**`, `/` in `//`, `<` in `<=`).
    """
    word = token[:1].isalpha()
    i = 0
    while i <= len(gap) - len(token):
        if gap[i : i + 1] == b"#":
            nl = gap.find(b"\n", i)
            if nl < 0:
                return -1
            i = nl + 1
            continue
        if gap[i : i + len(token)] == token:
            before = gap[i - 1 : i] if i else b" "
            after = gap[i + len(token) : i + len(token) + 1] or b" "
            if word:
                ok = not (before.isalnum() or before == b"_" or after.isalnum() or after == b"_")
            else:
                ok = before not in OPERATOR_CHARS and after not in OPERATOR_CHARS
            if ok:
                return i
        i += 1
    return -1


def named_mutants() -> list[Mutant]:
    """The mutants issue 11 names; each must be killed."""
    out = []
    for rel, old, new, what in NAMED:
        source = (REPO / rel).read_bytes()
        i = source.find(old.encode())
        if i < 0:
            raise SystemExit(f"mutation: {rel} no longer contains {old!r}: update NAMED")
        line = source[:i].count(b"\n") + 1
        top = line in {n.lineno for n in ast.parse(source).body}
        out.append(Mutant(rel, line, i, i + len(old), new.encode(), f"NAMED: {what}",
                          (line, line), top))  # fmt: skip
    return out


def _tree_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    built = [str(p.relative_to(REPO)) for p in (REPO / "scanner").rglob("*.so")]
    return [f for f in listed if (REPO / f).is_file()] + built


def make_copy(dest: Path, files: list[str]) -> None:
    """A copy of the working tree (tracked and new files, and the built extension) at `dest`."""
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target)


def _env(copy: Path, boot: Path) -> dict[str, str]:
    env = dict(os.environ)
    # byte-code caches would hide a same-size edit made within the same second
    env.update(PYTHONPATH=f"{boot}{os.pathsep}{copy}", PYTHONDONTWRITEBYTECODE="1", CI="")
    env.pop("MUTATION_TEST", None)
    return env


# -- the traced run: which test executes which line ------------------------------------------

TRACER = '''
"""Installed for the traced run only: records target lines per test, in every process."""
import atexit, json, os, sys, threading
ROOTS = {roots!r}
OUT = {out!r}
CURRENT = [os.environ.get("MUTATION_TEST", "")]
HITS = {{}}
def _local(frame, event, arg):
    if event == "line":
        HITS.setdefault((CURRENT[0], frame.f_code.co_filename), set()).add(frame.f_lineno)
    return _local
def _global(frame, event, arg):
    return _local if frame.f_code.co_filename.startswith(ROOTS) else None
def _dump():
    sys.settrace(None)
    rows = [[t, f, sorted(v)] for (t, f), v in HITS.items()]
    with open(os.path.join(OUT, f"{{os.getpid()}}.json"), "w") as fh:
        json.dump(rows, fh)
sys.settrace(_global)
threading.settrace(_global)
atexit.register(_dump)
'''

PLUGIN = '''
"""Pytest plugin of the traced run: names the running test for the tracer, times each test."""
import json, os, time
import pytest
import sitecustomize
TIMES = {{}}
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    sitecustomize.CURRENT[0] = os.environ["MUTATION_TEST"] = item.nodeid
    started = time.monotonic()
    yield
    TIMES[item.nodeid] = time.monotonic() - started
    sitecustomize.CURRENT[0] = os.environ["MUTATION_TEST"] = ""
FAILED = set()
def pytest_runtest_logreport(report):
    if report.failed:
        FAILED.add(report.nodeid)
def pytest_sessionfinish(session, exitstatus):
    with open(os.path.join({out!r}, "times.json"), "w") as fh:
        json.dump({{"times": TIMES, "failed": sorted(FAILED), "status": int(exitstatus)}}, fh)
'''


@dataclass(slots=True)
class Coverage:
    """Which tests execute each line of the targets, and how long each test took."""

    lines: dict[tuple[str, int], set[str]]
    files: dict[str, set[str]]
    imported: set[tuple[str, int]]
    times: dict[str, float]

    def tests_for(self, m: Mutant, budget: float) -> list[str]:
        """The tests that execute `m`'s statement, fastest first, as many as fit in `budget`
        seconds of their unmutated time (at least one; empty: unreached)."""
        chosen: set[str] = set()
        hit = False
        for line in range(m.lines[0], m.lines[1] + 1):
            chosen |= self.lines.get((m.path, line), set())
            hit = hit or (m.path, line) in self.imported
        if m.top or (hit and not chosen):
            chosen = set(self.files.get(m.path, set()))
        out, spent = [], 0.0
        for test in sorted(chosen, key=lambda t: (self.times.get(t, 0.0), t)):
            spent += self.times.get(test, 0.0)
            if out and spent > budget:
                break
            out.append(test)
        return out


def trace(copy: Path, boot: Path, tests: list[str]) -> Coverage:
    """Run the pool once under the tracer in `copy`."""
    out = copy.parent / "traced"
    out.mkdir()
    roots = tuple(str(copy / t) + "/" for t in TARGETS)
    (boot / "sitecustomize.py").write_text(TRACER.format(roots=roots, out=str(out)))
    (boot / "_mutation_plugin.py").write_text(PLUGIN.format(out=str(out)))
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "_mutation_plugin", *tests]  # fmt: skip
    proc = subprocess.run(argv, cwd=copy, env=_env(copy, boot), capture_output=True, text=True)
    (boot / "sitecustomize.py").unlink()
    (boot / "_mutation_plugin.py").unlink()
    if proc.returncode not in (0, 1) or not (out / "times.json").is_file():
        raise SystemExit(f"mutation: the unmutated pool does not run:\n{proc.stdout[-3000:]}")
    traced = json.loads((out / "times.json").read_text())
    failed = set(traced["failed"])
    for test in sorted(failed):  # under the tracer's slowness (timing checks): left out
        print(f"mutation: left out of the pool, fails unmutated under the tracer: {test}")
    times = {t: s for t, s in traced["times"].items() if t not in failed}
    cov = Coverage({}, {}, set(), times)
    for dump in out.glob("[0-9]*.json"):
        for test, name, lines in json.loads(dump.read_text()):
            if test in failed:
                continue
            rel = str(Path(name).relative_to(copy))
            for line in lines:
                if test:
                    cov.lines.setdefault((rel, line), set()).add(test)
                else:
                    cov.imported.add((rel, line))
            if test:
                cov.files.setdefault(rel, set()).add(test)
    shutil.rmtree(out)
    return cov


# -- the workers: one per copy, forking a pytest per mutant ----------------------------------


def serve() -> None:
    """Worker loop (cwd: a copy): per job line, mutate, fork a pytest, restore, answer."""
    import hypothesis  # noqa: F401  (loaded once here rather than in every fork)
    import pytest

    for raw in sys.stdin:
        job = json.loads(raw)
        path = Path(job["path"])
        original = path.read_bytes()
        path.write_bytes(bytes.fromhex(job["source"]))
        started = time.monotonic()
        try:
            status = _forked_pytest(pytest, job["files"], job["tests"], job["timeout"])
        finally:
            path.write_bytes(original)
        print(json.dumps({"status": status, "seconds": time.monotonic() - started}), flush=True)


class _Select:
    """Pytest plugin: keep only the chosen tests, in the chosen order."""

    def __init__(self, tests: list[str]) -> None:
        self.order = {t: i for i, t in enumerate(tests)}

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        keep = sorted((i for i in items if i.nodeid in self.order),
                      key=lambda i: self.order[i.nodeid])  # fmt: skip
        dropped = [i for i in items if i.nodeid not in self.order]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _forked_pytest(pytest: Any, files: list[str], tests: list[str], timeout: float) -> str:
    pid = os.fork()
    if pid == 0:  # the child: its own process group, so a timeout kills what it started
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            argv = ["-x", "-q", "-p", "no:cacheprovider", *files]
            code = int(pytest.main(argv, plugins=[_Select(tests)]))
        except BaseException:
            code = 3
        os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.02)
    code = os.waitstatus_to_exitcode(status)
    # 1 failed, 2 collection error (the mutant does not import), 3 internal error;
    # 4 and 5 (usage, nothing collected) are the pass's own fault
    return {0: "survived", 1: "killed", 2: "killed", 3: "killed"}.get(code, f"error {code}")


class Worker:
    """A `serve()` process in one copy of the tree."""

    def __init__(self, copy: Path, boot: Path) -> None:
        self.copy = copy
        argv = [sys.executable, str(Path(__file__).resolve()), "--serve"]
        self.proc = subprocess.Popen(argv, cwd=copy, env=_env(copy, boot), text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip

    def run(self, m: Mutant, tests: list[str], timeout: float) -> tuple[str, float]:
        """Judge `m` on `tests`."""
        source = m.apply((self.copy / m.path).read_bytes())
        try:
            compile(source, m.path, "exec")
        except SyntaxError:
            return "invalid", 0.0
        files = sorted({t.split("::", 1)[0] for t in tests})
        job = {"path": m.path, "source": source.hex(), "files": files, "tests": tests,
               "timeout": timeout}  # fmt: skip
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        return str(answer["status"]), float(answer["seconds"])

    def close(self) -> None:
        """End the worker."""
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


@dataclass(slots=True)
class Outcome:
    mutant: Mutant
    status: str  # one of STATUSES ("error N": the pass could not judge it)
    seconds: float
    tests: int


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", nargs="*", help="files to mutate (default: every target file)")
    ap.add_argument("--tests", nargs="*", default=list(POOL), help="the test pool")
    ap.add_argument("--budget", type=float, default=5.0,
                    help="seconds of (traced, unmutated) test time per mutant")  # fmt: skip
    ap.add_argument("--named-only", action="store_true", help="run only the named mutants")
    ap.add_argument(
        "--sample",
        type=int,
        default=1,
        help="judge every Nth generic mutant only (in file and source order)",
    )
    ap.add_argument("--recheck", type=Path,
                    help="a previous --json: keep its killed mutants, judge only the rest again "
                         "(the sources must be unchanged since)")  # fmt: skip
    ap.add_argument("--json", type=Path, help="write every outcome here")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve()
        return 0

    files = args.only or sorted(
        str(p.relative_to(REPO)) for t in TARGETS for p in (REPO / t).glob("*.py")
    )
    mutants = named_mutants()
    if not args.named_only:
        generic = [m for f in files for m in mutants_of(f)]
        mutants += generic[:: args.sample]
    carried: list[Outcome] = []
    if args.recheck:
        mutants, carried = _recheck(mutants, json.loads(args.recheck.read_text()))
    work = Path(tempfile.mkdtemp(prefix="camscan-mutation-"))
    shared = REPO.parent / "shared"
    if shared.is_dir():  # the tests find the third-party captures at ../shared
        (work / "shared").symlink_to(shared)
    try:
        return _run(args, files, mutants, work, carried)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _key(
    path: str, line: int, what: str, seen: dict[tuple[str, int, str], int]
) -> tuple[object, ...]:
    """A mutant's identity across runs: file, line, edit, and which one of equal edits it is."""
    n = seen[(path, line, what)] = seen.get((path, line, what), -1) + 1
    return (path, line, what, n)


def _recheck(
    mutants: list[Mutant], before: list[dict[str, Any]]
) -> tuple[list[Mutant], list[Outcome]]:
    """The mutants to judge again, and the previous run's killed ones carried over."""
    seen: dict[tuple[str, int, str], int] = {}
    status = {_key(o["path"], o["line"], o["what"], seen): o["status"] for o in before}
    if len(status) != len(before):
        raise SystemExit("mutation: --recheck file has repeated mutants")
    seen = {}
    todo, carried = [], []
    for m in sorted(mutants, key=lambda m: (m.path, m.start)):
        was = status.get(_key(m.path, m.line, m.what, seen))
        if was in ("killed", "timeout") and not m.what.startswith("NAMED"):
            carried.append(Outcome(m, was, 0.0, 0))
        else:
            todo.append(m)
    return todo, carried


def _run(
    args: argparse.Namespace,
    files: list[str],
    mutants: list[Mutant],
    work: Path,
    carried: list[Outcome],
) -> int:
    tree = _tree_files()
    boot = work / "boot"
    boot.mkdir()
    copies = [work / f"w{i}" for i in range(args.jobs)]
    for c in copies:
        make_copy(c, tree)
    started = time.monotonic()
    cov = trace(copies[0], boot, args.tests)
    again = f" (and {len(carried)} killed before, carried over)" if carried else ""
    print(f"mutation: {len(mutants)} mutants{again} in {len(files)} files; pool "
          f"{' '.join(args.tests)} "
          f"({len(cov.times)} tests, traced in {time.monotonic() - started:.0f} s); "
          f"per mutant the fastest covering tests within {args.budget:g} s",
          flush=True)  # fmt: skip
    outcomes: list[Outcome] = list(carried)
    todo: list[tuple[Mutant, list[str]]] = []
    for m in mutants:
        chosen = cov.tests_for(m, args.budget)
        if chosen:
            todo.append((m, chosen))
        else:
            outcomes.append(Outcome(m, "unreached", 0.0, 0))
    workers = [Worker(c, boot) for c in copies]
    free = list(workers)
    lock = threading.Lock()

    def job(item: tuple[Mutant, list[str]]) -> Outcome:
        m, chosen = item
        with lock:
            w = free.pop()
        try:
            timeout = 30.0 + 4 * sum(cov.times.get(t, 0.0) for t in chosen)
            status, seconds = w.run(m, chosen, timeout)
            return Outcome(m, status, seconds, len(chosen))
        finally:
            with lock:
                free.append(w)

    started = time.monotonic()
    try:
        with ThreadPoolExecutor(args.jobs) as pool:
            for n, out in enumerate(pool.map(job, todo), 1):
                outcomes.append(out)
                m = out.mutant
                print(f"  [{n}/{len(todo)} {time.monotonic() - started:.0f} s] {out.status}: "
                      f"{m.path}:{m.line} {m.what}", flush=True)  # fmt: skip
    finally:
        for w in workers:
            w.close()
    return report(outcomes, args.json)


def report(outcomes: list[Outcome], dump: Path | None) -> int:
    """Print the totals per file and overall; non-zero when a named mutant was not killed."""
    by_file: dict[str, dict[str, int]] = {}
    for o in outcomes:
        if o.mutant.what.startswith("NAMED"):
            continue  # named mutants are reported on their own, not counted twice
        counts = by_file.setdefault(o.mutant.path, {})
        key = "error" if o.status.startswith("error") else o.status
        counts[key] = counts.get(key, 0) + 1
    print(f"{'file':<32}" + "".join(f"{s:>10}" for s in STATUSES))
    for path, counts in sorted(by_file.items()):
        print(f"{path:<32}" + "".join(f"{counts.get(s, 0):>10}" for s in STATUSES))
    total = {s: sum(c.get(s, 0) for c in by_file.values()) for s in STATUSES}
    print(f"{'total':<32}" + "".join(f"{total[s]:>10}" for s in STATUSES))
    judged = sum(total.values()) - total["invalid"] - total["error"]
    alive = total["survived"] + total["unreached"]
    print(f"mutation: {alive} of {judged} mutants survive ({total['survived']} run, "
          f"{total['unreached']} on statements the pool never executes); "
          f"{total['killed'] + total['timeout']} killed")  # fmt: skip
    named = [o for o in outcomes if o.mutant.what.startswith("NAMED")]
    for o in named:
        print(f"  named: {o.mutant.what[7:]}: {o.status}")
    if dump:
        dump.write_text(json.dumps([
            {"path": o.mutant.path, "line": o.mutant.line, "what": o.mutant.what,
             "status": o.status, "seconds": round(o.seconds, 2), "tests": o.tests}
            for o in sorted(outcomes, key=lambda o: (o.mutant.path, o.mutant.start))
        ], indent=1))  # fmt: skip
    return 1 if any(o.status not in ("killed", "timeout") for o in named) else 0


if __name__ == "__main__":
    sys.exit(main())
