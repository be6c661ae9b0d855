//! Kueue's checks of a DeviceClass mapping's counter and capacity `sources`, release by
//! release (`pkg/config/validation.go`, `validateDeviceClassMappings` and its helpers, at
//! v0.18.0, v0.18.1 and v0.19.2).

use k8s_openapi::api::resource::v1::DeviceSelector;
use kueue_api::config::DeviceClassMapping;
use kueue_api::config::v1beta2::{DeviceClassCapacitySource, DeviceClassCounterSource};

use super::names::{self, LengthUnit};
use super::{SourceChecks, ValidationProfile, count, too_long};
use crate::dra_cel;
use crate::field::{BadValue, FieldError};

/// `resourcev1.DriverNameMaxLength`.
const DRIVER_NAME_MAX_LENGTH: usize = 63;

/// `resourcev1.DeviceMaxDomainLength`: the domain of a qualified capacity name.
const DEVICE_MAX_DOMAIN_LENGTH: usize = 63;

/// `resourcev1.DeviceMaxIDLength`: the identifier of a qualified capacity name.
const DEVICE_MAX_ID_LENGTH: usize = 32;

/// The detail of the error on an entry with no source, or with both, from v0.19.
const ONE_SOURCE_PER_ENTRY: &str = "exactly one source type must be set per entry";

/// Appends the errors Kueue reports for `mapping.sources`, whose path is
/// `<mapping_path>.sources`.
pub(super) fn validate_sources(
    mapping: &DeviceClassMapping,
    mapping_path: &str,
    profile: ValidationProfile,
    errors: &mut Vec<FieldError>,
) {
    if mapping.sources.is_empty() {
        return;
    }
    let sources_path = format!("{mapping_path}.sources");

    match profile.sources {
        SourceChecks::None => {}
        SourceChecks::CounterWhenGated => {
            if profile.partitionable_devices_enabled {
                validate_counter_only(mapping, &sources_path, errors);
            }
        }
        SourceChecks::Counter => {
            if profile.partitionable_devices_enabled {
                validate_counter_only(mapping, &sources_path, errors);
            } else {
                errors.push(FieldError::invalid(
                    sources_path,
                    BadValue::Int(count(mapping.sources.len())),
                    "sources require KueueDRAIntegrationPartitionableDevices to be enabled",
                ));
            }
        }
        SourceChecks::CounterAndCapacity => {
            validate_counter_and_capacity(mapping, &sources_path, profile, errors);
        }
    }
}

/// Checks the v0.18 rules: at most one entry, which must be a counter, checked by length
/// only.
fn validate_counter_only(
    mapping: &DeviceClassMapping,
    sources_path: &str,
    errors: &mut Vec<FieldError>,
) {
    let n_sources = mapping.sources.len();
    if n_sources > 1 {
        errors.push(FieldError::too_many(sources_path, count(n_sources), 1));
    }

    for (index, source) in mapping.sources.iter().enumerate() {
        let counter_path = format!("{sources_path}[{index}].counter");
        let Some(counter) = &source.counter else {
            errors.push(FieldError::required(
                counter_path,
                "exactly one source type must be set",
            ));
            continue;
        };

        let name_path = format!("{counter_path}.name");
        if counter.name.is_empty() {
            errors.push(FieldError::required(name_path, ""));
        } else if counter.name.len() > 63 {
            errors.push(FieldError::invalid(
                name_path,
                BadValue::String(counter.name.clone()),
                "must not exceed 63 characters",
            ));
        }

        let driver_path = format!("{counter_path}.driver");
        if counter.driver.is_empty() {
            errors.push(FieldError::required(driver_path, ""));
        } else if counter.driver.len() > 253 {
            errors.push(FieldError::invalid(
                driver_path,
                BadValue::String(counter.driver.clone()),
                "must not exceed 253 characters",
            ));
        }

        validate_selector(&counter.device_selector, &counter_path, errors);
    }
}

/// Checks the v0.19 rules: each entry is one counter or one capacity source whose gate is
/// on, and a mapping does not mix the two kinds.
fn validate_counter_and_capacity(
    mapping: &DeviceClassMapping,
    sources_path: &str,
    profile: ValidationProfile,
    errors: &mut Vec<FieldError>,
) {
    // Kueue counts a source of either kind before it checks the kind's gate, so a mixed
    // mapping is reported even when the gates reject its entries.
    let mut n_counters = 0;
    let mut has_capacity = false;

    for (index, source) in mapping.sources.iter().enumerate() {
        let source_path = format!("{sources_path}[{index}]");
        match (&source.counter, &source.capacity) {
            (None, None) => {
                errors.push(FieldError::required(source_path, ONE_SOURCE_PER_ENTRY));
            }
            (Some(_), Some(_)) => {
                errors.push(FieldError::invalid(
                    source_path,
                    BadValue::String("counter+capacity".to_owned()),
                    ONE_SOURCE_PER_ENTRY,
                ));
            }
            (Some(counter), None) => {
                n_counters += 1;
                let counter_path = format!("{source_path}.counter");
                if profile.partitionable_devices_enabled {
                    validate_counter(counter, &counter_path, errors);
                } else {
                    errors.push(FieldError::invalid(
                        counter_path,
                        BadValue::Bool(true),
                        "counter sources require KueueDRAIntegrationPartitionableDevices to be enabled",
                    ));
                }
            }
            (None, Some(capacity)) => {
                has_capacity = true;
                let capacity_path = format!("{source_path}.capacity");
                if profile.consumable_capacity_enabled {
                    validate_capacity(capacity, &capacity_path, errors);
                } else {
                    errors.push(FieldError::invalid(
                        capacity_path,
                        BadValue::Bool(true),
                        "capacity sources require KueueDRAIntegrationConsumableCapacity to be enabled",
                    ));
                }
            }
        }
    }

    if n_counters > 0 && has_capacity {
        errors.push(FieldError::invalid(
            sources_path,
            BadValue::Int(count(mapping.sources.len())),
            "cannot mix counter and capacity sources in the same mapping",
        ));
    }
}

