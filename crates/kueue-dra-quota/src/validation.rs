//! Kueue's own validation of the `resources` section of its Configuration, release by release.
//!
//! Kueue validates its Configuration once at start-up (`pkg/config/validation.go`,
//! `Validate`) and exits with `Unable to validate the configuration` when any check fails.
//! This module reproduces the checks of `resources.transformations`,
//! `resources.deviceClassMappings` and `resources.quotaCheckStrategy` with Kueue's field
//! paths, error types, messages and order. Each [`FieldError`] renders as Kubernetes'
//! `field.Error.Error()` does, and [`error_type_name`] names its type.
//!
//! Which checks run and how their messages read depend on the release and on three feature
//! gates, which a [`ValidationProfile`] carries.
//!
//! ```
//! use kueue_api::config::{Configuration, DeviceClassMapping, Resources};
//! use kueue_dra_quota::validation::{ValidationProfile, validate_configuration};
//!
//! let mapping = |name: &str| DeviceClassMapping {
//!     name: name.to_owned(),
//!     device_class_names: vec!["gpu.example.com".to_owned()],
//!     ..Default::default()
//! };
//! let config = Configuration {
//!     resources: Some(Resources {
//!         device_class_mappings: vec![mapping("whole-gpus"), mapping("fast-gpus")],
//!         ..Default::default()
//!     }),
//!     ..Default::default()
//! };
//!
//! let errors = validate_configuration(&config, ValidationProfile::for_tag(19, 2));
//!
//! assert_eq!(
//!     errors[0].to_string(),
//!     "resources.deviceClassMappings[1].deviceClassNames[0]: Invalid value: \"gpu.example.com\": \
//!      device class already mapped to resource whole-gpus"
//! );
//! ```

mod names;
mod sources;

use std::collections::{BTreeSet, HashMap};

use kueue_api::config::Configuration;
use kueue_api::config::DeviceClassMapping;
use kueue_api::config::v1beta2::QuotaCheckStrategy;

use crate::field::{BadValue, ErrorType, FieldError, go_quote};

/// The path of every device class mapping error.
const MAPPINGS_PATH: &str = "resources.deviceClassMappings";

/// The maximum number of entries in `deviceClassMappings`.
const MAX_MAPPINGS: usize = 16;

/// The maximum number of `deviceClassNames` in one mapping.
const MAX_DEVICE_CLASSES: usize = 8;

/// The maximum length of a mapping name or a device class name.
const MAX_NAME_LENGTH: usize = 253;

/// The release rules and feature gates that decide which checks Kueue's validation runs
/// and how its messages read.
///
/// [`ValidationProfile::for_tag`] and [`ValidationProfile::for_main`] return a release's
/// rules with the gates at that release's defaults: a [`Release::Tagged`] maps to
/// `for_tag(minor, patch)` and [`Release::Main`] to `for_main()`. A caller that knows the
/// gates Kueue runs with (the defaults, overridden by the Configuration's `featureGates`)
/// then sets the gate fields to them. [`FeatureGates::resolve`] returns two of them as
/// `partitionable_devices` and `consumable_capacity`. The `QuotaCheckStrategy` gate is not
/// among the gates it returns.
///
/// [`Release::Tagged`]: crate::Release::Tagged
/// [`Release::Main`]: crate::Release::Main
/// [`FeatureGates::resolve`]: crate::FeatureGates::resolve
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidationProfile {
    /// The wording of the label key messages, which follows the apimachinery Kueue vendors.
    pub name_messages: NameMessages,

    /// The checks that `deviceClassMappings[].sources` gets.
    pub sources: SourceChecks,

    /// Whether the `KueueDRAIntegrationPartitionableDevices` gate, which allows counter
    /// sources, is on.
    pub partitionable_devices_enabled: bool,

    /// Whether the `KueueDRAIntegrationConsumableCapacity` gate, which allows capacity
    /// sources, is on.
    pub consumable_capacity_enabled: bool,

    /// Whether the `QuotaCheckStrategy` gate is on. Kueue checks
    /// `resources.quotaCheckStrategy` only when it is.
    pub quota_check_strategy_enabled: bool,
}

/// The wording of the messages for a mapping name or device class name that is not a valid
/// label key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMessages {
    /// Kueue v0.14 and v0.15, which vendor apimachinery v0.34. Its `IsQualifiedName`
    /// reports "a qualified name" for a name with several slashes and "must be no more
    /// than 63 characters" for a long one.
    QualifiedName,
    /// Kueue v0.16 and later, which vendor apimachinery v0.35 or v0.36. Its
    /// `content.IsLabelKey` reports "a valid label key" and "must be no more than 63 bytes".
    /// Kueue v0.16 still calls `IsQualifiedName`, which is an alias of it there.
    LabelKey,
}

