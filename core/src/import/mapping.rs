//! Column mapping: where each column goes, suggested from the header names.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::error::ImportError;
use crate::model::{Channel, FieldSchema, FieldType};

/// Where a column's cells go. JSON: a string — `"id"`, `"email"`, `"phone"`, `"tags"`,
/// `"consent"` (every channel), `"consent.email"` / `"consent.sms"` / `"consent.web_push"` /
/// `"consent.whatsapp"`, `"time_zone"`, `"locale"`, or the key of a profile field
/// (`"first_name"`). "Do not use" is `null` where a target is optional.
///
/// ```
/// use sequenza::import::Target;
/// use sequenza::model::Channel;
/// let t: Target = serde_json::from_str("\"consent.sms\"").unwrap();
/// assert_eq!(t, Target::Consent(Some(Channel::Sms)));
/// let f: Target = serde_json::from_str("\"birth_date\"").unwrap();
/// assert_eq!(f, Target::Field("birth_date".into()));
/// assert_eq!(serde_json::to_string(&Target::Email).unwrap(), "\"email\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum Target {
    /// The contact id (matches existing contacts).
    Id,
    /// The e-mail address (validated, lowercased; matches existing contacts).
    Email,
    /// The phone number (normalised to E.164; matches existing contacts).
    Phone,
    /// Tags, separated by `,` `;` or `|` inside the cell.
    Tags,
    /// A yes/no consent: on one channel, or on every channel when `None`.
    Consent(Option<Channel>),
    /// The IANA time zone.
    TimeZone,
    /// The locale.
    Locale,
    /// A profile field, by key; typed per the field schema (text when not declared).
    Field(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Id => f.write_str("id"),
            Target::Email => f.write_str("email"),
            Target::Phone => f.write_str("phone"),
            Target::Tags => f.write_str("tags"),
            Target::Consent(None) => f.write_str("consent"),
            Target::Consent(Some(c)) => write!(f, "consent.{c}"),
            Target::TimeZone => f.write_str("time_zone"),
            Target::Locale => f.write_str("locale"),
            Target::Field(k) => f.write_str(k),
        }
    }
}

impl From<Target> for String {
    fn from(t: Target) -> String {
        t.to_string()
    }
}

impl TryFrom<String> for Target {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Ok(match s.as_str() {
            "id" => Target::Id,
            "email" => Target::Email,
            "phone" => Target::Phone,
            "tags" => Target::Tags,
            "consent" => Target::Consent(None),
            "time_zone" => Target::TimeZone,
            "locale" => Target::Locale,
            "" => return Err("an empty target; use null for \"do not use\"".to_owned()),
            other => match other.strip_prefix("consent.") {
                Some(ch) => Target::Consent(Some(
                    serde_json::from_value(serde_json::Value::String(ch.to_owned()))
                        .map_err(|_| format!("unknown consent channel `{ch}`"))?,
                )),
                None => Target::Field(other.to_owned()),
            },
        })
    }
}

/// One column of the file and where it goes.
///
/// ```
/// use sequenza::import::{preview_csv, ImportOptions, Target};
/// let p = preview_csv(b"Cognome,Cellulare,Note\nRossi,3331234567,x\n",
///     &ImportOptions::default(), &Default::default()).unwrap();
/// assert_eq!(p.columns[1].target, Some(Target::Phone));
/// assert_eq!(p.columns[2].target, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ColumnMapping {
    /// 0-based column index.
    pub index: usize,
    /// The header name (`column_1` … without a header row).
    pub name: String,
    /// Where the column goes; `None` is "do not use".
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub target: Option<Target>,
    /// The declared type of the target field, when the target is a declared field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<FieldType>,
    /// True when the target comes from the options, false when it was suggested.
    pub explicit: bool,
}

