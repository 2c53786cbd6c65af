"""Throws from known functions at known call sites; prints each traceback as the OTel
Python SDK records it (traceback.format_exception) with the frames Python itself reports
(traceback.extract_tb) and the expected group. `main.py crash` dies uncaught."""
import json
import sys
import traceback


class NotFoundError(Exception):
    pass


class ConfigError(Exception):
    pass


def lookup_user(user_id):
    raise NotFoundError(f"user {user_id} not found")


def handle_profile(user_id):
    lookup_user(user_id)


def handle_checkout(user_id):
    lookup_user(user_id)


def walk(depth):
    if depth == 0:
        raise RecursionError(f"depth exhausted at {id(walk)}")
    walk(depth - 1)


def parse_payload(text):
    return json.loads(text)


def read_config(text):
    try:
        return parse_payload(text)
    except ValueError as e:
        raise ConfigError(f"bad config {text!r}") from e


def load_config(text):
    try:
        return read_config(text)
    except ConfigError:
        # Raised while handling: Python chains it as __context__.
        raise KeyError("defaults missing")


def apply_all(ids):
    return list(map(lambda i: 1 / 0 if i else None, ids))


CASES = [
    ("profile", lambda: handle_profile("3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c")),
    ("profile", lambda: handle_profile(1234567)),
    ("checkout", lambda: handle_checkout(987)),
    ("checkout", lambda: handle_checkout("alice@example.com")),
    ("walk", lambda: walk(3)),
    ("walk", lambda: walk(7)),
    ("parse", lambda: parse_payload('{"a": nope}')),
    ("parse", lambda: parse_payload("[1, 2,")),
    ("config", lambda: load_config("{oops")),
    ("config", lambda: load_config("[[[")),
    ("closure", lambda: apply_all([1])),
    ("closure", lambda: apply_all([2, 3])),
]


def chain_of(exc):
    """Outermost first, then the cause/context Python prints above it."""
    out = []
    relation = None
    while exc is not None:
        frames = [
            {"function": f.name, "file": f.filename, "line": f.lineno}
            for f in reversed(traceback.extract_tb(exc.__traceback__))
        ]
        link = {"type": type(exc).__name__, "message": str(exc), "frames": frames}
        if relation is not None:
            link["relation"] = relation
        out.append(link)
        if exc.__cause__ is not None:
            exc, relation = exc.__cause__, "cause"
        elif not exc.__suppress_context__:
            exc, relation = exc.__context__, "context"
        else:
            exc = None
    return out


def run_cases():
    cases = []
    for group, run in CASES:
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - every case must be recorded
            cases.append({
                "group": group,
                "type": type(exc).__name__,
                "message": str(exc),
                "chain": chain_of(exc),
                "trace": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            })
    return cases


if __name__ == "__main__":
    if sys.argv[1:] == ["crash"]:
        print(json.dumps({"group": "profile", "type": "NotFoundError", "function": "lookup_user"}))
        sys.stdout.flush()
        handle_profile(42)
    print(json.dumps({"runtime": "python", "version": sys.version, "cases": run_cases()}, indent=1))
