//! The errors this crate returns.

/// An error from parsing a Kubernetes quantity.
///
/// The calculator turns these into notes, because the API server rejects such objects
/// before they reach Kueue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The string is not in Kubernetes quantity syntax.
    #[error("invalid quantity `{input}`: expected a Kubernetes quantity such as `500m` or `2Gi`")]
    QuantitySyntax {
        /// The string as given.
        input: String,
    },

    /// The quantity ends in a suffix Kubernetes does not define.
    #[error(
        "invalid quantity `{input}`: unknown suffix `{suffix}`, expected one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as `e3`"
    )]
    QuantitySuffix {
        /// The string as given.
        input: String,
        /// The suffix that was not recognised.
        suffix: String,
    },

    /// The number part has no digits, such as `.e-20`.
    #[error(
        "invalid quantity `{input}`: the number has no digits, expected a Kubernetes quantity such as `500m` or `2Gi`"
    )]
    QuantityNumber {
        /// The string as given.
        input: String,
    },

    /// The quantity's decimal exponent is beyond the limit this crate computes with.
    #[error(
        "quantity `{input}` is out of range: its decimal exponent exceeds {limit}, the largest this tool computes with exactly"
    )]
    QuantityOutOfRange {
        /// The string as given.
        input: String,
        /// The largest decimal exponent accepted, in either direction.
        limit: i64,
    },
}
