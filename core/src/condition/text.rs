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

use std::fmt::{self, Write as _};
use std::str::FromStr;

use super::{
    Aggregation, Condition, CountOp, CountTest, DateRange, DateTest, FieldOp, Occurrence, TagOp,
};
use crate::error::{Error, ParseCode, ParseError};
use crate::model::{Channel, ConsentStatus, ListId, SegmentId, Value};
use crate::time::{Duration, TimeUnit};

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

// ---- lexer ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A bare word: keyword or field name (text in the source).
    Word,
    /// A backtick-quoted field name.
    Name(String),
    Str(String),
    Num(f64),
    /// A bare date or date-time (text in the source).
    Date,
    LParen,
    RParen,
    Comma,
    Question,
    Cmp(FieldOp),
    /// Something that cannot be a token: how to describe it, and a hint.
    Bad(String, &'static str),
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

fn bad(start: usize, found: impl Into<String>, hint: &'static str) -> Token {
    Token {
        kind: Kind::Bad(found.into(), hint),
        start,
        end: start,
    }
}

fn lex(src: &str, from: usize) -> Token {
    let rest = src.get(from..).unwrap_or("");
    let trimmed = rest.trim_start();
    let start = from + (rest.len() - trimmed.len());
    let Some(c) = trimmed.chars().next() else {
        return Token {
            kind: Kind::Eof,
            start,
            end: start,
        };
    };
    let tok = |kind, len: usize| Token {
        kind,
        start,
        end: start + len,
    };
    match c {
        '(' => tok(Kind::LParen, 1),
        ')' => tok(Kind::RParen, 1),
        ',' => tok(Kind::Comma, 1),
        '?' => tok(Kind::Question, 1),
        '=' | '!' | '<' | '>' => {
            let len = trimmed
                .bytes()
                .take_while(|b| matches!(b, b'=' | b'!' | b'<' | b'>'))
                .count();
            let text = trimmed.get(..len).unwrap_or("");
            let op = match text {
                "=" => FieldOp::Eq,
                "!=" => FieldOp::Ne,
                "<" => FieldOp::Lt,
                "<=" => FieldOp::Lte,
                ">" => FieldOp::Gt,
                ">=" => FieldOp::Gte,
                "==" => return bad(start, "`==`", "equality is written `=`"),
                "!" => return bad(start, "`!`", "negation is written `not`"),
                "<>" => return bad(start, "`<>`", "inequality is written `!=`"),
                _ => return bad(start, format!("`{text}`"), ""),
            };
            tok(Kind::Cmp(op), len)
        }
        '"' => lex_string(src, start),
        '`' => lex_name(src, start),
        '-' | '0'..='9' => lex_number(src, start),
        c if c.is_ascii_alphabetic() || c == '_' => {
            let len = trimmed
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                .count();
            tok(Kind::Word, len)
        }
        other => {
            let hint = match other {
                '\'' => "text is written in double quotes",
                '[' | ']' => "lists are written in parentheses: (\"a\", \"b\")",
                '&' => "write `and`",
                '|' => "write `or`",
                c if c.is_alphabetic() => "a name with letters outside A-Z is written in backticks",
                _ => "",
            };
            let found = if other.is_control() {
                format!("the character U+{:04X}", u32::from(other))
            } else {
                format!("`{other}`")
            };
            bad(start, found, hint)
        }
    }
}

/// Length of the bare date (`YYYY-MM-DD`) or RFC 3339 date-time at the start of `s`.
fn date_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !((0..4).all(d) && at(4, b'-') && d(5) && d(6) && at(7, b'-') && d(8) && d(9)) {
        return None;
    }
    let time = at(10, b'T') && d(11) && d(12) && at(13, b':') && d(14) && d(15);
    if time && at(16, b':') && d(17) && d(18) {
        let mut i = 19;
        if at(i, b'.') && d(i + 1) {
            i += 1;
            while d(i) {
                i += 1;
            }
        }
        if at(i, b'Z') {
            return Some(i + 1);
        }
        let offset = d(i + 1) && d(i + 2) && at(i + 3, b':') && d(i + 4) && d(i + 5);
        if (at(i, b'+') || at(i, b'-')) && offset {
            return Some(i + 6);
        }
    }
    Some(10)
}

/// Whether a number or date token would run on into more text at `i`.
fn runs_on(b: &[u8], i: usize) -> bool {
    b.get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'+' | b':'))
}

fn lex_number(src: &str, start: usize) -> Token {
    let s = src.get(start..).unwrap_or("");
    let b = s.as_bytes();
    let malformed = |what: &str| {
        let len = (1..b.len()).find(|&i| !runs_on(b, i)).unwrap_or(b.len());
        bad(
            start,
            format!("{what} `{}`", short(s.get(..len).unwrap_or(s))),
            "",
        )
    };
    if let Some(len) = date_len(s) {
        if runs_on(b, len) {
            return malformed("a malformed date");
        }
        return Token {
            kind: Kind::Date,
            start,
            end: start + len,
        };
    }
    let digits = |i: usize| b.iter().skip(i).take_while(|c| c.is_ascii_digit()).count();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let n = digits(i);
    if n == 0 {
        return bad(start, "`-`", "");
    }
    i += n;
    if b.get(i) == Some(&b'.') && digits(i + 1) > 0 {
        i += 1 + digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let j = i + 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let n = digits(j);
        if n > 0 {
            i = j + n;
        }
    }
    if runs_on(b, i) {
        return malformed("a malformed number");
    }
    let raw = s.get(..i).unwrap_or("");
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() => Token {
            kind: Kind::Num(n),
            start,
            end: start + i,
        },
        _ => bad(start, format!("a number out of range `{}`", short(raw)), ""),
    }
}

