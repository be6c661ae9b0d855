//! The checks Kueue makes on its Configuration when the manager starts, in Kueue's order:
//! strict decoding, then the feature gates, then the validation of the loaded Configuration.
//! Kueue stops at the first that fails.

use kueue_dra_cluster::LoadedConfiguration;
use kueue_dra_quota::field::aggregate_message;
use kueue_dra_quota::{
    ConfigurationError, FeatureGates, FieldError, Release, UnregisteredVersion, ValidationProfile,
};

/// The first start-up check a Configuration fails, with what Kueue logs for it.
#[derive(Debug)]
pub(crate) enum StartupFailure {
    /// A Configuration `apiVersion` the release's scheme does not register.
    UnregisteredVersion(UnregisteredVersion),
    /// Fields Kueue's strict decoder does not know, as paths.
    Decoding(Vec<String>),
    /// `featureGates` that Kueue refuses.
    FeatureGates(ConfigurationError),
    /// Kueue's own validation errors, in Kueue's order, found after the gates were set.
    Validation(Vec<FieldError>),
    /// Kueue's own validation errors, found while loading (v0.17 and older).
    LoadValidation(Vec<FieldError>),
}

impl StartupFailure {
    /// Returns what Kueue logs before it exits: the log message and the error.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::UnregisteredVersion(error) => {
                format!("Unable to load the configuration: {error}")
            }
            Self::Decoding(fields) => {
                let errors: Vec<String> = fields
                    .iter()
                    .map(|field| format!("unknown field {field:?}"))
                    .collect();
                format!(
                    "Unable to load the configuration: strict decoding error: {}",
                    errors.join(", ")
                )
            }
            Self::FeatureGates(error) => error.to_string(),
            Self::Validation(errors) => format!(
                "Unable to validate the configuration: {}",
                aggregate_message(errors)
            ),
            Self::LoadValidation(errors) => format!(
                "Unable to load the configuration: {}",
                aggregate_message(errors)
            ),
        }
    }
}

impl StartupFailure {
    /// Returns what the user can do about the failure.
    pub(crate) fn fix(&self) -> &'static str {
        match self {
            Self::UnregisteredVersion(_) => {
                "write the Configuration with an apiVersion the release reads, such as \
                 config.kueue.x-k8s.io/v1beta1"
            }
            Self::Decoding(_) => "remove the field or correct its name",
            Self::FeatureGates(_) => "use the gate names and values of the Kueue release you run",
            Self::Validation(_) | Self::LoadValidation(_) => "correct the fields the message names",
        }
    }
}

/// Runs Kueue's start-up checks on `loaded` for `release`.
///
/// Up to v0.17, Kueue validates the Configuration while it loads it, before it sets the
/// feature gates, and logs a failure as `Unable to load the configuration`
/// (`pkg/config/config.go` at v0.17.8). From v0.18.0 validation runs after the gates and has
/// its own log message (`cmd/kueue/main.go` at v0.18.0).
pub(crate) fn check(loaded: &LoadedConfiguration, release: Release) -> Result<(), StartupFailure> {
    let unknown_fields = unknown_fields(loaded, release)?;
    if !unknown_fields.is_empty() {
        return Err(StartupFailure::Decoding(unknown_fields));
    }

    let configuration = &loaded.configuration;
    if validates_while_loading(release) {
        let errors = validate(configuration, release, FeatureGates::defaults(release));
        if !errors.is_empty() {
            return Err(StartupFailure::LoadValidation(errors));
        }
        FeatureGates::resolve(release, &configuration.feature_gates)
            .map_err(StartupFailure::FeatureGates)?;
        return Ok(());
    }

    let gates = FeatureGates::resolve(release, &configuration.feature_gates)
        .map_err(StartupFailure::FeatureGates)?;
    let errors = validate(configuration, release, gates);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StartupFailure::Validation(errors))
    }
}

/// Returns whether `release` validates its Configuration while loading it: v0.17 and older.
pub(crate) fn validates_while_loading(release: Release) -> bool {
    matches!(release, Release::Tagged { minor, .. } if minor < 18)
}

/// Returns the fields of `loaded` that `release`'s strict decoder does not know, judged by
/// the Go types of the Configuration's apiVersion at that release.
///
/// An apiVersion the release does not register is the failure Kueue reports for it.
pub(crate) fn unknown_fields(
    loaded: &LoadedConfiguration,
    release: Release,
) -> Result<Vec<String>, StartupFailure> {
    decode(loaded, release).map_err(StartupFailure::UnregisteredVersion)
}

/// Runs Kueue's strict decoding of `loaded` for `release`: the unknown fields, or the error
/// for an apiVersion the release's scheme does not register.
fn decode(
    loaded: &LoadedConfiguration,
    release: Release,
) -> Result<Vec<String>, UnregisteredVersion> {
    kueue_dra_quota::unknown_configuration_fields(release, &loaded.api_version, &loaded.document)
}

/// Runs Kueue's validation of a loaded Configuration, with the gates it resolved.
pub(crate) fn validate(
    configuration: &kueue_api::config::Configuration,
    release: Release,
    gates: FeatureGates,
) -> Vec<FieldError> {
    kueue_dra_quota::validate_configuration(
        configuration,
        validation_profile(release, gates, configuration),
    )
}

/// The gate that lets `quotaCheckStrategy` be set, which `FeatureGates` does not carry.
const QUOTA_CHECK_STRATEGY_GATE: &str = "QuotaCheckStrategy";

fn validation_profile(
    release: Release,
    gates: FeatureGates,
    configuration: &kueue_api::config::Configuration,
) -> ValidationProfile {
    let mut profile = match release {
        Release::Tagged { minor, patch } => ValidationProfile::for_tag(minor, patch),
        Release::Main => ValidationProfile::for_main(),
    };
    profile.partitionable_devices_enabled = gates.partitionable_devices;
    profile.consumable_capacity_enabled = gates.consumable_capacity;
    if let Some(&enabled) = configuration.feature_gates.get(QUOTA_CHECK_STRATEGY_GATE) {
        profile.quota_check_strategy_enabled = enabled;
    }
    profile
}
