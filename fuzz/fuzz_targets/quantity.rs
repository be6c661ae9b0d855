//! Quantity parsing and arithmetic on arbitrary text.
//!
//! The input is two quantities separated by the first newline. Each one that parses must
//! print as text that parses back to the same value, and Kueue's int64 conversions, the sum
//! and the product of the two must not panic.

#![no_main]

use std::cmp::Ordering;

use kueue_dra_quota::{Quantity, resource_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (first, second) = text.split_once('\n').unwrap_or((text, ""));

    let Ok(left) = Quantity::parse(first) else {
        return;
    };
    check_conversions(&left);

    let printed = left.to_string();
    let reparsed = Quantity::parse(&printed).unwrap_or_else(|error| {
        panic!("`{printed}` printed from `{first}` does not parse: {error}")
    });
    assert_eq!(
        reparsed.cmp_value(&left),
        Ordering::Equal,
        "`{first}` printed as `{printed}`"
    );

    let Ok(right) = Quantity::parse(second) else {
        return;
    };
    let mut sum = left.clone();
    sum.add(&right);
    check_conversions(&sum);
    let _ = sum.to_string();

    let product = left.multiply(&right);
    check_conversions(&product);
    let _ = product.to_string();
});

/// Runs the conversions Kueue applies to a quantity before it compares it with quota.
fn check_conversions(quantity: &Quantity) {
    let _ = quantity.as_int64();
    let _ = quantity.value();
    let _ = quantity.milli_value();
    let _ = quantity.safe_value();
    let _ = quantity.safe_milli_value();
    let _ = resource_value("cpu", quantity);
    let _ = resource_value("example.com/gpu", quantity);
}
