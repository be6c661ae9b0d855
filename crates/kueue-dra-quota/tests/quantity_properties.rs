//! Properties of the quantity arithmetic that must hold for every input: parsing never
//! panics, Kueue's int64 values saturate instead of overflowing, and what the formatter
//! writes parses back to the value it was given.

use std::cmp::Ordering;

use kueue_dra_quota::{Quantity, ResourceFormatter, resource_value};
use proptest::prelude::*;

/// Strings shaped like quantities, including signs, long digit runs, fractions, every suffix
/// and large exponents.
fn quantity_like() -> impl Strategy<Value = String> {
    "[+-]?[0-9]{0,40}(\\.[0-9]{0,40})?([eE][+-]?[0-9]{1,7}|[KMGTPE]i|[numkMGTPE])?"
}

/// Returns whether apimachinery has a suffix for the size of `quantity`, so that its printed
/// form keeps its value. It has none beyond `E` (10^18) and `Ei`, and prints 10^21 and more
/// without an exponent: `1000E` prints as `1` (`CanonicalizeBytes` ignores the missing suffix
/// in `k8s.io/apimachinery/pkg/api/resource/quantity.go`).
fn has_suffix_for_its_size(quantity: &Quantity) -> bool {
    let limit = Quantity::parse("1000E").expect("a valid quantity");
    let negative_limit = Quantity::parse("-1000E").expect("a valid quantity");
    quantity.cmp_value(&limit) == Ordering::Less
        && quantity.cmp_value(&negative_limit) == Ordering::Greater
}

#[test]
fn value_beyond_exa_prints_without_exponent() {
    // Found by the `quantity` fuzz target: apimachinery prints this 10^21 as `1`, so the
    // printed form does not parse back to the same value, and this crate does the same.
    let quantity = Quantity::parse("1000000000000000000000").expect("a valid quantity");
    assert_eq!(quantity.to_string(), "1");
    assert!(!has_suffix_for_its_size(&quantity));
}

#[test]
fn value_below_the_limit_has_a_suffix() {
    let quantity = Quantity::parse("999000000000000000000").expect("a valid quantity");
    assert_eq!(quantity.to_string(), "999E");
    assert!(has_suffix_for_its_size(&quantity));
}

proptest! {
    #[test]
    fn parse_never_panics_on_any_text(text in any::<String>()) {
        let _ = Quantity::parse(&text);
    }

    #[test]
    fn quantity_like_text_parses_or_errors(text in quantity_like()) {
        if let Ok(quantity) = Quantity::parse(&text) {
            // Kueue's conversions clamp instead of overflowing, whatever the size.
            let _ = resource_value("cpu", &quantity);
            let _ = resource_value("example.com/gpu", &quantity);
        }
    }

    #[test]
    fn display_parses_back_to_the_same_value(text in quantity_like()) {
        if let Some(quantity) = Quantity::parse(&text).ok().filter(has_suffix_for_its_size) {
            let printed = quantity.to_string();
            let reparsed = Quantity::parse(&printed)
                .unwrap_or_else(|error| panic!("`{printed}` from `{text}` does not parse: {error}"));
            prop_assert_eq!(reparsed.cmp_value(&quantity), Ordering::Equal, "{} -> {}", text, printed);
        }
    }

    // apimachinery parses up to 18 digits into an int64 and longer numbers into a big decimal,
    // which `AsInt64` does not convert.
    #[test]
    fn short_integers_are_int64(value in -999_999_999_999_999_999_i64..=999_999_999_999_999_999) {
        let quantity = Quantity::parse(&value.to_string()).expect("an integer is a quantity");
        prop_assert_eq!(quantity.as_int64(), Some(value));
    }

    // Negative values are left out here and below: the apiserver rejects negative requests,
    // and apimachinery's scaling of a negative big decimal reads only its low 64 bits.
    #[test]
    fn integers_keep_their_value(value in 0..=i64::MAX) {
        let quantity = Quantity::parse(&value.to_string()).expect("an integer is a quantity");
        prop_assert_eq!(resource_value("example.com/gpu", &quantity), value);
    }

    #[test]
    fn milli_values_saturate(value in 0..=i64::MAX) {
        let quantity = Quantity::parse(&value.to_string()).expect("an integer is a quantity");
        let expected = value.saturating_mul(1000);
        prop_assert_eq!(resource_value("cpu", &quantity), expected);
    }

    #[test]
    fn sums_are_exact(left in any::<i64>(), right in any::<i64>()) {
        let mut sum = Quantity::from_int(left, kueue_dra_quota::Format::DecimalSI);
        sum.add(&Quantity::from_int(right, kueue_dra_quota::Format::DecimalSI));
        let exact = i128::from(left) + i128::from(right);
        // Beyond int64 the sum is kept exactly as a big decimal, as apimachinery does.
        let expected = i64::try_from(exact).ok();
        prop_assert_eq!(sum.as_int64(), expected);
    }

    #[test]
    fn formatted_values_parse_back(value in 0..=i64::MAX, name in prop_oneof![
        Just("cpu"), Just("memory"), Just("example.com/gpu"), Just("hugepages-2Mi")
    ]) {
        let formatter = ResourceFormatter::default();
        let printed = formatter.format(name, value);
        let reparsed = Quantity::parse(&printed)
            .unwrap_or_else(|error| panic!("`{printed}` does not parse: {error}"));
        prop_assert_eq!(resource_value(name, &reparsed), value, "{} {} -> {}", name, value, printed);
    }
}
