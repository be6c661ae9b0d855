//! The Kubernetes CEL libraries a DRA selector may call: quantities
//! (`k8s.io/apiserver/pkg/cel/library/quantity.go`) and semantic versions (`semverlib.go`).
//!
//! Quantities are compared and added with the crate's exact [`Quantity`] arithmetic.
// NOTE: `asApproximateFloat()` is declared by Kubernetes but not provided here, because
// quantities are never converted to floating point in this crate. A selector that calls it
// fails to evaluate.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use cel::extractors::{Arguments, This};
use cel::objects::Opaque;
use cel::{Context, ExecutionError, Value};

use crate::quantity::{Format, Quantity};

/// The names Kubernetes gives its opaque CEL types.
const QUANTITY_TYPE: &str = "kubernetes.Quantity";
const SEMVER_TYPE: &str = "kubernetes.Semver";

/// A Kubernetes quantity as a CEL value.
pub(crate) struct QuantityValue(pub Quantity);

/// A semantic version as a CEL value.
pub(crate) struct SemverValue(pub semver::Version);

impl fmt::Debug for QuantityValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

impl PartialEq for QuantityValue {
    fn eq(&self, other: &Self) -> bool {
        self.0.cmp_value(&other.0) == Ordering::Equal
    }
}

impl Eq for QuantityValue {}

impl Opaque for QuantityValue {
    fn runtime_type_name(&self) -> &str {
        QUANTITY_TYPE
    }
}

impl fmt::Debug for SemverValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

impl PartialEq for SemverValue {
    fn eq(&self, other: &Self) -> bool {
        self.0.cmp_precedence(&other.0) == Ordering::Equal
    }
}

impl Eq for SemverValue {}

impl Opaque for SemverValue {
    fn runtime_type_name(&self) -> &str {
        SEMVER_TYPE
    }
}

/// The global functions the libraries declare.
pub(crate) const GLOBAL_FUNCTIONS: &[&str] = &["quantity", "isQuantity", "semver", "isSemver"];

/// The member functions the libraries declare on quantities or versions.
pub(crate) const MEMBER_FUNCTIONS: &[&str] = &[
    "add",
    "sub",
    "sign",
    "isInteger",
    "asInteger",
    "asApproximateFloat",
    "isLessThan",
    "isGreaterThan",
    "compareTo",
    "major",
    "minor",
    "patch",
];

/// Adds the library functions to `context`.
pub(crate) fn add_functions(context: &mut Context<'_, '_>) {
    // `add_function` fails only when the environment declares the name as an overload. The
    // standard environment declares none of these names, and the tests of each function fail
    // if it ever does.
    let _ = context.add_function(
        "quantity",
        |text: Arc<String>| -> Result<Value, ExecutionError> {
            parse_quantity(&text).map(quantity_value)
        },
    );
    let _ = context.add_function("isQuantity", |text: Arc<String>| {
        Value::Bool(Quantity::parse(&text).is_ok())
    });
    let _ = context.add_function("semver", |Arguments(arguments): Arguments| {
        parse_version_arguments(&arguments)
            .map(|version| Value::Opaque(Arc::new(SemverValue(version))))
    });
    let _ = context.add_function("isSemver", |Arguments(arguments): Arguments| {
        Value::Bool(parse_version_arguments(&arguments).is_ok())
    });

    let _ = context.add_function("add", |This(this): This<Value>, other: Value| {
        combine("add", &this, &other, false)
    });
    let _ = context.add_function("sub", |This(this): This<Value>, other: Value| {
        combine("sub", &this, &other, true)
    });
    let _ = context.add_function("sign", |This(this): This<Value>| {
        let quantity = quantity_of("sign", &this)?;
        Ok::<_, ExecutionError>(Value::Int(match quantity.sign() {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }))
    });
    let _ = context.add_function("isInteger", |This(this): This<Value>| {
        let quantity = quantity_of("isInteger", &this)?;
        Ok::<_, ExecutionError>(Value::Bool(quantity.as_int64().is_some()))
    });
    let _ = context.add_function("asInteger", |This(this): This<Value>| {
        let quantity = quantity_of("asInteger", &this)?;
        quantity.as_int64().map(Value::Int).ok_or_else(|| {
            ExecutionError::function_error("asInteger", "cannot convert value to integer")
        })
    });
    let _ = context.add_function("isLessThan", |This(this): This<Value>, other: Value| {
        compare("isLessThan", &this, &other).map(|order| Value::Bool(order == Ordering::Less))
    });
    let _ = context.add_function("isGreaterThan", |This(this): This<Value>, other: Value| {
        compare("isGreaterThan", &this, &other).map(|order| Value::Bool(order == Ordering::Greater))
    });
    let _ = context.add_function("compareTo", |This(this): This<Value>, other: Value| {
        compare("compareTo", &this, &other).map(|order| Value::Int(order as i64))
    });
    let _ = context.add_function("major", |This(this): This<Value>| {
        version_part("major", &this, |version| version.major)
    });
    let _ = context.add_function("minor", |This(this): This<Value>| {
        version_part("minor", &this, |version| version.minor)
    });
    let _ = context.add_function("patch", |This(this): This<Value>| {
        version_part("patch", &this, |version| version.patch)
    });
}

