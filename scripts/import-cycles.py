#!/usr/bin/env python3
"""Finds import circles between the modules of a Rust crate: `python3 scripts/import-cycles.py src-tauri/server/src`.

A module is a file (`lib.rs` is `crate`, `a/mod.rs` and `a.rs` are `crate::a`, `a/b.rs` is
`crate::a::b`). Module A depends on module B when A's code names a path into B: `use
crate::…`, `use super::…`, `use self::…`, a child module's name (`use disk::DiskFile`,
`cinemas::routes()`), or the same paths written inline (`crate::extract::parse_json(…)`). A path
resolves to the deepest module it walks through, so `crate::routes::uploads::base_url` is an edge
to `crate::routes::uploads`. `mod x;` itself is no edge (a parent holds its children; what
matters is who reads whom), and test code (`#[cfg(test)]` to the end of the file) is left out.
Exits 1 and prints each circle (a strongly connected component of more than one module) when
there is one; with `-v` it prints every edge too.
"""

import os
import re
import sys


def module_of(root, path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] == "mod" or (len(rel) == 1 and rel[0] in ("lib", "main")):
        rel = rel[:-1]
    return tuple(["crate"] + rel)


def strip(text):
    """The code without comments, string and char literals, and test code."""
    cut = text.find("#[cfg(test)]")
    if cut >= 0:
        text = text[:cut]
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\])'", "' '", text)
    text = re.sub(r"/\*(?:.|\n)*?\*/", "", text)
    return re.sub(r"//[^\n]*", "", text)


def use_paths(tree):
    """The paths of a use tree: `a::{b, c::{d, e}}` → a::b, a::c::d, a::c::e."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, s):
        depth, start, parts = 0, 0, []
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:i])
                start = i + 1
        parts.append(s[start:])
        for p in filter(None, parts):
            m = re.match(r"^(.*?)::\{(.*)\}$", p)
            if m:
                walk(prefix + m.group(1).split("::"), m.group(2))
            elif p.startswith("{") and p.endswith("}"):
                walk(prefix, p[1:-1])
            else:
                out.append(prefix + re.sub(r"\bas\b.*$", "", p).split("::"))

    walk([], tree)
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    root = args[0] if args else "src"
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(d, n)
                files[module_of(root, p)] = p
    modules = set(files)
    children = {m: {c[-1] for c in modules if len(c) == len(m) + 1 and c[: len(m)] == m} for m in modules}

    def resolve(here, segs):
        if not segs:
            return None
        head, rest = segs[0], segs[1:]
        if head == "crate":
            at = ("crate",)
        elif head == "self":
            at = here
        elif head == "super":
            at = here[:-1]
            while rest and rest[0] == "super":
                at, rest = at[:-1], rest[1:]
        elif head in children[here]:
            at = here + (head,)
        else:
            return None
        for s in rest:
            if at + (s,) in modules:
                at = at + (s,)
            else:
                break
        return at

    edges = {m: set() for m in modules}
    for m, path in files.items():
        code = strip(open(path, encoding="utf-8").read())
        paths = []
        for u in re.finditer(r"\buse\s+([^;]+);", code):
            paths += use_paths(u.group(1))
        code_without_uses = re.sub(r"\buse\s+[^;]+;", "", code)
        for p in re.finditer(r"\b(?:crate|super|self|[a-z_][a-z0-9_]*)(?:::[A-Za-z_][A-Za-z0-9_]*)+", code_without_uses):
            paths.append(p.group(0).split("::"))
        for segs in paths:
            target = resolve(m, [s for s in segs if s])
            if target and target != m:
                edges[m].add(target)

    name = lambda m: "::".join(m)
    if verbose:
        for m in sorted(edges):
            for t in sorted(edges[m]):
                print(f"{name(m)} -> {name(t)}")

    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(modules):
        if v not in index:
            strong(v)
    circles = [sorted(c) for c in sccs if len(c) > 1]
    for c in circles:
        inner = [f"{name(a)} -> {name(b)}" for a in c for b in sorted(edges[a]) if b in c]
        print(f"circle of {len(c)} modules: " + ", ".join(name(x) for x in c))
        for e in inner:
            print(f"  {e}")
    print(f"{len(modules)} modules, {sum(len(e) for e in edges.values())} edges, {len(circles)} circles")
    sys.exit(1 if circles else 0)


if __name__ == "__main__":
    main()