fn lex_string(src: &str, start: usize) -> Token {
    let body_start = start + 1;
    let body = src.get(body_start..).unwrap_or("");
    let mut out = String::new();
    let mut it = body.char_indices();
    while let Some((i, c)) = it.next() {
        match c {
            '"' => {
                return Token {
                    kind: Kind::Str(out),
                    start,
                    end: body_start + i + 1,
                }
            }
            '\\' => {
                let at = body_start + i;
                let Some((_, e)) = it.next() else { break };
                let ch = match e {
                    '"' | '\\' | '/' => Some(e),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    'u' => unicode_escape(&mut it),
                    other => {
                        let shown: String = other.escape_debug().collect();
                        return bad(
                            at,
                            format!("an invalid escape `\\{shown}` in a string"),
                            "escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                        );
                    }
                };
                match ch {
                    Some(ch) => out.push(ch),
                    None => return bad(
                        at,
                        "an invalid `\\u` escape in a string",
                        "write four hex digits, and surrogates in pairs: \\u00e9, \\ud83d\\ude00",
                    ),
                }
            }
            c if u32::from(c) < 0x20 => {
                return bad(
                    body_start + i,
                    format!(
                        "the control character U+{:04X} inside a string",
                        u32::from(c)
                    ),
                    "write it as an escape such as \\n or \\u0001",
                )
            }
            c => out.push(c),
        }
    }
    bad(start, "an unterminated string", "a string ends with `\"`")
}

fn hex4(it: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut n = 0;
    for _ in 0..4 {
        n = n * 16 + it.next()?.1.to_digit(16)?;
    }
    Some(n)
}

fn unicode_escape(it: &mut std::str::CharIndices<'_>) -> Option<char> {
    let hi = hex4(it)?;
    if (0xD800..0xDC00).contains(&hi) {
        if it.next()?.1 != '\\' || it.next()?.1 != 'u' {
            return None;
        }
        let lo = hex4(it)?;
        if !(0xDC00..0xE000).contains(&lo) {
            return None;
        }
        return char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
    }
    char::from_u32(hi)
}

fn lex_name(src: &str, start: usize) -> Token {
    let body_start = start + 1;
    let body = src.get(body_start..).unwrap_or("");
    let mut out = String::new();
    let mut it = body.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '`' {
            out.push(c);
        } else if it.peek().is_some_and(|&(_, n)| n == '`') {
            it.next();
            out.push('`');
        } else {
            return Token {
                kind: Kind::Name(out),
                start,
                end: body_start + i + 1,
            };
        }
    }
    bad(
        start,
        "an unterminated `…` name",
        "a backtick inside a name is doubled: `a``b`",
    )
}

/// At most 32 characters of `s`, with `…` when cut.
fn short(s: &str) -> String {
    match s.char_indices().nth(32) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}

// ---- parser --------------------------------------------------------------------------------

type PResult<T> = crate::Result<T>;

