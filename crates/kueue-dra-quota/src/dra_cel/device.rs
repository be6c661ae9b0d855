//! The `device` variable a selector reads, built as `CompilationResult.DeviceMatches` builds it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cel::Value;
use cel::objects::{Key, Map};
use k8s_openapi::api::resource::v1::{DeviceAttribute, DeviceCapacity};

use crate::dra_cel::library::{QuantityValue, SemverValue};
use crate::quantity::Quantity;

/// One device, with the fields a selector reads.
#[derive(Debug, Clone, Copy)]
pub struct CelDevice<'a> {
    /// The driver of the ResourceSlice that publishes the device. Attribute and capacity names
    /// without a domain get this domain.
    pub driver: &'a str,
    /// The device's `attributes`.
    pub attributes: Option<&'a BTreeMap<String, DeviceAttribute>>,
    /// The device's `capacity`.
    pub capacity: Option<&'a BTreeMap<String, DeviceCapacity>>,
    /// The device's `allowMultipleAllocations`, visible only with
    /// [`Features::consumable_capacity`](crate::dra_cel::Features::consumable_capacity).
    pub allow_multiple_allocations: Option<bool>,
}

impl CelDevice<'_> {
    /// Builds the `device` map.
    ///
    /// `domains` are the attribute and capacity domains the expression names literally. Each
    /// one the device lacks reads as an empty map, because Kubernetes' map with a default
    /// value returns one for any missing domain.
    // NOTE: a domain computed at run time (`device.attributes[device.driver]`) that the
    // device lacks fails with `no such key` here, where Kubernetes returns an empty map, and
    // `'<domain>' in device.attributes` is true for a literal domain the device lacks.
    pub(crate) fn to_value(self, domains: &[String]) -> Result<Value, String> {
        let mut attributes: BTreeMap<String, HashMap<Key, Value>> = BTreeMap::new();
        for (name, attribute) in self.attributes.into_iter().flatten() {
            let value =
                attribute_value(attribute).map_err(|error| format!("attribute {name}: {error}"))?;
            let (domain, id) = split_qualified_name(name, self.driver);
            attributes
                .entry(domain.to_owned())
                .or_default()
                .insert(Key::String(Arc::new(id.to_owned())), value);
        }

        let mut capacity: BTreeMap<String, HashMap<Key, Value>> = BTreeMap::new();
        for (name, entry) in self.capacity.into_iter().flatten() {
            let quantity = Quantity::parse(&entry.value.0).map_err(|error| {
                format!(
                    "capacity {name}: invalid quantity {:?}: {error}",
                    entry.value.0
                )
            })?;
            let (domain, id) = split_qualified_name(name, self.driver);
            capacity.entry(domain.to_owned()).or_default().insert(
                Key::String(Arc::new(id.to_owned())),
                Value::Opaque(Arc::new(QuantityValue(quantity))),
            );
        }

        for domain in domains {
            attributes.entry(domain.clone()).or_default();
            capacity.entry(domain.clone()).or_default();
        }

        let mut device = HashMap::new();
        device.insert(
            key("driver"),
            Value::String(Arc::new(self.driver.to_owned())),
        );
        device.insert(key("attributes"), nested_map(attributes));
        device.insert(key("capacity"), nested_map(capacity));
        device.insert(
            key("allowMultipleAllocations"),
            Value::Bool(self.allow_multiple_allocations.unwrap_or(false)),
        );
        Ok(Value::Map(Map {
            map: Arc::new(device),
        }))
    }
}

/// Returns the one value an attribute holds, as `getAttributeValue` without list attributes.
fn attribute_value(attribute: &DeviceAttribute) -> Result<Value, String> {
    if let Some(value) = attribute.int {
        return Ok(Value::Int(value));
    }
    if let Some(value) = attribute.bool {
        return Ok(Value::Bool(value));
    }
    if let Some(value) = &attribute.string {
        return Ok(Value::String(Arc::new(value.clone())));
    }
    if let Some(value) = &attribute.version {
        let version = semver::Version::parse(value)
            .map_err(|error| format!("parse semantic version: {error}"))?;
        return Ok(Value::Opaque(Arc::new(SemverValue(version))));
    }
    Err("unsupported attribute value".to_owned())
}

/// Splits a qualified name into its domain and identifier; a name without a domain gets
/// `default_domain`.
fn split_qualified_name<'a>(name: &'a str, default_domain: &'a str) -> (&'a str, &'a str) {
    name.split_once('/').unwrap_or((default_domain, name))
}

fn key(name: &str) -> Key {
    Key::String(Arc::new(name.to_owned()))
}

fn nested_map(domains: BTreeMap<String, HashMap<Key, Value>>) -> Value {
    let outer: HashMap<Key, Value> = domains
        .into_iter()
        .map(|(domain, entries)| {
            (
                key(&domain),
                Value::Map(Map {
                    map: Arc::new(entries),
                }),
            )
        })
        .collect();
    Value::Map(Map {
        map: Arc::new(outer),
    })
}
