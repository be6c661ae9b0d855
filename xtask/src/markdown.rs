//! A Markdown renderer for clap commands: one page per command with its usage, every option
//! with its help text, default and possible values, and the examples from `after_help`.
//!
//! NOTE: it renders the clap features that `kubectl-kueue-dra/src/cli.rs` uses. Environment
//! variables, aliases and nested subcommands are not rendered.

use std::fmt::Write as _;

use clap::{Arg, ArgAction, Command};

use crate::docs::{ROOT_PAGE, documented_subcommands};

/// Renders the page of the top-level command, with a table that links the subcommand pages.
pub(crate) fn root_page(root: &mut Command) -> String {
    let mut page = String::new();
    write_title_and_usage(&mut page, root);

    page.push_str("## Commands\n\n| Command | Description |\n| --- | --- |\n");
    for subcommand in root
        .get_subcommands()
        .filter(|command| !command.is_hide_set())
    {
        let name = subcommand.get_name();
        let is_documented = documented_subcommands(root).any(|command| command.get_name() == name);
        let link = if is_documented {
            format!("[`{name}`]({name}.md)")
        } else {
            format!("`{name}`")
        };
        let about = subcommand
            .get_about()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(page, "| {link} | {} |", table_cell(&about));
    }
    page.push('\n');

    write_arguments(&mut page, root);
    write_options(&mut page, "Options", root, |_| true);
    write_after_help(&mut page, root);
    page
}

/// Renders the page of a subcommand of the built top-level command.
pub(crate) fn subcommand_page(command: &mut Command) -> String {
    let mut page = String::new();
    write_title_and_usage(&mut page, command);
    write_arguments(&mut page, command);
    write_options(&mut page, "Options", command, |arg| !arg.is_global_set());
    write_options(&mut page, "Global options", command, Arg::is_global_set);
    write_after_help(&mut page, command);

    let _ = writeln!(
        page,
        "## See also\n\n[`kubectl kueue-dra`]({ROOT_PAGE}) lists every command.\n"
    );
    page.truncate(page.trim_end().len());
    page.push('\n');
    page
}

/// Returns how an argument is written on the command line, as clap's help shows it:
/// `-f, --filename <PATH>`, `--no-headers`, or `<SHELL>` for a positional argument.
pub(crate) fn arg_synopsis(arg: &Arg) -> String {
    let value = value_placeholder(arg);
    if arg.is_positional() {
        return value;
    }

    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    let names = names.join(", ");
    if value.is_empty() {
        names
    } else {
        format!("{names} {value}")
    }
}

/// Returns the name an argument is referred to by in prose: `--namespace`, `-n` for an
/// option with only a short name, or `<SHELL>` for a positional argument.
fn arg_name(arg: &Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) => format!("--{long}"),
        (None, Some(short)) => format!("-{short}"),
        (None, None) => value_placeholder(arg),
    }
}

/// Writes the `# kubectl kueue-dra …` title, the description and the usage line.
fn write_title_and_usage(page: &mut String, command: &mut Command) {
    let title = command
        .get_bin_name()
        .unwrap_or_else(|| command.get_name())
        .to_owned();
    let _ = writeln!(page, "# {title}\n");

    let about = command.get_long_about().or_else(|| command.get_about());
    if let Some(about) = about {
        let _ = writeln!(page, "{}\n", sentence(&about.to_string()));
    }

    let usage = command.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let _ = writeln!(page, "## Usage\n\n```text\n{usage}\n```\n");
}

/// Writes the positional arguments, if any.
fn write_arguments(page: &mut String, command: &Command) {
    let positionals: Vec<&Arg> = command
        .get_positionals()
        .filter(|arg| !arg.is_hide_set())
        .collect();
    if positionals.is_empty() {
        return;
    }

    page.push_str("## Arguments\n\n");
    for arg in positionals {
        write_arg(page, command, arg);
    }
}

/// Writes a section of the options that `include` selects, if any.
fn write_options(page: &mut String, heading: &str, command: &Command, include: fn(&Arg) -> bool) {
    let options: Vec<&Arg> = command
        .get_arguments()
        .filter(|arg| !arg.is_positional() && !arg.is_hide_set() && include(arg))
        .collect();
    if options.is_empty() {
        return;
    }

    let _ = writeln!(page, "## {heading}\n");
    for arg in options {
        write_arg(page, command, arg);
    }
}

/// Writes one argument: a heading with its synopsis, its help text, then what constrains it
/// (required, repeatable, conflicts), its default and its possible values.
fn write_arg(page: &mut String, command: &Command, arg: &Arg) {
    let _ = writeln!(page, "### `{}`\n", arg_synopsis(arg));

    let help = arg.get_long_help().or_else(|| arg.get_help());
    if let Some(help) = help {
        let _ = writeln!(page, "{}\n", sentence(&help.to_string()));
    }

    let mut facts = Vec::new();
    if arg.is_required_set() {
        facts.push("Required.".to_owned());
    }
    if matches!(arg.get_action(), ArgAction::Append) {
        facts.push("Can be given more than once.".to_owned());
    }
    let conflicts: Vec<String> = command
        .get_arg_conflicts_with(arg)
        .into_iter()
        .map(|other| format!("`{}`", arg_name(other)))
        .collect();
    if !conflicts.is_empty() {
        facts.push(format!("Conflicts with {}.", conflicts.join(", ")));
    }
    let takes_values = arg.get_action().takes_values();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| format!("`{}`", value.to_string_lossy()))
        .collect();
    if takes_values && !defaults.is_empty() {
        facts.push(format!("Default: {}.", defaults.join(", ")));
    }
    if !facts.is_empty() {
        let _ = writeln!(page, "{}\n", facts.join(" "));
    }

    if takes_values {
        write_possible_values(page, arg);
    }
}

