#!/usr/bin/env python3
"""Every link of the rendered docs and of the README resolves.

Run after `cargo doc --no-deps --all-features`, from the repository root:

- in target/doc/stamina/, every relative href names an existing file and anchor, and no href
  is a bare Rust path (what rustdoc writes for an intra-doc link it could not place, without a
  warning when the item belongs to a dependency whose docs were not built);
- in README.md, each docs.rs link to this crate names a page (and anchor) that the local docs
  have, and each relative link names a file of the repository.

The "Blanket Implementations" part of each page is skipped: it renders dependencies' own
docs (tracing's `Instrument` links to paths of its crate), which are not ours to fix.
"""
import html
import os
import re
import sys

DOC = "target/doc"
CRATE_DOCS = os.path.join(DOC, "stamina")
DOCS_RS = "https://docs.rs/stamina/latest/stamina/"
problems = []


def own_part(page):
    cut = page.find('id="blanket-implementations"')
    return page if cut < 0 else page[:cut]


def has_anchor(path, anchor):
    # Source pages number their lines in script, so `#12-20` has no `id` to find.
    if not anchor or re.fullmatch(r"\d+(-\d+)?", anchor):
        return True
    with open(path, encoding="utf-8") as f:
        return f'id="{anchor}"' in f.read()


for folder, _, files in os.walk(CRATE_DOCS):
    for name in files:
        if not name.endswith(".html"):
            continue
        page_path = os.path.join(folder, name)
        with open(page_path, encoding="utf-8") as f:
            page = own_part(f.read())
        for href in map(html.unescape, re.findall(r'href="([^"]*)"', page)):
            if href.startswith(("http://", "https://", "mailto:")) or "${" in href:
                continue
            where = os.path.relpath(page_path, DOC)
            if "::" in href:
                problems.append(f"{where}: unresolved link to `{href}`")
                continue
            target, _, anchor = href.partition("#")
            target = os.path.normpath(os.path.join(folder, target)) if target else page_path
            if not os.path.exists(target):
                problems.append(f"{where}: link to missing {href}")
            elif target.endswith(".html") and not has_anchor(target, anchor):
                problems.append(f"{where}: link to missing anchor {href}")

with open("README.md", encoding="utf-8") as f:
    readme = f.read()
# Inline links `](dest)` and reference definitions `[label]: dest`; code spans are not links.
readme_links = re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(
    r"^\[[^\]]+\]:\s*(\S+)", readme, re.M
)
for link in readme_links:
    if link.startswith(DOCS_RS):
        page, _, anchor = link[len(DOCS_RS):].partition("#")
        local = os.path.join(CRATE_DOCS, page)
        if not os.path.exists(local) or not has_anchor(local, anchor):
            problems.append(f"README.md: {link} has no page in the local docs")
    elif not link.startswith(("http://", "https://", "mailto:", "#")):
        if not os.path.exists(link.partition("#")[0]):
            problems.append(f"README.md: link to missing file {link}")

for problem in problems:
    print(problem, file=sys.stderr)
if problems:
    sys.exit(1)
print("every link resolves")