/// A header name reduced for matching: lowercase, no accents, letters and digits only.
fn normalize(name: &str) -> String {
    name.nfd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Header names (normalised) and their targets, Italian and English.
const ALIASES: &[(&[&str], &str)] = &[
    (
        &[
            "id",
            "codice",
            "codicecliente",
            "idcliente",
            "customerid",
            "contactid",
            "idcontatto",
        ],
        "id",
    ),
    (
        &[
            "email",
            "mail",
            "emailaddress",
            "indirizzoemail",
            "postaelettronica",
            "posta",
        ],
        "email",
    ),
    (
        &[
            "telefono",
            "tel",
            "cellulare",
            "cell",
            "mobile",
            "phone",
            "phonenumber",
            "numeroditelefono",
            "telefonocellulare",
            "numerotelefono",
            "smartphone",
            "whatsapp",
            "mobilephone",
            "telephone",
            "cellphone",
        ],
        "phone",
    ),
    (&["nome", "firstname", "name", "givenname"], "first_name"),
    (
        &["cognome", "lastname", "surname", "familyname"],
        "last_name",
    ),
    (
        &[
            "datadinascita",
            "datanascita",
            "birthdate",
            "dateofbirth",
            "dob",
            "birthday",
            "compleanno",
            "nascita",
        ],
        "birth_date",
    ),
    (&["sesso", "genere", "gender", "sex"], "gender"),
    (&["citta", "comune", "city", "town", "localita"], "city"),
    (
        &[
            "cap",
            "zip",
            "zipcode",
            "postalcode",
            "postcode",
            "codicepostale",
        ],
        "zip_code",
    ),
    (&["provincia", "province", "prov"], "province"),
    (&["indirizzo", "address", "via"], "address"),
    (&["nazione", "paese", "country"], "country"),
    (
        &["azienda", "societa", "company", "ragionesociale"],
        "company",
    ),
    (
        &["tag", "tags", "etichette", "etichetta", "categorie"],
        "tags",
    ),
    (
        &[
            "consensoprivacy",
            "consenso",
            "privacy",
            "consent",
            "consensomarketing",
            "marketingconsent",
            "optin",
            "marketing",
        ],
        "consent",
    ),
    (
        &[
            "consensoemail",
            "consensonewsletter",
            "newsletter",
            "emailconsent",
            "consentemail",
        ],
        "consent.email",
    ),
    (&["consensosms", "smsconsent", "consentsms"], "consent.sms"),
    (
        &["consensowhatsapp", "whatsappconsent", "consentwhatsapp"],
        "consent.whatsapp",
    ),
    (
        &["consensopush", "consentwebpush", "webpushconsent"],
        "consent.web_push",
    ),
    (&["fusoorario", "timezone"], "time_zone"),
    (&["lingua", "language", "locale"], "locale"),
];

/// The target suggested for a header name: a declared field whose key or label matches, else a
/// known Italian or English name. Field suggestions not declared in a non-empty schema are
/// dropped.
pub(crate) fn suggest_target(name: &str, schema: Option<&FieldSchema>) -> Option<Target> {
    let n = normalize(name);
    if n.is_empty() {
        return None;
    }
    if let Some(schema) = schema {
        for f in &schema.fields {
            if normalize(&f.key) == n || f.label.as_deref().is_some_and(|l| normalize(l) == n) {
                return Some(Target::Field(f.key.clone()));
            }
        }
    }
    let target = ALIASES
        .iter()
        .find(|(names, _)| names.contains(&n.as_str()))
        .and_then(|(_, t)| Target::try_from((*t).to_owned()).ok())?;
    match (&target, schema) {
        (Target::Field(key), Some(s)) if !s.fields.is_empty() && s.get(key).is_none() => None,
        _ => Some(target),
    }
}

/// Builds the mapping of every column: the options' explicit targets, the suggestion for the
/// rest. Fails on an explicit column the file does not have, an undeclared field (when a schema
/// is given) or two columns feeding the same id, e-mail or phone.
pub(crate) fn resolve(
    names: &[String],
    explicit: &BTreeMap<String, Option<Target>>,
    schema: &FieldSchema,
) -> Result<Vec<ColumnMapping>, ImportError> {
    for (col, target) in explicit {
        if !names.iter().any(|n| n == col) {
            let mut e = ImportError::new(
                crate::error::ImportCode::MappingUnknownColumn,
                format!("the mapping names the column `{col}`, which the file does not have"),
            );
            e.column_name = Some(col.clone());
            return Err(e);
        }
        if let Some(Target::Field(key)) = target {
            if !schema.fields.is_empty() && schema.get(key).is_none() {
                let mut e = ImportError::new(
                    crate::error::ImportCode::MappingUnknownField,
                    format!(
                        "the column `{col}` is mapped to `{key}`, which is not a declared field"
                    ),
                );
                e.column_name = Some(col.clone());
                return Err(e);
            }
        }
    }
    let mut out: Vec<ColumnMapping> = Vec::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        let (target, is_explicit) = match explicit.get(name) {
            Some(t) => (t.clone(), true),
            None => (suggest_target(name, Some(schema)), false),
        };
        let field_type = match &target {
            Some(Target::Field(k)) => schema.get(k).map(|f| f.field_type),
            _ => None,
        };
        out.push(ColumnMapping {
            index,
            name: name.clone(),
            target,
            field_type,
            explicit: is_explicit,
        });
    }
    // A suggestion that repeats a single-valued target loses to an earlier or explicit column.
    let single = |t: &Option<Target>| {
        matches!(
            t,
            Some(
                Target::Id
                    | Target::Email
                    | Target::Phone
                    | Target::TimeZone
                    | Target::Locale
                    | Target::Field(_)
            )
        )
    };
    for i in 0..out.len() {
        if !single(&out[i].target) {
            continue;
        }
        for j in 0..i {
            if out[j].target == out[i].target {
                if !out[i].explicit {
                    out[i].target = None;
                    out[i].field_type = None;
                } else if !out[j].explicit {
                    out[j].target = None;
                    out[j].field_type = None;
                } else {
                    return Err(ImportError::new(
                        crate::error::ImportCode::MappingDuplicateTarget,
                        format!(
                            "the columns `{}` and `{}` are both mapped to `{}`",
                            out[j].name,
                            out[i].name,
                            out[i]
                                .target
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default()
                        ),
                    )
                    .at_column(None, i, &out[i].name));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_and_english_headers() {
        let s = |n| suggest_target(n, None).map(|t| t.to_string());
        assert_eq!(s("Nome").as_deref(), Some("first_name"));
        assert_eq!(s("Cognome").as_deref(), Some("last_name"));
        assert_eq!(s("Telefono").as_deref(), Some("phone"));
        assert_eq!(s("Cellulare").as_deref(), Some("phone"));
        assert_eq!(s("e-mail").as_deref(), Some("email"));
        assert_eq!(s("E-Mail").as_deref(), Some("email"));
        assert_eq!(s("Data di nascita").as_deref(), Some("birth_date"));
        assert_eq!(s("Sesso").as_deref(), Some("gender"));
        assert_eq!(s("Città").as_deref(), Some("city"));
        assert_eq!(s("CAP").as_deref(), Some("zip_code"));
        assert_eq!(s("Consenso privacy").as_deref(), Some("consent"));
        assert_eq!(s("Note"), None);
    }
}