/// The checks that the `sources` of a DeviceClass mapping get, and whether a DeviceClass may
/// appear in several mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceChecks {
    /// Kueue v0.14 to v0.17, which have no `sources` field: nothing is checked, and a
    /// DeviceClass belongs to one mapping only.
    None,
    /// Kueue v0.18.0. With the partitionable devices gate on, a mapping has at most one
    /// source, which must be a counter with a name, a driver and a CEL selector. With the
    /// gate off, `sources` is not checked.
    CounterWhenGated,
    /// Kueue v0.18.1 to v0.18.6: as v0.18.0, but with the gate off, any `sources` is one
    /// error on the `sources` field.
    Counter,
    /// Kueue v0.19.0 and later: any number of counter or capacity sources, each checked
    /// when its gate is on and rejected when it is off. A DeviceClass may appear in several
    /// mappings whose first sources are counters with different names.
    CounterAndCapacity,
}

impl ValidationProfile {
    /// Returns the rules of Kueue `v0.<minor>.<patch>` with the feature gates at that
    /// release's defaults.
    ///
    /// The releases are v0.14.0 to v0.19.2. A minor version below 14 gets the v0.14 rules
    /// and one above 19 gets the v0.19 rules.
    #[must_use]
    pub fn for_tag(minor: u32, patch: u32) -> Self {
        let name_messages = if minor <= 15 {
            NameMessages::QualifiedName
        } else {
            NameMessages::LabelKey
        };
        let sources = match minor {
            ..=17 => SourceChecks::None,
            18 if patch == 0 => SourceChecks::CounterWhenGated,
            18 => SourceChecks::Counter,
            _ => SourceChecks::CounterAndCapacity,
        };

        // Defaults from `pkg/features/kube_features.go`: the partitionable devices and
        // quota check strategy gates are alpha (off) in v0.18 and beta (on) from v0.19.
        // The consumable capacity gate is alpha (off) from v0.19.
        Self {
            name_messages,
            sources,
            partitionable_devices_enabled: minor >= 19,
            consumable_capacity_enabled: false,
            quota_check_strategy_enabled: minor >= 19,
        }
    }

    /// Returns the rules of Kueue's main branch at commit ff69552 with its default gates.
    /// They equal those of v0.19.2.
    #[must_use]
    pub fn for_main() -> Self {
        Self::for_tag(19, 2)
    }
}

impl Default for ValidationProfile {
    /// Returns the rules of Kueue v0.19.2 with its default gates.
    fn default() -> Self {
        Self::for_tag(19, 2)
    }
}

/// Validates the `resources` section of `config` as Kueue's `Validate` does, and returns
/// the errors in Kueue's order: transformations, then device class mappings, then the quota
/// check strategy.
///
/// Kueue validates the Configuration after its defaulting, which only sets a
/// transformation's missing or empty `strategy` to `Retain`. These checks treat such a
/// strategy as `Retain`, so `config` may be given as written.
///
/// Kueue v0.19.2's `Validate` runs other checks that are not reproduced here. Before
/// `resources.transformations` it checks `waitForPodsReady`, `integrations`, `multiKueue`,
/// `fairSharing`, `admissionFairSharing` and `internalCertManagement`, in this order.
/// Between `resources.deviceClassMappings` and `resources.quotaCheckStrategy` it checks
/// `managedJobsNamespaceSelector`, `objectRetentionPolicies`, `tls`, `visibilityServer` and
/// `metrics.customLabels`. A caller that adds those checks calls
/// [`validate_resource_transformations`], [`validate_device_class_mappings`] and
/// [`validate_quota_check_strategy`] at their places instead.
#[must_use]
pub fn validate_configuration(
    config: &Configuration,
    profile: ValidationProfile,
) -> Vec<FieldError> {
    let mut errors = validate_resource_transformations(config);
    errors.extend(validate_device_class_mappings(config, profile));
    errors.extend(validate_quota_check_strategy(config, profile));
    errors
}

/// Validates `resources.transformations` as Kueue's `validateResourceTransformations` does
/// at every release from v0.14: each `strategy` is `Retain` or `Replace`, and no `input`
/// appears twice.
#[must_use]
pub fn validate_resource_transformations(config: &Configuration) -> Vec<FieldError> {
    let Some(resources) = &config.resources else {
        return Vec::new();
    };

    let mut errors = Vec::new();
    let mut seen_inputs = BTreeSet::new();
    for (index, transformation) in resources.transformations.iter().enumerate() {
        let path = format!("resources.transformations[{index}]");

        let strategy = transformation
            .strategy
            .as_deref()
            .filter(|strategy| !strategy.is_empty())
            .unwrap_or("Retain");
        if strategy != "Retain" && strategy != "Replace" {
            errors.push(FieldError {
                error_type: ErrorType::NotSupported,
                field: format!("{path}.strategy"),
                bad_value: BadValue::TypedString(strategy.to_owned()),
                detail: r#"supported values: "Retain", "Replace""#.to_owned(),
            });
        }

        if !seen_inputs.insert(transformation.input.as_str()) {
            errors.push(FieldError::duplicate(
                format!("{path}.input"),
                BadValue::TypedString(transformation.input.clone()),
            ));
        }
    }
    errors
}

