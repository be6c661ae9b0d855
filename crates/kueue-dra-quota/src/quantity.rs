//! Kubernetes resource quantities with apimachinery's exact semantics, and the int64 resource
//! values Kueue derives from them.
//!
//! [`Quantity`] mirrors `k8s.io/apimachinery/pkg/api/resource.Quantity` as vendored by Kueue
//! v0.19.2. It has the same parser, the same two internal forms (a scaled int64 and an
//! arbitrary-precision decimal) and the same rounding. Its canonical string is the same too,
//! including the input string that `String()` returns when the input was already canonical. Kueue's error
//! messages print quantities with `String()` and its checks call `AsInt64()`, so both
//! forms are kept apart exactly as apimachinery keeps them. No floating point is used.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use num_bigint::{BigInt, Sign};
use num_traits::{One, Signed, Zero};

use crate::Error;

/// The largest decimal exponent, in either direction, of a quantity this crate computes with.
///
/// apimachinery accepts larger exponents, but aligning two decimals then needs numbers with
/// that many digits. Kueue's own comparisons against int64 bounds would build them too.
// NOTE: quantities beyond this limit are rejected with `Error::QuantityOutOfRange` rather than
// computed; apimachinery would parse them.
pub const EXPONENT_LIMIT: i64 = 100_000;

/// The notation a quantity is formatted in, as apimachinery's `Format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A decimal mantissa with an `e<exponent>` suffix, such as `12e6`.
    DecimalExponent,
    /// A power-of-two suffix, such as `12Mi`.
    BinarySI,
    /// A power-of-ten suffix, such as `12M` or `500m`.
    DecimalSI,
}

/// A Kubernetes resource quantity, as apimachinery represents it.
#[derive(Debug, Clone)]
pub struct Quantity {
    amount: Amount,
    format: Format,
    /// The input string, kept when apimachinery keeps it: the input was already canonical.
    cached: Option<String>,
}

/// The two internal forms of a quantity.
#[derive(Debug, Clone)]
enum Amount {
    /// `value * 10^scale`, apimachinery's `int64Amount`.
    Int { value: i64, scale: i32 },
    /// `unscaled * 10^-scale`, an `inf.Dec` (note the inverted scale).
    Dec { unscaled: BigInt, scale: i32 },
}

/// The parts of a quantity string, as apimachinery's scanner splits it.
struct Scanned<'a> {
    positive: bool,
    /// The signed number without its suffix, such as `-1.5`.
    value: &'a str,
    /// The integer digits without leading zeros, `0` when there are none.
    numerator: &'a str,
    /// The fraction digits.
    denominator: &'a str,
    suffix: &'a str,
}

const SUFFIX_CHARACTERS: &[u8] = b"eEinumkKMGTP";
const MAX_INT64_FACTORS: i32 = 18;

impl Quantity {
    /// Parses `text` as apimachinery's `ParseQuantity` does after JSON decoding trims
    /// surrounding whitespace.
    ///
    /// # Errors
    ///
    /// [`Error::QuantitySyntax`], [`Error::QuantitySuffix`] or [`Error::QuantityNumber`]
    /// where apimachinery rejects the string, and [`Error::QuantityOutOfRange`] for an
    /// exponent beyond [`EXPONENT_LIMIT`].
    pub fn parse(text: &str) -> Result<Self, Error> {
        let input = text.trim();
        if input.is_empty() {
            return Err(Error::QuantitySyntax {
                input: text.to_owned(),
            });
        }
        if input == "0" {
            return Ok(Self {
                amount: Amount::Int { value: 0, scale: 0 },
                format: Format::DecimalSI,
                cached: Some(input.to_owned()),
            });
        }

        let scanned = scan(input).ok_or_else(|| Error::QuantitySyntax {
            input: text.to_owned(),
        })?;
        let (base, exponent, format) =
            interpret_suffix(scanned.suffix).ok_or_else(|| Error::QuantitySuffix {
                input: text.to_owned(),
                suffix: scanned.suffix.to_owned(),
            })?;

        if let Some(quantity) = parse_fast(input, &scanned, exponent, format) {
            return check_range(quantity, text);
        }
        parse_decimal(&scanned, base, exponent, format, text)
    }

    /// Returns a quantity of `value` whole units, as apimachinery's `NewQuantity`.
    #[must_use]
    pub fn from_int(value: i64, format: Format) -> Self {
        Self {
            amount: Amount::Int { value, scale: 0 },
            format,
            cached: None,
        }
    }

    /// Returns a quantity of `value` thousandths, as apimachinery's `NewMilliQuantity`.
    #[must_use]
    pub fn from_milli(value: i64, format: Format) -> Self {
        Self {
            amount: Amount::Int { value, scale: -3 },
            format,
            cached: None,
        }
    }

