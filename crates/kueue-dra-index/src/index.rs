//! The DeviceClass index: mapping lookups, extended-resource lookups and the DeviceClass
//! Kubernetes selects when several declare the same extended resource.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use k8s_openapi::api::resource::v1::DeviceClass;
use kueue_api::config::DeviceClassMapping;

/// DeviceClasses and `deviceClassMappings`, indexed the way Kueue v0.19.2 looks them up.
///
/// Built once from a Kueue Configuration's mappings and the cluster's DeviceClasses. When
/// two DeviceClasses share a name, the later one in the input replaces the earlier one.
#[derive(Debug, Clone, Default)]
pub struct DeviceClassIndex {
    mappings: Vec<DeviceClassMapping>,
    /// Class name to the index in `mappings` of the first mapping that lists it.
    first_mapping_by_class: BTreeMap<String, usize>,
    classes: BTreeMap<String, DeviceClass>,
    /// Explicit, non-empty `spec.extendedResourceName` to the names of the classes that
    /// declare it, sorted by name.
    classes_by_extended_resource: BTreeMap<String, Vec<String>>,
}

impl DeviceClassIndex {
    /// Builds the index from a Configuration's `resources.deviceClassMappings` and the
    /// DeviceClasses known in the cluster.
    #[must_use]
    pub fn new(mappings: &[DeviceClassMapping], device_classes: &[DeviceClass]) -> Self {
        let mut first_mapping_by_class = BTreeMap::new();
        for (position, mapping) in mappings.iter().enumerate() {
            for class in &mapping.device_class_names {
                // Kueue's mapper keeps the first mapping for a class. In a valid
                // configuration a later one can only add a second counter source.
                first_mapping_by_class
                    .entry(class.clone())
                    .or_insert(position);
            }
        }

        let mut classes = BTreeMap::new();
        for class in device_classes {
            let name = class.metadata.name.clone().unwrap_or_default();
            classes.insert(name, class.clone());
        }

        // Kueue indexes only the explicit field. The implicit
        // `deviceclass.resource.kubernetes.io/<class>` name is not recognised.
        let mut classes_by_extended_resource: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, class) in &classes {
            let Some(extended_resource) = class.spec.extended_resource_name.as_deref() else {
                continue;
            };
            if extended_resource.is_empty() {
                continue;
            }
            classes_by_extended_resource
                .entry(extended_resource.to_owned())
                .or_default()
                .push(name.clone());
        }

        Self {
            mappings: mappings.to_vec(),
            first_mapping_by_class,
            classes,
            classes_by_extended_resource,
        }
    }

    /// Returns the first mapping that lists `class` in its `deviceClassNames`, as Kueue's
    /// mapper resolves a DeviceClass to a quota resource.
    #[must_use]
    pub fn mapping_for_class(&self, class: &str) -> Option<&DeviceClassMapping> {
        let position = *self.first_mapping_by_class.get(class)?;
        self.mappings.get(position)
    }

    /// Returns every mapping that lists `class`, in Configuration order.
    ///
    /// More than one mapping lists a class only in a multi-counter configuration, where
    /// each mapping contributes its own counter source.
    pub fn mappings_listing_class<'a>(
        &'a self,
        class: &'a str,
    ) -> impl Iterator<Item = &'a DeviceClassMapping> + 'a {
        self.mappings
            .iter()
            .filter(move |mapping| mapping.device_class_names.iter().any(|name| name == class))
    }

    /// Returns the DeviceClasses whose explicit `spec.extendedResourceName` is `name`,
    /// sorted by class name. Classes with an empty or unset field are never returned.
    #[must_use]
    pub fn classes_for_extended_resource(&self, name: &str) -> Vec<&DeviceClass> {
        self.classes_by_extended_resource
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|class| self.classes.get(class))
            .collect()
    }

    /// Returns the DeviceClass Kubernetes allocates from for extended resource `name`:
    /// the latest `creationTimestamp`, and on a tie the lexicographically smallest name.
    ///
    /// This is the rule of Kueue v0.19.1 and later (and v0.18.5 and later). A class without
    /// a `creationTimestamp` counts as created at the earliest possible time.
    // Kueue v0.17 to v0.18.4 and v0.19.0 picked the first listed class that had a mapping
    // instead; the calculator's release rules apply that rule themselves.
    #[must_use]
    pub fn selected_class_for_extended_resource(&self, name: &str) -> Option<&DeviceClass> {
        let candidates = self.classes_for_extended_resource(name);
        let mut selected: Option<&DeviceClass> = None;
        for candidate in candidates {
            let Some(current) = selected else {
                selected = Some(candidate);
                continue;
            };
            let newer = match creation_time(candidate).cmp(&creation_time(current)) {
                Ordering::Greater => true,
                Ordering::Equal => class_name(candidate) < class_name(current),
                Ordering::Less => false,
            };
            if newer {
                selected = Some(candidate);
            }
        }
        selected
    }

    /// Returns the DeviceClass named `name`.
    #[must_use]
    pub fn device_class(&self, name: &str) -> Option<&DeviceClass> {
        self.classes.get(name)
    }

    /// Returns the mappings the index was built from, in Configuration order.
    #[must_use]
    pub fn mappings(&self) -> &[DeviceClassMapping] {
        &self.mappings
    }
}

