//! Time zones: parsing, inference from a country or a phone number, the fallback chain.

use crate::error::TimeCode;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::err;
use crate::flow::SendPolicy;
use crate::model::{Contact, Value};

/// Parses an IANA time zone name (`Europe/Rome`, `UTC`); anything else is `time.zone.unknown`.
///
/// ```
/// use sequenza::time::parse_zone;
/// assert_eq!(parse_zone("Asia/Kathmandu")?.name(), "Asia/Kathmandu");
/// assert_eq!(parse_zone("Europe/Atlantis").unwrap_err().code(), "time.zone.unknown");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn parse_zone(name: &str) -> crate::Result<Tz> {
    parse_zone_at(name, "")
}

/// [`parse_zone`] for a name found at `path` (a JSON pointer) in the caller's input, so that the
/// error points there (`/defaultTimeZone`, `/flow`).
///
/// ```
/// use sequenza::time::parse_zone_at;
/// let err = parse_zone_at("Mars/Olympus", "/timeZone").unwrap_err();
/// assert_eq!((err.code(), err.path()), ("time.zone.unknown", Some("/timeZone")));
/// ```
pub fn parse_zone_at(name: &str, path: &str) -> crate::Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        err(
            TimeCode::ZoneUnknown,
            path,
            format!(
                "\"{name}\" is not a known time zone; use an IANA name such as \"Europe/Rome\"."
            ),
        )
    })
}

/// Countries whose people (nearly) all live in one time zone: ISO 3166 code, zone, calling code
/// (`0` when the calling code is shared with other countries in other zones, as `+1` is).
///
/// Spain, Portugal, New Zealand and Ecuador map to the zone of their mainland: the Canary
/// Islands, the Azores, the Chatham Islands and the Galápagos differ (give those contacts a zone).
/// Countries spanning several zones (US, CA, MX, BR, RU, AU, ID, KZ, CL, UA …) are not listed:
/// inference gives no answer for them.
const COUNTRIES: &[(&str, &str, u16)] = &[
    ("AD", "Europe/Andorra", 376),
    ("AE", "Asia/Dubai", 971),
    ("AR", "America/Argentina/Buenos_Aires", 54),
    ("AT", "Europe/Vienna", 43),
    ("BD", "Asia/Dhaka", 880),
    ("BE", "Europe/Brussels", 32),
    ("BG", "Europe/Sofia", 359),
    ("CH", "Europe/Zurich", 41),
    ("CN", "Asia/Shanghai", 86),
    ("CO", "America/Bogota", 57),
    ("CR", "America/Costa_Rica", 506),
    ("CU", "America/Havana", 53),
    ("CY", "Asia/Nicosia", 357),
    ("CZ", "Europe/Prague", 420),
    ("DE", "Europe/Berlin", 49),
    ("DK", "Europe/Copenhagen", 45),
    ("DO", "America/Santo_Domingo", 0),
    ("EC", "America/Guayaquil", 593),
    ("EE", "Europe/Tallinn", 372),
    ("EG", "Africa/Cairo", 20),
    ("ES", "Europe/Madrid", 34),
    ("FI", "Europe/Helsinki", 358),
    ("FJ", "Pacific/Fiji", 679),
    ("FR", "Europe/Paris", 33),
    ("GB", "Europe/London", 44),
    ("GH", "Africa/Accra", 233),
    ("GR", "Europe/Athens", 30),
    ("GT", "America/Guatemala", 502),
    ("HK", "Asia/Hong_Kong", 852),
    ("HR", "Europe/Zagreb", 385),
    ("HU", "Europe/Budapest", 36),
    ("IE", "Europe/Dublin", 353),
    ("IL", "Asia/Jerusalem", 972),
    ("IN", "Asia/Kolkata", 91),
    ("IS", "Atlantic/Reykjavik", 354),
    ("IT", "Europe/Rome", 39),
    ("JP", "Asia/Tokyo", 81),
    ("KE", "Africa/Nairobi", 254),
    ("KR", "Asia/Seoul", 82),
    ("LI", "Europe/Vaduz", 423),
    ("LK", "Asia/Colombo", 94),
    ("LT", "Europe/Vilnius", 370),
    ("LU", "Europe/Luxembourg", 352),
    ("LV", "Europe/Riga", 371),
    ("MA", "Africa/Casablanca", 212),
    ("MC", "Europe/Monaco", 377),
    ("MT", "Europe/Malta", 356),
    ("MY", "Asia/Kuala_Lumpur", 60),
    ("NG", "Africa/Lagos", 234),
    ("NL", "Europe/Amsterdam", 31),
    ("NO", "Europe/Oslo", 47),
    ("NP", "Asia/Kathmandu", 977),
    ("NZ", "Pacific/Auckland", 64),
    ("PA", "America/Panama", 507),
    ("PE", "America/Lima", 51),
    ("PH", "Asia/Manila", 63),
    ("PK", "Asia/Karachi", 92),
    ("PL", "Europe/Warsaw", 48),
    ("PR", "America/Puerto_Rico", 0),
    ("PT", "Europe/Lisbon", 351),
    ("QA", "Asia/Qatar", 974),
    ("RO", "Europe/Bucharest", 40),
    ("RS", "Europe/Belgrade", 381),
    ("SA", "Asia/Riyadh", 966),
    ("SE", "Europe/Stockholm", 46),
    ("SG", "Asia/Singapore", 65),
    ("SI", "Europe/Ljubljana", 386),
    ("SK", "Europe/Bratislava", 421),
    ("SM", "Europe/San_Marino", 378),
    ("TH", "Asia/Bangkok", 66),
    ("TN", "Africa/Tunis", 216),
    ("TR", "Europe/Istanbul", 90),
    ("TW", "Asia/Taipei", 886),
    ("UY", "America/Montevideo", 598),
    ("VA", "Europe/Vatican", 379),
    ("VE", "America/Caracas", 58),
    ("VN", "Asia/Ho_Chi_Minh", 84),
    ("WS", "Pacific/Apia", 685),
    ("ZA", "Africa/Johannesburg", 27),
];

