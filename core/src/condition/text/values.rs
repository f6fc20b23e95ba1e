//! The value readers of the condition text parser: literals, numbers, durations and dates.

use super::lexer::Kind;
use super::parser::{PResult, Parser};
use crate::condition::DateTest;
use crate::model::Value;
use crate::time::TimeUnit;

impl Parser<'_> {
    pub(super) fn value(&mut self) -> PResult<Value> {
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

    pub(super) fn string(&mut self, label: &str) -> PResult<String> {
        if let Kind::Str(s) = &mut self.tok.kind {
            let s = std::mem::take(s);
            self.advance();
            return Ok(s);
        }
        self.fail(label)
    }

    pub(super) fn number(&mut self) -> PResult<f64> {
        if let Kind::Num(n) = self.tok.kind {
            self.advance();
            return Ok(n);
        }
        self.fail("a number")
    }

    pub(super) fn peek_uint(&self) -> Option<u32> {
        let digits = self.text().bytes().all(|b| b.is_ascii_digit());
        if matches!(self.tok.kind, Kind::Num(_)) && digits {
            return self.text().parse::<u32>().ok();
        }
        None
    }

    pub(super) fn uint(&mut self) -> PResult<u32> {
        match self.peek_uint() {
            Some(n) => {
                self.advance();
                Ok(n)
            }
            None => self.fail("a whole number from 0 to 4294967295"),
        }
    }

    pub(super) fn duration(&mut self) -> PResult<(i64, TimeUnit)> {
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
    pub(super) fn date(&mut self, plain: bool) -> PResult<String> {
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

    pub(super) fn date_between(&mut self, plain: bool) -> PResult<DateTest> {
        let from = self.date(plain)?;
        self.require("and")?;
        let to = self.date(true)?;
        Ok(DateTest::Between { from, to })
    }

    /// A date test; `between` takes a quoted first date only when `plain`.
    pub(super) fn date_test(&mut self, plain: bool) -> PResult<DateTest> {
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
}
