//! Phone numbers, one type for both jobs: the key every contact store matches numbers by
//! ([`PhoneNormalizer::key`], always there), and the normalisation to E.164 with the
//! `phonenumber` crate (libphonenumber metadata; cargo feature `import`).

#[cfg(feature = "import")]
use phonenumber::country;

#[cfg(feature = "import")]
use crate::import::ImportError;

/// Phone numbers: the matching key of a number as written ([`key`](Self::key)), and, with the
/// `import` feature, a normaliser of numbers written with or without a country code to E.164,
/// using a default region for national numbers. The importer writes E.164 numbers, whose key is
/// themselves.
///
/// ```
/// use sequenza::phone::PhoneNormalizer;
/// assert_eq!(PhoneNormalizer::key("+39 (333) 123-45.67"), "+393331234567");
/// ```
///
/// ```
/// # #[cfg(feature = "import")] {
/// use sequenza::import::PhoneNormalizer;
/// let p = PhoneNormalizer::new("IT").unwrap();
/// assert_eq!(p.normalize("333 123 4567").as_deref(), Some("+393331234567"));
/// assert_eq!(p.normalize("+39 06 1234 5678").as_deref(), Some("+390612345678"));
/// assert_eq!(p.normalize("0044 20 7946 0958").as_deref(), Some("+442079460958"));
/// assert!(p.normalize("12").is_none());
/// assert_eq!(PhoneNormalizer::new("XX").unwrap_err().code, "import.option.invalid");
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PhoneNormalizer {
    #[cfg(feature = "import")]
    region: country::Id,
}

impl PhoneNormalizer {
    /// The key a phone number is matched by in every contact store: the number without the
    /// separators people write in it (spaces, `-`, `.`, `/`, brackets).
    ///
    /// ```
    /// use sequenza::phone::PhoneNormalizer;
    /// assert_eq!(PhoneNormalizer::key(" 333 / 123 4567 "), "3331234567");
    /// ```
    pub fn key(phone: &str) -> String {
        phone
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/' | '(' | ')'))
            .collect()
    }
}

#[cfg(feature = "import")]
impl PhoneNormalizer {
    /// A normaliser for an ISO 3166 region code (`"IT"`); an unknown code is
    /// `import.option.invalid`.
    pub fn new(region: &str) -> Result<Self, ImportError> {
        let region: country::Id = region.trim().to_uppercase().parse().map_err(|_| {
            let mut e = ImportError::new(
                crate::error::ImportCode::OptionInvalid,
                format!("`{region}` is not an ISO 3166 region code"),
            );
            e.column_name = Some("default_region".to_owned());
            e
        })?;
        Ok(PhoneNormalizer { region })
    }

    /// The number in E.164 form (`+393331234567`), or `None` when it is not a valid number.
    pub fn normalize(&self, text: &str) -> Option<String> {
        let t = text.trim();
        if t.is_empty() || t.len() > 40 {
            return None;
        }
        self.normalize_fast(t).or_else(|| self.slow(t))
    }

    /// Italian mobile numbers written as ten plain digits `3[1-8]xxxxxxxx` (default region IT)
    /// or as `+393[1-9]xxxxxxxx` (a national `39…` without `+39` is left to the crate, which reads
    /// a leading 39 as the country code in some cases). libphonenumber's metadata makes every one of them a valid
    /// mobile number (`3[2-9]\d{7,8}|31\d{8}`); the test `fast_path_agrees_with_the_crate`
    /// checks the answer against the crate on many numbers. Anything else goes to the crate,
    /// which costs about 10–20 µs a number.
    fn fast(&self, t: &str) -> Option<String> {
        let (national, explicit) = match t.strip_prefix("+39") {
            Some(rest) => (rest, true),
            None if self.region == country::Id::IT => (t, false),
            None => return None,
        };
        let b = national.as_bytes();
        let second = if explicit { b'1'..=b'9' } else { b'1'..=b'8' };
        if b.len() == 10
            && b[0] == b'3'
            && second.contains(&b[1])
            && b.iter().all(u8::is_ascii_digit)
        {
            let mut out = String::with_capacity(13);
            out.push_str("+39");
            out.push_str(national);
            return Some(out);
        }
        None
    }

    /// The fast paths alone (`None` where the crate must answer).
    fn normalize_fast(&self, t: &str) -> Option<String> {
        self.fast(t)
            .or_else(|| compact(t, self.region == country::Id::IT).and_then(|c| self.fast(&c)))
    }

    fn slow(&self, t: &str) -> Option<String> {
        let n = phonenumber::parse(Some(self.region), t).ok()?;
        if !phonenumber::is_valid(&n) {
            return None;
        }
        Some(n.format().mode(phonenumber::Mode::E164).to_string())
    }
}

#[cfg(feature = "import")]
/// The number without the separators people write in it (spaces, `-`, `.`, `/`, brackets), and
/// with an international `00` prefix written as `+` (for regions, like Italy, whose
/// international prefix is `00`); `None` when anything else is in it or when
/// nothing was removed. libphonenumber ignores the same separators, so the fast path answers
/// the compact form exactly as the crate answers the written one
/// (`fast_path_agrees_with_the_crate` checks written forms).
fn compact(t: &str, double_zero_is_plus: bool) -> Option<String> {
    let mut out = String::with_capacity(t.len());
    for (i, c) in t.char_indices() {
        match c {
            '0'..='9' => out.push(c),
            '+' if i == 0 => out.push(c),
            ' ' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return None,
        }
    }
    if double_zero_is_plus {
        if let Some(rest) = out.strip_prefix("00") {
            out = format!("+{rest}");
        }
    }
    (out != t).then_some(out)
}

#[cfg(all(test, feature = "import"))]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_the_crate() {
        let it = PhoneNormalizer::new("IT").unwrap();
        let de = PhoneNormalizer::new("DE").unwrap();
        let us = PhoneNormalizer::new("US").unwrap();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut fast_hits = 0;
        for i in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Lengths 8 to 12, mostly starting with 3, with and without +39.
            let len = 8 + (x % 5) as usize;
            let mut digits: String = (0..len)
                .map(|k| char::from(b'0' + ((x >> (k * 5)) % 10) as u8))
                .collect();
            if i % 4 != 0 {
                digits.replace_range(0..1, "3");
            }
            let (a, b) = digits.split_at(3.min(digits.len()));
            for text in [
                digits.clone(),
                format!("+39{digits}"),
                format!("+39 {a} {b}"),
                format!("0039 {a}-{b}"),
                format!("({a}) {b}"),
                format!("{a}.{b}"),
                format!("{a} / {b}"),
            ] {
                for p in [&it, &de, &us] {
                    let quick = p.normalize_fast(&text);
                    if let Some(f) = quick {
                        fast_hits += 1;
                        assert_eq!(Some(f), p.slow(&text), "{text} in {:?}", p.region);
                    }
                }
            }
        }
        assert!(
            fast_hits > 5_000,
            "the fast path was taken only {fast_hits} times"
        );
    }
}