struct Parser<'a> {
    src: &'a str,
    tok: Token,
    prev: Option<(usize, usize)>,
    /// What was tried and not found at the current token.
    expected: Vec<String>,
    depth: usize,
    /// Where the last keyword that starts a condition (`count`, `age` …) is.
    keyword_at: Option<usize>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            tok: lex(src, 0),
            prev: None,
            expected: Vec::new(),
            depth: 0,
            keyword_at: None,
        }
    }

    fn advance(&mut self) {
        self.prev = Some((self.tok.start, self.tok.end));
        self.tok = lex(self.src, self.tok.end);
        self.expected.clear();
    }

    fn text(&self) -> &'a str {
        self.src.get(self.tok.start..self.tok.end).unwrap_or("")
    }

    /// The current token as a lower-case word.
    fn word(&self) -> Option<String> {
        (self.tok.kind == Kind::Word).then(|| self.text().to_ascii_lowercase())
    }

    fn is(&self, word: &str) -> bool {
        self.tok.kind == Kind::Word && self.text().eq_ignore_ascii_case(word)
    }

    fn expect(&mut self, label: impl Into<String>) {
        self.expected.push(label.into());
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.is(word) {
            self.advance();
            true
        } else {
            self.expect(format!("`{word}`"));
            false
        }
    }

    fn require(&mut self, word: &str) -> PResult<()> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn fail<T>(&mut self, label: impl Into<String>) -> PResult<T> {
        self.expect(label);
        Err(self.error())
    }

    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_NESTING {
            let message = format!(
                "the condition nests more than {MAX_NESTING} levels deep (parentheses, `not`, `all(…)`, `any(…)`, `where (…)` and lists count)"
            );
            return Err(self.error_with(Some(message), String::new()));
        }
        self.depth += 1;
        Ok(())
    }

    fn open(&mut self) -> PResult<()> {
        if self.tok.kind != Kind::LParen {
            return self.fail("`(`");
        }
        self.enter()?;
        self.advance();
        Ok(())
    }

    fn close(&mut self) -> PResult<()> {
        if self.tok.kind != Kind::RParen {
            return self.fail("`)`");
        }
        self.depth = self.depth.saturating_sub(1);
        self.advance();
        Ok(())
    }

    fn error(&self) -> Error {
        self.error_with(None, String::new())
    }

    /// The error at the current token: `message` replaces the generated one; `hint` is added.
    fn error_with(&self, message: Option<String>, hint: String) -> Error {
        let (line, column) = crate::text::line_column(self.src, self.tok.start);
        let mut hint = hint;
        let found = match &self.tok.kind {
            Kind::Eof => "end of input".to_owned(),
            Kind::Bad(found, bad_hint) => {
                if hint.is_empty() {
                    hint = (*bad_hint).to_owned();
                }
                found.clone()
            }
            Kind::Str(_) | Kind::Name(_) => short(self.text()),
            _ => format!("`{}`", short(self.text())),
        };
        let prev = self
            .prev
            .and_then(|(s, e)| self.src.get(s..e))
            .unwrap_or("");
        let after_keyword = self.prev.is_some_and(|p| Some(p.0) == self.keyword_at);
        let mut expected: Vec<String> = Vec::new();
        for e in &self.expected {
            if !expected.contains(e) {
                expected.push(e.clone());
            }
        }
        let message = message.unwrap_or_else(|| {
            let mut m = if expected.is_empty() {
                format!("unexpected {found}")
            } else {
                format!("expected {}", join(&expected))
            };
            if !prev.is_empty() {
                let _ = write!(m, " after `{}`", short(prev));
            }
            if !expected.is_empty() {
                let _ = write!(m, ", found {found}");
            }
            if hint.is_empty() && after_keyword && matches!(self.tok.kind, Kind::Cmp(_)) {
                hint = format!("a field named {prev} is written in backticks: `{prev}`");
            }
            if !hint.is_empty() {
                let _ = write!(m, " ({hint})");
            }
            m
        });
        Error::Parse(Box::new(ParseError {
            code: ParseCode::Syntax,
            line,
            column,
            expected,
            found,
            message,
        }))
    }

    // ---- conditions ----

    fn or(&mut self) -> PResult<Condition> {
        let mut conditions = vec![self.and()?];
        while self.eat("or") {
            conditions.push(self.and()?);
        }
        Ok(combine(conditions, false))
    }

    fn and(&mut self) -> PResult<Condition> {
        let mut conditions = vec![self.unary()?];
        while self.eat("and") {
            conditions.push(self.unary()?);
        }
        Ok(combine(conditions, true))
    }

    fn unary(&mut self) -> PResult<Condition> {
        let mut nots = 0;
        while self.is("not") {
            self.enter()?;
            self.advance();
            nots += 1;
        }
        let mut c = self.primary()?;
        for _ in 0..nots {
            c = Condition::Not {
                condition: Box::new(c),
            };
        }
        self.depth = self.depth.saturating_sub(nots);
        Ok(c)
    }

    fn primary(&mut self) -> PResult<Condition> {
        if self.tok.kind == Kind::LParen {
            self.open()?;
            let c = self.or()?;
            self.close()?;
            return Ok(c);
        }
        if let Kind::Name(name) = &mut self.tok.kind {
            let field = std::mem::take(name);
            self.advance();
            return self.field_test(field);
        }
        let Some(word) = self.word() else {
            return self.fail("a condition");
        };
        let agg = match word.as_str() {
            "sum" => Some(Aggregation::Sum),
            "count" => Some(Aggregation::Count),
            "avg" => Some(Aggregation::Avg),
            "min" => Some(Aggregation::Min),
            "max" => Some(Aggregation::Max),
            _ => None,
        };
        if !is_reserved(&word) {
            let field = self.text().to_owned();
            self.advance();
            return self.field_test(field);
        }
        if matches!(
            word.as_str(),
            "and" | "or" | "not" | "true" | "false" | "null"
        ) {
            return self.fail("a condition");
        }
        self.keyword_at = Some(self.tok.start);
        self.advance();
        if let Some(agg) = agg {
            return self.aggregate(agg);
        }
        match word.as_str() {
            "all" | "any" => self.group(word == "all"),
            "age" => self.age(),
            "tags" => self.tags(),
            "in" => {
                if self.eat("list") {
                    let list = self.string("a list id in quotes")?;
                    Ok(Condition::InList { list: ListId(list) })
                } else if self.eat("segment") {
                    let segment = self.string("a segment id in quotes")?;
                    Ok(Condition::InSegment {
                        segment: SegmentId(segment),
                    })
                } else {
                    Err(self.error())
                }
            }
            "consent" => self.consent(),
            "did" => self.event(),
            "first" => self.event_time(Occurrence::First),
            _ => self.event_time(Occurrence::Last),
        }
    }

    fn group(&mut self, is_and: bool) -> PResult<Condition> {
        self.open()?;
        let mut conditions = Vec::new();
        if self.tok.kind != Kind::RParen {
            self.expect("`)`");
            loop {
                conditions.push(self.or()?);
                if self.tok.kind != Kind::Comma {
                    self.expect("`,`");
                    break;
                }
                self.advance();
                if self.tok.kind == Kind::RParen {
                    break;
                }
                self.expect("`)`");
            }
        }
        self.close()?;
        Ok(if is_and {
            Condition::And { conditions }
        } else {
            Condition::Or { conditions }
        })
    }

    fn field_name(&mut self) -> PResult<String> {
        match &mut self.tok.kind {
            Kind::Name(name) => {
                let name = std::mem::take(name);
                self.advance();
                Ok(name)
            }
            Kind::Word => {
                let name = self.text().to_owned();
                self.advance();
                Ok(name)
            }
            _ => self.fail("a field name"),
        }
    }

    fn field_test(&mut self, field: String) -> PResult<Condition> {
        let cmp = match self.tok.kind {
            Kind::Cmp(op) => Some(op),
            _ => None,
        };
        let op = match (cmp, self.word().as_deref()) {
            (Some(op), _) => {
                self.advance();
                op
            }
            (_, Some("in")) => {
                self.advance();
                if self.eat("next") {
                    let (amount, unit) = self.duration()?;
                    let when = DateTest::InNext { amount, unit };
                    return Ok(Condition::Date { field, when });
                }
                FieldOp::In
            }
            (_, Some("between")) => {
                self.advance();
                if self.tok.kind == Kind::Date || self.is("date") {
                    let when = self.date_between(false)?;
                    return Ok(Condition::Date { field, when });
                }
                self.expect("a date");
                FieldOp::Between
            }
            (_, Some("before" | "after" | "within" | "more" | "anniversary")) => {
                let when = self.date_test(false)?;
                return Ok(Condition::Date { field, when });
            }
            _ => match self.op_word()? {
                Some(op) => op,
                None => return self.fail("a comparison operator"),
            },
        };
        let value = if !op.takes_value() {
            let starts_value = matches!(self.tok.kind, Kind::Str(_) | Kind::Num(_) | Kind::LParen)
                || self.is("true")
                || self.is("false")
                || self.is("null");
            if starts_value {
                Some(self.value()?)
            } else {
                None
            }
        } else if self.tok.kind == Kind::Question {
            self.advance();
            None
        } else {
            let first = self.value()?;
            if op == FieldOp::Between && self.eat("and") {
                Some(Value::List(vec![first, self.value()?]))
            } else {
                Some(first)
            }
        };
        let fold = if self.is("ignoring") {
            self.advance();
            self.require("case")?;
            true
        } else {
            self.expect("`ignoring case`");
            false
        };
        Ok(Condition::Field {
            field,
            op,
            value,
            fold,
        })
    }

    /// An operator written in words (`contains`, `starts with`, `is set` …), consumed when found.
    fn op_word(&mut self) -> PResult<Option<FieldOp>> {
        let op = match self.word().as_deref() {
            Some("in") => FieldOp::In,
            Some("between") => FieldOp::Between,
            Some("contains") => FieldOp::Contains,
            Some("matches") => FieldOp::Matches,
            Some(w @ ("starts" | "ends")) => {
                self.advance();
                self.require("with")?;
                return Ok(Some(if w == "starts" {
                    FieldOp::StartsWith
                } else {
                    FieldOp::EndsWith
                }));
            }
            Some("is") => {
                self.advance();
                if self.eat("set") {
                    return Ok(Some(FieldOp::IsSet));
                }
                if self.eat("empty") {
                    return Ok(Some(FieldOp::IsEmpty));
                }
                return Err(self.error());
            }
            _ => return Ok(None),
        };
        self.advance();
        Ok(Some(op))
    }

    fn value(&mut self) -> PResult<Value> {
        let word = self.word();
        let v = match &mut self.tok.kind {
            Kind::Str(s) => Value::Text(std::mem::take(s)),
            Kind::Num(n) => Value::Number(*n),
            Kind::LParen => {
                self.open()?;
                let mut items = Vec::new();
                while self.tok.kind != Kind::RParen {
                    self.expect("`)`");
                    items.push(self.value()?);
                    if self.tok.kind != Kind::Comma {
                        self.expect("`,`");
                        break;
                    }
                    self.advance();
                }
                self.close()?;
                return Ok(Value::List(items));
            }
            Kind::Word if word.as_deref() == Some("true") => Value::Bool(true),
            Kind::Word if word.as_deref() == Some("false") => Value::Bool(false),
            Kind::Word if word.as_deref() == Some("null") => Value::Null,
            Kind::Date => {
                self.expect("a value");
                let hint = "a date compared as text is quoted; date tests are `before`, `after`, `between`";
                return Err(self.error_with(None, hint.to_owned()));
            }
            _ => return self.fail("a value"),
        };
        self.advance();
        Ok(v)
    }

    fn string(&mut self, label: &str) -> PResult<String> {
        if let Kind::Str(s) = &mut self.tok.kind {
            let s = std::mem::take(s);
            self.advance();
            return Ok(s);
        }
        self.fail(label)
    }

    fn number(&mut self) -> PResult<f64> {
        if let Kind::Num(n) = self.tok.kind {
            self.advance();
            return Ok(n);
        }
        self.fail("a number")
    }

    fn peek_uint(&self) -> Option<u32> {
        let digits = self.text().bytes().all(|b| b.is_ascii_digit());
        if matches!(self.tok.kind, Kind::Num(_)) && digits {
            return self.text().parse::<u32>().ok();
        }
        None
    }

    fn uint(&mut self) -> PResult<u32> {
        match self.peek_uint() {
            Some(n) => {
                self.advance();
                Ok(n)
            }
            None => self.fail("a whole number from 0 to 4294967295"),
        }
    }

    fn duration(&mut self) -> PResult<(i64, TimeUnit)> {
        let digits = self.text().strip_prefix('-').unwrap_or(self.text());
        let amount = match self.tok.kind {
            Kind::Num(_) if digits.bytes().all(|b| b.is_ascii_digit()) => self.text().parse().ok(),
            _ => None,
        };
        let Some(amount) = amount else {
            return self.fail("a whole number");
        };
        self.advance();
        let unit = match self.word().as_deref() {
            Some("minute" | "minutes") => TimeUnit::Minutes,
            Some("hour" | "hours") => TimeUnit::Hours,
            Some("day" | "days") => TimeUnit::Days,
            Some("week" | "weeks") => TimeUnit::Weeks,
            Some("month" | "months") => TimeUnit::Months,
            _ => return self.fail("a time unit (`minutes`, `hours`, `days`, `weeks` or `months`)"),
        };
        self.advance();
        Ok((amount, unit))
    }

    /// A date: bare, `date "…"`, or (when `plain`) a quoted string.
    fn date(&mut self, plain: bool) -> PResult<String> {
        if self.tok.kind == Kind::Date {
            let date = self.text().to_owned();
            self.advance();
            return Ok(date);
        }
        if self.is("date") {
            self.advance();
            return self.string("a date in quotes");
        }
        if plain {
            if let Kind::Str(s) = &mut self.tok.kind {
                let s = std::mem::take(s);
                self.advance();
                return Ok(s);
            }
        }
        self.fail("a date (YYYY-MM-DD)")
    }

    fn date_between(&mut self, plain: bool) -> PResult<DateTest> {
        let from = self.date(plain)?;
        self.require("and")?;
        let to = self.date(true)?;
        Ok(DateTest::Between { from, to })
    }

    /// A date test; `between` takes a quoted first date only when `plain`.
    fn date_test(&mut self, plain: bool) -> PResult<DateTest> {
        let Some(word) = self.word() else {
            return self.fail("a date test");
        };
        let known = [
            "before",
            "after",
            "between",
            "within",
            "more",
            "in",
            "anniversary",
        ];
        if !known.contains(&word.as_str()) {
            return self.fail("a date test");
        }
        self.advance();
        Ok(match word.as_str() {
            "before" => DateTest::Before {
                date: self.date(true)?,
            },
            "after" => DateTest::After {
                date: self.date(true)?,
            },
            "between" => self.date_between(plain)?,
            "within" => {
                self.eat("last");
                let (amount, unit) = self.duration()?;
                DateTest::WithinLast { amount, unit }
            }
            "more" => {
                self.require("than")?;
                let (amount, unit) = self.duration()?;
                self.require("ago")?;
                DateTest::MoreThanAgo { amount, unit }
            }
            "in" => {
                self.require("next")?;
                let (amount, unit) = self.duration()?;
                DateTest::InNext { amount, unit }
            }
            _ => {
                self.require("within")?;
                let days = self.uint()?;
                if !(self.eat("days") || self.eat("day")) {
                    return Err(self.error());
                }
                DateTest::AnniversaryWithin { days }
            }
        })
    }

    fn age(&mut self) -> PResult<Condition> {
        let field = if self.eat("of") {
            self.field_name()?
        } else {
            "birth_date".to_owned()
        };
        let cmp = match self.tok.kind {
            Kind::Cmp(op) => Some(op),
            _ => None,
        };
        let (min, max) = if self.eat("between") {
            let min = self.uint()?;
            self.require("and")?;
            (Some(min), Some(self.uint()?))
        } else if self.is("is") {
            self.advance();
            self.require("known")?;
            (None, None)
        } else if let Some(op) = cmp.filter(|op| *op != FieldOp::Ne) {
            self.advance();
            let n = self.peek_uint();
            let bounds = match (op, n) {
                (_, None) => return self.fail("a whole number from 0 to 4294967295"),
                (FieldOp::Gte, Some(n)) => Some((Some(n), None)),
                (FieldOp::Lte, Some(n)) => Some((None, Some(n))),
                (FieldOp::Gt, Some(n)) => n.checked_add(1).map(|m| (Some(m), None)),
                (FieldOp::Lt, Some(n)) => n.checked_sub(1).map(|m| (None, Some(m))),
                (_, Some(n)) => Some((Some(n), Some(n))),
            };
            let Some(bounds) = bounds else {
                return self.fail(if op == FieldOp::Lt {
                    "a whole number above 0"
                } else {
                    "a whole number below 4294967295"
                });
            };
            self.advance();
            bounds
        } else {
            self.expect("`is known`");
            return self.fail("a comparison (`>=`, `<=`, `=`, `>`, `<`)");
        };
        Ok(Condition::Age { field, min, max })
    }

    fn tags(&mut self) -> PResult<Condition> {
        self.require("has")?;
        let op = if self.eat("any") {
            TagOp::HasAny
        } else if self.eat("all") {
            TagOp::HasAll
        } else if self.eat("none") {
            TagOp::HasNone
        } else {
            return Err(self.error());
        };
        let mut tags = Vec::new();
        if let Kind::Str(_) = self.tok.kind {
            tags.push(self.string("a tag in quotes")?);
        } else {
            self.expect("a tag in quotes");
            self.open()?;
            while self.tok.kind != Kind::RParen {
                self.expect("`)`");
                tags.push(self.string("a tag in quotes")?);
                if self.tok.kind != Kind::Comma {
                    self.expect("`,`");
                    break;
                }
                self.advance();
            }
            self.close()?;
        }
        Ok(Condition::Tags { op, tags })
    }

    fn consent(&mut self) -> PResult<Condition> {
        let channel = match self.word().as_deref() {
            Some("email") => Channel::Email,
            Some("sms") => Channel::Sms,
            Some("web_push") => Channel::WebPush,
            Some("whatsapp") => Channel::WhatsApp,
            _ => return self.fail("a channel (`email`, `sms`, `web_push` or `whatsapp`)"),
        };
        self.advance();
        self.require("is")?;
        let status = match self.word().as_deref() {
            Some("opted_in") => ConsentStatus::OptedIn,
            Some("opted_out") => ConsentStatus::OptedOut,
            Some("unknown") => ConsentStatus::Unknown,
            _ => return self.fail("a consent status (`opted_in`, `opted_out` or `unknown`)"),
        };
        self.advance();
        Ok(Condition::Consent { channel, status })
    }

    fn filter(&mut self) -> PResult<Box<Condition>> {
        self.open()?;
        let c = self.or()?;
        self.close()?;
        Ok(Box::new(c))
    }

    fn window(&mut self) -> PResult<Duration> {
        self.eat("last");
        let (amount, unit) = self.duration()?;
        Ok(Duration { amount, unit })
    }

    fn count_op(&mut self) -> PResult<Option<CountOp>> {
        if self.is("at") {
            self.advance();
            if self.eat("least") {
                return Ok(Some(CountOp::AtLeast));
            }
            if self.eat("most") {
                return Ok(Some(CountOp::AtMost));
            }
            return Err(self.error());
        }
        self.expect("`at least`");
        self.expect("`at most`");
        Ok(self.eat("exactly").then_some(CountOp::Exactly))
    }

    fn event(&mut self) -> PResult<Condition> {
        let name = self.string("an event name in quotes")?;
        let (mut filter, mut count, mut within, mut between) = (None, None, None, None);
        loop {
            if filter.is_none() && self.eat("where") {
                filter = Some(self.filter()?);
                continue;
            }
            if count.is_none() {
                if let Some(op) = self.count_op()? {
                    let n = self.uint()?;
                    if !(self.eat("times") || self.eat("time")) {
                        return Err(self.error());
                    }
                    count = Some(CountTest { op, n });
                    continue;
                }
            }
            if within.is_none() && self.eat("within") {
                within = Some(self.window()?);
                continue;
            }
            if between.is_none() && self.eat("between") {
                let from = self.date(true)?;
                self.require("and")?;
                let to = self.date(true)?;
                between = Some(DateRange { from, to });
                continue;
            }
            break;
        }
        Ok(Condition::Event {
            name,
            filter,
            count: count.unwrap_or_default(),
            within,
            between,
        })
    }

    fn event_time(&mut self, which: Occurrence) -> PResult<Condition> {
        let name = self.string("an event name in quotes")?;
        let filter = if self.eat("where") {
            Some(self.filter()?)
        } else {
            None
        };
        let when = self.date_test(true)?;
        Ok(Condition::EventTime {
            name,
            filter,
            which,
            when,
        })
    }

    fn aggregate(&mut self, agg: Aggregation) -> PResult<Condition> {
        self.require("of")?;
        let first = self.string("an event property or event name in quotes")?;
        let (mut property, mut name) = (None, first);
        let (mut filter, mut within) = (None, None);
        if self.is("in") {
            self.advance();
            if !matches!(self.tok.kind, Kind::Str(_)) {
                // `count of "opened" in 5`: `in` is the comparison.
                self.expect("an event name in quotes");
                let value = self.number()?;
                return Ok(Condition::Aggregate {
                    name,
                    agg,
                    property,
                    filter,
                    within,
                    op: FieldOp::In,
                    value,
                });
            }
            property = Some(std::mem::replace(&mut name, self.string("")?));
        } else {
            self.expect("`in`");
        }
        loop {
            if filter.is_none() && self.eat("where") {
                filter = Some(self.filter()?);
            } else if within.is_none() && self.eat("within") {
                within = Some(self.window()?);
            } else {
                break;
            }
        }
        let op = match self.tok.kind {
            Kind::Cmp(op) => {
                self.advance();
                op
            }
            _ => match self.op_word()? {
                Some(op) => op,
                None => return self.fail("a comparison operator"),
            },
        };
        let value = self.number()?;
        // `sum of … between 5 and 10`: no condition starts with a number, so this is a mistake.
        if op == FieldOp::Between
            && self.is("and")
            && matches!(lex(self.src, self.tok.end).kind, Kind::Num(_))
        {
            let message = "an aggregate is compared with one number: write `sum of … >= 5 and sum of … <= 10`";
            return Err(self.error_with(Some(message.to_owned()), String::new()));
        }
        Ok(Condition::Aggregate {
            name,
            agg,
            property,
            filter,
            within,
            op,
            value,
        })
    }
}