/// Validates `resources.deviceClassMappings` as Kueue's `validateDeviceClassMappings` does
/// at the release and gates of `profile`.
///
/// The checks, in Kueue's order:
///
/// - at most 16 mappings;
/// - per mapping, its name: a label key of at most 253 bytes, not used by an earlier mapping;
/// - its `deviceClassNames`: at least one and at most 8, each a label key of at most 253
///   bytes, listed once in the mapping and in no other mapping unless counter sources
///   allow it;
/// - its `sources`, as [`SourceChecks`] describes.
#[must_use]
pub fn validate_device_class_mappings(
    config: &Configuration,
    profile: ValidationProfile,
) -> Vec<FieldError> {
    let Some(resources) = &config.resources else {
        return Vec::new();
    };
    let mappings = &resources.device_class_mappings;

    let mut errors = Vec::new();
    if mappings.len() > MAX_MAPPINGS {
        errors.push(FieldError::too_many(
            MAPPINGS_PATH,
            count(mappings.len()),
            count(MAX_MAPPINGS),
        ));
    }

    let mut seen_names = BTreeSet::new();
    let mut class_owners = HashMap::new();
    for (index, mapping) in mappings.iter().enumerate() {
        let mapping_path = format!("{MAPPINGS_PATH}[{index}]");
        validate_mapping_name(
            mapping,
            &mapping_path,
            profile,
            &mut seen_names,
            &mut errors,
        );
        validate_device_class_names(
            mapping,
            &mapping_path,
            profile,
            &mut class_owners,
            &mut errors,
        );
        sources::validate_sources(mapping, &mapping_path, profile, &mut errors);
    }
    errors
}

/// Validates `resources.quotaCheckStrategy` as Kueue's `validateQuotaCheckStrategy` does
/// from v0.18: when the `QuotaCheckStrategy` gate is on, `IgnoreUndeclared` cannot be
/// combined with `excludeResourcePrefixes`.
///
/// Kueue also reports `NotSupported` for a strategy other than `BlockUndeclared` and
/// `IgnoreUndeclared`. Such a value does not decode into [`QuotaCheckStrategy`], so the
/// Configuration loader reports it instead.
#[must_use]
pub fn validate_quota_check_strategy(
    config: &Configuration,
    profile: ValidationProfile,
) -> Vec<FieldError> {
    if !profile.quota_check_strategy_enabled {
        return Vec::new();
    }
    let Some(resources) = &config.resources else {
        return Vec::new();
    };

    let ignores_undeclared =
        resources.quota_check_strategy == Some(QuotaCheckStrategy::IgnoreUndeclared);
    if ignores_undeclared && !resources.exclude_resource_prefixes.is_empty() {
        return vec![FieldError::invalid(
            "resources.quotaCheckStrategy",
            BadValue::TypedString("IgnoreUndeclared".to_owned()),
            "excludeResourcePrefixes is not allowed when quotaCheckStrategy is IgnoreUndeclared",
        )];
    }
    Vec::new()
}

/// Returns the name of an error's type as check-config reports it: the name of the
/// apimachinery `field` function that builds such an error, such as `Invalid`, `TooMany` or
/// `NotSupported`.
#[must_use]
pub fn error_type_name(error_type: ErrorType) -> &'static str {
    match error_type {
        ErrorType::NotFound => "NotFound",
        ErrorType::Required => "Required",
        ErrorType::Duplicate => "Duplicate",
        ErrorType::Invalid => "Invalid",
        ErrorType::NotSupported => "NotSupported",
        ErrorType::Forbidden => "Forbidden",
        ErrorType::TooLong => "TooLong",
        ErrorType::TooMany => "TooMany",
        ErrorType::TooFew => "TooFew",
        ErrorType::Internal => "InternalError",
        ErrorType::TypeInvalid => "TypeInvalid",
        ErrorType::TooShort => "TooShort",
    }
}

/// The first mapping that lists a DeviceClass, and the counter names of the mappings that
/// share the class through counter sources.
struct ClassOwner<'a> {
    resource: &'a str,
    counters: BTreeSet<&'a str>,
}

