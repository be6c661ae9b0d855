//! Kueue's controller Deployment: the manager container's image and command line, from which
//! the plugin reads the Kueue release and the `--feature-gates` argument.

use serde_json::Value;

/// The name of the Deployment Kueue's manifests and Helm chart install.
pub const KUEUE_DEPLOYMENT: &str = "kueue-controller-manager";

/// The name of the container that runs Kueue in that Deployment.
const MANAGER_CONTAINER: &str = "manager";

/// The container that runs Kueue's controller manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagerContainer {
    /// The container's index in `spec.template.spec.containers`.
    pub index: usize,
    /// The container image, such as `registry.k8s.io/kueue/kueue:v0.19.2`.
    pub image: String,
    /// The container's `command` followed by its `args`.
    pub arguments: Vec<String>,
}

/// The parts of Kueue's controller Deployment that the cluster shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControllerLookup {
    /// The Deployment was read and its manager container found.
    Found {
        /// The Deployment's namespace.
        namespace: String,
        /// The manager container.
        container: ManagerContainer,
    },
    /// The Deployment could not be used; the reason is a sentence for the user, such as
    /// `Deployment kueue-system/kueue-controller-manager not found`.
    Unavailable(String),
}

impl ManagerContainer {
    /// Finds the manager container of a Deployment given as JSON: the container named
    /// `manager`, or else the only container, or else the first whose image names `kueue`.
    #[must_use]
    pub fn from_deployment(deployment: &Value) -> Option<Self> {
        let containers = deployment["spec"]["template"]["spec"]["containers"].as_array()?;
        let index = containers
            .iter()
            .position(|container| container["name"] == MANAGER_CONTAINER)
            .or_else(|| (containers.len() == 1).then_some(0))
            .or_else(|| {
                containers.iter().position(|container| {
                    container["image"]
                        .as_str()
                        .is_some_and(|image| image.contains("kueue"))
                })
            })?;
        let container = &containers[index];
        let strings = |field: &str| {
            container[field]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let mut arguments = strings("command");
        arguments.extend(strings("args"));
        Some(Self {
            index,
            image: container["image"].as_str().unwrap_or_default().to_owned(),
            arguments,
        })
    }

    /// Returns the image tag: the part after the last `:` of the last path segment, without
    /// any `@sha256:` digest. `None` when the image names only a digest, or no tag at all.
    #[must_use]
    pub fn image_tag(&self) -> Option<&str> {
        let without_digest = self.image.split('@').next().unwrap_or_default();
        let last_segment = without_digest.rsplit('/').next().unwrap_or_default();
        last_segment
            .split_once(':')
            .map(|(_, tag)| tag)
            .filter(|tag| !tag.is_empty())
    }

    /// Returns the value of the `--feature-gates` argument, as Go's `flag` package reads it:
    /// `--feature-gates=VALUE`, `-feature-gates=VALUE`, or the flag followed by its value.
    /// The last occurrence wins, as in Go.
    #[must_use]
    pub fn feature_gates_argument(&self) -> Option<&str> {
        let mut value = None;
        let mut arguments = self.arguments.iter();
        while let Some(argument) = arguments.next() {
            let Some(flag) = argument
                .strip_prefix("--")
                .or_else(|| argument.strip_prefix('-'))
            else {
                continue;
            };
            if flag == "feature-gates" {
                value = arguments.next().map(String::as_str);
            } else if let Some(inline) = flag.strip_prefix("feature-gates=") {
                value = Some(inline);
            }
        }
        value
    }

    /// Returns the path of the container's `args` field, for messages.
    #[must_use]
    pub fn arguments_field(&self) -> String {
        format!("spec.template.spec.containers[{}].args", self.index)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn container(image: &str, arguments: &[&str]) -> ManagerContainer {
        ManagerContainer {
            index: 0,
            image: image.to_owned(),
            arguments: arguments
                .iter()
                .map(|argument| (*argument).to_owned())
                .collect(),
        }
    }

    #[test]
    fn image_tag_of_common_references() {
        let cases = [
            ("registry.k8s.io/kueue/kueue:v0.19.2", Some("v0.19.2")),
            ("localhost:5000/kueue:v0.18.1", Some("v0.18.1")),
            ("kueue:v0.17.0@sha256:0123abcd", Some("v0.17.0")),
            ("registry.k8s.io/kueue/kueue@sha256:0123abcd", None),
            ("localhost:5000/kueue", None),
            ("kueue:", None),
        ];
        for (image, expected) in cases {
            assert_eq!(container(image, &[]).image_tag(), expected, "{image}");
        }
    }

    #[test]
    fn feature_gates_in_every_flag_form() {
        let cases: [(&[&str], Option<&str>); 5] = [
            (
                &["--config=/c.yaml", "--feature-gates=A=true"],
                Some("A=true"),
            ),
            (&["-feature-gates=A=false"], Some("A=false")),
            (
                &["--feature-gates", "B=true,C=false"],
                Some("B=true,C=false"),
            ),
            (
                &["--feature-gates=A=true", "--feature-gates=B=true"],
                Some("B=true"),
            ),
            (&["/manager", "--zap-log-level=2"], None),
        ];
        for (arguments, expected) in cases {
            let manager = container("kueue:v0.19.2", arguments);
            assert_eq!(manager.feature_gates_argument(), expected, "{arguments:?}");
        }
    }

    #[test]
    fn manager_container_picked_by_name() {
        let deployment = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "kube-rbac-proxy", "image": "quay.io/brancz/kube-rbac-proxy:v0.18.0"},
            {"name": "manager", "image": "registry.k8s.io/kueue/kueue:v0.19.2",
             "command": ["/manager"], "args": ["--feature-gates=A=true"]},
        ]}}}});

        let manager = ManagerContainer::from_deployment(&deployment).expect("a manager");

        assert_eq!(manager.index, 1);
        assert_eq!(manager.image_tag(), Some("v0.19.2"));
        assert_eq!(manager.arguments, ["/manager", "--feature-gates=A=true"]);
    }

    #[test]
    fn manager_container_missing() {
        let deployment = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "busybox"},
            {"name": "b", "image": "nginx"},
        ]}}}});

        assert_eq!(ManagerContainer::from_deployment(&deployment), None);
    }
}
