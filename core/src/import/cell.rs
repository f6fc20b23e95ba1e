//! Typed cells: dates, numbers, booleans, choices, e-mail addresses.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::options::{DateOrder, Decimal};

/// Reads a date: ISO `YYYY-MM-DD`, or day, month and year separated by `/`, `-` or `.` in the
/// given order (`31/12/1980`), with a four-digit year. An ISO date-time keeps its date.
///
/// ```
/// use sequenza::import::{parse_date, DateOrder};
/// assert_eq!(parse_date("31/12/1980", DateOrder::DayMonthYear).unwrap().to_string(), "1980-12-31");
/// assert_eq!(parse_date("1980-12-31", DateOrder::MonthDayYear).unwrap().to_string(), "1980-12-31");
/// assert_eq!(parse_date("12/31/1980", DateOrder::MonthDayYear).unwrap().to_string(), "1980-12-31");
/// assert!(parse_date("31/02/1980", DateOrder::DayMonthYear).is_none());
/// ```
pub fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let t = text.trim();
    let bytes = t.as_bytes();
    if bytes.len() >= 10 && bytes[4] == b'-' && bytes[7] == b'-' {
        let rest = &t[10..];
        if rest.is_empty() || rest.starts_with(['T', ' ']) {
            return NaiveDate::parse_from_str(&t[..10], "%Y-%m-%d").ok();
        }
        return None;
    }
    // Drop a midnight time some spreadsheets append ("31/12/1980 00:00:00").
    let t = t.split_once(' ').map_or(t, |(d, _)| d);
    let sep = t.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut parts = t.split(sep);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || a.is_empty()
        || b.is_empty()
        || a.len() > 2
        || b.len() > 2
    {
        return None;
    }
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(y)) {
        return None;
    }
    let (a, b, y): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
    let (d, m) = match order {
        DateOrder::DayMonthYear => (a, b),
        DateOrder::MonthDayYear => (b, a),
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Reads an instant: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` (UTC), or a date as [`parse_date`]
/// reads it (midnight UTC).
///
/// ```
/// use sequenza::import::{parse_datetime, DateOrder};
/// let t = parse_datetime("25/11/2026 18:51", DateOrder::DayMonthYear).unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-11-25T18:51:00+00:00");
/// ```
pub fn parse_datetime(text: &str, order: DateOrder) -> Option<DateTime<Utc>> {
    parse_datetime_in(text, order, Tz::UTC)
}

/// Reads a date-time as [`parse_datetime`] does, but a date-time written without an offset is a
/// wall time in `zone` (a time in the spring-forward gap is the first valid instant after it, one
/// in the autumn overlap its first occurrence: [`local_to_utc`](crate::time::local_to_utc)).
///
/// ```
/// use sequenza::import::{parse_datetime_in, DateOrder};
/// let rome = chrono_tz::Europe::Rome;
/// let t = parse_datetime_in("25/11/2026 18:51", DateOrder::DayMonthYear, rome).unwrap();
/// assert_eq!(t.to_rfc3339(), "2026-11-25T17:51:00+00:00");
/// let gap = parse_datetime_in("2026-03-29 02:30", DateOrder::DayMonthYear, rome).unwrap();
/// assert_eq!(gap.to_rfc3339(), "2026-03-29T01:00:00+00:00"); // 03:00 CEST
/// let offset = parse_datetime_in("2026-11-25T18:51:00Z", DateOrder::DayMonthYear, rome).unwrap();
/// assert_eq!(offset.to_rfc3339(), "2026-11-25T18:51:00+00:00");
/// ```
pub fn parse_datetime_in(text: &str, order: DateOrder, zone: Tz) -> Option<DateTime<Utc>> {
    let local = |n: NaiveDateTime| crate::time::local_to_utc(zone, n).ok();
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return local(n);
        }
    }
    if let Some((d, time)) = t.split_once(' ') {
        let date = parse_date(d, order)?;
        for fmt in ["%H:%M:%S", "%H:%M"] {
            if let Ok(time) = chrono::NaiveTime::parse_from_str(time.trim(), fmt) {
                return local(date.and_time(time));
            }
        }
        return None;
    }
    parse_date(t, order)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(local)
}

