//! Label selectors as `kubectl -l` takes them, parsed into kube's [`Selector`] so that the
//! offline input can be matched the way the apiserver matches a list's `labelSelector`.

use std::collections::BTreeSet;

use anyhow::bail;
use kube::core::{Expression, Selector};

/// Parses a label selector in apimachinery's syntax: comma-separated requirements
/// `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key` and
/// `!key`.
///
/// NOTE: the numeric requirements `key>1` and `key<1` that apimachinery also accepts are
/// rejected here, because kube's `Expression` cannot hold them.
pub(crate) fn parse(text: &str) -> anyhow::Result<Selector> {
    let mut expressions = Vec::new();
    for requirement in split_requirements(text) {
        let requirement = requirement.trim();
        if requirement.is_empty() {
            bail!("invalid label selector `{text}`: empty requirement");
        }
        expressions.push(
            parse_requirement(requirement)
                .map_err(|detail| anyhow::anyhow!("invalid label selector `{text}`: {detail}"))?,
        );
    }
    Ok(expressions.into_iter().collect())
}

/// Splits at the commas that separate requirements, not those inside `in (a,b)`.
fn split_requirements(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0_u32;
    let mut start = 0;
    for (index, character) in text.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_requirement(requirement: &str) -> Result<Expression, String> {
    if let Some(key) = requirement.strip_prefix('!') {
        return Ok(Expression::DoesNotExist(label_key(key)?));
    }
    if let Some((key, value)) = requirement.split_once("!=") {
        return Ok(Expression::NotEqual(label_key(key)?, label_value(value)?));
    }
    if let Some((key, value)) = requirement
        .split_once("==")
        .or_else(|| requirement.split_once('='))
    {
        return Ok(Expression::Equal(label_key(key)?, label_value(value)?));
    }
    if requirement.contains(['<', '>']) {
        return Err(format!(
            "`{requirement}`: the numeric operators `<` and `>` are not supported"
        ));
    }

    let words: Vec<&str> = requirement.splitn(2, char::is_whitespace).collect();
    match words.as_slice() {
        [key] => Ok(Expression::Exists(label_key(key)?)),
        [key, rest] => {
            let rest = rest.trim_start();
            let (operator, values) = rest
                .split_once('(')
                .ok_or_else(|| format!("`{requirement}`: expected `in (...)` or `notin (...)`"))?;
            let values = values
                .strip_suffix(')')
                .ok_or_else(|| format!("`{requirement}`: missing `)`"))?;
            let values = values
                .split(',')
                .map(label_value)
                .collect::<Result<BTreeSet<_>, _>>()?;
            match operator.trim() {
                "in" => Ok(Expression::In(label_key(key)?, values)),
                "notin" => Ok(Expression::NotIn(label_key(key)?, values)),
                other => Err(format!(
                    "`{requirement}`: unknown operator `{other}`: expected `in` or `notin`"
                )),
            }
        }
        _ => Err(format!("`{requirement}`: missing label key")),
    }
}

/// Checks a label key: an optional DNS subdomain prefix and `/`, then a name of at most 63
/// alphanumerics, `-`, `_` or `.`, starting and ending with an alphanumeric.
fn label_key(key: &str) -> Result<String, String> {
    let key = key.trim();
    let name = key.rsplit_once('/').map_or(key, |(_, name)| name);
    if name.is_empty() || !is_label_value(name) {
        return Err(format!("invalid label key `{key}`"));
    }
    Ok(key.to_owned())
}

fn label_value(value: &str) -> Result<String, String> {
    let value = value.trim();
    if !value.is_empty() && !is_label_value(value) {
        return Err(format!("invalid label value `{value}`"));
    }
    Ok(value.to_owned())
}

/// Returns whether `text` is a valid non-empty label value.
fn is_label_value(text: &str) -> bool {
    let valid_characters = text
        .chars()
        .all(|character| character.is_ascii_alphanumeric() || "-_.".contains(character));
    let alphanumeric_ends = text.starts_with(|character: char| character.is_ascii_alphanumeric())
        && text.ends_with(|character: char| character.is_ascii_alphanumeric());
    text.len() <= 63 && valid_characters && alphanumeric_ends
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use kube::core::SelectorExt as _;

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn selector_matches_like_apiserver() {
        let team_ml = labels(&[("team", "ml"), ("env", "prod")]);
        let team_web = labels(&[("team", "web")]);
        let cases = [
            ("team=ml", true, false),
            ("team==ml", true, false),
            ("team!=ml", false, true),
            ("env in (prod, staging)", true, false),
            ("env notin (prod)", false, true),
            ("env", true, false),
            ("!env", false, true),
            ("team=ml,env=prod", true, false),
            ("example.com/tier", false, false),
        ];
        for (text, matches_ml, matches_web) in cases {
            let selector = parse(text).expect(text);
            assert_eq!(selector.matches(&team_ml), matches_ml, "{text} on team=ml");
            assert_eq!(
                selector.matches(&team_web),
                matches_web,
                "{text} on team=web"
            );
        }
    }

    #[test]
    fn selector_rejects_bad_syntax() {
        let cases = [
            "team=ml,",
            "=ml",
            "team in prod",
            "team in (prod",
            "team between (a)",
            "replicas>1",
            "team=-ml",
            "bad key=1",
        ];
        for text in cases {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
