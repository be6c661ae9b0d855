//! Messages for the user on standard error: warnings, notices and the final error.
//!
//! `error:` and `warning:` are coloured when standard error is a terminal that supports it,
//! unless `NO_COLOR` is set or `--color never` is given. The same choice applies to the table
//! rows that `output::style_rows` colours on standard output.

use std::fmt::Display;

use anstyle::{AnsiColor, Style};
use kubectl_kueue_dra::cli::ColorWhen;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();

/// Applies the `--color` choice to every later diagnostic.
pub(crate) fn set_color(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Prints `warning: <message>`.
pub(crate) fn warning(message: impl Display) {
    anstream::eprintln!("{WARNING}warning:{WARNING:#} {message}");
}

/// Prints `error: <message>`.
pub(crate) fn error(message: impl Display) {
    anstream::eprintln!("{ERROR}error:{ERROR:#} {message}");
}

/// Prints a plain line, such as the notice that nothing was found.
pub(crate) fn notice(message: impl Display) {
    anstream::eprintln!("{message}");
}
