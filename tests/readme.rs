//! The README and the docs under `docs/` read right outside rustdoc (on GitHub, crates.io or in
//! an editor), and their code is code that runs.
//!
//! The README is also the crate's rustdoc page, where its ```` ```rust ```` blocks run as
//! doctests. It may not hide lines from the reader (rustdoc's `# ` lines show on GitHub and
//! break a copied snippet). A block that cannot be a doctest (it needs a feature, a runtime or
//! a server) is fenced ```` ```rust,ignore ```` and starts with a comment naming the file it
//! comes from, `// examples/tokio_fetch.rs`: its other lines must be in that file, as they are,
//! and that file is built and run by `cargo test` or CI.

// Text checks only: nothing for Miri to find, and its isolation forbids reading files.
#![cfg(not(miri))]

use std::fs;
use std::path::Path;

/// A fenced code block: its info string, its lines, and the line of the document it starts on.
struct Block {
    info: String,
    lines: Vec<String>,
    line: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_owned(),
                    lines: Vec::new(),
                    line: n + 1,
                })
            }
            (Some(_), Some(_)) => found.extend(open.take()),
            (Some(block), None) => block.lines.push(line.to_owned()),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is never closed");
    found
}

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The markdown documents a reader meets: the README and everything under `docs/`.
fn documents() -> Vec<String> {
    let mut paths = vec!["README.md".to_owned()];
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    if let Ok(entries) = fs::read_dir(docs) {
        for entry in entries {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".md") {
                paths.push(format!("docs/{name}"));
            }
        }
    }
    paths.sort();
    paths
}

#[test]
fn no_rust_block_hides_lines_from_the_reader() {
    for doc in documents() {
        for block in blocks(&read(&doc))
            .iter()
            .filter(|b| b.info.starts_with("rust"))
        {
            for (i, line) in block.lines.iter().enumerate() {
                let hidden = line.trim_start() == "#" || line.trim_start().starts_with("# ");
                assert!(
                    !hidden,
                    "{doc}:{}: rustdoc's hidden line `{line}` shows outside rustdoc; make the example complete as shown",
                    block.line + 1 + i
                );
            }
        }
    }
}

#[test]
fn every_untested_block_is_an_excerpt_of_a_named_file() {
    let mut checked = 0;
    for doc in documents() {
        for block in blocks(&read(&doc))
            .iter()
            .filter(|b| b.info.starts_with("rust,ignore"))
        {
            let header = block.lines.first().map(String::as_str).unwrap_or_default();
            let source = header
                .strip_prefix("// ")
                .and_then(|rest| rest.split_whitespace().next())
                .filter(|path| path.ends_with(".rs"))
                .unwrap_or_else(|| {
                    panic!(
                        "{doc}:{}: a `rust,ignore` block must start with `// <file>.rs`, the file it comes from",
                        block.line
                    )
                });
            let file: Vec<String> = read(source).lines().map(str::to_owned).collect();
            let excerpt = &block.lines[1..];
            assert!(
                !excerpt.is_empty(),
                "{doc}:{}: empty excerpt of {source}",
                block.line
            );
            assert!(
                file.windows(excerpt.len()).any(|w| w == excerpt),
                "{doc}:{}: the block is not in {source} as written (the file changed, or the block did)",
                block.line
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "no excerpt found: the test looks in the wrong place"
    );
}

/// `[`Label`]: https://docs.rs/...` lines of the README.
fn readme_docs_rs_labels() -> Vec<String> {
    read("README.md")
        .lines()
        .filter(|l| l.contains("]: https://docs.rs/stamina/"))
        .filter_map(|l| {
            l.strip_prefix('[')
                .and_then(|l| l.split_once(']'))
                .map(|(label, _)| label.to_owned())
        })
        .collect()
}

#[test]
fn every_reference_link_of_the_readme_is_defined() {
    let readme = read("README.md");
    let mut prose = String::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    // `[`Item`]` not followed by `(` or `:` is a reference link: without a definition, GitHub and
    // crates.io print its brackets.
    let mut rest = prose.as_str();
    while let Some(start) = rest.find("[`") {
        let after = &rest[start + 1..];
        let Some(end) = after.find("`]") else { break };
        let label = &after[..end + 1];
        let next = after[end + 2..].chars().next();
        if !matches!(next, Some('(') | Some(':') | Some('[')) {
            assert!(
                readme.contains(&format!("\n[{label}]: ")),
                "README.md uses [{label}] but defines no link for it"
            );
        }
        rest = &after[end + 2..];
    }
}

#[test]
fn rustdoc_links_the_readme_labels_to_the_crate_s_own_pages() {
    let lib = read("src/lib.rs");
    let readme_labels = readme_docs_rs_labels();
    assert!(!readme_labels.is_empty());
    for label in &readme_labels {
        assert!(
            lib.contains(&format!("doc = \"[{label}]: crate::")),
            "src/lib.rs defines no intra-doc link for the README's {label}"
        );
    }
    for line in lib
        .lines()
        .filter(|l| l.contains("doc = \"[`") && l.contains("]: crate::"))
    {
        let label = &line[line.find("[`").unwrap() + 1..=line.find("`]").unwrap()];
        assert!(
            readme_labels.iter().any(|l| l == label),
            "src/lib.rs links [{label}], which the README does not define for GitHub"
        );
    }
}

/// The README's "How it is built" names every top-level module of `src/` (a file or a folder)
/// and only paths that exist, so that it keeps matching the folders.
#[test]
fn the_architecture_section_matches_the_folders() {
    let readme = read("README.md");
    let start = readme
        .find("## How it is built")
        .expect("README.md has a \"How it is built\" section");
    let section = &readme[start..];
    let section = &section[..section[2..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 2)];
    let named: Vec<&str> = section
        .split('`')
        .filter(|word| word.starts_with("src/"))
        .collect();
    for path in &named {
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(path).exists(),
            "README.md's architecture names {path}, which does not exist"
        );
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in fs::read_dir(src).expect("src/ is readable") {
        let name = entry.expect("an entry of src/").file_name();
        let name = name.to_string_lossy();
        if name == "lib.rs" {
            continue; // the list of modules itself
        }
        let path = if name.ends_with(".rs") {
            format!("src/{name}")
        } else {
            format!("src/{name}/")
        };
        assert!(
            named.contains(&path.as_str()),
            "README.md's architecture does not name {path}"
        );
    }
}
