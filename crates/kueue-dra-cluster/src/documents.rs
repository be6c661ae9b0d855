//! Reads files and directories and splits them into YAML or JSON documents.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::LoadError;

/// The file extensions read from a directory; a file named explicitly is read whatever its name.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Lists the files to read for `path`: the path itself, or for a directory every file with a
/// YAML or JSON extension below it, in path order so that output does not depend on the
/// file system.
pub(crate) fn expand(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let read_error = |source| LoadError::Read {
        path: path.display().to_string(),
        source,
    };
    let metadata = fs::metadata(path).map_err(read_error)?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }

    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).map_err(|source| LoadError::Read {
            path: dir.display().to_string(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| LoadError::Read {
                path: dir.display().to_string(),
                source,
            })?;
            let entry_path = entry.path();
            if entry_path.is_dir() {
                pending.push(entry_path);
            } else if has_manifest_extension(&entry_path) {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| EXTENSIONS.contains(&extension))
}

/// Splits the bytes of one file into its documents.
///
/// A file whose first non-blank character is `{` or `[` is read as one or more JSON values,
/// as `kubectl get -o json` writes them. Anything else is read as YAML, where `---` separates
/// documents. Empty YAML documents are dropped.
pub(crate) fn split(file: &str, bytes: &[u8]) -> Result<Vec<Value>, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| LoadError::NotText {
        path: file.to_owned(),
        detail: format!("invalid byte at offset {}", error.valid_up_to()),
    })?;

    let looks_like_json = text.trim_start().starts_with(['{', '[']);
    if looks_like_json {
        return split_json(file, text);
    }

    let documents: Vec<Value> =
        serde_saphyr::from_str_multiple(text).map_err(|error| LoadError::Syntax {
            path: file.to_owned(),
            format: "YAML",
            detail: error.to_string(),
        })?;
    Ok(documents
        .into_iter()
        .filter(|document| !document.is_null())
        .collect())
}

fn split_json(file: &str, text: &str) -> Result<Vec<Value>, LoadError> {
    let mut documents = Vec::new();
    for document in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        let document = document.map_err(|error| LoadError::Syntax {
            path: file.to_owned(),
            format: "JSON",
            detail: error.to_string(),
        })?;
        documents.push(document);
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_documents_split_on_separators() {
        let documents = split("a.yaml", b"a: 1\n---\nb: 2\n---\n").expect("valid YAML");
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[1]["b"], 2);
    }

    #[test]
    fn concatenated_json_values_are_separate_documents() {
        let documents = split("a.json", b"{\"a\": 1}\n{\"b\": 2}").expect("valid JSON");
        assert_eq!(documents.len(), 2);
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let documents = split("a.yaml", b"\xEF\xBB\xBFkind: Pod\n").expect("valid YAML");
        assert_eq!(documents[0]["kind"], "Pod");
    }

    #[test]
    fn invalid_utf8_names_the_file() {
        let error = split("bad.yaml", b"kind: \xFF\n").expect_err("not UTF-8");
        assert_eq!(
            error.to_string(),
            "`bad.yaml` is not UTF-8 text: invalid byte at offset 6"
        );
    }

    #[test]
    fn broken_json_names_the_file() {
        let error = split("bad.json", b"{\"kind\": ").expect_err("truncated JSON");
        assert!(
            error
                .to_string()
                .starts_with("`bad.json` is not valid JSON: "),
            "{error}"
        );
    }
}