    /// Returns the format the quantity is written in.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// Returns whether the quantity is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        match &self.amount {
            Amount::Int { value, .. } => *value == 0,
            Amount::Dec { unscaled, .. } => unscaled.is_zero(),
        }
    }

    /// Returns the sign of the quantity: `Less` for negative, `Equal` for zero.
    #[must_use]
    pub fn sign(&self) -> Ordering {
        match &self.amount {
            Amount::Int { value, .. } => value.cmp(&0),
            Amount::Dec { unscaled, .. } => match unscaled.sign() {
                Sign::Minus => Ordering::Less,
                Sign::NoSign => Ordering::Equal,
                Sign::Plus => Ordering::Greater,
            },
        }
    }

    /// Compares the values of two quantities exactly.
    #[must_use]
    pub fn cmp_value(&self, other: &Self) -> Ordering {
        let (left, left_scale) = self.decimal();
        let (right, right_scale) = other.decimal();
        compare_decimals(&left, left_scale, &right, right_scale)
    }

    /// Returns the value as an int64 when apimachinery's `AsInt64` can: the scaled int64
    /// form with a scale of zero or more whose value fits. A decimal form or a negative scale
    /// (`1000m`) never converts, even when the value is a whole number.
    #[must_use]
    pub fn as_int64(&self) -> Option<i64> {
        match self.amount {
            Amount::Int { value, scale } => match scale.cmp(&0) {
                Ordering::Equal => Some(value),
                Ordering::Less => None,
                Ordering::Greater => positive_scale_int64(value, scale),
            },
            Amount::Dec { .. } => None,
        }
    }

    /// Adds `other` in place as apimachinery's `Quantity.Add`: exact, keeping the int64 form
    /// while the sum fits, and taking `other`'s format when this quantity is zero.
    pub fn add(&mut self, other: &Self) {
        self.cached = None;
        if let (
            Amount::Int { value, scale },
            Amount::Int {
                value: other_value,
                scale: other_scale,
            },
        ) = (&self.amount, &other.amount)
        {
            if *value == 0 {
                self.format = other.format;
            }
            if let Some((sum, sum_scale)) = int_add(*value, *scale, *other_value, *other_scale) {
                self.amount = Amount::Int {
                    value: sum,
                    scale: sum_scale,
                };
                return;
            }
        } else if self.is_zero() {
            self.format = other.format;
        }

        let (left, left_scale) = self.decimal();
        let (right, right_scale) = other.decimal();
        let (sum, scale) = add_decimals(&left, left_scale, &right, right_scale);
        self.amount = Amount::Dec {
            unscaled: sum,
            scale,
        };
    }

    /// Subtracts `other` in place as apimachinery's `Quantity.Sub`: [`Quantity::add`] of the
    /// negated value, which keeps the int64 form while the result fits.
    pub fn sub(&mut self, other: &Self) {
        let negated_amount = match &other.amount {
            Amount::Int { value, scale } if *value != i64::MIN => Amount::Int {
                value: -value,
                scale: *scale,
            },
            _ => {
                let (unscaled, scale) = other.decimal();
                Amount::Dec {
                    unscaled: -unscaled,
                    scale,
                }
            }
        };
        let negated = Self {
            amount: negated_amount,
            format: other.format,
            cached: None,
        };
        self.add(&negated);
    }

    /// Multiplies two quantities exactly into the decimal form, keeping this quantity's
    /// format, as Kueue's resource transformations do.
    #[must_use]
    pub fn multiply(&self, other: &Self) -> Self {
        let (left, left_scale) = self.decimal();
        let (right, right_scale) = other.decimal();
        Self {
            amount: Amount::Dec {
                unscaled: left * right,
                scale: left_scale.wrapping_add(right_scale),
            },
            format: self.format,
            cached: None,
        }
    }

    /// Returns apimachinery's `Value()`: the value rounded up to a whole number.
    ///
    /// Like apimachinery, the result wraps when the value does not fit an int64, and a
    /// negative decimal-form value is truncated toward zero and then raised by one. Kueue calls
    /// [`Quantity::safe_value`] instead.
    #[must_use]
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// Returns apimachinery's `MilliValue()`: the value in thousandths, rounded up.
    #[must_use]
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(-3)
    }

    /// Returns Kueue's `SafeValue`: [`Quantity::value`] clamped to the int64 range.
    #[must_use]
    pub fn safe_value(&self) -> i64 {
        if self.cmp_value(&Self::from_int(i64::MAX, Format::DecimalSI)) == Ordering::Greater {
            return i64::MAX;
        }
        if self.cmp_value(&Self::from_int(i64::MIN, Format::DecimalSI)) == Ordering::Less {
            return i64::MIN;
        }
        self.value()
    }

    /// Returns Kueue's `SafeMilliValue`: [`Quantity::milli_value`] clamped to the int64 range.
    #[must_use]
    pub fn safe_milli_value(&self) -> i64 {
        if self.cmp_value(&Self::from_milli(i64::MAX, Format::DecimalSI)) == Ordering::Greater {
            return i64::MAX;
        }
        if self.cmp_value(&Self::from_milli(i64::MIN, Format::DecimalSI)) == Ordering::Less {
            return i64::MIN;
        }
        self.milli_value()
    }

    /// Returns the value as an `inf.Dec`: the unscaled integer and the inverted scale.
    fn decimal(&self) -> (BigInt, i32) {
        match &self.amount {
            Amount::Int { value, scale } => (BigInt::from(*value), scale.wrapping_neg()),
            Amount::Dec { unscaled, scale } => (unscaled.clone(), *scale),
        }
    }

    /// apimachinery's `ScaledValue(scale)`, `scale` being a power of ten (`-3` for milli).
    fn scaled_value(&self, scale: i32) -> i64 {
        match &self.amount {
            Amount::Int {
                value,
                scale: own_scale,
            } => {
                if *own_scale < scale {
                    negative_scale_int64(*value, scale - own_scale).0
                } else {
                    positive_scale_int64(*value, own_scale - scale).unwrap_or(0)
                }
            }
            Amount::Dec {
                unscaled,
                scale: dec_scale,
            } => big_scaled_value(unscaled, i64::from(*dec_scale), i64::from(-scale)),
        }
    }

    /// apimachinery's `CanonicalizeBytes`: the canonical number and suffix.
    fn canonical(&self) -> String {
        if self.is_zero() {
            return "0".to_owned();
        }

        let mut format = self.format;
        let mut rounded = None;
        if format == Format::BinarySI {
            let small = self.cmp_value(&Self::from_int(-1024, Format::DecimalSI))
                == Ordering::Greater
                && self.cmp_value(&Self::from_int(1024, Format::DecimalSI)) == Ordering::Less;
            if small {
                format = Format::DecimalSI;
            } else {
                let (amount, exact) = self.amount.as_scale_zero();
                if exact {
                    rounded = Some(amount);
                } else {
                    format = Format::DecimalSI;
                }
            }
        }

        if let (Format::BinarySI, Some(amount)) = (format, rounded) {
            let (number, exponent) = amount.canonical_base1024();
            return number + binary_suffix(exponent.wrapping_mul(10));
        }
        let (number, exponent) = self.amount.canonical_base10();
        number + &decimal_suffix(exponent, format)
    }
}

