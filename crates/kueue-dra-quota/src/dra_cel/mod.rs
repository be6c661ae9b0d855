//! CEL device selectors with the environment Kubernetes gives DRA
//! (`k8s.io/dynamic-resource-allocation/cel`): the `device` variable with `driver`,
//! `attributes` and `capacity`, and the Kubernetes `quantity` and `semver` libraries.
//!
//! Kueue compiles selectors with `dracel.NewCache(256, dracel.Features{})`, so the
//! consumable-capacity field `device.allowMultipleAllocations` and list-typed attributes are
//! not declared. [`Features`] selects them for callers that need the scheduler's view.
//!
//! Compilation parses the expression with the `cel` crate, then checks what cel-go's type
//! checker would reject in this environment: undeclared variables and functions, unknown
//! fields of `device`, and a result that is known not to be a bool. Error details use cel-go's
//! layout (`ERROR: <input>:line:column: message` with the source line and a caret below),
//! but the message wording of syntax errors comes from the `cel` crate's parser.

mod check;
mod device;
mod library;

use std::sync::Arc;

use cel::common::ast::{ComprehensionExpr, Expr, IdedExpr, ListExpr, LiteralValue};
use cel::parser::{Macro, MacroExprHelper, ParseError};
use cel::{Context, Env, Program};

pub use device::CelDevice;

use crate::dra_cel::check::{OutputType, check_expression};

/// The optional parts of the DRA CEL environment, as `dracel.Features`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// Declares `device.allowMultipleAllocations` (Kubernetes `DRAConsumableCapacity`).
    pub consumable_capacity: bool,
}

/// A compiled device selector.
pub struct Selector {
    environment: Arc<Env>,
    program: Program,
    expression: String,
    /// The attribute and capacity domains the expression names literally.
    domains: Vec<String>,
}

/// A compilation error, with the detail cel-go's compiler would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The detail as `CompilationResult.Error.Detail` contains it, with Kubernetes'
    /// `compilation failed: ` prefix.
    pub detail: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.detail)
    }
}

impl std::error::Error for CompileError {}

/// Compiles `expression` for the DRA environment with `features`.
///
/// # Errors
///
/// Returns the compilation error: a syntax error, an undeclared reference, an unknown field
/// of `device`, or a result type other than bool.
pub fn compile(expression: &str, features: Features) -> Result<Selector, CompileError> {
    let environment = Arc::new(environment());
    let program = environment.compile(expression).map_err(|errors| {
        let issues: Vec<String> = errors
            .errors
            .iter()
            .map(|error| {
                let (line, column) = (error.pos.0.max(1), (error.pos.1 - 1).max(0));
                issue(expression, line, column, &error.msg)
            })
            .collect();
        CompileError {
            detail: format!("compilation failed: {}", issues.join("\n")),
        }
    })?;

    let issues = check_expression(&program, expression, features);
    if !issues.is_empty() {
        return Err(CompileError {
            detail: format!("compilation failed: {}", issues.join("\n")),
        });
    }
    if let OutputType::Known(type_name) = check::output_type(program.expression())
        && type_name != "bool"
    {
        return Err(CompileError {
            detail: format!("must evaluate to bool or the unknown type, not {type_name}"),
        });
    }

    let domains = check::literal_domains(program.expression());
    Ok(Selector {
        environment,
        program,
        expression: expression.to_owned(),
        domains,
    })
}

impl std::fmt::Debug for Selector {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Selector")
            .field("expression", &self.expression)
            .finish_non_exhaustive()
    }
}

impl Selector {
    /// Returns the expression as written.
    #[must_use]
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// Evaluates the selector on `device`, as `CompilationResult.DeviceMatches`.
    ///
    /// # Errors
    ///
    /// Returns the evaluation error: a missing attribute, a function applied to the wrong
    /// type, an attribute value that cannot be read, or a result that is not a bool.
    pub fn matches(&self, device: &CelDevice<'_>) -> Result<bool, String> {
        let mut context = Context::with_env(Arc::clone(&self.environment));
        library::add_functions(&mut context);
        context.add_variable_from_value("device", device.to_value(&self.domains)?);

        let result = self
            .program
            .execute(&context)
            .map_err(|error| library::describe_error(&error))?;
        match result {
            cel::Value::Bool(matched) => Ok(matched),
            other => Err(format!(
                "CEL result of type {} could not be converted to bool: type conversion error from '{}' to 'bool'",
                library::type_name(&other),
                library::type_name(&other)
            )),
        }
    }
}

/// Builds the standard environment with the strings extension and the `cel.bind` macro,
/// as Kubernetes' base environment declares them.
fn environment() -> Env {
    let mut environment = Env::stdlib();
    // Both only add declarations that a fresh environment lacks, so neither can fail.
    let _ = environment.add_extension(cel::extensions::strings);
    let _ = environment.add_macro(Macro::receiver("bind", 3, expand_bind));
    environment
}

/// Expands `cel.bind(name, init, result)` into a comprehension over no elements whose
/// accumulator is `name`, as cel-go's bindings extension does.
fn expand_bind(
    helper: &mut MacroExprHelper<'_>,
    target: &mut Option<IdedExpr>,
    arguments: &mut Vec<IdedExpr>,
) -> Result<Option<IdedExpr>, ParseError> {
    let is_cel = matches!(target.as_ref().map(|target| &target.expr), Some(Expr::Ident(name)) if name == "cel");
    if !is_cel {
        return Ok(None);
    }
    let name = match arguments.first().map(|argument| &argument.expr) {
        Some(Expr::Ident(name)) => name.clone(),
        _ => {
            return Err(helper.new_error(
                arguments[0].id,
                "cel.bind() variable names must be simple identifiers",
            ));
        }
    };
    let result = arguments.pop().unwrap_or_default();
    let init = arguments.pop().unwrap_or_default();
    let iter_range = helper.next_expr(Expr::List(ListExpr::new(Vec::new())));
    let loop_cond = helper.next_expr(Expr::Literal(LiteralValue::Boolean(false.into())));
    let loop_step = helper.next_expr(Expr::Ident(name.clone()));
    Ok(Some(helper.next_expr(Expr::Comprehension(Box::new(
        ComprehensionExpr {
            iter_range,
            iter_var: "#unused".to_owned(),
            iter_var2: None,
            accu_var: name,
            accu_init: init,
            loop_cond,
            loop_step,
            result,
        },
    )))))
}

/// Formats one compilation issue as cel-go does: the location, then the source line and a
/// caret under the column.
fn issue(expression: &str, line: isize, column: isize, message: &str) -> String {
    let line_number = usize::try_from(line).unwrap_or(1).max(1);
    let column_number = usize::try_from(column).unwrap_or(0);
    let source_line = expression.lines().nth(line_number - 1).unwrap_or_default();
    format!(
        "ERROR: <input>:{line_number}:{}: {message}\n | {source_line}\n | {}^",
        column_number + 1,
        ".".repeat(column_number)
    )
}

#[cfg(test)]
mod tests;
