//! The recursive-descent parser of the condition text syntax.

use std::fmt::Write as _;

use super::lexer::{lex, short, Kind, Token};
use super::{is_reserved, MAX_NESTING};
use crate::condition::{
    Aggregation, Condition, CountOp, CountTest, DateRange, DateTest, FieldOp, Occurrence, TagOp,
};
use crate::error::{Error, ParseCode, ParseError};
use crate::model::{Channel, ConsentStatus, ListId, SegmentId, Value};
use crate::time::Duration;

pub(super) type PResult<T> = crate::Result<T>;

pub(super) struct Parser<'a> {
    src: &'a str,
    pub(super) tok: Token,
    prev: Option<(usize, usize)>,
    /// What was tried and not found at the current token.
    expected: Vec<String>,
    depth: usize,
    /// Where the last keyword that starts a condition (`count`, `age` …) is.
    keyword_at: Option<usize>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Parser {
            src,
            tok: lex(src, 0),
            prev: None,
            expected: Vec::new(),
            depth: 0,
            keyword_at: None,
        }
    }

    pub(super) fn advance(&mut self) {
        self.prev = Some((self.tok.start, self.tok.end));
        self.tok = lex(self.src, self.tok.end);
        self.expected.clear();
    }

    pub(super) fn text(&self) -> &'a str {
        self.src.get(self.tok.start..self.tok.end).unwrap_or("")
    }

    /// The current token as a lower-case word.
    pub(super) fn word(&self) -> Option<String> {
        (self.tok.kind == Kind::Word).then(|| self.text().to_ascii_lowercase())
    }

    pub(super) fn is(&self, word: &str) -> bool {
        self.tok.kind == Kind::Word && self.text().eq_ignore_ascii_case(word)
    }

    pub(super) fn expect(&mut self, label: impl Into<String>) {
        self.expected.push(label.into());
    }

    pub(super) fn eat(&mut self, word: &str) -> bool {
        if self.is(word) {
            self.advance();
            true
        } else {
            self.expect(format!("`{word}`"));
            false
        }
    }

    pub(super) fn require(&mut self, word: &str) -> PResult<()> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    pub(super) fn fail<T>(&mut self, label: impl Into<String>) -> PResult<T> {
        self.expect(label);
        Err(self.error())
    }

    pub(super) fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_NESTING {
            let message = format!(
                "the condition nests more than {MAX_NESTING} levels deep (parentheses, `not`, `all(…)`, `any(…)`, `where (…)` and lists count)"
            );
            return Err(self.error_with(Some(message), String::new()));
        }
        self.depth += 1;
        Ok(())
    }

    pub(super) fn open(&mut self) -> PResult<()> {
        if self.tok.kind != Kind::LParen {
            return self.fail("`(`");
        }
        self.enter()?;
        self.advance();
        Ok(())
    }

    pub(super) fn close(&mut self) -> PResult<()> {
        if self.tok.kind != Kind::RParen {
            return self.fail("`)`");
        }
        self.depth = self.depth.saturating_sub(1);
        self.advance();
        Ok(())
    }

    pub(super) fn error(&self) -> Error {
        self.error_with(None, String::new())
    }

    /// The error at the current token: `message` replaces the generated one; `hint` is added.
    pub(super) fn error_with(&self, message: Option<String>, hint: String) -> Error {
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

    pub(super) fn or(&mut self) -> PResult<Condition> {
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
                    Ok(Condition::InList {
                        list: ListId::from(list),
                    })
                } else if self.eat("segment") {
                    let segment = self.string("a segment id in quotes")?;
                    Ok(Condition::InSegment {
                        segment: SegmentId::from(segment),
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