impl fmt::Display for Quantity {
    /// Formats as apimachinery's `String()`: the cached input when it was canonical,
    /// otherwise the canonical form.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cached {
            Some(text) => formatter.write_str(text),
            None => formatter.write_str(&self.canonical()),
        }
    }
}

impl FromStr for Quantity {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl Amount {
    /// apimachinery's `AsScale(0)`: the amount rounded away from zero to a whole number, and
    /// whether that was exact.
    fn as_scale_zero(&self) -> (Amount, bool) {
        match self {
            Amount::Int { value, scale } => {
                if *scale >= 0 {
                    return (self.clone(), true);
                }
                let (result, exact) = negative_scale_int64(*value, scale.wrapping_neg());
                (
                    Amount::Int {
                        value: result,
                        scale: 0,
                    },
                    exact,
                )
            }
            Amount::Dec { unscaled, scale } => {
                let rounded = round_away_from_zero(unscaled, *scale, 0);
                let exact = compare_decimals(&rounded, 0, unscaled, *scale) == Ordering::Equal;
                (
                    Amount::Dec {
                        unscaled: rounded,
                        scale: 0,
                    },
                    exact,
                )
            }
        }
    }

    /// apimachinery's `AsCanonicalBytes`: a mantissa and a power-of-ten exponent that is a
    /// multiple of three.
    fn canonical_base10(&self) -> (String, i32) {
        if let Amount::Int { value, scale } = self {
            let (mantissa, times) = remove_int64_factors(*value, 10);
            let exponent = scale.wrapping_add(times);
            let adjusted = match exponent % 3 {
                1 | -2 => mantissa.checked_mul(10).map(|m| (m, exponent - 1)),
                2 | -1 => mantissa.checked_mul(100).map(|m| (m, exponent - 2)),
                _ => Some((mantissa, exponent)),
            };
            if let Some((mantissa, exponent)) = adjusted {
                return (mantissa.to_string(), exponent);
            }
        }

        let (unscaled, scale) = match self {
            Amount::Int { value, scale } => (BigInt::from(*value), scale.wrapping_neg()),
            Amount::Dec { unscaled, scale } => (unscaled.clone(), *scale),
        };
        let (mut mantissa, times) = remove_big_factors(unscaled, 10);
        let mut exponent = scale.wrapping_neg().wrapping_add(times);
        while exponent % 3 != 0 {
            mantissa *= 10;
            exponent -= 1;
        }
        (mantissa.to_string(), exponent)
    }

    /// apimachinery's `AsCanonicalBase1024Bytes`: a mantissa and a power-of-1024 exponent.
    fn canonical_base1024(&self) -> (String, i32) {
        if let Amount::Int { value, scale } = self {
            let whole = if *scale < 0 {
                Some(negative_scale_int64(*value, scale.wrapping_neg()).0)
            } else {
                positive_scale_int64(*value, *scale)
            };
            if let Some(whole) = whole {
                let (mantissa, exponent) = remove_int64_factors(whole, 1024);
                return (mantissa.to_string(), exponent);
            }
        }

        let (unscaled, scale) = match self {
            Amount::Int { value, scale } => (BigInt::from(*value), scale.wrapping_neg()),
            Amount::Dec { unscaled, scale } => (unscaled.clone(), *scale),
        };
        let whole = round_away_from_zero(&unscaled, scale, 0);
        let (mantissa, exponent) = remove_big_factors(whole, 1024);
        (mantissa.to_string(), exponent)
    }
}

/// apimachinery's `parseQuantityString`, or `None` where it returns `ErrFormatWrong`.
fn scan(text: &str) -> Option<Scanned<'_>> {
    let bytes = text.as_bytes();
    let end = bytes.len();
    let mut position = 0;
    let mut positive = true;

    match bytes.first() {
        Some(b'-') => {
            positive = false;
            position += 1;
        }
        Some(b'+') => position += 1,
        _ => {}
    }

    // Leading zeros. A string of only a sign and zeros is zero.
    while position < end && bytes[position] == b'0' {
        position += 1;
    }
    if position >= end {
        return Some(Scanned {
            positive,
            value: "0",
            numerator: "0",
            denominator: "",
            suffix: "",
        });
    }

    let numerator_start = position;
    while position < end && bytes[position].is_ascii_digit() {
        position += 1;
    }
    let mut numerator = &text[numerator_start..position];
    if position >= end {
        return Some(Scanned {
            positive,
            value: text,
            numerator,
            denominator: "",
            suffix: "",
        });
    }
    if numerator.is_empty() {
        numerator = "0";
    }

    let mut denominator = "";
    if bytes[position] == b'.' {
        position += 1;
        let denominator_start = position;
        while position < end && bytes[position].is_ascii_digit() {
            position += 1;
        }
        denominator = &text[denominator_start..position];
        if position >= end {
            return Some(Scanned {
                positive,
                value: text,
                numerator,
                denominator,
                suffix: "",
            });
        }
    }
    let value = &text[..position];

