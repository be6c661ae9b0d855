//! The checks cel-go's type checker makes that a parser alone does not: declared variables,
//! declared functions, the fields of `device`, and the result type.
//!
//! The DRA environment declares one variable, `device`, of the object type
//! `kubernetes.DRADevice`. Its attributes are of the unknown type, so most expressions over
//! them type-check; what is rejected is what refers to something undeclared.

use cel::Program;
use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};

use crate::dra_cel::Features;
use crate::dra_cel::library::{GLOBAL_FUNCTIONS, MEMBER_FUNCTIONS};

/// Functions of CEL's standard library, the strings extension, and Kubernetes' list, regex,
/// URL and IP libraries, which the Kubernetes base environment declares.
const DECLARED_FUNCTIONS: &[&str] = &[
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "bool",
    "type",
    "dyn",
    "duration",
    "timestamp",
    "charAt",
    "indexOf",
    "lastIndexOf",
    "lowerAscii",
    "upperAscii",
    "replace",
    "split",
    "substring",
    "trim",
    "join",
    "quote",
    "format",
    "reverse",
    "isSorted",
    "sum",
    "min",
    "max",
    "find",
    "findAll",
    "url",
    "isURL",
    "ip",
    "isIP",
    "cidr",
    "isCIDR",
];

/// Identifiers that name types, which expressions may use as values (`type(x) == int`).
const TYPE_IDENTIFIERS: &[&str] = &[
    "bool",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
];

/// The result type of an expression, as far as the checker infers it.
pub(crate) enum OutputType {
    /// The type is known, by cel-go's name.
    Known(&'static str),
    /// The type is the unknown type, or one this check does not infer.
    Unknown,
}

/// Returns the issues cel-go's checker would report for `program`, formatted as cel-go
/// formats them.
// NOTE: types are not checked beyond names and the result type, so an expression cel-go
// rejects for mismatched types, such as `device.driver == 1`, compiles here.
pub(crate) fn check_expression(program: &Program, source: &str, features: Features) -> Vec<String> {
    let mut checker = Checker {
        program,
        source,
        features,
        scopes: Vec::new(),
        issues: Vec::new(),
    };
    checker.visit(program.expression());
    checker.issues
}

/// Returns the domains `expression` indexes `device.attributes` or `device.capacity` with
/// as string literals.
pub(crate) fn literal_domains(expression: &IdedExpr) -> Vec<String> {
    let mut domains = Vec::new();
    for_each_node(expression, &mut |node| {
        let Expr::Call(call) = &node.expr else {
            return;
        };
        if call.func_name != "_[_]" {
            return;
        }
        if let [operand, index] = call.args.as_slice() {
            let indexes_device_map =
                is_device_field(operand, "attributes") || is_device_field(operand, "capacity");
            if let (true, Expr::Literal(LiteralValue::String(domain))) =
                (indexes_device_map, &index.expr)
            {
                domains.push(domain.inner().to_owned());
            }
        }
    });
    domains.sort();
    domains.dedup();
    domains
}

/// Calls `visit` on `expression` and every expression inside it.
fn for_each_node(expression: &IdedExpr, visit: &mut dyn FnMut(&IdedExpr)) {
    visit(expression);
    match &expression.expr {
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                for_each_node(target, visit);
            }
            for argument in &call.args {
                for_each_node(argument, visit);
            }
        }
        Expr::Select(select) => for_each_node(&select.operand, visit),
        Expr::Comprehension(comprehension) => {
            for part in [
                &comprehension.iter_range,
                &comprehension.accu_init,
                &comprehension.loop_cond,
                &comprehension.loop_step,
                &comprehension.result,
            ] {
                for_each_node(part, visit);
            }
        }
        Expr::List(list) => {
            for element in &list.elements {
                for_each_node(element, visit);
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                if let EntryExpr::MapEntry(entry) = &entry.expr {
                    for_each_node(&entry.key, visit);
                    for_each_node(&entry.value, visit);
                }
            }
        }
        Expr::Struct(_) | Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

fn is_device_field(expression: &IdedExpr, field: &str) -> bool {
    matches!(&expression.expr, Expr::Select(select)
        if !select.test && select.field == field
            && matches!(&select.operand.expr, Expr::Ident(name) if name == "device"))
}

/// Infers the result type of `expression` where it is evident.
pub(crate) fn output_type(expression: &IdedExpr) -> OutputType {
    match &expression.expr {
        Expr::Literal(literal) => OutputType::Known(match literal {
            LiteralValue::Boolean(_) => "bool",
            LiteralValue::Bytes(_) => "bytes",
            LiteralValue::Double(_) => "double",
            LiteralValue::Int(_) => "int",
            LiteralValue::Null => "null_type",
            LiteralValue::String(_) => "string",
            LiteralValue::UInt(_) => "uint",
        }),
        Expr::Select(select) if select.test => OutputType::Known("bool"),
        Expr::Select(_) if is_device_field(expression, "driver") => OutputType::Known("string"),
        Expr::Select(_) if is_device_field(expression, "allowMultipleAllocations") => {
            OutputType::Known("bool")
        }
        Expr::Call(call) => match call.func_name.as_str() {
            "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_" | "_&&_" | "_||_" | "!_" | "@in"
            | "startsWith" | "endsWith" | "contains" | "matches" | "isLessThan"
            | "isGreaterThan" | "isInteger" | "isQuantity" | "isSemver" => {
                OutputType::Known("bool")
            }
            "size" | "compareTo" | "major" | "minor" | "patch" | "sign" | "asInteger" => {
                OutputType::Known("int")
            }
            "quantity" => OutputType::Known("kubernetes.Quantity"),
            "add" | "sub" if call.target.is_some() => OutputType::Known("kubernetes.Quantity"),
            "semver" => OutputType::Known("kubernetes.Semver"),
            "lowerAscii" | "upperAscii" | "trim" | "replace" | "substring" | "charAt" => {
                OutputType::Known("string")
            }
            _ => OutputType::Unknown,
        },
        Expr::List(_) => OutputType::Known("list(dyn)"),
        Expr::Map(_) => OutputType::Known("map(dyn, dyn)"),
        _ => OutputType::Unknown,
    }
}

struct Checker<'a> {
    program: &'a Program,
    source: &'a str,
    features: Features,
    /// Comprehension variables in scope, innermost last.
    scopes: Vec<String>,
    issues: Vec<String>,
}