/// The time zone of a country (ISO 3166-1 alpha-2, any case) when the country has one
/// (see the module's table); `None` for unknown or multi-zone countries such as `US`.
///
/// ```
/// use sequenza::time::zone_for_country;
/// assert_eq!(zone_for_country("it").map(|z| z.name()), Some("Europe/Rome"));
/// assert_eq!(zone_for_country("US"), None);
/// ```
pub fn zone_for_country(code: &str) -> Option<Tz> {
    let code = code.trim();
    COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .and_then(|(_, z, _)| z.parse().ok())
}

/// The time zone of an international phone number (`+39 333 …`, `0039…`) when its calling code
/// belongs to a single-zone country; `None` for `+1`, `+7`, unknown codes and numbers without an
/// international prefix.
///
/// Calling codes are prefix-free (ITU E.164), so the match is exact.
///
/// ```
/// use sequenza::time::zone_for_phone;
/// assert_eq!(zone_for_phone("+39 333 123 4567").map(|z| z.name()), Some("Europe/Rome"));
/// assert_eq!(zone_for_phone("+977-1-4000000").map(|z| z.name()), Some("Asia/Kathmandu"));
/// assert_eq!(zone_for_phone("+1 212 555 0100"), None);
/// assert_eq!(zone_for_phone("333 1234567"), None);
/// ```
pub fn zone_for_phone(phone: &str) -> Option<Tz> {
    let s = phone.trim();
    let rest = s.strip_prefix('+').or_else(|| s.strip_prefix("00"))?;
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return None,
        }
    }
    if digits.len() < 7 {
        return None;
    }
    (1..=3).find_map(|n| {
        let code: u16 = digits.get(..n)?.parse().ok()?;
        COUNTRIES
            .iter()
            .find(|(_, _, cc)| *cc == code)
            .and_then(|(_, z, _)| z.parse().ok())
    })
}

/// Which link of the fallback chain gave a contact's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ZoneSource {
    /// The contact's own `time_zone`.
    Contact,
    /// Inferred from the contact's country.
    Country,
    /// Inferred from the contact's phone number.
    Phone,
    /// The flow's zone.
    Flow,
    /// The account's zone.
    Account,
    /// None given anywhere: UTC.
    Default,
}

impl ZoneSource {
    /// The JSON name (`"contact"`, `"country"` …).
    ///
    /// ```
    /// assert_eq!(sequenza::time::ZoneSource::Phone.as_str(), "phone");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneSource::Contact => "contact",
            ZoneSource::Country => "country",
            ZoneSource::Phone => "phone",
            ZoneSource::Flow => "flow",
            ZoneSource::Account => "account",
            ZoneSource::Default => "default",
        }
    }
}