    // The suffix: letters from a fixed set, an optional sign, then digits to the end.
    let suffix_start = position;
    while position < end && SUFFIX_CHARACTERS.contains(&bytes[position]) {
        position += 1;
    }
    if position < end && (bytes[position] == b'-' || bytes[position] == b'+') {
        position += 1;
    }
    while position < end && bytes[position].is_ascii_digit() {
        position += 1;
    }
    if position < end {
        return None;
    }
    Some(Scanned {
        positive,
        value,
        numerator,
        denominator,
        suffix: &text[suffix_start..],
    })
}

/// apimachinery's suffix interpretation: `(base, exponent, format)`.
fn interpret_suffix(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |exponent| Some((10, exponent, Format::DecimalSI));
    let binary = |exponent| Some((2, exponent, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let digits = suffix.strip_prefix(['e', 'E'])?;
            let parsed = parse_go_int64(digits)?;
            // apimachinery converts the parsed int64 to int32 without a range check.
            Some((10, parsed as i32, Format::DecimalExponent))
        }
    }
}

/// Go's `strconv.ParseInt(text, 10, 64)`: an optional sign and at least one digit.
fn parse_go_int64(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses on the int64 fast path of `ParseQuantity`, or returns `None` where apimachinery
/// falls back to decimals.
fn parse_fast(
    input: &str,
    scanned: &Scanned<'_>,
    exponent: i32,
    format: Format,
) -> Option<Quantity> {
    let digit_count = length_i64(scanned.numerator) + length_i64(scanned.denominator);
    let mut mantissa: i64 = 1;
    let (mut scale, precision) = match format {
        Format::DecimalExponent | Format::DecimalSI => {
            (exponent, i64::from(MAX_INT64_FACTORS) - digit_count)
        }
        Format::BinarySI => {
            if exponent >= 0 && scanned.denominator.is_empty() {
                mantissa <<= exponent;
                // apimachinery estimates the precision of a binary suffix as exponent*3/10
                // decimal digits; the suffix exponents are multiples of ten, so this is exact.
                let suffix_digits = i64::from(exponent) * 3 / 10;
                (0, 15 - length_i64(scanned.numerator) - suffix_digits - 1)
            } else {
                (0, -1)
            }
        }
    };
    if precision < 0 {
        return None;
    }

    scale = scale.wrapping_sub(length_i32(scanned.denominator));
    if scale < -9 {
        return None;
    }

    let shifted = format!("{}{}", scanned.numerator, scanned.denominator);
    let value: i64 = shifted.parse().ok()?;
    let mut result = value.checked_mul(mantissa)?;
    if !scanned.positive {
        result = -result;
    }

    // apimachinery keeps the input string when it is already in canonical form.
    let canonical = match format {
        Format::BinarySI => exponent % 10 == 0 && value & 0x07 != 0,
        _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
    };
    Some(Quantity {
        amount: Amount::Int {
            value: result,
            scale,
        },
        format,
        cached: canonical.then(|| input.to_owned()),
    })
}

/// Parses on the `inf.Dec` path of `ParseQuantity`.
fn parse_decimal(
    scanned: &Scanned<'_>,
    base: u32,
    exponent: i32,
    mut format: Format,
    text: &str,
) -> Result<Quantity, Error> {
    let unsigned = scanned
        .value
        .strip_prefix(['+', '-'])
        .unwrap_or(scanned.value);
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = format!("{integer}{fraction}");
    if digits.is_empty() {
        return Err(Error::QuantityNumber {
            input: text.to_owned(),
        });
    }
    let mut magnitude: BigInt = digits.parse().map_err(|_| Error::QuantityNumber {
        input: text.to_owned(),
    })?;
    let mut scale = length_i32(fraction);

    if base == 10 {
        scale = scale.wrapping_sub(exponent);
    } else {
        magnitude <<= exponent.unsigned_abs();
    }
    if !magnitude.is_zero() {
        let digit_count = length_i64(&magnitude.to_string());
        if digit_count - i64::from(scale) > EXPONENT_LIMIT || i64::from(scale) > EXPONENT_LIMIT {
            return Err(Error::QuantityOutOfRange {
                input: text.to_owned(),
                limit: EXPONENT_LIMIT,
            });
        }
        // Round non-zero values up to the smallest representable amount, one nano-unit.
        magnitude = round_away_from_zero(&magnitude, scale, 9);
        scale = 9;
    } else if i64::from(scale).abs() > EXPONENT_LIMIT {
        return Err(Error::QuantityOutOfRange {
            input: text.to_owned(),
            limit: EXPONENT_LIMIT,
        });
    }

    // BinarySI is capped at the largest int64; the other formats are not.
    let max_int64 = BigInt::from(i64::MAX);
    if format == Format::BinarySI
        && compare_decimals(&magnitude, scale, &max_int64, 0) == Ordering::Greater
    {
        magnitude = max_int64;
        scale = 0;
    }
    if format == Format::BinarySI
        && !magnitude.is_zero()
        && compare_decimals(&magnitude, scale, &BigInt::one(), 0) == Ordering::Less
    {
        format = Format::DecimalSI;
    }

    let unscaled = if scanned.positive {
        magnitude
    } else {
        -magnitude
    };
    Ok(Quantity {
        amount: Amount::Dec { unscaled, scale },
        format,
        cached: None,
    })
}

/// Returns the length of `text` as Go's `int32(len(text))` for the lengths a quantity can have.
fn length_i32(text: &str) -> i32 {
    i32::try_from(text.len()).unwrap_or(i32::MAX)
}

fn length_i64(text: &str) -> i64 {
    i64::try_from(text.len()).unwrap_or(i64::MAX)
}

/// Rejects an int64-form quantity whose exponent is beyond [`EXPONENT_LIMIT`].
fn check_range(quantity: Quantity, text: &str) -> Result<Quantity, Error> {
    if let Amount::Int { value, scale } = quantity.amount {
        let digit_count = i64::from(value.unsigned_abs().checked_ilog10().unwrap_or(0)) + 1;
        if i64::from(scale).abs() > EXPONENT_LIMIT
            || digit_count + i64::from(scale) > EXPONENT_LIMIT
        {
            return Err(Error::QuantityOutOfRange {
                input: text.to_owned(),
                limit: EXPONENT_LIMIT,
            });
        }
    }
    Ok(quantity)
}

/// apimachinery's `int64Amount.Add`, or `None` where it reports overflow.
fn int_add(value: i64, scale: i32, other: i64, other_scale: i32) -> Option<(i64, i32)> {
    if other == 0 {
        return Some((value, scale));
    }
    if value == 0 {
        return Some((other, other_scale));
    }
    match scale.cmp(&other_scale) {
        Ordering::Equal => Some((value.checked_add(other)?, scale)),
        Ordering::Greater => {
            let scaled = positive_scale_int64(value, scale - other_scale)?;
            Some((scaled.checked_add(other)?, other_scale))
        }
        Ordering::Less => {
            let scaled = positive_scale_int64(other, other_scale - scale)?;
            Some((value.checked_add(scaled)?, scale))
        }
    }
}

/// apimachinery's `positiveScaleInt64`: `base * 10^scale`, or `None` on overflow.
fn positive_scale_int64(base: i64, scale: i32) -> Option<i64> {
    let mut value = base;
    for _ in 0..scale.max(0) {
        if value == 0 {
            return Some(0);
        }
        value = value.checked_mul(10)?;
    }
    Some(value)
}

/// apimachinery's `negativeScaleInt64`: `base / 10^scale` rounded away from zero, and
/// whether that was exact.
fn negative_scale_int64(base: i64, scale: i32) -> (i64, bool) {
    if scale == 0 {
        return (base, true);
    }
    let mut value = base;
    let mut fraction = false;
    for _ in 0..scale.max(0) {
        if !fraction && value % 10 != 0 {
            fraction = true;
        }
        value /= 10;
        if value == 0 {
            if fraction {
                return (if base > 0 { 1 } else { -1 }, false);
            }
            return (0, true);
        }
    }
    if fraction {
        if base > 0 {
            value += 1;
        } else {
            value -= 1;
        }
    }
    (value, !fraction)
}

/// apimachinery's `removeInt64Factors`, including its wrapping negation of the minimum int64.
fn remove_int64_factors(value: i64, base: i64) -> (i64, i32) {
    let negative = value < 0;
    let mut result = if negative {
        value.wrapping_neg()
    } else {
        value
    };
    let mut times = 0;
    while result >= base && result % base == 0 {
        times += 1;
        result /= base;
    }
    if negative {
        result = result.wrapping_neg();
    }
    (result, times)
}

/// apimachinery's `removeBigIntFactors`.
fn remove_big_factors(value: BigInt, factor: u32) -> (BigInt, i32) {
    let mut result = value;
    let mut times = 0;

    // Strip factors nineteen at a time first, so that a number with many trailing zeros
    // needs few long divisions; the result is the same as one factor at a time.
    let chunk = num_traits::pow(BigInt::from(factor), 19);
    while !result.is_zero() && (&result % &chunk).is_zero() {
        result /= &chunk;
        times += 19;
    }

    let factor = BigInt::from(factor);
    while !result.is_zero() {
        let remainder = &result % &factor;
        if !remainder.is_zero() {
            break;
        }
        result /= &factor;
        times += 1;
    }
    (result, times)
}

/// Rounds `unscaled * 10^-scale` away from zero to `target` fraction digits and returns the
/// new unscaled integer, as `inf.Dec.Round` with `RoundUp`.
fn round_away_from_zero(unscaled: &BigInt, scale: i32, target: i32) -> BigInt {
    let shift = i64::from(scale) - i64::from(target);
    if shift <= 0 {
        return unscaled * pow10(shift.unsigned_abs());
    }
    let divisor = pow10(shift.unsigned_abs());
    let quotient = unscaled / &divisor;
    let remainder = unscaled % &divisor;
    if remainder.is_zero() {
        quotient
    } else if unscaled.is_negative() {
        quotient - 1
    } else {
        quotient + 1
    }
}

/// Compares two `inf.Dec` values exactly.
fn compare_decimals(left: &BigInt, left_scale: i32, right: &BigInt, right_scale: i32) -> Ordering {
    let sign_order = left.sign().cmp(&right.sign());
    if sign_order != Ordering::Equal || left.is_zero() {
        return sign_order;
    }
    let (left, right) = align(left, left_scale, right, right_scale);
    left.cmp(&right)
}

/// Adds two `inf.Dec` values exactly; the sum takes the larger scale, as `inf.Dec.Add`.
fn add_decimals(left: &BigInt, left_scale: i32, right: &BigInt, right_scale: i32) -> (BigInt, i32) {
    let scale = left_scale.max(right_scale);
    let (left, right) = align(left, left_scale, right, right_scale);
    (left + right, scale)
}

/// Brings two decimals to the larger of their scales. Zero is never scaled, so a zero with
/// an extreme scale builds no large number.
fn align(left: &BigInt, left_scale: i32, right: &BigInt, right_scale: i32) -> (BigInt, BigInt) {
    let scale_up = |value: &BigInt, from: i32, to: i32| {
        if value.is_zero() || from >= to {
            value.clone()
        } else {
            value * pow10((i64::from(to) - i64::from(from)).unsigned_abs())
        }
    };
    let scale = left_scale.max(right_scale);
    (
        scale_up(left, left_scale, scale),
        scale_up(right, right_scale, scale),
    )
}

fn pow10(exponent: u64) -> BigInt {
    num_traits::pow(
        BigInt::from(10),
        usize::try_from(exponent).unwrap_or(usize::MAX),
    )
}

/// Go's `big.Int.Int64()`: the low 64 bits of the magnitude, negated for a negative value.
fn big_to_int64_wrapping(value: &BigInt) -> i64 {
    let low = value.magnitude().iter_u64_digits().next().unwrap_or(0);
    let truncated = low.cast_signed();
    if value.is_negative() {
        truncated.wrapping_neg()
    } else {
        truncated
    }
}

/// apimachinery's `scaledValue`: `unscaled * 10^-scale` expressed at `new_scale` (both
/// `inf.Dec` scales), rounded up, with Go's int64 wrapping where it does not fit.
fn big_scaled_value(unscaled: &BigInt, scale: i64, new_scale: i64) -> i64 {
    let difference = scale - new_scale;
    if difference == 0 {
        return big_to_int64_wrapping(unscaled);
    }
    if difference < 0 {
        // apimachinery multiplies by a float64 power of ten here. It is exact for the
        // exponents of values that fit an int64, which is all Kueue lets through.
        let factor = (0..difference.unsigned_abs()).fold(1_i64, |acc, _| acc.wrapping_mul(10));
        return big_to_int64_wrapping(unscaled).wrapping_mul(factor);
    }

    if unscaled < &BigInt::from(i64::MAX) && difference < 19 {
        // The int64 fast path truncates toward zero and then adds one for any remainder, so
        // a negative non-integer comes out one above its ceiling.
        let value = big_to_int64_wrapping(unscaled);
        let divisor = 10_i64.pow(difference.unsigned_abs() as u32);
        let result = value / divisor;
        return if value % divisor == 0 {
            result
        } else {
            result.wrapping_add(1)
        };
    }

    // Go's big.Int.DivMod is Euclidean: the remainder is never negative.
    let divisor = pow10(difference.unsigned_abs());
    let mut quotient = unscaled / &divisor;
    let mut remainder = unscaled % &divisor;
    if remainder.is_negative() {
        quotient -= 1;
        remainder += &divisor;
    }
    let result = big_to_int64_wrapping(&quotient);
    if remainder.is_zero() {
        result
    } else {
        result.wrapping_add(1)
    }
}

/// Returns the DecimalSI or DecimalExponent suffix for a power-of-ten exponent.
/// apimachinery writes no suffix for a DecimalSI exponent missing from its table, so `1000E`
/// prints as `1`.
fn decimal_suffix(exponent: i32, format: Format) -> String {
    if format == Format::DecimalExponent {
        return if exponent == 0 {
            String::new()
        } else {
            format!("e{exponent}")
        };
    }
    let suffix = match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => "",
    };
    suffix.to_owned()
}

