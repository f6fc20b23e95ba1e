//! Validating the answer to a question by its type.

use chrono::NaiveDate;

use crate::flow::AnswerType;
use crate::model::Value;
use crate::text::fold;

/// The value to save when `text` is a valid answer of type `t`.
pub(crate) fn validate(t: &AnswerType, text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match t {
        AnswerType::Text {} => Some(Value::Text(text.to_owned())),
        AnswerType::Number { min, max } => {
            let n: f64 = text.replace(',', ".").parse().ok()?;
            let ok = n.is_finite() && min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
            ok.then_some(Value::Number(n))
        }
        AnswerType::Email {} => {
            let (user, domain) = text.split_once('@')?;
            let ok = !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace);
            ok.then(|| Value::Text(text.to_lowercase()))
        }
        AnswerType::Phone {} => {
            let norm = crate::phone::PhoneNormalizer::key(text);
            let digits = norm.trim_start_matches('+');
            let ok = (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
            ok.then_some(Value::Text(norm))
        }
        AnswerType::Date {} => ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
            .map(|d| Value::Text(d.format("%Y-%m-%d").to_string())),
        AnswerType::Choice { options } => {
            let t = fold(text);
            options
                .iter()
                .enumerate()
                .find(|(i, o)| fold(o) == t || (i + 1).to_string() == t)
                .map(|(_, o)| Value::Text(o.clone()))
        }
        AnswerType::Pattern { pattern } => {
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).ok()?;
            re.is_match(text).then(|| Value::Text(text.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_type() {
        let n = AnswerType::Number {
            min: Some(1.0),
            max: Some(10.0),
        };
        assert_eq!(validate(&n, " 7 "), Some(Value::Number(7.0)));
        assert_eq!(validate(&n, "11"), None);
        let c = AnswerType::Choice {
            options: vec!["S".into(), "M".into()],
        };
        assert_eq!(validate(&c, "m"), Some(Value::Text("M".into())));
        assert_eq!(validate(&c, "1"), Some(Value::Text("S".into())));
        assert_eq!(validate(&AnswerType::Email {}, "a@b"), None);
        assert_eq!(
            validate(&AnswerType::Date {}, "12/06/1990"),
            Some(Value::Text("1990-06-12".into()))
        );
    }
}
