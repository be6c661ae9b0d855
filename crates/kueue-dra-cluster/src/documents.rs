//! Reads files and directories and splits them into YAML or JSON documents.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::LoadError;

/// The file extensions read from a directory; a file named explicitly is read whatever its name.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// The maximum size of one file or of standard input, in bytes (1 GiB). Larger input is
/// rejected before it is read. A JSON export of 100,000 Workloads takes about 240 MB, and the
/// loader keeps about twice the size of a JSON file in memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The maximum size of a YAML file, in bytes (64 MiB). YAML is parsed into a tree of the whole
/// file, which takes many times its size in memory, so a large export must be JSON.
pub const MAX_YAML_BYTES: u64 = 64 * 1024 * 1024;

/// The most YAML documents one file may contain.
const MAX_YAML_DOCUMENTS: usize = 1_000_000;

/// The most YAML nodes (mappings, sequences and scalars) one file may contain: about 500 per
/// Workload, so a file of 100,000 Workloads fits.
const MAX_YAML_NODES: usize = 100_000_000;

/// The maximum number of alias references (`*name`) in one YAML file.
pub(crate) const MAX_YAML_ALIASES: usize = 50_000;

/// The maximum number of parser events that aliases may replay in one YAML file, in total. Every
/// expansion of an alias replays the events of its anchored node again, so this bounds what
/// nested aliases (a "billion laughs" file) can build in memory.
pub(crate) const MAX_YAML_ALIAS_EVENTS: usize = 1_000_000;

/// The maximum number of parser events the reader may record for anchored nodes so that
/// aliases can replay them.
const MAX_YAML_ANCHOR_EVENTS: usize = 1_000_000;

/// The maximum nesting depth of YAML sequences and mappings. Kubernetes objects nest about 15
/// levels deep.
pub(crate) const MAX_YAML_DEPTH: usize = 64;

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
            // Symbolic links to directories are not followed, so a link loop cannot make the
            // walk endless; links to files are read like files.
            let file_type = entry.file_type().map_err(|source| LoadError::Read {
                path: entry_path.display().to_string(),
                source,
            })?;
            if file_type.is_dir() {
                pending.push(entry_path);
            } else if entry_path.is_file() && has_manifest_extension(&entry_path) {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads a whole file, rejecting one larger than [`MAX_FILE_BYTES`] without reading it.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, LoadError> {
    let name = path.display().to_string();
    let read_error = |source| LoadError::Read {
        path: name.clone(),
        source,
    };
    let file = fs::File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: name,
            limit: MAX_FILE_BYTES,
        });
    }
    // A file that grows while it is read, or a device, is still stopped at the limit. The
    // buffer starts at the file's size, so a large file is not copied as the buffer grows.
    let capacity = usize::try_from(size).unwrap_or(0).saturating_add(1);
    read_limited_into(&name, file, MAX_FILE_BYTES, Vec::with_capacity(capacity))
}

/// Reads `reader` to its end, or fails once it has given more than `limit` bytes, so an
/// endless or huge stream stops at `limit + 1` bytes in memory.
pub(crate) fn read_limited(
    name: &str,
    reader: impl Read,
    limit: u64,
) -> Result<Vec<u8>, LoadError> {
    read_limited_into(name, reader, limit, Vec::new())
}

/// Reads as [`read_limited`] does, appending to `bytes`.
fn read_limited_into(
    name: &str,
    reader: impl Read,
    limit: u64,
    mut bytes: Vec<u8>,
) -> Result<Vec<u8>, LoadError> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| LoadError::Read {
            path: name.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: name.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

fn has_manifest_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| EXTENSIONS.contains(&extension))
}

/// One document of a file.
#[derive(Debug)]
pub(crate) enum Document<'a> {
    /// A parsed tree: a YAML document, or an object given as a value.
    Tree(Value),
    /// The text of one JSON value, decoded once its type is known.
    Json(&'a str),
}