/// Reads a number with the given decimal separator and the other one grouping thousands
/// (`1.234,56` with [`Decimal::Comma`]). A euro sign, spaces and a leading `+` are ignored. With
/// `Decimal::Comma`, a lone `.` followed by other than three digits is read as the decimal
/// point (`12.5`).
///
/// ```
/// use sequenza::import::{parse_number, Decimal};
/// assert_eq!(parse_number("1.234,56", Decimal::Comma), Some(1234.56));
/// assert_eq!(parse_number("€ 12,50", Decimal::Comma), Some(12.5));
/// assert_eq!(parse_number("1,234.56", Decimal::Dot), Some(1234.56));
/// assert_eq!(parse_number("-3", Decimal::Dot), Some(-3.0));
/// assert_eq!(parse_number("12.5", Decimal::Comma), Some(12.5));
/// assert_eq!(parse_number("1.2.3,4", Decimal::Comma), None);
/// assert_eq!(parse_number("abc", Decimal::Dot), None);
/// ```
pub fn parse_number(text: &str, decimal: Decimal) -> Option<f64> {
    let t = text
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    if t.is_empty() {
        return None;
    }
    let (dec, group) = match decimal {
        Decimal::Comma => (',', '.'),
        Decimal::Dot => ('.', ','),
    };
    let mut dec = dec;
    let mut group = group;
    // "12.5" in a comma file: a single group mark not followed by exactly 3 digits is a decimal.
    if !t.contains(dec) && t.matches(group).count() == 1 {
        let after = t.rsplit(group).next().unwrap_or("");
        if after.len() != 3 {
            std::mem::swap(&mut dec, &mut group);
        }
    }
    let (int, frac) = match t.split_once(dec) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    // Thousands groups: the first 1–3 digits, then groups of exactly 3.
    let mut digits = String::with_capacity(t.len() + 1);
    if neg {
        digits.push('-');
    }
    if int.contains(group) {
        let mut groups = int.split(group);
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 {
            return None;
        }
        digits.push_str(first);
        for g in groups {
            if g.len() != 3 {
                return None;
            }
            digits.push_str(g);
        }
    } else {
        digits.push_str(int);
    }
    if let Some(f) = frac {
        if f.is_empty() || f.contains([dec, group]) {
            return None;
        }
        digits.push('.');
        digits.push_str(f);
    }
    if !digits
        .bytes()
        .all(|c| c.is_ascii_digit() || c == b'.' || c == b'-')
        || int.is_empty()
    {
        return None;
    }
    digits.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Reads a yes/no cell: `sì` `si` `s` `yes` `y` `true` `vero` `1` `x` `ok` are true; `no` `n`
/// `false` `falso` `0` are false (case-insensitive).
///
/// ```
/// use sequenza::import::parse_bool;
/// assert_eq!(parse_bool("Sì"), Some(true));
/// assert_eq!(parse_bool("X"), Some(true));
/// assert_eq!(parse_bool("no"), Some(false));
/// assert_eq!(parse_bool("forse"), None);
/// ```
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "sì" | "si" | "s" | "yes" | "y" | "true" | "vero" | "1" | "x" | "ok" => Some(true),
        "no" | "n" | "false" | "falso" | "0" => Some(false),
        _ => None,
    }
}

/// Checks and normalises an e-mail address: trimmed and lowercased; one `@`; a local part of
/// 1–64 characters without spaces or unquoted specials; a domain of dot-separated labels
/// (letters, digits, `-`, not at either end) ending in a top-level domain of two or more letters.
///
/// ```
/// use sequenza::import::normalize_email;
/// assert_eq!(normalize_email(" Anna.Rossi@Example.IT ").as_deref(), Some("anna.rossi@example.it"));
/// assert!(normalize_email("anna@example").is_none());
/// assert!(normalize_email("anna rossi@example.com").is_none());
/// assert!(normalize_email("@example.com").is_none());
/// ```
pub fn normalize_email(text: &str) -> Option<String> {
    let t = text.trim();
    if t.len() > 254 {
        return None;
    }
    let (local, domain) = t.split_once('@')?;
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    for l in &labels {
        if l.is_empty()
            || l.len() > 63
            || l.starts_with('-')
            || l.ends_with('-')
            || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        {
            return None;
        }
    }
    let tld = labels.last().copied().unwrap_or("");
    if tld.chars().count() < 2 || !tld.chars().all(char::is_alphabetic) {
        return None;
    }
    Some(t.to_lowercase())
}

/// Whether a cell looks like data rather than a header name (used to sniff the header row).
pub(crate) fn looks_like_data(cell: &str) -> bool {
    if cell.is_empty() {
        return false;
    }
    cell.contains('@')
        || cell.bytes().filter(u8::is_ascii_digit).count() * 2 >= cell.len()
        || parse_date(cell, DateOrder::DayMonthYear).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1234,5", Decimal::Comma), Some(1234.5));
        assert_eq!(parse_number("1.234", Decimal::Comma), Some(1234.0));
        assert_eq!(parse_number("1,234", Decimal::Dot), Some(1234.0));
        assert_eq!(
            parse_number("1.234.567,00", Decimal::Comma),
            Some(1_234_567.0)
        );
        assert_eq!(parse_number("12,34,5", Decimal::Comma), None);
        assert_eq!(parse_number(",5", Decimal::Comma), None);
        assert_eq!(parse_number("-", Decimal::Comma), None);
        assert_eq!(parse_number("1e5", Decimal::Dot), None);
        assert_eq!(parse_number("1234.", Decimal::Dot), None);
    }

    #[test]
    fn dates() {
        let d = |s| parse_date(s, DateOrder::DayMonthYear).map(|d| d.to_string());
        assert_eq!(d("1/2/1990").as_deref(), Some("1990-02-01"));
        assert_eq!(d("01.02.1990").as_deref(), Some("1990-02-01"));
        assert_eq!(d("31/12/1980 00:00:00").as_deref(), Some("1980-12-31"));
        assert_eq!(d("1990-02-01T10:00:00Z").as_deref(), Some("1990-02-01"));
        assert_eq!(d("31/12/80"), None);
        assert_eq!(d("x"), None);
        assert_eq!(d("1990-02-30"), None);
    }
}
