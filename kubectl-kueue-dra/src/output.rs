//! Renderers shared by the commands: kubectl-style tables and the JSON and YAML documents.

use anstyle::Style;
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
        table.add_row(row.iter().map(|cell| escape_controls(cell)));
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

/// Writes the control characters of `cell` as Rust escapes (`\n`, `\u{1b}`), so that text
/// from a manifest can neither break a row nor send escape sequences to the terminal.
fn escape_controls(cell: &str) -> std::borrow::Cow<'_, str> {
    if !cell.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(cell);
    }
    let mut escaped = String::with_capacity(cell.len() + 8);
    for character in cell.chars() {
        if character.is_control() {
            escaped.extend(character.escape_default());
        } else {
            escaped.push(character);
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// Wraps each row of a table from [`kubectl_table`] in the ANSI codes of its style, with one
/// style per row in row order. The header line stays plain. Styling after the layout keeps
/// the codes out of the column widths, and [`crate::write_stdout`] removes them where colour
/// is off.
pub(crate) fn style_rows(table: &str, has_header: bool, styles: &[Style]) -> String {
    let mut output = String::with_capacity(table.len());
    for (index, line) in table.lines().enumerate() {
        let row_style = index
            .checked_sub(usize::from(has_header))
            .and_then(|row| styles.get(row))
            .copied()
            .unwrap_or_default();
        if row_style == Style::new() {
            output.push_str(line);
        } else {
            output.push_str(&row_style.render().to_string());
            output.push_str(line);
            output.push_str(&row_style.render_reset().to_string());
        }
        output.push('\n');
    }
    output
}

/// Renders `document` as indented JSON with a final newline.
pub(crate) fn json(document: &impl Serialize) -> anyhow::Result<String> {
    let mut json = serde_json::to_string_pretty(document).context("cannot render JSON")?;
    json.push('\n');
    Ok(json)
}

/// Renders `document` as YAML.
pub(crate) fn yaml(document: &impl Serialize) -> anyhow::Result<String> {
    serde_saphyr::to_string(document).context("cannot render YAML")
}

#[cfg(test)]
mod tests {
    use anstyle::AnsiColor;

    use super::*;

    #[test]
    fn styled_row_is_wrapped_in_codes() {
        let table = kubectl_table(
            Some(&["NAME", "STATUS"]),
            vec![
                vec!["a".to_owned(), "Charged".to_owned()],
                vec!["b".to_owned(), "Inadmissible".to_owned()],
            ],
        );
        let red = AnsiColor::Red.on_default();
        let styled = style_rows(&table, true, &[Style::new(), red]);
        assert_eq!(
            styled,
            "NAME   STATUS\na      Charged\n\u{1b}[31mb      Inadmissible\u{1b}[0m\n"
        );
    }

    #[test]
    fn table_without_header_styles_first_line() {
        let table = kubectl_table(None, vec![vec!["a".to_owned()]]);
        let red = AnsiColor::Red.on_default();
        assert_eq!(style_rows(&table, false, &[red]), "\u{1b}[31ma\u{1b}[0m\n");
    }

    #[test]
    fn control_characters_in_cells_are_escaped() {
        let table = kubectl_table(
            Some(&["NAME", "MESSAGE"]),
            vec![vec!["a".to_owned(), "two\nlines \u{1b}[2J".to_owned()]],
        );
        assert_eq!(table, "NAME   MESSAGE\na      two\\nlines \\u{1b}[2J\n");
    }
}
