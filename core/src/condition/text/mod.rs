//! The readable text syntax of [`Condition`]s: [`Condition::parse`] reads it, `Display` writes it,
//! and `Condition::parse(&c.to_string()) == Ok(c)` for every condition whose numbers are finite.
//!
//! ```
//! use sequenza::condition::Condition;
//! let text = r#"age between 25 and 34 and tags has any ("vip", "newsletter")
//!               and not did "order.placed" within 90 days"#;
//! let c = Condition::parse(text)?;
//! assert_eq!(c.to_string(), r#"age between 25 and 34 and tags has any ("vip", "newsletter") and not did "order.placed" within 90 days"#);
//! # Ok::<(), sequenza::Error>(())
//! ```
//!
//! ## Syntax
//!
//! Keywords are case-insensitive (printed in lower case); white space and line breaks are free.
//!
//! | text | condition |
//! |---|---|
//! | `a and b and c`, `a or b`, `not a`, `( … )` | `and` / `or` / `not`; `not` binds tighter than `and`, `and` tighter than `or` |
//! | `all()`, `all(a)`, `any()`, `any(a)`, `all(a, b)` | `and` / `or` of any number of conditions |
//! | `city = "Milano"` (`!=` `<` `<=` `>` `>=`) | field comparison |
//! | `city in ("Milano", "Roma")`, `score between 1 and 5` | field in a list, between two values |
//! | `name contains "x"`, `starts with`, `ends with`, `matches "^A.*"` | text tests |
//! | `email is set`, `phone is empty` | presence tests |
//! | `… ignoring case` | after any field comparison: the `fold` flag |
//! | `last_order_at before 2026-01-01`, `after`, `between 2026-01-01 and 2026-02-01` | date field, absolute |
//! | `… within last 90 days`, `… more than 90 days ago`, `… in next 7 days` | date field, relative |
//! | `birth_date anniversary within 7 days` | yearly anniversary |
//! | `age between 25 and 34`, `age >= 18`, `age <= 30`, `age of dob > 17`, `age is known` | age (field `birth_date` unless `of` names one) |
//! | `tags has any ("vip")`, `has all`, `has none` | tags |
//! | `in list "vip"`, `in segment "lapsed"` | membership |
//! | `consent email is opted_in` | consent (`email` `sms` `web_push` `whatsapp`; `opted_in` `opted_out` `unknown`) |
//! | `did "order.placed" where (amount > 50) at least 2 times within 90 days` | event (clauses optional, any order) |
//! | `did "coupon.downloaded" between 2026-01-01 and 2026-03-31` | event between two dates |
//! | `last "order.placed" before 2026-01-01`, `first "signup" where (…) within last 30 days` | first / last event time |
//! | `sum of "amount" in "order.placed" where (…) within 365 days >= 100` | aggregate (`count` `sum` `avg` `min` `max`) |
//! | `count of "email.opened" within 90 days < 1` | aggregate without a property |
//!
//! Units: `minute(s)`, `hour(s)`, `day(s)`, `week(s)`, `month(s)`.
//!
//! **Values** are JSON-like: `"text"` (JSON escapes), numbers (`-1.5e3`), `true`, `false`, `null`
//! and lists `(1, "a")`. **Dates** are written bare, `2026-01-01` or `2026-01-01T09:30:00Z`
//! (RFC 3339 with seconds and an offset); any other date text is written `date "…"`. Plain quotes
//! also work wherever a date is certain (after `before` and `after`, in `between` of `first` /
//! `last`, as the second date of any `between`): after a field name, `between` with a bare date or
//! `date "…"` is a date test, with a value (`"a"`, `1`) a comparison.
//!
//! **Field names** are bare (`[A-Za-z_][A-Za-z0-9_.-]*`) or in backticks with a doubled backtick
//! as escape (`` `first name` ``). A field named like a keyword that can start a condition
//! (`and or not all any age tags in consent did first last sum count avg min max true false null`)
//! needs backticks.
//!
//! **Incomplete comparisons** round-trip too: `city = ?` has no value, `email is set "x"` has one,
//! and a `between` whose value is not a pair is written in parentheses, `(score between 5)`.
//! `city = null` compares with `null`, which JSON cannot tell from no value.
//!
//! Nesting (parentheses, `not`, `all(…)`, `any(…)`, `where (…)`, lists) is limited to
//! [`MAX_NESTING`] levels. Numbers must be finite.
//!
//! ## Grammar
//!
//! ```text
//! condition  = or EOF ;
//! or         = and { "or" and } ;
//! and        = unary { "and" unary } ;
//! unary      = { "not" } primary ;
//! primary    = "(" or ")" | ("all" | "any") "(" [ or { "," or } [","] ] ")"
//!            | age | tags | "in" ("list" | "segment") STRING | consent
//!            | event | event_time | aggregate | field test ;
//! field      = NAME | "`" { any char, "``" for "`" } "`" ;   (* NAME not a reserved word *)
//! test       = cmp operand [fold] | "in" operand [fold] | "between" operand [fold]
//!            | ("contains" | "matches" | "starts" "with" | "ends" "with") operand [fold]
//!            | "is" ("set" | "empty") [value] [fold]
//!            | "between" date_first "and" date | date_test ;
//! operand    = "?" | value [ "and" value ] ;   (* "and" value: only after "between" *)
//! fold       = "ignoring" "case" ;
//! cmp        = "=" | "!=" | "<" | "<=" | ">" | ">=" ;
//! value      = STRING | NUMBER | "true" | "false" | "null" | "(" [ value { "," value } [","] ] ")" ;
//! date_first = DATE | "date" STRING ;
//! date       = date_first | STRING ;
//! date_test  = "before" date | "after" date | "between" date "and" date
//!            | "within" ["last"] amount unit | "more" "than" amount unit "ago"
//!            | "in" "next" amount unit | "anniversary" "within" UINT ("day" | "days") ;
//! age        = "age" [ "of" field ] ( "between" UINT "and" UINT | cmp UINT | "is" "known" ) ;
//! tags       = "tags" "has" ("any" | "all" | "none") ( "(" [ STRING { "," STRING } [","] ] ")" | STRING ) ;
//! consent    = "consent" CHANNEL "is" STATUS ;
//! event      = "did" STRING { where | count | window | range } ;   (* each clause at most once *)
//! range      = "between" date "and" date ;
//! event_time = ("first" | "last") STRING [where] date_test ;
//! aggregate  = AGG "of" STRING [ "in" STRING ] { where | window } op NUMBER ;
//! where      = "where" "(" or ")" ;
//! count      = ("at" "least" | "at" "most" | "exactly") UINT ("time" | "times") ;
//! window     = "within" ["last"] amount unit ;
//! op         = cmp | "in" | "between" | "contains" | "matches" | "starts" "with"
//!            | "ends" "with" | "is" "set" | "is" "empty" ;
//! amount     = [ "-" ] DIGITS ;   unit = "minute" | "minutes" | … | "month" | "months" ;
//! (* tokens *)
//! STRING     = JSON string ;   NUMBER = JSON number, finite ;   UINT = DIGITS (0 … 4294967295) ;
//! DATE       = YYYY-MM-DD [ "T" hh:mm:ss [ "." DIGITS ] ( "Z" | ("+" | "-") hh:mm ) ] ;
//! NAME       = [A-Za-z_] [A-Za-z0-9_.-]* ;   AGG = "count" | "sum" | "avg" | "min" | "max" ;
//! ```
//!
//! `cmp` after `age` is any of them but `!=`; `age > 17` is read as `age >= 18`.
//!
//! In an aggregate, `AGG of "a" in "b"` aggregates property `a` of event `b`; `AGG of "b"` has
//! no property. `at least 1 time` is the default count and prints as nothing.

