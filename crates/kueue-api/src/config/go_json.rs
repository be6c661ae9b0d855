//! Decoding helpers that accept what Go's `encoding/json` accepts.

use serde::{Deserialize, Deserializer};

/// Reads `null` as the default value, as Go does for slices, maps, structs and scalars.
///
/// A YAML key with no value, such as `transformations:`, is `null`. Kueue reads it as an
/// empty list, so the configuration types do the same.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}