/// The zone a send is planned in, and where it came from. Its JSON form is
/// `{"zone": "Europe/Rome", "source": "phone", "skipped": ["contact"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedZone {
    /// The zone.
    #[serde(serialize_with = "zone_name")]
    pub zone: Tz,
    /// Which link of the chain gave it.
    pub source: ZoneSource,
    /// Earlier links that were present but unusable: a contact zone that is not a known zone,
    /// a country or phone number in several zones (or not in the table).
    pub skipped: Vec<ZoneSource>,
}

fn zone_name<S: serde::Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.name())
}

/// A recipient's zone through the chain of `contact` (when given), then `flow`, then `account`
/// (see [`ZoneChain`]).
///
/// ```
/// let z = sequenza::time::resolve_zone(None, Some("Asia/Tokyo"), None)?;
/// assert_eq!(serde_json::to_value(&z).unwrap(), serde_json::json!({"zone": "Asia/Tokyo", "source": "flow", "skipped": []}));
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn resolve_zone(
    contact: Option<&Contact>,
    flow: Option<&str>,
    account: Option<&str>,
) -> crate::Result<ResolvedZone> {
    let chain = contact.map_or_else(ZoneChain::default, ZoneChain::for_contact);
    chain.flow(flow).account(account).resolve()
}

/// The fallback chain for a recipient's time zone: the contact's zone → a zone inferred from
/// the contact's country, then phone number, where unambiguous → the flow's zone → the
/// account's zone → UTC. Every link is optional.
///
/// A contact zone that is not a known zone is skipped (contact data should not stop a send) and
/// reported in [`ResolvedZone::skipped`]; an unknown flow or account zone is configuration, and
/// an error (`time.zone.unknown` at `/flow` or `/account`).
///
/// ```
/// use sequenza::model::Contact;
/// use sequenza::time::{ZoneChain, ZoneSource};
/// let c = Contact::from_json(r#"{"id": "c1", "phone": "+39 333 1234567"}"#)?;
/// let z = ZoneChain::for_contact(&c).flow(Some("America/New_York")).resolve()?;
/// assert_eq!((z.zone.name(), z.source), ("Europe/Rome", ZoneSource::Phone));
///
/// let us = ZoneChain { phone: Some("+1 212 555 0100"), account: Some("America/Chicago"), ..Default::default() };
/// let z = us.resolve()?;
/// assert_eq!((z.zone.name(), z.source, z.skipped), ("America/Chicago", ZoneSource::Account, vec![ZoneSource::Phone]));
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZoneChain<'a> {
    /// The contact's own zone (IANA name).
    pub contact: Option<&'a str>,
    /// The contact's country (ISO 3166-1 alpha-2).
    pub country: Option<&'a str>,
    /// The contact's phone number (international form).
    pub phone: Option<&'a str>,
    /// The flow's zone.
    pub flow: Option<&'a str>,
    /// The account's zone.
    pub account: Option<&'a str>,
}

impl<'a> ZoneChain<'a> {
    /// The contact links of the chain: `time_zone`, the text field `country`, `phone`.
    ///
    /// ```
    /// use sequenza::model::Contact;
    /// let c = Contact::from_json(r#"{"id": "c", "fields": {"country": "FR"}}"#)?;
    /// let z = sequenza::time::ZoneChain::for_contact(&c).resolve()?;
    /// assert_eq!(z.zone.name(), "Europe/Paris");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn for_contact(contact: &'a Contact) -> Self {
        let country = match contact.fields.get("country") {
            Some(Value::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        ZoneChain {
            contact: contact.time_zone.as_deref(),
            country,
            phone: contact.phone.as_deref(),
            flow: None,
            account: None,
        }
    }

    /// Sets the flow's zone.
    ///
    /// ```
    /// let z = sequenza::time::ZoneChain::default().flow(Some("Asia/Kathmandu")).resolve()?;
    /// assert_eq!(z.source, sequenza::time::ZoneSource::Flow);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn flow(mut self, zone: Option<&'a str>) -> Self {
        self.flow = zone;
        self
    }

