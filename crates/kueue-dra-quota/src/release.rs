//! The Kueue releases whose DRA accounting this crate reproduces, and how they are written.

use std::fmt;

/// The newest patch of each supported minor release, oldest first. Kueue v0.14.0 is the
/// first release with DRA support.
const NEWEST_PATCHES: [(u32, u32); 6] = [(14, 8), (15, 8), (16, 9), (17, 8), (18, 6), (19, 2)];

/// The commit of Kueue's main branch that [`Release::Main`] reproduces.
pub const MAIN_COMMIT: &str = "ff69552";

/// A Kueue release: a tagged `v0.<minor>.<patch>` or the development branch `main`.
///
/// Every tag from v0.14.0 to v0.19.2 is supported, and each behaves as Kueue's code at that
/// tag: where a behaviour changed in a patch release, the release before it keeps the old
/// behaviour. `main` is Kueue's main branch at commit [`MAIN_COMMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Release {
    /// A tagged release.
    Tagged {
        /// The minor version, such as 19 in `v0.19.2`.
        minor: u32,
        /// The patch version, such as 2 in `v0.19.2`.
        patch: u32,
    },
    /// Kueue's main branch at commit [`MAIN_COMMIT`].
    Main,
}

impl Default for Release {
    /// Kueue v0.19.2, the newest release.
    fn default() -> Self {
        Self::Tagged {
            minor: 19,
            patch: 2,
        }
    }
}

impl Release {
    /// Parses `v0.19.2`, `0.19.2`, `v0.19` (the newest patch of v0.19) or `main`.
    pub fn parse(text: &str) -> Result<Self, UnknownRelease> {
        let unknown = || UnknownRelease {
            input: text.to_owned(),
        };
        if text == "main" {
            return Ok(Self::Main);
        }

        let version = text.strip_prefix('v').unwrap_or(text);
        let mut parts = version.split('.');
        let (Some("0"), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(unknown());
        };
        let minor: u32 = minor.parse().map_err(|_| unknown())?;
        let newest_patch = newest_patch(minor).ok_or_else(unknown)?;
        let patch = match parts.next() {
            None => newest_patch,
            Some(patch) => patch.parse().map_err(|_| unknown())?,
        };
        if patch > newest_patch || parts.next().is_some() {
            return Err(unknown());
        }
        Ok(Self::Tagged { minor, patch })
    }

    /// Returns every supported release, oldest first, with `main` last.
    #[must_use]
    pub fn all() -> Vec<Self> {
        let mut releases: Vec<Self> = NEWEST_PATCHES
            .iter()
            .flat_map(|&(minor, newest)| {
                (0..=newest).map(move |patch| Self::Tagged { minor, patch })
            })
            .collect();
        releases.push(Self::Main);
        releases
    }

    /// Returns the release as Kueue writes it: `v0.19.2`, or `main`.
    #[must_use]
    pub fn version(self) -> String {
        self.to_string()
    }

    /// Returns whether the release contains a change first released in the given patches,
    /// one per minor line that received it, such as `&[(18, 5), (19, 1)]`.
    ///
    /// A minor line newer than every listed one contains the change, and one older than
    /// every listed one does not. `main` contains every change.
    pub(crate) fn since(self, first: &[(u32, u32)]) -> bool {
        let Self::Tagged { minor, patch } = self else {
            return true;
        };
        if let Some(&(_, first_patch)) = first.iter().find(|(line, _)| *line == minor) {
            return patch >= first_patch;
        }
        first.iter().all(|&(line, _)| minor > line)
    }

    /// Returns the minor version, or `None` for `main`.
    pub(crate) fn minor(self) -> Option<u32> {
        match self {
            Self::Tagged { minor, .. } => Some(minor),
            Self::Main => None,
        }
    }
}

impl fmt::Display for Release {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tagged { minor, patch } => write!(formatter, "v0.{minor}.{patch}"),
            Self::Main => formatter.write_str("main"),
        }
    }
}

impl std::str::FromStr for Release {
    type Err = UnknownRelease;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// A release name that names no supported Kueue release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRelease {
    /// The text as given.
    pub input: String,
}

impl fmt::Display for UnknownRelease {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let supported: Vec<String> = NEWEST_PATCHES
            .iter()
            .map(|(minor, patch)| format!("v0.{minor}.0 to v0.{minor}.{patch}"))
            .collect();
        write!(
            formatter,
            "unknown Kueue release `{}`: expected one of {}, or `main`",
            self.input,
            supported.join(", ")
        )
    }
}

impl std::error::Error for UnknownRelease {}

fn newest_patch(minor: u32) -> Option<u32> {
    NEWEST_PATCHES
        .iter()
        .find(|(known, _)| *known == minor)
        .map(|(_, patch)| *patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(minor: u32, patch: u32) -> Release {
        Release::Tagged { minor, patch }
    }

    #[test]
    fn since_follows_each_minor_line() {
        let first = [(18, 5), (19, 1)];

        assert!(!tagged(17, 8).since(&first));
        assert!(!tagged(18, 4).since(&first));
        assert!(tagged(18, 5).since(&first));
        assert!(!tagged(19, 0).since(&first));
        assert!(tagged(19, 1).since(&first));
        assert!(Release::Main.since(&first));
    }

    #[test]
    fn all_lists_every_tag() {
        let all = Release::all();

        assert_eq!(all.len(), 9 + 9 + 10 + 9 + 7 + 3 + 1);
        assert_eq!(all[0], tagged(14, 0));
        assert_eq!(all[all.len() - 2], tagged(19, 2));
        assert_eq!(all[all.len() - 1], Release::Main);
    }
}
