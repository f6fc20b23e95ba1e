//! Phone numbers: normalised to E.164 with the `phonenumber` crate (libphonenumber metadata).

use phonenumber::country;

use super::error::ImportError;

/// Normalises phone numbers written with or without a country code to E.164, using a default
/// region for national numbers.
///
/// ```
/// use sequenza::import::PhoneNormalizer;
/// let p = PhoneNormalizer::new("IT").unwrap();
/// assert_eq!(p.normalize("333 123 4567").as_deref(), Some("+393331234567"));
/// assert_eq!(p.normalize("+39 06 1234 5678").as_deref(), Some("+390612345678"));
/// assert_eq!(p.normalize("0044 20 7946 0958").as_deref(), Some("+442079460958"));
/// assert!(p.normalize("12").is_none());
/// assert_eq!(PhoneNormalizer::new("XX").unwrap_err().code, "import.option.invalid");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PhoneNormalizer {
    region: country::Id,
}

impl PhoneNormalizer {
    /// A normaliser for an ISO 3166 region code (`"IT"`); an unknown code is
    /// `import.option.invalid`.
    pub fn new(region: &str) -> Result<Self, ImportError> {
        let region: country::Id = region.trim().to_uppercase().parse().map_err(|_| {
            let mut e = ImportError::new(
                "import.option.invalid",
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
        let n = phonenumber::parse(Some(self.region), t).ok()?;
        if !phonenumber::is_valid(&n) {
            return None;
        }
        Some(n.format().mode(phonenumber::Mode::E164).to_string())
    }
}