fn creation_time(class: &DeviceClass) -> Option<k8s_openapi::jiff::Timestamp> {
    class
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|time| time.0)
}

fn class_name(class: &DeviceClass) -> &str {
    class.metadata.name.as_deref().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::resource::v1::DeviceClassSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

    use super::*;

    fn class(name: &str, extended_resource: Option<&str>, created: Option<&str>) -> DeviceClass {
        DeviceClass {
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                creation_timestamp: created
                    .map(|text| Time(text.parse().expect("valid timestamp"))),
                ..Default::default()
            },
            spec: DeviceClassSpec {
                extended_resource_name: extended_resource.map(str::to_owned),
                ..Default::default()
            },
        }
    }

    fn mapping(name: &str, classes: &[&str]) -> DeviceClassMapping {
        DeviceClassMapping {
            name: name.to_owned(),
            device_class_names: classes.iter().map(|class| (*class).to_owned()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn first_mapping_wins_for_a_class() {
        let index = DeviceClassIndex::new(
            &[
                mapping("first", &["a.example.com"]),
                mapping("second", &["a.example.com"]),
            ],
            &[],
        );

        let found = index
            .mapping_for_class("a.example.com")
            .map(|m| m.name.as_str());

        assert_eq!(found, Some("first"));
        assert_eq!(index.mappings_listing_class("a.example.com").count(), 2);
        assert!(index.mapping_for_class("b.example.com").is_none());
    }

    #[test]
    fn empty_extended_resource_name_is_not_indexed() {
        let index = DeviceClassIndex::new(
            &[],
            &[
                class("a", Some(""), None),
                class("b", None, None),
                class("c", Some("x.com/gpu"), None),
            ],
        );

        assert!(index.classes_for_extended_resource("").is_empty());
        let names: Vec<_> = index
            .classes_for_extended_resource("x.com/gpu")
            .iter()
            .map(|c| class_name(c))
            .collect();
        assert_eq!(names, ["c"]);
    }

    #[test]
    fn latest_created_class_is_selected() {
        let index = DeviceClassIndex::new(
            &[],
            &[
                class("old", Some("x.com/gpu"), Some("2026-01-01T00:00:00Z")),
                class("new", Some("x.com/gpu"), Some("2026-02-01T00:00:00Z")),
            ],
        );

        let selected = index
            .selected_class_for_extended_resource("x.com/gpu")
            .map(class_name);

        assert_eq!(selected, Some("new"));
    }

    #[test]
    fn creation_tie_selects_smallest_name() {
        let index = DeviceClassIndex::new(
            &[],
            &[
                class("zeta", Some("x.com/gpu"), Some("2026-01-01T00:00:00Z")),
                class("alpha", Some("x.com/gpu"), Some("2026-01-01T00:00:00Z")),
            ],
        );

        let selected = index
            .selected_class_for_extended_resource("x.com/gpu")
            .map(class_name);

        assert_eq!(selected, Some("alpha"));
    }

    #[test]
    fn missing_timestamp_counts_as_oldest() {
        let index = DeviceClassIndex::new(
            &[],
            &[
                class("a-unset", Some("x.com/gpu"), None),
                class("b-set", Some("x.com/gpu"), Some("2026-01-01T00:00:00Z")),
            ],
        );

        let selected = index
            .selected_class_for_extended_resource("x.com/gpu")
            .map(class_name);

        assert_eq!(selected, Some("b-set"));
    }

    #[test]
    fn unknown_extended_resource_selects_nothing() {
        let index = DeviceClassIndex::new(&[], &[class("a", Some("x.com/gpu"), None)]);

        assert!(
            index
                .selected_class_for_extended_resource("y.com/gpu")
                .is_none()
        );
        assert!(index.device_class("a").is_some());
        assert!(index.device_class("b").is_none());
    }
}
