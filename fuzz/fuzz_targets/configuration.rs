//! Kueue Configuration decoding and validation on arbitrary bytes.
//!
//! The input is read by the loader, which finds a `Configuration` document or the
//! `kueue-manager-config` ConfigMap. For every release, the Configuration then goes through
//! the start-up checks that `check-config` runs: strict decoding, feature gates and
//! validation. None of them may panic, and every message must render.

#![no_main]

use kueue_dra_quota::field::aggregate_message;
use kueue_dra_quota::{FeatureGates, Release, ValidationProfile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(snapshot) = kueue_dra_fuzz::load(data) else {
        return;
    };
    let Some(loaded) = snapshot.configuration else {
        return;
    };

    let configuration = &loaded.configuration;
    for release in Release::all() {
        if let Err(error) = kueue_dra_quota::unknown_configuration_fields(
            release,
            &loaded.api_version,
            &loaded.document,
        ) {
            let _ = error.to_string();
        }

        let gates = match FeatureGates::resolve(release, &configuration.feature_gates) {
            Ok(gates) => gates,
            Err(error) => {
                let _ = error.to_string();
                FeatureGates::defaults(release)
            }
        };
        let mut profile = match release {
            Release::Tagged { minor, patch } => ValidationProfile::for_tag(minor, patch),
            Release::Main => ValidationProfile::for_main(),
        };
        profile.partitionable_devices_enabled = gates.partitionable_devices;
        profile.consumable_capacity_enabled = gates.consumable_capacity;

        let errors = kueue_dra_quota::validate_configuration(configuration, profile);
        let _ = aggregate_message(&errors);
    }
});