    /// Sets the account's zone.
    ///
    /// ```
    /// let z = sequenza::time::ZoneChain::default().account(Some("UTC")).resolve()?;
    /// assert_eq!(z.source, sequenza::time::ZoneSource::Account);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn account(mut self, zone: Option<&'a str>) -> Self {
        self.account = zone;
        self
    }

    /// Takes the flow and account zones from their send policies (`time_zone`, else
    /// `fallback_time_zone`).
    ///
    /// ```
    /// use sequenza::flow::SendPolicy;
    /// let flow: SendPolicy = serde_json::from_str(r#"{"fallback_time_zone": "Europe/Berlin"}"#).unwrap();
    /// let z = sequenza::time::ZoneChain::default().policies(&flow, &SendPolicy::default()).resolve()?;
    /// assert_eq!(z.zone.name(), "Europe/Berlin");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn policies(self, flow: &'a SendPolicy, account: &'a SendPolicy) -> Self {
        let pick = |p: &'a SendPolicy| p.time_zone.as_deref().or(p.fallback_time_zone.as_deref());
        self.flow(pick(flow)).account(pick(account))
    }

    /// Walks the chain: the first usable link wins.
    ///
    /// ```
    /// let z = sequenza::time::ZoneChain::default().resolve()?;
    /// assert_eq!((z.zone.name(), z.source), ("UTC", sequenza::time::ZoneSource::Default));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn resolve(&self) -> crate::Result<ResolvedZone> {
        let mut skipped = Vec::new();
        let found = |zone, source, skipped| ResolvedZone {
            zone,
            source,
            skipped,
        };
        if let Some(name) = self.contact {
            match name.trim().parse::<Tz>() {
                Ok(z) => return Ok(found(z, ZoneSource::Contact, skipped)),
                Err(_) => skipped.push(ZoneSource::Contact),
            }
        }
        if let Some(country) = self.country {
            match zone_for_country(country) {
                Some(z) => return Ok(found(z, ZoneSource::Country, skipped)),
                None => skipped.push(ZoneSource::Country),
            }
        }
        if let Some(phone) = self.phone {
            match zone_for_phone(phone) {
                Some(z) => return Ok(found(z, ZoneSource::Phone, skipped)),
                None => skipped.push(ZoneSource::Phone),
            }
        }
        if let Some(name) = self.flow {
            return Ok(found(
                parse_zone_at(name, "/flow")?,
                ZoneSource::Flow,
                skipped,
            ));
        }
        if let Some(name) = self.account {
            return Ok(found(
                parse_zone_at(name, "/account")?,
                ZoneSource::Account,
                skipped,
            ));
        }
        Ok(found(Tz::UTC, ZoneSource::Default, skipped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_zone_parses_and_codes_are_unique() {
        let mut codes = std::collections::BTreeSet::new();
        for (c, z, cc) in COUNTRIES {
            assert!(z.parse::<Tz>().is_ok(), "{z}");
            assert_eq!(zone_for_country(c).map(|t| t.name()), Some(*z));
            if *cc != 0 {
                assert!(codes.insert(*cc), "calling code {cc} twice");
            }
        }
        // Prefix-free among themselves.
        for a in &codes {
            for b in &codes {
                let (a, b) = (a.to_string(), b.to_string());
                assert!(a == b || !b.starts_with(&a), "{a} is a prefix of {b}");
            }
        }
    }

    #[test]
    fn phone_prefixes() {
        let z = |p: &str| zone_for_phone(p).map(|t| t.name());
        assert_eq!(z("0039 06 1234567"), Some("Europe/Rome"));
        assert_eq!(z("+44 20 7946 0000"), Some("Europe/London"));
        assert_eq!(z("+7 495 000 0000"), None);
        assert_eq!(z("+61 2 9999 9999"), None);
        assert_eq!(z("+39"), None);
        assert_eq!(z("+39 abc 1234567"), None);
        assert_eq!(z(""), None);
    }

    #[test]
    fn chain_order_and_errors() {
        let chain = ZoneChain {
            contact: Some("Europe/Atlantis"),
            country: Some("US"),
            phone: Some("+33 1 23 45 67 89"),
            flow: Some("Europe/Rome"),
            account: None,
        };
        let z = chain.resolve().unwrap();
        assert_eq!(z.zone.name(), "Europe/Paris");
        assert_eq!(z.source, ZoneSource::Phone);
        assert_eq!(z.skipped, vec![ZoneSource::Contact, ZoneSource::Country]);
        let bad = ZoneChain::default().flow(Some("Nowhere/City"));
        let e = bad.resolve().unwrap_err();
        assert_eq!((e.code(), e.path()), ("time.zone.unknown", Some("/flow")));
        let bad = ZoneChain::default().account(Some("Nowhere/City"));
        assert_eq!(bad.resolve().unwrap_err().path(), Some("/account"));
    }
}
