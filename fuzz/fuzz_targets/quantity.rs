//! Quantity parsing and arithmetic on arbitrary text.
//!
//! The input is two quantities separated by the first newline. The first, if it parses, must
//! print as text that parses again, to the same value below 10^21. Kueue's int64
//! conversions, the sum and the product of the two must not panic.

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

    // apimachinery has no suffix beyond `E` (10^18) and `Ei`, and prints 10^21 and more
    // without an exponent (`1000E` prints as `1`), so only smaller values round-trip.
    let limit = Quantity::parse("1000E").expect("a valid quantity");
    let negative_limit = Quantity::parse("-1000E").expect("a valid quantity");
    let has_suffix = left.cmp_value(&limit) == Ordering::Less
        && left.cmp_value(&negative_limit) == Ordering::Greater;

    let printed = left.to_string();
    let reparsed = Quantity::parse(&printed).unwrap_or_else(|error| {
        panic!("`{printed}` printed from `{first}` does not parse: {error}")
    });
    if has_suffix {
        assert_eq!(
            reparsed.cmp_value(&left),
            Ordering::Equal,
            "`{first}` printed as `{printed}`"
        );
    }

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