impl Document<'_> {
    /// Returns the document as a tree, parsing the text of a JSON document.
    pub(crate) fn into_tree(self) -> Result<Value, serde_json::Error> {
        match self {
            Document::Tree(value) => Ok(value),
            Document::Json(text) => serde_json::from_str(text),
        }
    }
}

/// Returns the text of one file: its bytes without a UTF-8 byte order mark.
pub(crate) fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    let bytes = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| not_text_error(file, &error))
}

/// Returns the text of one file, taking ownership of its bytes so that no copy is made. A
/// byte order mark is kept, and [`text_start`] returns where the text after it begins.
pub(crate) fn into_text(file: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|error| match text(file, error.as_bytes()) {
        Err(not_text) => not_text,
        Ok(_) => not_text_error(file, &error.utf8_error()),
    })
}

/// Returns the offset where the text of a file begins, after a byte order mark.
pub(crate) fn text_start(text: &str) -> usize {
    if text.as_bytes().starts_with(BYTE_ORDER_MARK) {
        BYTE_ORDER_MARK.len()
    } else {
        0
    }
}

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

fn not_text_error(file: &str, error: &std::str::Utf8Error) -> LoadError {
    LoadError::NotText {
        path: file.to_owned(),
        detail: format!("invalid byte at offset {}", error.valid_up_to()),
    }
}

/// Splits the text of one file into its documents.
///
/// A file whose first non-blank character is `{` or `[` is read as one or more JSON values,
/// as `kubectl get -o json` writes them. Each value is only checked here and kept as text.
/// Anything else is read as YAML, where `---` separates documents. Empty YAML documents are
/// dropped. More than [`MAX_FILE_BYTES`] bytes are rejected, and YAML of more than
/// [`MAX_YAML_BYTES`].
pub(crate) fn split<'a>(file: &str, text: &'a str) -> Result<Vec<Document<'a>>, LoadError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: file.to_owned(),
            limit: MAX_FILE_BYTES,
        });
    }
    let within_yaml_limit = text.len() as u64 <= MAX_YAML_BYTES;
    let looks_like_json = text.trim_start().starts_with(['{', '[']);
    if looks_like_json {
        // Flow-style YAML such as `{kind: Pod}` also starts with a brace, and YAML reads
        // JSON too: the YAML reader gets a second chance before the JSON error is reported.
        return split_json(file, text).or_else(|json_error| {
            if !within_yaml_limit {
                return Err(json_error);
            }
            split_yaml(file, text)
                .map(|documents| documents.into_iter().map(Document::Tree).collect())
                .map_err(|_| json_error)
        });
    }

    if !within_yaml_limit {
        return Err(LoadError::YamlTooLarge {
            path: file.to_owned(),
            limit: MAX_YAML_BYTES,
        });
    }
    let documents = split_yaml(file, text)?;
    Ok(documents.into_iter().map(Document::Tree).collect())
}

// NOTE: YAML numbers pass through `serde_json::Value`, so an unquoted number beyond the
// precision of an f64 (such as `1180591620717411303424`) loses digits, and one beyond its range
// (such as `1e400`) is rejected. Kubernetes reads both exactly as quantities; quoted, they are
// read exactly here too.
fn split_yaml(file: &str, text: &str) -> Result<Vec<Value>, LoadError> {
    let documents: Vec<Value> = serde_saphyr::from_str_multiple_with_options(text, yaml_options())
        .map_err(|error| LoadError::Syntax {
            path: file.to_owned(),
            format: "YAML",
            detail: yaml_error_detail(&error),
        })?;
    Ok(documents
        .into_iter()
        .filter(|document| !document.is_null())
        .collect())
}

