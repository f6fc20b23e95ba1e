//! The tokens of the condition text syntax.

use crate::condition::FieldOp;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
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
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn bad(start: usize, found: impl Into<String>, hint: &'static str) -> Token {
    Token {
        kind: Kind::Bad(found.into(), hint),
        start,
        end: start,
    }
}

pub(super) fn lex(src: &str, from: usize) -> Token {
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
pub(super) fn date_len(s: &str) -> Option<usize> {
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
pub(super) fn runs_on(b: &[u8], i: usize) -> bool {
    b.get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'+' | b':'))
}

pub(super) fn lex_number(src: &str, start: usize) -> Token {
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

pub(super) fn lex_string(src: &str, start: usize) -> Token {
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

pub(super) fn hex4(it: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut n = 0;
    for _ in 0..4 {
        n = n * 16 + it.next()?.1.to_digit(16)?;
    }
    Some(n)
}

pub(super) fn unicode_escape(it: &mut std::str::CharIndices<'_>) -> Option<char> {
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

pub(super) fn lex_name(src: &str, start: usize) -> Token {
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
pub(super) fn short(s: &str) -> String {
    match s.char_indices().nth(32) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}