/// Writes the possible values: a list with their help texts, or one line when no value has
/// a help text.
fn write_possible_values(page: &mut String, arg: &Arg) {
    let values: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|value| !value.is_hide_set())
        .collect();
    if values.is_empty() {
        return;
    }

    if values.iter().all(|value| value.get_help().is_none()) {
        let names: Vec<String> = values
            .iter()
            .map(|value| format!("`{}`", value.get_name()))
            .collect();
        let _ = writeln!(page, "Possible values: {}.\n", names.join(", "));
        return;
    }

    page.push_str("Possible values:\n\n");
    for value in &values {
        match value.get_help() {
            Some(help) => {
                let _ = writeln!(page, "- `{}`: {help}", value.get_name());
            }
            None => {
                let _ = writeln!(page, "- `{}`", value.get_name());
            }
        }
    }
    page.push('\n');
}

/// Writes `after_help`. Text that opens with a line such as `Examples:` becomes a section of
/// that name holding the rest as a shell code block, because the examples in `cli.rs` are
/// commands with `#` comments. Any other text is written as a paragraph.
fn write_after_help(page: &mut String, command: &Command) {
    let after_help = command
        .get_after_long_help()
        .or_else(|| command.get_after_help())
        .map(ToString::to_string);
    let Some(after_help) = after_help else {
        return;
    };

    let mut lines = after_help.lines();
    let first = lines.next().unwrap_or_default().trim();
    let Some(heading) = first.strip_suffix(':') else {
        let _ = writeln!(page, "{}\n", after_help.trim_end());
        return;
    };

    let body: Vec<&str> = lines.collect();
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let _ = writeln!(page, "## {heading}\n\n```sh");
    for line in body {
        let _ = writeln!(
            page,
            "{}",
            line.get(indent..).unwrap_or_default().trim_end()
        );
    }
    page.push_str("```\n\n");
}

/// Returns the value placeholder clap shows after an option (`<PATH>`), or an empty string
/// for a flag that takes no value.
fn value_placeholder(arg: &Arg) -> String {
    if !arg.get_action().takes_values() {
        return String::new();
    }
    match arg.get_value_names() {
        Some(names) if !names.is_empty() => names
            .iter()
            .map(|name| format!("<{name}>"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => format!("<{}>", arg.get_id().as_str().to_uppercase()),
    }
}

/// Returns `text` as a sentence that ends with a full stop. clap drops the full stop of a
/// one-paragraph doc comment, as its help output does, but prose pages need it back.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    let ends_a_sentence = text.ends_with(['.', '!', '?', ':']);
    if text.is_empty() || ends_a_sentence {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// Escapes the characters that would end a Markdown table cell or break its row.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use clap::builder::PossibleValue;

    use super::*;

    fn rendered_after_help(after_help: &'static str) -> String {
        let command = Command::new("demo").after_help(after_help);
        let mut page = String::new();
        write_after_help(&mut page, &command);
        page
    }

    #[test]
    fn examples_become_a_shell_block() {
        let page = rendered_after_help("Examples:\n  # Say hello\n  demo hello\n\n  demo bye");

        assert_eq!(
            page,
            "## Examples\n\n```sh\n# Say hello\ndemo hello\n\ndemo bye\n```\n\n"
        );
    }

    #[test]
    fn other_after_help_is_a_paragraph() {
        let page = rendered_after_help("Exit codes are listed in CONTRACT.md.");

        assert_eq!(page, "Exit codes are listed in CONTRACT.md.\n\n");
    }

    #[test]
    fn synopsis_matches_clap_help() {
        let mut command = Command::new("demo")
            .arg(
                Arg::new("file")
                    .short('f')
                    .long("filename")
                    .value_name("PATH"),
            )
            .arg(Arg::new("quiet").long("quiet").action(ArgAction::SetTrue))
            .arg(Arg::new("shell").required(true));
        command.build();
        let synopsis = |id: &str| {
            let arg = command.get_arguments().find(|arg| arg.get_id() == id);
            arg_synopsis(arg.expect("the argument exists"))
        };

        assert_eq!(synopsis("file"), "-f, --filename <PATH>");
        assert_eq!(synopsis("quiet"), "--quiet");
        assert_eq!(synopsis("shell"), "<SHELL>");
    }

    #[test]
    fn option_lists_default_and_values() {
        let command = Command::new("demo").arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .help("Output format.")
                .default_value("table")
                .value_parser([
                    PossibleValue::new("table").help("One row per item."),
                    PossibleValue::new("json"),
                ]),
        );
        let arg = command.get_arguments().next().expect("the argument exists");
        let mut page = String::new();
        write_arg(&mut page, &command, arg);

        assert_eq!(
            page,
            "### `-o, --output <OUTPUT>`\n\nOutput format.\n\nDefault: `table`.\n\n\
             Possible values:\n\n- `table`: One row per item.\n- `json`\n\n"
        );
    }

    #[test]
    fn sentence_restores_full_stop() {
        assert_eq!(sentence("Output format"), "Output format.");
        assert_eq!(sentence("Ends here."), "Ends here.");
        assert_eq!(
            sentence("Print help (see a summary with '-h')"),
            "Print help (see a summary with '-h')."
        );
    }

    #[test]
    fn table_cell_escapes_pipes() {
        assert_eq!(table_cell("a | b\nc"), "a \\| b c");
    }
}
