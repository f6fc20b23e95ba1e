//! Sniffing: encoding, delimiter, quote and header row from the first bytes of a file.

use super::cell::looks_like_data;
use super::mapping::suggest_target;
use super::options::{Decimal, Detected, Encoding, EncodingReason, ImportOptions};

/// How many bytes of the file sniffing looks at.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// The delimiters sniffing chooses from, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The encoding and byte-order-mark length of a file, from its first bytes, and why.
pub(crate) fn encoding(sample: &[u8], complete: bool) -> (Encoding, usize, EncodingReason) {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3, EncodingReason::Bom);
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, 2, EncodingReason::Bom);
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, 2, EncodingReason::Bom);
    }
    // Valid multi-byte sequences against invalid bytes: a UTF-8 file with one bad byte stays
    // UTF-8 (the bad cell is rejected); an 8-bit file almost never has valid sequences.
    let (mut multi, mut invalid) = (0usize, 0usize);
    let mut chunks = sample.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        let last = chunks.peek().is_none();
        // A sequence cut by the end of the sample is not an error.
        if !chunk.invalid().is_empty() && (!last || complete) {
            invalid += 1;
        }
    }
    if invalid == 0 || multi > invalid {
        (Encoding::Utf8, 0, EncodingReason::Utf8)
    } else {
        (
            Encoding::guess_single_byte(sample),
            0,
            EncodingReason::NotUtf8,
        )
    }
}

/// Decodes a sample (after the byte-order mark) to text, losing nothing that matters for sniffing.
pub(crate) fn sample_text(sample: &[u8], encoding: Encoding) -> String {
    encoding
        .decoder()
        .decode_without_bom_handling(sample)
        .0
        .into_owned()
}

/// Splits sample text into records (quote-aware, at most `max`), each a list of raw cells.
fn records(
    text: &str,
    delimiter: char,
    quote: char,
    max: usize,
    complete: bool,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut in_quotes = false;
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == quote {
                if chars.peek() == Some(&quote) {
                    cell.push(quote);
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == quote && at_start {
            in_quotes = true;
            at_start = false;
        } else if c == delimiter {
            row.push(std::mem::take(&mut cell));
            at_start = true;
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            if !(row.is_empty() && cell.is_empty()) {
                row.push(std::mem::take(&mut cell));
                out.push(std::mem::take(&mut row));
                if out.len() >= max {
                    return out;
                }
            }
            at_start = true;
        } else {
            cell.push(c);
            at_start = false;
        }
    }
    // The last line counts only when the sample holds the whole file.
    if complete && !in_quotes && !(row.is_empty() && cell.is_empty()) {
        row.push(cell);
        out.push(row);
    }
    out
}

/// Chooses the delimiter: the candidate that splits most records into the same number of cells
/// as the first one, with more than one cell.
fn delimiter(text: &str, quote: char, complete: bool) -> char {
    let mut best = (0usize, 0usize, ',');
    for &d in &DELIMITERS {
        let d = char::from(d);
        let recs = records(text, d, quote, 50, complete);
        let Some(first) = recs.first() else { continue };
        let width = first.len();
        if width < 2 {
            continue;
        }
        let same = recs.iter().filter(|r| r.len() == width).count();
        if (same, width) > (best.0, best.1) {
            best = (same, width, d);
        }
    }
    best.2
}

/// Whether the first record is a header: none of its cells looks like data, and either one of
/// them is a known header name or the next record has cells that look like data.
fn header(recs: &[Vec<String>]) -> bool {
    let Some(first) = recs.first() else {
        return true;
    };
    if first.iter().any(|c| looks_like_data(c.trim())) {
        return false;
    }
    if first.iter().any(|c| suggest_target(c, None).is_some()) {
        return true;
    }
    match recs.get(1) {
        Some(second) => second.iter().any(|c| looks_like_data(c.trim())),
        None => true,
    }
}

/// Fills in every setting the options leave open.
pub(crate) fn detect(sample: &[u8], complete: bool, options: &ImportOptions) -> Detected {
    let (sniffed, bom_len, reason) = encoding(sample, complete);
    let encoding = options.encoding.unwrap_or(sniffed);
    let encoding_reason = if options.encoding.is_some() {
        EncodingReason::Forced
    } else {
        reason
    };
    // A BOM of another encoding than the one forced is kept as data; the usual case strips it.
    let bom = bom_len > 0 && encoding == sniffed;
    let body = if bom { &sample[bom_len..] } else { sample };
    let text = sample_text(body, encoding);
    let quote = options.quote.unwrap_or_else(|| {
        // `'` only when the file has no `"` and several cells are wrapped in `'`.
        let wrapped = text
            .split(|c: char| DELIMITERS.contains(&(c as u8)) || c == '\n' || c == '\r')
            .filter(|c| c.len() > 1 && c.starts_with('\'') && c.ends_with('\''))
            .count();
        if !text.contains('"') && wrapped >= 2 {
            '\''
        } else {
            '"'
        }
    });
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| delimiter(&text, quote, complete));
    let header = options.header.unwrap_or_else(|| {
        let recs = records(&text, delimiter, quote, 2, complete);
        header(&recs)
    });
    let decimal = options.decimal.unwrap_or(if delimiter == ';' {
        Decimal::Comma
    } else {
        Decimal::Dot
    });
    Detected {
        encoding,
        encoding_reason,
        encoding_switched_at: None,
        bom,
        delimiter,
        quote,
        header,
        decimal,
        date_order: options.date_order,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_byte_keeps_utf8() {
        let s = "Città;Perché\nRoma;caff\u{e8}\n".as_bytes().to_vec();
        let mut bad = s.clone();
        bad.extend_from_slice(b"x\xE8y;z\n");
        assert_eq!(encoding(&bad, true).0, Encoding::Utf8);
        assert_eq!(encoding(&bad, true).2, EncodingReason::Utf8);
        assert_eq!(encoding(b"Citt\xE0;x\n", true).0, Encoding::Windows1252);
    }

    #[test]
    fn delimiters() {
        for d in [',', ';', '\t', '|'] {
            let text = format!("a{d}b{d}c\n1{d}2{d}3\n4{d}\"5{d}x\"{d}6\n");
            assert_eq!(delimiter(&text, '"', true), d);
        }
    }
}