fn combine(mut conditions: Vec<Condition>, is_and: bool) -> Condition {
    if conditions.len() == 1 {
        if let Some(only) = conditions.pop() {
            return only;
        }
    }
    if is_and {
        Condition::And { conditions }
    } else {
        Condition::Or { conditions }
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

// ---- printer -------------------------------------------------------------------------------

/// Prints the text syntax; see [`crate::condition::text`].
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_condition(f, self)
    }
}

/// `Some(is_and)` for an `and` / `or` written infix (two or more children).
fn infix(c: &Condition) -> Option<bool> {
    match c {
        Condition::And { conditions } if conditions.len() >= 2 => Some(true),
        Condition::Or { conditions } if conditions.len() >= 2 => Some(false),
        _ => None,
    }
}

fn write_inner(f: &mut fmt::Formatter<'_>, c: &Condition, paren: bool) -> fmt::Result {
    if paren {
        f.write_str("(")?;
        write_condition(f, c)?;
        f.write_str(")")
    } else {
        write_condition(f, c)
    }
}

fn write_condition(f: &mut fmt::Formatter<'_>, c: &Condition) -> fmt::Result {
    match c {
        Condition::And { conditions } | Condition::Or { conditions } => {
            let is_and = matches!(c, Condition::And { .. });
            if conditions.len() < 2 {
                f.write_str(if is_and { "all(" } else { "any(" })?;
                if let Some(only) = conditions.first() {
                    write_condition(f, only)?;
                }
                return f.write_str(")");
            }
            for (i, child) in conditions.iter().enumerate() {
                if i > 0 {
                    f.write_str(if is_and { " and " } else { " or " })?;
                }
                let paren = match infix(child) {
                    Some(child_and) => is_and || !child_and,
                    None => false,
                };
                write_inner(f, child, paren)?;
            }
            Ok(())
        }
        Condition::Not { condition } => {
            f.write_str("not ")?;
            write_inner(f, condition, infix(condition).is_some())
        }
        Condition::Field {
            field,
            op,
            value,
            fold,
        } => {
            let pair = match value {
                Some(Value::List(items)) if items.len() == 2 => items.first().zip(items.get(1)),
                _ => None,
            };
            // A `between` with one operand would take a following `and` as its second.
            let paren = *op == FieldOp::Between && value.is_some() && pair.is_none();
            if paren {
                f.write_str("(")?;
            }
            write_field(f, field)?;
            write!(f, " {}", op.symbol())?;
            match (value, pair) {
                (_, Some((a, b))) if *op == FieldOp::Between => {
                    f.write_str(" ")?;
                    write_value(f, a)?;
                    f.write_str(" and ")?;
                    write_value(f, b)?;
                }
                (Some(v), _) => {
                    f.write_str(" ")?;
                    write_value(f, v)?;
                }
                (None, _) if op.takes_value() => f.write_str(" ?")?,
                (None, _) => {}
            }
            if *fold {
                f.write_str(" ignoring case")?;
            }
            if paren {
                f.write_str(")")?;
            }
            Ok(())
        }
        Condition::Tags { op, tags } => {
            f.write_str(match op {
                TagOp::HasAny => "tags has any (",
                TagOp::HasAll => "tags has all (",
                TagOp::HasNone => "tags has none (",
            })?;
            for (i, t) in tags.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_string(f, t)?;
            }
            f.write_str(")")
        }
        Condition::InList { list } => {
            f.write_str("in list ")?;
            write_string(f, list.as_str())
        }
        Condition::InSegment { segment } => {
            f.write_str("in segment ")?;
            write_string(f, segment.as_str())
        }
        Condition::Consent { channel, status } => {
            let status = match status {
                ConsentStatus::OptedIn => "opted_in",
                ConsentStatus::OptedOut => "opted_out",
                ConsentStatus::Unknown => "unknown",
            };
            write!(f, "consent {} is {status}", channel.as_str())
        }
        Condition::Date { field, when } => {
            write_field(f, field)?;
            f.write_str(" ")?;
            write_date_test(f, when, true)
        }
        Condition::Age { field, min, max } => {
            f.write_str("age")?;
            if field != "birth_date" {
                f.write_str(" of ")?;
                write_field(f, field)?;
            }
            match (min, max) {
                (Some(a), Some(b)) => write!(f, " between {a} and {b}"),
                (Some(a), None) => write!(f, " >= {a}"),
                (None, Some(b)) => write!(f, " <= {b}"),
                (None, None) => f.write_str(" is known"),
            }
        }
        Condition::Event {
            name,
            filter,
            count,
            within,
            between,
        } => {
            f.write_str("did ")?;
            write_string(f, name)?;
            write_filter(f, filter.as_deref())?;
            if !count.is_default() {
                let op = match count.op {
                    CountOp::AtLeast => "at least",
                    CountOp::AtMost => "at most",
                    CountOp::Exactly => "exactly",
                };
                let times = if count.n == 1 { "time" } else { "times" };
                write!(f, " {op} {} {times}", count.n)?;
            }
            write_window(f, within.as_ref())?;
            if let Some(r) = between {
                f.write_str(" between ")?;
                write_date(f, &r.from, false)?;
                f.write_str(" and ")?;
                write_date(f, &r.to, false)?;
            }
            Ok(())
        }
        Condition::EventTime {
            name,
            filter,
            which,
            when,
        } => {
            f.write_str(match which {
                Occurrence::First => "first ",
                Occurrence::Last => "last ",
            })?;
            write_string(f, name)?;
            write_filter(f, filter.as_deref())?;
            f.write_str(" ")?;
            write_date_test(f, when, false)
        }
        Condition::Aggregate {
            name,
            agg,
            property,
            filter,
            within,
            op,
            value,
        } => {
            f.write_str(match agg {
                Aggregation::Count => "count of ",
                Aggregation::Sum => "sum of ",
                Aggregation::Avg => "avg of ",
                Aggregation::Min => "min of ",
                Aggregation::Max => "max of ",
            })?;
            if let Some(p) = property {
                write_string(f, p)?;
                f.write_str(" in ")?;
            }
            write_string(f, name)?;
            write_filter(f, filter.as_deref())?;
            write_window(f, within.as_ref())?;
            write!(f, " {} {value}", op.symbol())
        }
    }
}

