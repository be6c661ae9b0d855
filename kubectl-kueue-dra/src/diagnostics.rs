//! Messages for the user on standard error: warnings, notices and the final error.
//!
//! `error:` and `warning:` are coloured when standard error is a terminal that supports it,
//! unless `NO_COLOR` is set or `--color never` is given. The same choice applies to the table
//! rows that `output::style_rows` colours on standard output.

use std::fmt::Display;

use anstyle::{AnsiColor, Style};
use kubectl_kueue_dra::cli::ColorWhen;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

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

/// Starts logging to standard error at the `-v` level. Level 0 installs no logger.
pub(crate) fn start_logging(verbosity: u8) {
    let filter = match verbosity {
        0 => return,
        1..=3 => Targets::new().with_target("kueue_dra_cluster", Level::INFO),
        4 | 5 => Targets::new().with_target("kueue_dra_cluster", Level::DEBUG),
        6 | 7 => Targets::new()
            .with_target("kueue_dra_cluster", Level::DEBUG)
            .with_target("kube_client", Level::DEBUG),
        _ => Targets::new().with_default(Level::TRACE),
    };
    let logger = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(true);
    tracing_subscriber::registry()
        .with(logger)
        .with(filter)
        .init();
}
