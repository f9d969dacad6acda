//! What a data dir holds, for tests that check what a store kept or left behind.

use std::path::{Path, PathBuf};

/// Every file below `dir`, at any depth; none when `dir` does not exist.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out
}
