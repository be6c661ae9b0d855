//! Renderers shared by the commands: kubectl-style tables and the JSON and YAML documents.

use std::io::{self, Write as _};

use anyhow::Context as _;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

/// Renders rows as kubectl renders `get`: no borders, UPPERCASE headers, three spaces between
/// columns, no wrapping and no trailing spaces. `headers` is `None` for `--no-headers`.
pub(crate) fn kubectl_table(headers: Option<&[&str]>, rows: Vec<Vec<String>>) -> String {
    let mut table = Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if let Some(headers) = headers {
        table.set_header(headers);
    }
    for row in rows {
        table.add_row(row);
    }

    let last = table.column_count().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if index == last { 0 } else { 3 }));
    }
    let mut rendered = table
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    rendered.push('\n');
    rendered
}

/// Renders `document` as indented JSON with a final newline.
pub(crate) fn json(document: &impl Serialize) -> anyhow::Result<String> {
    let mut json = serde_json::to_string_pretty(document).context("cannot render JSON")?;
    json.push('\n');
    Ok(json)
}

/// Writes `document` to standard output as indented JSON with a final newline, without
/// building the whole text in memory.
pub(crate) fn write_json(document: &impl Serialize) -> anyhow::Result<()> {
    let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    serde_json::to_writer_pretty(&mut stdout, document)
        .map_err(io::Error::from)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}

/// Renders `document` as YAML.
pub(crate) fn yaml(document: &impl Serialize) -> anyhow::Result<String> {
    serde_saphyr::to_string(document).context("cannot render YAML")
}