/// Returns the BinarySI suffix for a power-of-two exponent, or none outside `Ki` to `Ei`.
fn binary_suffix(exponent: i32) -> &'static str {
    match exponent {
        10 => "Ki",
        20 => "Mi",
        30 => "Gi",
        40 => "Ti",
        50 => "Pi",
        60 => "Ei",
        _ => "",
    }
}

/// Returns Kueue's `ResourceValue`: milli-units for `cpu`, whole units for every other
/// resource, clamped to the int64 range.
#[must_use]
pub fn resource_value(name: &str, quantity: &Quantity) -> i64 {
    if name == "cpu" {
        quantity.safe_milli_value()
    } else {
        quantity.safe_value()
    }
}

/// Kueue's `ResourceFormatter`: formats int64 resource values as the quantities Kueue writes.
#[derive(Debug, Clone, Default)]
pub struct ResourceFormatter {
    /// Resources whose values are bytes and print in BinarySI, besides memory,
    /// ephemeral-storage and hugepages.
    binary_resources: std::collections::BTreeSet<String>,
}

impl ResourceFormatter {
    /// Marks `name` as a byte-valued resource, as Kueue does for counter and capacity
    /// quota resources.
    pub fn register_binary_resource(&mut self, name: &str) {
        self.binary_resources.insert(name.to_owned());
    }

