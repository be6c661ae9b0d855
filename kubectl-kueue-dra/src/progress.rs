//! Feedback while a live cluster is read: a spinner on standard error after the
//! first second, and a prompt stop on Ctrl-C.

use std::fmt;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long reading may take before the spinner appears.
const SPINNER_DELAY: Duration = Duration::from_secs(1);

/// The error of a read stopped by Ctrl-C; `main` exits with [`Interrupted::EXIT_CODE`] and
/// prints nothing more.
#[derive(Debug)]
pub(crate) struct Interrupted;

impl Interrupted {
    /// 128 plus SIGINT's number, the status shells report for a command stopped by Ctrl-C.
    pub(crate) const EXIT_CODE: u8 = 130;
}

impl fmt::Display for Interrupted {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Runs `read`, showing a spinner on standard error once it has taken a second, and stops it
/// with [`Interrupted`] when SIGINT arrives.
///
/// The spinner is drawn only when standard error is a terminal, so nothing is written into a
/// pipe or a file. It is cleared before the result is returned.
pub(crate) async fn interruptible<T>(
    read: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let spinner = ProgressBar::hidden();
    let show_spinner = async {
        tokio::time::sleep(SPINNER_DELAY).await;
        spinner.set_style(ProgressStyle::default_spinner());
        spinner.set_message("reading the cluster");
        spinner.set_draw_target(ProgressDrawTarget::stderr());
        spinner.enable_steady_tick(Duration::from_millis(100));
        std::future::pending::<()>().await;
    };

    let result = tokio::select! {
        result = read => result,
        () = show_spinner => unreachable!("the spinner future never completes"),
        signal = tokio::signal::ctrl_c() => match signal {
            Ok(()) => Err(Interrupted.into()),
            Err(error) => Err(anyhow::Error::new(error).context("cannot listen for Ctrl-C")),
        },
    };
    spinner.finish_and_clear();
    result
}
