//! Go `metav1.Duration` values, kept as the text written in the configuration.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A duration written as Go's `time.ParseDuration` accepts it, such as `"5m"` or `"1h30m"`.
///
/// The text is kept as written, without parsing or normalizing. Kueue writes durations it
/// fills in itself in Go's canonical form, such as `"5m0s"`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(transparent)]
pub struct Duration(pub String);

impl Default for Duration {
    /// Returns `"0s"`, the text Go writes for the zero duration.
    fn default() -> Self {
        Self("0s".to_owned())
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl From<&str> for Duration {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}