/// Describes an evaluation error in cel-go's words where they are known.
pub(crate) fn describe_error(error: &ExecutionError) -> String {
    match error {
        ExecutionError::NoSuchKey(key) => format!("no such key: {key}"),
        ExecutionError::NoSuchOverload(_) => "no such overload".to_owned(),
        ExecutionError::FunctionError { message, .. } => message.clone(),
        ExecutionError::UndeclaredReference(name) => {
            format!("no such attribute(s): {name}")
        }
        ExecutionError::DivisionByZero(_) => "division by zero".to_owned(),
        ExecutionError::RemainderByZero(_) => "modulus by zero".to_owned(),
        other => other.to_string(),
    }
}

/// Returns cel-go's name for the type of `value`.
pub(crate) fn type_name(value: &Value) -> String {
    match value {
        Value::List(_) => "list".to_owned(),
        Value::Map(_) => "map".to_owned(),
        Value::Function(..) => "function".to_owned(),
        Value::Int(_) => "int".to_owned(),
        Value::UInt(_) => "uint".to_owned(),
        Value::Float(_) => "double".to_owned(),
        Value::String(_) => "string".to_owned(),
        Value::Bytes(_) => "bytes".to_owned(),
        Value::Bool(_) => "bool".to_owned(),
        Value::Opaque(opaque) => opaque.runtime_type_name().to_owned(),
        Value::Struct(_) => "struct".to_owned(),
        Value::Null => "null_type".to_owned(),
    }
}

fn parse_quantity(text: &str) -> Result<Quantity, ExecutionError> {
    Quantity::parse(text).map_err(|_| {
        ExecutionError::function_error(
            "quantity",
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        )
    })
}

fn quantity_value(quantity: Quantity) -> Value {
    Value::Opaque(Arc::new(QuantityValue(quantity)))
}

fn quantity_of<'v>(function: &str, value: &'v Value) -> Result<&'v Quantity, ExecutionError> {
    match value {
        Value::Opaque(opaque) => opaque
            .downcast_ref::<QuantityValue>()
            .map(|quantity| &quantity.0)
            .ok_or_else(|| no_overload(function, value)),
        _ => Err(no_overload(function, value)),
    }
}

fn version_of<'v>(function: &str, value: &'v Value) -> Result<&'v semver::Version, ExecutionError> {
    match value {
        Value::Opaque(opaque) => opaque
            .downcast_ref::<SemverValue>()
            .map(|version| &version.0)
            .ok_or_else(|| no_overload(function, value)),
        _ => Err(no_overload(function, value)),
    }
}

fn no_overload(function: &str, value: &Value) -> ExecutionError {
    ExecutionError::no_such_member_overload(function, vec![type_name(value)])
}

/// Adds or subtracts a quantity or an int to a quantity.
fn combine(
    function: &str,
    this: &Value,
    other: &Value,
    subtract: bool,
) -> Result<Value, ExecutionError> {
    let mut sum = quantity_of(function, this)?.clone();
    let operand = match other {
        Value::Int(value) => Quantity::from_int(*value, Format::DecimalSI),
        _ => quantity_of(function, other)?.clone(),
    };
    if subtract {
        sum.sub(&operand);
    } else {
        sum.add(&operand);
    }
    Ok(quantity_value(sum))
}

/// Compares two quantities or two versions.
fn compare(function: &str, this: &Value, other: &Value) -> Result<Ordering, ExecutionError> {
    if let Ok(quantity) = quantity_of(function, this) {
        return Ok(quantity.cmp_value(quantity_of(function, other)?));
    }
    let version = version_of(function, this)?;
    Ok(version.cmp_precedence(version_of(function, other)?))
}

fn version_part(
    function: &str,
    this: &Value,
    part: impl Fn(&semver::Version) -> u64,
) -> Result<Value, ExecutionError> {
    let version = version_of(function, this)?;
    i64::try_from(part(version))
        .map(Value::Int)
        .map_err(|_| ExecutionError::function_error(function, "version part overflows int"))
}

/// Parses `semver(text)` or `semver(text, normalize)`. Normalizing accepts a leading `v`
/// and fills missing minor and patch parts with zero.
fn parse_version_arguments(arguments: &[Value]) -> Result<semver::Version, ExecutionError> {
    let (text, normalize) = match arguments {
        [Value::String(text)] => (text.as_str(), false),
        [Value::String(text), Value::Bool(normalize)] => (text.as_str(), *normalize),
        _ => {
            return Err(ExecutionError::no_such_overload(
                "semver",
                arguments.iter().map(type_name).collect(),
            ));
        }
    };
    let text = if normalize {
        normalize_version(text)
    } else {
        text.to_owned()
    };
    semver::Version::parse(&text).map_err(|error| {
        ExecutionError::function_error(
            "semver",
            format!("Version string is not a valid semver: {error}"),
        )
    })
}

fn normalize_version(text: &str) -> String {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (core, rest) = match text.find(['-', '+']) {
        Some(position) => text.split_at(position),
        None => (text, ""),
    };
    let mut parts: Vec<String> = core
        .split('.')
        .map(|part| {
            let trimmed = part.trim_start_matches('0');
            if trimmed.is_empty() {
                "0".to_owned()
            } else {
                trimmed.to_owned()
            }
        })
        .collect();
    while parts.len() < 3 {
        parts.push("0".to_owned());
    }
    format!("{}{rest}", parts.join("."))
}