/// Returns the YAML reader's options. Its default limits guard against hostile input but
/// stop at 1,024 documents and 250,000 nodes, which a cluster export passes easily, so those
/// are raised. The limits on aliases and depth are set here too, so docs/limits.md states
/// numbers this crate sets rather than defaults of the reader that a new version may change.
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = MAX_YAML_DOCUMENTS;
    budget.max_nodes = MAX_YAML_NODES;
    budget.max_events = 2 * MAX_YAML_NODES;
    budget.max_aliases = MAX_YAML_ALIASES;
    budget.max_recorded_anchor_events = MAX_YAML_ANCHOR_EVENTS;
    budget.max_depth = MAX_YAML_DEPTH;
    // A file with more than 10 aliases per anchor, once it has 100 aliases, is rejected as an
    // attack.
    budget.enforce_alias_anchor_ratio = true;
    budget.alias_anchor_min_aliases = 100;
    budget.alias_anchor_ratio_multiplier = 10;

    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_YAML_ALIAS_EVENTS;
    options
}

/// Returns the reader's message on one line, without its source snippet or its advice about
/// its own options.
pub(crate) fn yaml_error_detail(error: &serde_saphyr::Error) -> String {
    let message = error.without_snippet().to_string();
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let message = message.lines().next().unwrap_or_default();
    let message = message
        .split_once(", set DuplicateKeyPolicy")
        .map_or(message, |(before, _)| before);
    match error.location() {
        Some(location) => format!(
            "line {} column {}: {message}",
            location.line(),
            location.column()
        ),
        None => message.to_owned(),
    }
}