fn validate_mapping_name<'a>(
    mapping: &'a DeviceClassMapping,
    mapping_path: &str,
    profile: ValidationProfile,
    seen_names: &mut BTreeSet<&'a str>,
    errors: &mut Vec<FieldError>,
) {
    let name_path = format!("{mapping_path}.name");
    validate_label_key(&mapping.name, &name_path, profile, errors);

    if !seen_names.insert(mapping.name.as_str()) {
        errors.push(FieldError::duplicate(
            name_path,
            BadValue::TypedString(mapping.name.clone()),
        ));
    }
}

fn validate_device_class_names<'a>(
    mapping: &'a DeviceClassMapping,
    mapping_path: &str,
    profile: ValidationProfile,
    class_owners: &mut HashMap<&'a str, ClassOwner<'a>>,
    errors: &mut Vec<FieldError>,
) {
    let classes_path = format!("{mapping_path}.deviceClassNames");
    let n_classes = mapping.device_class_names.len();
    if n_classes == 0 {
        errors.push(FieldError::required(
            classes_path.as_str(),
            "at least one device class name is required",
        ));
    }
    if n_classes > MAX_DEVICE_CLASSES {
        errors.push(FieldError::too_many(
            classes_path.as_str(),
            count(n_classes),
            count(MAX_DEVICE_CLASSES),
        ));
    }

    // Before v0.19 no mapping has a counter name, so every shared class is an error.
    let counter_name = if profile.sources == SourceChecks::CounterAndCapacity {
        first_counter_name(mapping)
    } else {
        None
    };

    let mut seen_classes = BTreeSet::new();
    for (index, class) in mapping.device_class_names.iter().enumerate() {
        let class_path = format!("{classes_path}[{index}]");
        validate_label_key(class, &class_path, profile, errors);

        if !seen_classes.insert(class.as_str()) {
            errors.push(FieldError::duplicate(
                class_path.as_str(),
                BadValue::TypedString(class.clone()),
            ));
        }

        let Some(owner) = class_owners.get_mut(class.as_str()) else {
            class_owners.insert(
                class,
                ClassOwner {
                    resource: &mapping.name,
                    counters: counter_name.into_iter().collect(),
                },
            );
            continue;
        };
        // A class listed twice under one mapping name gets only the Duplicate error above.
        if owner.resource == mapping.name {
            continue;
        }
        let detail = match counter_name {
            Some(counter) if !owner.counters.is_empty() => {
                if owner.counters.insert(counter) {
                    continue;
                }
                format!(
                    "device class already has a counter source for counter {}",
                    go_quote(counter)
                )
            }
            _ => format!("device class already mapped to resource {}", owner.resource),
        };
        errors.push(FieldError::invalid(
            class_path,
            BadValue::TypedString(class.clone()),
            detail,
        ));
    }
}

/// Returns apimachinery's messages for `key` as a label key, as `labels.NewRequirement`
/// words them in the apimachinery that Kueue `v0.<minor>` vendors: empty when it is valid.
pub(crate) fn label_key_messages(key: &str, minor: u32) -> Vec<String> {
    names::label_key_errors(key, ValidationProfile::for_tag(minor, 0).name_messages)
}

/// Appends the two errors Kueue reports for a mapping name or device class name: not a label
/// key, with apimachinery's messages joined by `"; "`, and longer than 253 bytes.
fn validate_label_key(
    value: &str,
    path: &str,
    profile: ValidationProfile,
    errors: &mut Vec<FieldError>,
) {
    let label_key_errors = names::label_key_errors(value, profile.name_messages);
    if !label_key_errors.is_empty() {
        errors.push(FieldError::invalid(
            path,
            BadValue::TypedString(value.to_owned()),
            label_key_errors.join("; "),
        ));
    }
    if value.len() > MAX_NAME_LENGTH {
        errors.push(FieldError::invalid(
            path,
            BadValue::TypedString(value.to_owned()),
            format!("must not exceed {MAX_NAME_LENGTH} characters"),
        ));
    }
}

/// Returns the name of the counter in the mapping's first source, as Kueue's
/// `counterNameForMapping` does. Returns `None` when that source is no counter or its name
/// is empty.
fn first_counter_name(mapping: &DeviceClassMapping) -> Option<&str> {
    let counter = mapping.sources.first()?.counter.as_ref()?;
    Some(counter.name.as_str()).filter(|name| !name.is_empty())
}

/// Builds a `Too long` error as apimachinery's `field.TooLong` does.
fn too_long(field: &str, max_length: usize) -> FieldError {
    let unit = if max_length == 1 { "byte" } else { "bytes" };
    FieldError {
        error_type: ErrorType::TooLong,
        field: field.to_owned(),
        bad_value: BadValue::Omitted,
        detail: format!("may not be more than {max_length} {unit}"),
    }
}

/// Converts a list length to the integer Kueue prints. No list in memory is longer than
/// `i64::MAX`.
fn count(length: usize) -> i64 {
    i64::try_from(length).unwrap_or(i64::MAX)
}