impl Checker<'_> {
    fn visit(&mut self, expression: &IdedExpr) {
        match &expression.expr {
            Expr::Ident(name) => {
                let declared = name == "device"
                    || TYPE_IDENTIFIERS.contains(&name.as_str())
                    || self.in_scope(name);
                if !declared {
                    let message = format!("undeclared reference to '{name}' (in container '')");
                    self.report(expression, &message);
                }
            }
            Expr::Select(select) => {
                if let Expr::Ident(name) = &select.operand.expr {
                    let is_device = name == "device" && !self.in_scope(name);
                    if is_device && !self.device_has_field(&select.field) {
                        let message = format!("undefined field '{}'", select.field);
                        self.report(expression, &message);
                        return;
                    }
                }
                self.visit(&select.operand);
            }
            Expr::Call(call) => {
                let name = call.func_name.as_str();
                let operator = name.starts_with('_') || name.starts_with('@') || name == "!_";
                let declared = operator
                    || DECLARED_FUNCTIONS.contains(&name)
                    || GLOBAL_FUNCTIONS.contains(&name)
                    || (call.target.is_some() && MEMBER_FUNCTIONS.contains(&name));
                if !declared {
                    let message = format!("undeclared reference to '{name}' (in container '')");
                    self.report(expression, &message);
                }
                if let Some(target) = &call.target {
                    self.visit(target);
                }
                for argument in &call.args {
                    self.visit(argument);
                }
            }
            Expr::Comprehension(comprehension) => {
                self.visit(&comprehension.iter_range);
                self.visit(&comprehension.accu_init);
                let depth = self.scopes.len();
                self.scopes.push(comprehension.iter_var.clone());
                self.scopes.push(comprehension.accu_var.clone());
                self.scopes.extend(comprehension.iter_var2.clone());
                self.visit(&comprehension.loop_cond);
                self.visit(&comprehension.loop_step);
                self.visit(&comprehension.result);
                self.scopes.truncate(depth);
            }
            Expr::List(list) => {
                for element in &list.elements {
                    self.visit(element);
                }
            }
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        self.visit(&entry.key);
                        self.visit(&entry.value);
                    }
                }
            }
            Expr::Struct(structure) => {
                let message = format!(
                    "undeclared reference to '{}' (in container '')",
                    structure.type_name
                );
                self.report(expression, &message);
            }
            Expr::Literal(_) | Expr::Unspecified => {}
        }
    }

    fn in_scope(&self, name: &str) -> bool {
        self.scopes.iter().any(|scope| scope == name)
    }

    fn device_has_field(&self, field: &str) -> bool {
        matches!(field, "driver" | "attributes" | "capacity")
            || (field == "allowMultipleAllocations" && self.features.consumable_capacity)
    }

    /// Records an issue at the source position of `expression`.
    fn report(&mut self, expression: &IdedExpr, message: &str) {
        let start = self
            .program
            .source_info()
            .offset_for(expression.id)
            .map_or(0, |(start, _)| usize::try_from(start).unwrap_or(0));
        let before = self.source.get(..start).unwrap_or(self.source);
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count();
        self.issues.push(super::issue(
            self.source,
            isize::try_from(line).unwrap_or(1),
            isize::try_from(column).unwrap_or(0),
            message,
        ));
    }
}