fn split_json<'a>(file: &str, text: &'a str) -> Result<Vec<Document<'a>>, LoadError> {
    let mut documents = Vec::new();
    let values = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    for document in values {
        let document = document.map_err(|error| LoadError::Syntax {
            path: file.to_owned(),
            format: "JSON",
            detail: error.to_string(),
        })?;
        documents.push(Document::Json(document.get()));
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn split_trees(file: &str, bytes: &[u8]) -> Result<Vec<Value>, LoadError> {
        let documents = split(file, text(file, bytes)?)?;
        Ok(documents
            .into_iter()
            .map(|document| document.into_tree().expect("checked JSON"))
            .collect())
    }

    #[test]
    fn yaml_documents_split_on_separators() {
        let documents = split_trees("a.yaml", b"a: 1\n---\nb: 2\n---\n").expect("valid YAML");
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[1]["b"], 2);
    }

    #[test]
    fn concatenated_json_values_are_separate_documents() {
        let documents = split_trees("a.json", b"{\"a\": 1}\n{\"b\": 2}").expect("valid JSON");
        assert_eq!(documents.len(), 2);
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let documents = split_trees("a.yaml", b"\xEF\xBB\xBFkind: Pod\n").expect("valid YAML");
        assert_eq!(documents[0]["kind"], "Pod");
    }

    #[test]
    fn invalid_utf8_names_the_file() {
        let error = split_trees("bad.yaml", b"kind: \xFF\n").expect_err("not UTF-8");
        assert_eq!(
            error.to_string(),
            "`bad.yaml` is not UTF-8 text: invalid byte at offset 6"
        );
    }

    #[cfg(unix)]
    #[test]
    fn directory_link_loop_is_not_followed() {
        let directory = tempfile::tempdir().expect("a temporary directory");
        fs::write(directory.path().join("a.yaml"), "kind: Pod\n").expect("file written");
        std::os::unix::fs::symlink(directory.path(), directory.path().join("loop"))
            .expect("link created");

        let files = expand(directory.path()).expect("the directory is readable");
        assert_eq!(files, [directory.path().join("a.yaml")]);
    }

    #[test]
    fn flow_style_yaml_is_not_json() {
        let documents = split_trees("a.yaml", b"{kind: Pod, apiVersion: v1}").expect("valid YAML");
        assert_eq!(documents[0]["kind"], "Pod");
    }

    #[test]
    fn duplicate_key_message_is_one_line() {
        let error =
            split_trees("dup.yaml", b"metadata:\n  name: a\n  name: b\n").expect_err("duplicate");
        assert_eq!(
            error.to_string(),
            "`dup.yaml` is not valid YAML: line 3 column 3: duplicate mapping key: name"
        );
    }

    #[test]
    fn many_documents_are_read() {
        let text = "kind: Pod\n---\n".repeat(2_000);
        let documents = split_trees("many.yaml", text.as_bytes()).expect("within the limits");
        assert_eq!(documents.len(), 2_000);
    }

    #[test]
    fn stream_over_limit_is_too_large() {
        let error = read_limited("<stdin>", &b"kind: Pod\n"[..], 9).expect_err("10 bytes");
        assert_eq!(
            error.to_string(),
            "`<stdin>` is larger than the maximum of 9 bytes: split it into smaller files"
        );
    }

    #[test]
    fn json_over_yaml_limit_is_read() {
        let padding = "x".repeat(usize::try_from(MAX_YAML_BYTES).expect("64 MiB fits"));
        let json =
            format!(r#"{{"apiVersion":"v1","kind":"List","items":[],"padding":"{padding}"}}"#);
        let documents = split("big.json", &json).expect("JSON has no 64 MiB limit");
        assert_eq!(documents.len(), 1);
    }

    #[test]
    fn stream_at_limit_is_read() {
        let bytes = read_limited("<stdin>", &b"kind: Pod\n"[..], 10).expect("10 bytes");
        assert_eq!(bytes, b"kind: Pod\n");
    }

    /// Returns a YAML file with `anchors` anchored sequences of 998 scalars, 1,000 parser
    /// events each with the sequence's start and end, and 10 aliases to each.
    fn aliased_sequences(anchors: usize) -> String {
        let items = vec!["x"; 998].join(",");
        let mut yaml = String::new();
        for index in 0..anchors {
            writeln!(yaml, "a{index}: &a{index} [{items}]").expect("a String accepts writes");
        }
        for index in 0..anchors {
            for copy in 0..10 {
                writeln!(yaml, "b{index}-{copy}: *a{index}").expect("a String accepts writes");
            }
        }
        yaml
    }

    #[test]
    fn alias_events_over_limit_are_rejected() {
        // 101 anchors × 10 aliases × 1,000 events = 1,010,000 replayed events.
        const { assert!(101 * 10 * 1_000 > MAX_YAML_ALIAS_EVENTS) };
        let error =
            split_trees("a.yaml", aliased_sequences(101).as_bytes()).expect_err("over limit");
        assert!(
            error.to_string().contains("alias replay limit exceeded"),
            "{error}"
        );
    }

    #[test]
    fn aliases_over_limit_are_rejected() {
        let mut yaml = String::new();
        let anchors = MAX_YAML_ALIASES / 10 + 1;
        for index in 0..anchors {
            writeln!(yaml, "a{index}: &a{index} x").expect("a String accepts writes");
            for copy in 0..10 {
                writeln!(yaml, "b{index}-{copy}: *a{index}").expect("a String accepts writes");
            }
        }
        let error = split_trees("a.yaml", yaml.as_bytes()).expect_err("over limit");
        assert!(error.to_string().contains("budget breached"), "{error}");
        assert!(error.to_string().contains("Aliases"), "{error}");
    }

    /// Returns a YAML mapping whose value nests `depth - 1` flow sequences, `depth` levels in
    /// all. The mapping keeps the reader from taking the text for JSON.
    fn nested_yaml(depth: usize) -> String {
        format!("a: {}{}\n", "[".repeat(depth - 1), "]".repeat(depth - 1))
    }

    #[test]
    fn nesting_at_limit_is_read() {
        split_trees("deep.yaml", nested_yaml(MAX_YAML_DEPTH).as_bytes())
            .expect("at the depth limit");
    }

    #[test]
    fn nesting_over_limit_is_rejected() {
        let error = split_trees("deep.yaml", nested_yaml(MAX_YAML_DEPTH + 1).as_bytes())
            .expect_err("over the depth limit");
        assert!(error.to_string().contains("budget breached"), "{error}");
    }

    #[test]
    fn broken_json_names_the_file() {
        let error = split_trees("bad.json", b"{\"kind\": ").expect_err("truncated JSON");
        assert!(
            error
                .to_string()
                .starts_with("`bad.json` is not valid JSON: "),
            "{error}"
        );
    }
}
