//! The Kueue releases `--kueue-version` accepts, and how they are written.

use std::fmt;

/// The release reproduced when `--kueue-version` is not given: the newest Kueue release.
pub(crate) const DEFAULT_VERSION: &str = "v0.19.2";

/// The newest patch of each supported minor release, oldest first.
const NEWEST_PATCHES: [(u32, u32); 6] = [(14, 8), (15, 8), (16, 9), (17, 8), (18, 6), (19, 2)];

/// A Kueue release: `v0.<minor>.<patch>`, or the development branch `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KueueVersion {
    /// A tagged release.
    Tagged {
        /// The minor version, such as 19 in `v0.19.2`.
        minor: u32,
        /// The patch version, such as 2 in `v0.19.2`.
        patch: u32,
    },
    /// Kueue's main branch.
    Main,
}

impl KueueVersion {
    /// Parses `v0.19.2`, `0.19.2`, `v0.19` (its newest patch) or `main`.
    pub(crate) fn parse(text: &str) -> Result<Self, UnknownVersion> {
        let unknown = || UnknownVersion(text.to_owned());
        if text == "main" {
            return Ok(Self::Main);
        }

        let version = text.strip_prefix('v').unwrap_or(text);
        let mut parts = version.split('.');
        let (Some("0"), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(unknown());
        };
        let minor: u32 = minor.parse().map_err(|_| unknown())?;
        let newest_patch = NEWEST_PATCHES
            .iter()
            .find(|(known_minor, _)| *known_minor == minor)
            .map(|(_, patch)| *patch)
            .ok_or_else(unknown)?;
        let patch = match parts.next() {
            None => newest_patch,
            Some(patch) => patch.parse().map_err(|_| unknown())?,
        };
        if patch > newest_patch || parts.next().is_some() {
            return Err(unknown());
        }
        Ok(Self::Tagged { minor, patch })
    }
}

impl fmt::Display for KueueVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tagged { minor, patch } => write!(f, "v0.{minor}.{patch}"),
            Self::Main => f.write_str("main"),
        }
    }
}

/// A `--kueue-version` that names no supported release.
#[derive(Debug)]
pub(crate) struct UnknownVersion(String);

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let supported: Vec<String> = NEWEST_PATCHES
            .iter()
            .map(|(minor, patch)| format!("v0.{minor}.0 to v0.{minor}.{patch}"))
            .collect();
        write!(
            f,
            "unknown Kueue release `{}`: expected one of {}, or `main`",
            self.0,
            supported.join(", ")
        )
    }
}

impl std::error::Error for UnknownVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_version_parses() {
        assert_eq!(
            KueueVersion::parse("v0.18.3")
                .expect("known release")
                .to_string(),
            "v0.18.3"
        );
    }

    #[test]
    fn version_without_v_parses() {
        assert_eq!(
            KueueVersion::parse("0.18.6")
                .expect("known release")
                .to_string(),
            "v0.18.6"
        );
    }

    #[test]
    fn minor_version_means_newest_patch() {
        assert_eq!(
            KueueVersion::parse("v0.19")
                .expect("known release")
                .to_string(),
            "v0.19.2"
        );
    }

    #[test]
    fn main_parses() {
        assert_eq!(
            KueueVersion::parse("main").expect("known release"),
            KueueVersion::Main
        );
    }

    #[test]
    fn default_release_parses() {
        assert!(KueueVersion::parse(DEFAULT_VERSION).is_ok());
    }

    #[test]
    fn unreleased_patch_is_rejected() {
        assert!(KueueVersion::parse("v0.19.3").is_err());
    }

    #[test]
    fn release_before_dra_is_rejected() {
        let error = KueueVersion::parse("v0.13.0").expect_err("no DRA support before v0.14");
        assert_eq!(
            error.to_string(),
            "unknown Kueue release `v0.13.0`: expected one of v0.14.0 to v0.14.8, \
             v0.15.0 to v0.15.8, v0.16.0 to v0.16.9, v0.17.0 to v0.17.8, v0.18.0 to v0.18.6, \
             v0.19.0 to v0.19.2, or `main`"
        );
    }

    #[test]
    fn malformed_version_is_rejected() {
        assert!(KueueVersion::parse("latest").is_err());
        assert!(KueueVersion::parse("v0.19.2.1").is_err());
    }
}