fn write_filter(f: &mut fmt::Formatter<'_>, filter: Option<&Condition>) -> fmt::Result {
    match filter {
        Some(c) => {
            f.write_str(" where (")?;
            write_condition(f, c)?;
            f.write_str(")")
        }
        None => Ok(()),
    }
}

fn write_window(f: &mut fmt::Formatter<'_>, within: Option<&Duration>) -> fmt::Result {
    match within {
        Some(d) => {
            f.write_str(" within ")?;
            write_amount(f, d.amount, d.unit)
        }
        None => Ok(()),
    }
}

fn write_amount(f: &mut fmt::Formatter<'_>, amount: i64, unit: TimeUnit) -> fmt::Result {
    let unit = match unit {
        TimeUnit::Minutes => "minute",
        TimeUnit::Hours => "hour",
        TimeUnit::Days => "day",
        TimeUnit::Weeks => "week",
        TimeUnit::Months => "month",
    };
    let s = if amount == 1 { "" } else { "s" };
    write!(f, "{amount} {unit}{s}")
}

/// `marker`: a quoted first date of `between` needs `date` (after a field name).
fn write_date_test(f: &mut fmt::Formatter<'_>, when: &DateTest, marker: bool) -> fmt::Result {
    match when {
        DateTest::Before { date } => {
            f.write_str("before ")?;
            write_date(f, date, false)
        }
        DateTest::After { date } => {
            f.write_str("after ")?;
            write_date(f, date, false)
        }
        DateTest::Between { from, to } => {
            f.write_str("between ")?;
            write_date(f, from, marker)?;
            f.write_str(" and ")?;
            write_date(f, to, false)
        }
        DateTest::WithinLast { amount, unit } => {
            f.write_str("within last ")?;
            write_amount(f, *amount, *unit)
        }
        DateTest::MoreThanAgo { amount, unit } => {
            f.write_str("more than ")?;
            write_amount(f, *amount, *unit)?;
            f.write_str(" ago")
        }
        DateTest::InNext { amount, unit } => {
            f.write_str("in next ")?;
            write_amount(f, *amount, *unit)
        }
        DateTest::AnniversaryWithin { days } => {
            let s = if *days == 1 { "" } else { "s" };
            write!(f, "anniversary within {days} day{s}")
        }
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, date: &str, marker: bool) -> fmt::Result {
    if date_len(date) == Some(date.len()) {
        return f.write_str(date);
    }
    if marker {
        f.write_str("date ")?;
    }
    write_string(f, date)
}

fn write_field(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let mut bytes = name.bytes();
    let bare = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && !is_reserved(name);
    if bare {
        return f.write_str(name);
    }
    f.write_char('`')?;
    for (i, part) in name.split('`').enumerate() {
        if i > 0 {
            f.write_str("``")?;
        }
        f.write_str(part)?;
    }
    f.write_char('`')
}

fn write_value(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    match v {
        Value::Null => f.write_str("null"),
        Value::Bool(b) => write!(f, "{b}"),
        Value::Number(n) => write!(f, "{n}"),
        Value::Text(s) => write_string(f, s),
        Value::List(items) => {
            f.write_str("(")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, item)?;
            }
            f.write_str(")")
        }
    }
}

/// A JSON string literal, escaped as `serde_json` does.
fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}