fn validate_counter(
    counter: &DeviceClassCounterSource,
    counter_path: &str,
    errors: &mut Vec<FieldError>,
) {
    let name_path = format!("{counter_path}.name");
    if counter.name.is_empty() {
        errors.push(FieldError::required(name_path, ""));
    } else {
        let name_errors = names::dns1123_label_errors(&counter.name);
        if !name_errors.is_empty() {
            errors.push(FieldError::invalid(
                name_path,
                BadValue::String(counter.name.clone()),
                name_errors.join(","),
            ));
        }
    }

    validate_driver_and_selector(
        &counter.driver,
        &counter.device_selector,
        counter_path,
        errors,
    );
}

fn validate_capacity(
    capacity: &DeviceClassCapacitySource,
    capacity_path: &str,
    errors: &mut Vec<FieldError>,
) {
    validate_qualified_name(&capacity.name, &format!("{capacity_path}.name"), errors);
    validate_driver_and_selector(
        &capacity.driver,
        &capacity.device_selector,
        capacity_path,
        errors,
    );
}

/// Kueue's `validateDeviceClassSource`: the driver is a lowercase DNS subdomain of at most
/// 63 characters, and the selector contains a CEL expression.
fn validate_driver_and_selector(
    driver: &str,
    selector: &DeviceSelector,
    source_path: &str,
    errors: &mut Vec<FieldError>,
) {
    let driver_path = format!("{source_path}.driver");
    if driver.is_empty() {
        errors.push(FieldError::required(driver_path, ""));
    } else if driver.len() > DRIVER_NAME_MAX_LENGTH {
        errors.push(FieldError::invalid(
            driver_path,
            BadValue::String(driver.to_owned()),
            format!("must not exceed {DRIVER_NAME_MAX_LENGTH} characters"),
        ));
    } else {
        let driver_errors = names::dns1123_subdomain_errors(driver, LengthUnit::Characters);
        if !driver_errors.is_empty() {
            errors.push(FieldError::invalid(
                driver_path,
                BadValue::String(driver.to_owned()),
                driver_errors.join(","),
            ));
        }
    }

    validate_selector(selector, source_path, errors);
}

fn validate_selector(selector: &DeviceSelector, source_path: &str, errors: &mut Vec<FieldError>) {
    let expression_path = format!("{source_path}.deviceSelector.cel.expression");
    let expression = selector
        .cel
        .as_ref()
        .map(|cel| cel.expression.as_str())
        .filter(|expression| !expression.is_empty());
    let Some(expression) = expression else {
        errors.push(FieldError::required(expression_path, ""));
        return;
    };
    // Kueue compiles the expression with the DRA environment of `dracel.Features{}`.
    if let Err(error) = dra_cel::compile(expression, dra_cel::Features::default()) {
        errors.push(FieldError::invalid(
            expression_path,
            BadValue::String(expression.to_owned()),
            format!("CEL compilation failed: {}", error.detail),
        ));
    }
}

/// Kueue's `validateQualifiedName` for a capacity name: `<identifier>` or
/// `<domain>/<identifier>`. Each problem is its own error, all at `name_path`.
fn validate_qualified_name(name: &str, name_path: &str, errors: &mut Vec<FieldError>) {
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        [identifier] => validate_c_identifier(identifier, name_path, errors),
        [domain, identifier] => {
            if domain.is_empty() {
                errors.push(FieldError::invalid(
                    name_path,
                    BadValue::String(String::new()),
                    "the domain must not be empty",
                ));
            } else {
                validate_domain(domain, name_path, errors);
            }
            if identifier.is_empty() {
                errors.push(FieldError::invalid(
                    name_path,
                    BadValue::String(String::new()),
                    "the name must not be empty",
                ));
            } else {
                validate_c_identifier(identifier, name_path, errors);
            }
        }
        // Kueue accepts a name with more than one slash without any error.
        _ => {}
    }
}

/// Kueue's `validateDriverName` for the domain of a capacity name. The domain is compared
/// lowercased, so `GPU.example.com` is accepted, but the error shows it as written.
fn validate_domain(domain: &str, name_path: &str, errors: &mut Vec<FieldError>) {
    if domain.len() > DEVICE_MAX_DOMAIN_LENGTH {
        errors.push(too_long(name_path, DEVICE_MAX_DOMAIN_LENGTH));
    }
    // NOTE: Go's `strings.ToLower` maps a few non-ASCII letters to a string of a different
    // length than Rust's `to_lowercase` does. This changes only whether a domain of more
    // than 253 bytes gets the length message.
    let lowercase = domain.to_lowercase();
    for message in names::dns1123_subdomain_errors(&lowercase, LengthUnit::Characters) {
        errors.push(FieldError::invalid(
            name_path,
            BadValue::String(domain.to_owned()),
            message,
        ));
    }
}

/// Kueue's `validateCIdentifier`: at most 32 bytes, letters, digits and `_`, not starting
/// with a digit.
fn validate_c_identifier(identifier: &str, name_path: &str, errors: &mut Vec<FieldError>) {
    if identifier.len() > DEVICE_MAX_ID_LENGTH {
        errors.push(too_long(name_path, DEVICE_MAX_ID_LENGTH));
    }
    if let Some(message) = names::c_identifier_error(identifier) {
        errors.push(FieldError::invalid(
            name_path,
            BadValue::String(identifier.to_owned()),
            message,
        ));
    }
}
