#!/usr/bin/env python3
"""Fails if the crate's top-level modules import each other in a cycle.

Each file under src/ belongs to a top-level module (src/clock/std.rs to `clock`). A module
depends on another when its code names `crate::other::...`, or names an item that src/lib.rs
re-exports from `other` (`crate::Backoff` is `backoff`'s). `lib.rs` itself, whose job is to
re-export, and `__private`, the facade of re-exports for the macros, are left out. Paths inside
`macro_rules!` bodies (`$crate::...`) are expansions at the user's call site, not imports.

Usage: python3 .ci/import-cycles.py     (from the repository root; prints the graph)
"""
import pathlib
import re
import sys

SRC = pathlib.Path("src").resolve()
SKIP = {"lib", "__private"}


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".rs")


def root_reexports() -> dict:
    """Item name -> the top-level module that defines it, from lib.rs's `pub use`."""
    lib = (SRC / "lib.rs").read_text()
    names = {}
    for m in re.finditer(r"pub use (\w+)::(\{[^}]*\}|[\w:]+);", lib):
        module, items = m.group(1), m.group(2)
        for item in re.findall(r"\w+", items.strip("{}")):
            if item not in ("self",):
                names[item] = module
    return names


def code_without_comments(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def main() -> int:
    reexports = root_reexports()
    modules = {module_of(p) for p in SRC.rglob("*.rs")} - SKIP
    edges = {m: set() for m in modules}
    for path in SRC.rglob("*.rs"):
        here = module_of(path)
        if here in SKIP:
            continue
        code = code_without_comments(path.read_text())
        # `crate::a::b`, `crate::{a::b, C}` and `crate::C`: every segment right after `crate`.
        for m in re.finditer(r"(?<![$\w])crate::(\{[^;]*?\}|\w+)", code):
            group = m.group(1)
            heads = re.findall(r"(?:^|[{,\s])(\w+)", group.strip("{}")) if group.startswith("{") else [group]
            for head in heads:
                target = head if head in modules else reexports.get(head)
                if target and target != here and target not in SKIP:
                    edges[here].add(target)
    for m in sorted(edges):
        print(f"{m:16} -> {', '.join(sorted(edges[m])) or '-'}")

    # Depth-first search for a back edge.
    state, stack = {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in sorted(edges[m]):
            if state.get(n) == "open":
                return stack[stack.index(n):] + [n]
            if n not in state:
                cycle = visit(n)
                if cycle:
                    return cycle
        state[m] = "done"
        stack.pop()
        return None

    for m in sorted(edges):
        if m not in state:
            cycle = visit(m)
            if cycle:
                print("error: import cycle: " + " -> ".join(cycle), file=sys.stderr)
                return 1
    print(f"no import cycle among {len(edges)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