    /// Returns the quantity Kueue writes for `value` of resource `name`: milli DecimalSI for
    /// `cpu`, canonical BinarySI for byte-valued resources, DecimalSI for the rest.
    #[must_use]
    pub fn quantity(&self, name: &str, value: i64) -> Quantity {
        let binary = name == "memory"
            || name == "ephemeral-storage"
            || name.starts_with("hugepages-")
            || self.binary_resources.contains(name);
        if name == "cpu" {
            Quantity::from_milli(value, Format::DecimalSI)
        } else if binary {
            // Kueue formats as BinarySI and parses the result again, so a value such as 2000
            // bytes becomes the DecimalSI `2k`.
            let preferred = Quantity::from_int(value, Format::BinarySI);
            Quantity::parse(&preferred.to_string()).unwrap_or(preferred)
        } else {
            Quantity::from_int(value, Format::DecimalSI)
        }
    }

    /// Returns the string Kueue writes for `value` of resource `name`.
    #[must_use]
    pub fn format(&self, name: &str, value: i64) -> String {
        self.quantity(name, value).to_string()
    }
}

/// Returns the unscaled integer and `inf.Dec` scale of a quantity that fits an i128.
#[cfg(test)]
fn to_i128(quantity: &Quantity) -> Option<(i128, i32)> {
    match &quantity.amount {
        Amount::Int { value, scale } => Some((i128::from(*value), scale.wrapping_neg())),
        Amount::Dec { unscaled, scale } => {
            num_traits::ToPrimitive::to_i128(unscaled).map(|value| (value, *scale))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn int64_minimum_value_truncates_to_zero() {
        // Nineteen digits take the `inf.Dec` path, stored as 2^63 * 10^9 nano-units, and
        // `scaledValue` reads the low 64 bits of that, which are zero.
        assert_eq!(parse("-9223372036854775808").value(), 0);
    }

    /// Each row: input, then what apimachinery's `String()`, `Value()` and `MilliValue()`
    /// return for it, and whether `AsInt64()` succeeds.
    #[test]
    fn parse_matches_apimachinery() {
        let cases: &[(&str, &str, i64, i64, bool)] = &[
            // Already canonical, so String() returns the input.
            ("100m", "100m", 1, 100, false),
            ("1", "1", 1, 1000, true),
            ("2Gi", "2Gi", 2_147_483_648, 2_147_483_648_000, true),
            // 1.5Gi takes the decimal path (a binary suffix with a fraction) and prints in
            // the largest exact binary unit.
            ("1.5Gi", "1536Mi", 1_610_612_736, 1_610_612_736_000, false),
            // An exponent keeps the DecimalExponent format.
            ("1e3", "1e3", 1000, 1_000_000, true),
            ("1E3", "1E3", 1000, 1_000_000, true),
            // 0.1 is 100m; the fraction makes the scale negative, so AsInt64 fails.
            ("0.1", "100m", 1, 100, false),
            ("1.5", "1500m", 2, 1500, false),
            ("-1", "-1", -1, -1000, true),
            // Whole milli amounts still have a negative scale and never convert.
            ("1000m", "1", 1, 1000, false),
            // Not canonical (trailing zeros), so the canonical form is printed.
            ("1000", "1k", 1000, 1_000_000, true),
            ("1500", "1500", 1500, 1_500_000, true),
            ("+5", "+5", 5, 5000, true),
            ("0", "0", 0, 0, true),
            ("00", "0", 0, 0, true),
            ("-", "0", 0, 0, true),
            (".", "0", 0, 0, true),
            // The input is canonical enough for apimachinery to keep it, dot included.
            ("1.", "1.", 1, 1000, true),
            (".5", "500m", 1, 500, false),
            // Below one nano-unit rounds up to 1n.
            ("0.0000000001", "1n", 1, 1, false),
            // The exponent form is kept: 1e-10 rounds up to 1e-9.
            ("1e-10", "1e-9", 1, 1, false),
            // DecimalSI has no suffix for 10^21, so apimachinery prints the bare mantissa.
            ("1000E", "1", i64::MAX, i64::MAX, false),
        ];
        for (input, string, value, milli, int64) in cases {
            let quantity = parse(input);
            assert_eq!(quantity.to_string(), *string, "String() of {input}");
            assert_eq!(quantity.safe_value(), *value, "SafeValue of {input}");
            assert_eq!(
                quantity.safe_milli_value(),
                *milli,
                "SafeMilliValue of {input}"
            );
            assert_eq!(quantity.as_int64().is_some(), *int64, "AsInt64 of {input}");
        }
    }

    #[test]
    fn huge_exponent_clamps_to_int64() {
        // apimachinery keeps 1e400 as the int64 form {1, scale 400}; Value() would overflow
        // and Kueue's SafeValue clamps.
        let quantity = parse("1e400");

        // The canonical exponent is a multiple of three.
        assert_eq!(quantity.to_string(), "10e399");
        assert_eq!(quantity.safe_value(), i64::MAX);
        assert_eq!(quantity.as_int64(), None);
    }

    #[test]
    fn two_to_the_63_clamps() {
        // 19 digits exceed the int64 fast path, so apimachinery uses inf.Dec; the value is one
        // more than the largest int64.
        let quantity = parse("9223372036854775808");

        assert_eq!(quantity.to_string(), "9223372036854775808");
        assert_eq!(quantity.safe_value(), i64::MAX);
        assert_eq!(quantity.as_int64(), None);
    }

    #[test]
    fn largest_int64_is_exact() {
        let quantity = parse("9223372036854775807");

        assert_eq!(quantity.safe_value(), i64::MAX);
        assert_eq!(quantity.safe_milli_value(), i64::MAX);
    }

    #[test]
    fn binary_values_cap_at_int64() {
        // apimachinery caps BinarySI values above the largest int64.
        let quantity = parse("16Ei");

        assert_eq!(quantity.safe_value(), i64::MAX);
        assert_eq!(to_i128(&quantity), Some((i128::from(i64::MAX), 0)));
    }

    #[test]
    fn long_digit_string_is_exact() {
        let digits = "123456789012345678901234567890123456789012345678901234567890";
        let quantity = parse(digits);

        assert_eq!(
            quantity.to_string(),
            "123456789012345678901234567890123456789012345678901234567890"
        );
        assert_eq!(quantity.safe_value(), i64::MAX);
        assert_eq!(parse(&format!("-{digits}")).safe_value(), i64::MIN);
    }

    #[test]
    fn large_decimal_formats_exactly() {
        // Nineteen digits take the inf.Dec path; the value has over nine thousand digits.
        let quantity = parse("1234567890123456789e9000");

        assert_eq!(quantity.to_string(), "1234567890123456789e9000");
        assert_eq!(quantity.safe_value(), i64::MAX);
        assert_eq!(parse("1e9000").to_string(), "1e9000");
    }

    #[test]
    fn malformed_strings_are_rejected() {
        let cases = [
            (
                "",
                "invalid quantity ``: expected a Kubernetes quantity such as `500m` or `2Gi`",
            ),
            (
                "5Gx",
                "invalid quantity `5Gx`: expected a Kubernetes quantity such as `500m` or `2Gi`",
            ),
            (
                "1.5.3Gi",
                "invalid quantity `1.5.3Gi`: expected a Kubernetes quantity such as `500m` or `2Gi`",
            ),
            (
                "1 Gi",
                "invalid quantity `1 Gi`: expected a Kubernetes quantity such as `500m` or `2Gi`",
            ),
            (
                "1ki",
                "invalid quantity `1ki`: unknown suffix `ki`, expected one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as `e3`",
            ),
            (
                "1e",
                "invalid quantity `1e`: unknown suffix `e`, expected one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent such as `e3`",
            ),
            (
                ".e-20",
                "invalid quantity `.e-20`: the number has no digits, expected a Kubernetes quantity such as `500m` or `2Gi`",
            ),
        ];
        for (input, message) in cases {
            let error = Quantity::parse(input).expect_err(input);
            assert_eq!(error.to_string(), message, "error for {input:?}");
        }
    }

    #[test]
    fn extreme_exponent_is_out_of_range() {
        let error = Quantity::parse("1e400000").expect_err("out of range");

        assert!(matches!(error, Error::QuantityOutOfRange { .. }));
    }

    #[test]
    fn exponent_wraps_like_go_int32() {
        // apimachinery truncates the parsed exponent to int32, so e4294967296 is e0.
        let quantity = parse("1e4294967296");

        assert_eq!(quantity.safe_value(), 1);
    }

    #[test]
    fn whitespace_is_trimmed() {
        assert_eq!(parse(" 2Gi\n").safe_value(), 2_147_483_648);
    }

    #[test]
    fn negative_decimal_value_rounds_like_go() {
        // The inf.Dec fast path in scaledValue truncates -1.5 to -1, then adds one, while
        // the int64 form rounds away from zero.
        let decimal = Quantity {
            amount: Amount::Dec {
                unscaled: BigInt::from(-15),
                scale: 1,
            },
            format: Format::DecimalSI,
            cached: None,
        };

        assert_eq!(decimal.value(), 0);
        assert_eq!(parse("-1.5").value(), -2);
    }

    #[test]
    fn sum_overflowing_int64_becomes_decimal() {
        // Two 9e18 requests keep the int64 form {18, scale 18}; AsInt64 then overflows.
        let mut sum = parse("9e18");
        sum.add(&parse("9e18"));

        assert_eq!(sum.to_string(), "18e18");
        assert_eq!(sum.as_int64(), None);
        assert_eq!(sum.safe_value(), i64::MAX);
    }

    #[test]
    fn sum_of_int64_max_values_is_exact() {
        let mut sum = parse("9223372036854775807");
        sum.add(&Quantity::from_int(1, Format::DecimalSI));

        assert_eq!(sum.to_string(), "9223372036854775808");
    }

    #[test]
    fn add_to_zero_takes_other_format() {
        let mut sum = Quantity::from_int(0, Format::DecimalSI);
        sum.add(&parse("1Ki"));

        assert_eq!(sum.format(), Format::BinarySI);
        assert_eq!(sum.to_string(), "1Ki");
    }

    #[test]
    fn add_clears_cached_string() {
        let mut sum = parse("+1");
        sum.add(&parse("1"));

        assert_eq!(sum.to_string(), "2");
    }

    #[test]
    fn multiply_is_exact() {
        let product = parse("1.5").multiply(&parse("3"));

        assert_eq!(product.to_string(), "4500m");
        assert_eq!(product.safe_milli_value(), 4500);
    }

    #[test]
    fn formatter_matches_kueue() {
        let formatter = ResourceFormatter::default();
        let cases: &[(&str, i64, &str)] = &[
            ("cpu", 500, "500m"),
            ("cpu", 3000, "3"),
            ("memory", 209_715_200, "200Mi"),
            ("memory", 1000, "1k"),
            ("memory", 1536, "1536"),
            ("memory", 2000, "2k"),
            ("memory", 600 * 1024 * 1024 * 1024, "600Gi"),
            ("hugepages-2Mi", 2_097_152, "2Mi"),
            ("example.com/gpu", 3, "3"),
            ("example.com/gpu", 3000, "3k"),
            ("example.com/gpu", 0, "0"),
            ("example.com/gpu", i64::MAX, "9223372036854775807"),
            ("memory", i64::MAX, "9223372036854775807"),
        ];
        for (name, value, expected) in cases {
            assert_eq!(
                formatter.format(name, *value),
                *expected,
                "{name} = {value}"
            );
        }
    }

    #[test]
    fn registered_binary_resource_prints_binary() {
        let mut formatter = ResourceFormatter::default();
        formatter.register_binary_resource("example.com/memory");

        assert_eq!(
            formatter.format("example.com/memory", 9728 * 1024 * 1024),
            "9728Mi"
        );
    }

    #[test]
    fn resource_value_uses_milli_for_cpu() {
        assert_eq!(resource_value("cpu", &parse("1.5")), 1500);
        assert_eq!(resource_value("memory", &parse("1.5")), 2);
    }
}