mod lexer;
mod parser;
mod printer;
mod values;

use std::str::FromStr;

use super::Condition;
use crate::error::Error;
use lexer::Kind;
use parser::Parser;

/// How deeply [`Condition::parse`] lets parentheses, `not`, `all(…)`, `any(…)`, `where (…)` and
/// value lists nest; deeper text is a `condition.syntax` error.
///
/// ```
/// use sequenza::condition::{text::MAX_NESTING, Condition};
/// let deep = format!("{}a = 1{}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
/// let err = Condition::parse(&deep).unwrap_err();
/// assert_eq!(err.code(), "condition.syntax");
/// assert_eq!(err.line_column(), Some((1, MAX_NESTING + 1)));
/// ```
pub const MAX_NESTING: usize = 64;

/// Words that start a condition, so a field named like one is written in backticks.
const RESERVED: [&str; 20] = [
    "and", "or", "not", "all", "any", "age", "tags", "in", "consent", "did", "first", "last",
    "sum", "count", "avg", "min", "max", "true", "false", "null",
];

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

impl Condition {
    /// Parses a condition written in the text syntax (see [`crate::condition::text`]).
    ///
    /// Errors are [`Error::Parse`] with code `condition.syntax`, the 1-based line and column (in
    /// characters) of the offending token, what was expected and what was found.
    ///
    /// ```
    /// use sequenza::condition::Condition;
    /// let c = Condition::parse(r#"city = "Milano" ignoring case or tags has any ("vip")"#)?;
    /// assert_eq!(c, Condition::from_json(r#"{"type": "or", "conditions": [
    ///     {"type": "field", "field": "city", "op": "eq", "value": "Milano", "fold": true},
    ///     {"type": "tags", "op": "has_any", "tags": ["vip"]}]}"#)?);
    ///
    /// let err = Condition::parse("city == \"Milano\"").unwrap_err();
    /// assert_eq!(err.code(), "condition.syntax");
    /// assert_eq!(err.line_column(), Some((1, 6)));
    /// assert!(err.message().starts_with("expected a comparison operator after `city`, found `==`"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn parse(text: &str) -> crate::Result<Condition> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut p = Parser::new(text);
        let c = p.or()?;
        if p.tok.kind != Kind::Eof {
            p.expect("end of input");
            return Err(p.error());
        }
        Ok(c)
    }
}

/// Same as [`Condition::parse`].
///
/// ```
/// use sequenza::condition::Condition;
/// let c: Condition = "in segment \"lapsed\"".parse()?;
/// assert_eq!(c.to_string(), "in segment \"lapsed\"");
/// # Ok::<(), sequenza::Error>(())
/// ```
impl FromStr for Condition {
    type Err = Error;

    fn from_str(s: &str) -> crate::Result<Condition> {
        Condition::parse(s)
    }
}
