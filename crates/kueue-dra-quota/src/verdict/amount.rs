//! Kueue's `resources.Amount`: an int64 quota value where the int64 maximum means unlimited,
//! and arithmetic saturates instead of wrapping (`pkg/resources/amount.go`, v0.18.0 and later).

use std::cmp::Ordering;

/// A quota value in Kueue's units: milli-units for `cpu`, whole units for the rest.
///
/// NOTE: Kueue before v0.18.0 computes quotas with plain int64 values that wrap on
/// overflow. This type saturates for every release, so a quota near the int64 range can
/// differ from what those releases compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Amount(i64);

impl Amount {
    pub(crate) const ZERO: Self = Self(0);
    pub(crate) const UNLIMITED: Self = Self(i64::MAX);

    pub(crate) fn from_value(value: i64) -> Self {
        Self(value)
    }

    pub(crate) fn value(self) -> i64 {
        self.0
    }

    pub(crate) fn is_unlimited(self) -> bool {
        self == Self::UNLIMITED
    }

    pub(crate) fn add(self, other: Self) -> Self {
        if self.is_unlimited() || other.is_unlimited() {
            return Self::UNLIMITED;
        }
        Self(self.0.saturating_add(other.0))
    }

    pub(crate) fn sub(self, other: Self) -> Self {
        match (self.is_unlimited(), other.is_unlimited()) {
            (true, true) => Self::ZERO,
            (true, false) => Self::UNLIMITED,
            (false, true) => Self(i64::MIN),
            (false, false) => Self(self.0.saturating_sub(other.0)),
        }
    }

    /// Compares as Kueue's `Amount.Cmp`, where two unlimited amounts are equal.
    pub(crate) fn cmp_amount(self, other: Self) -> Ordering {
        self.0.cmp(&other.0)
    }

    pub(crate) fn max(self, other: Self) -> Self {
        if self.cmp_amount(other).is_gt() {
            self
        } else {
            other
        }
    }

    pub(crate) fn min(self, other: Self) -> Self {
        if self.cmp_amount(other).is_lt() {
            self
        } else {
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_absorbs_addition() {
        let sum = Amount::UNLIMITED.add(Amount::from_value(5));

        assert!(sum.is_unlimited());
    }

    #[test]
    fn unlimited_minus_unlimited_is_zero() {
        assert_eq!(Amount::UNLIMITED.sub(Amount::UNLIMITED), Amount::ZERO);
    }

    #[test]
    fn bounded_subtraction_saturates() {
        let difference = Amount::from_value(i64::MIN + 1).sub(Amount::from_value(5));

        assert_eq!(difference.value(), i64::MIN);
    }
}
