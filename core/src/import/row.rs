//! One record → the contact data it carries, or the problems that reject it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::SecondsFormat;

use super::cell::{normalize_email, parse_bool, parse_date, parse_datetime_in, parse_number};
use super::mapping::{ColumnMapping, Target};
use super::options::Detected;
use super::reader::Status;
use super::report::{PreviewCell, Rejection};
use crate::error::RejectionCode;
use crate::model::{Channel, ContactId, FieldSchema, FieldType, Value};
use crate::phone::PhoneNormalizer;

/// The contact data of one accepted row.
#[derive(Debug, Default)]
pub(crate) struct RowData {
    pub(crate) id: Option<ContactId>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) fields: BTreeMap<String, Value>,
    pub(crate) tags: BTreeSet<String>,
    pub(crate) consent: BTreeMap<Channel, bool>,
    pub(crate) time_zone: Option<String>,
    pub(crate) locale: Option<String>,
}

/// Everything a row needs to be read.
pub(crate) struct Ctx<'a> {
    pub(crate) detected: &'a Detected,
    pub(crate) columns: &'a [ColumnMapping],
    pub(crate) choices: &'a [Vec<String>],
    pub(crate) phone: PhoneNormalizer,
    pub(crate) extra_tags: &'a [String],
    /// The zone of date-times written without an offset.
    pub(crate) zone: chrono_tz::Tz,
    /// The declared fields (required ones, defaults).
    pub(crate) schema: &'a FieldSchema,
    /// Whether a row without e-mail, phone or id is imported (deduplicated on its values).
    pub(crate) anonymous: bool,
}

/// The id of an anonymous contact: a hash of the row's mapped values, so that importing the same
/// row again finds the contact instead of making another (`anon-` and 16 hex digits, FNV-1a).
fn anonymous_id(data: &RowData) -> ContactId {
    let text = serde_json::to_string(&(
        &data.fields,
        &data.tags,
        &data.consent,
        &data.time_zone,
        &data.locale,
    ))
    .unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ContactId::new(format!("anon-{h:016x}"))
}

const VALUE_CHARS: usize = 200;

fn cut(s: &str) -> String {
    s.chars().take(VALUE_CHARS).collect()
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ';', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl Ctx<'_> {
    fn decode<'b>(&self, bytes: &'b [u8]) -> Result<Cow<'b, str>, Cow<'b, str>> {
        let encoding = self.detected.encoding;
        if encoding.single_byte() {
            Ok(encoding.decoder().decode_without_bom_handling(bytes).0)
        } else {
            std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|_| String::from_utf8_lossy(bytes))
        }
    }

    fn name(&self, column: usize) -> Option<String> {
        self.columns.get(column).map(|c| c.name.clone())
    }

    /// Reads one record. `cells` collects the preview cells when given.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn read<'c>(
        &self,
        row: u64,
        status: Status,
        raw: &dyn Fn() -> Vec<u8>,
        cells: impl Iterator<Item = &'c [u8]>,
        len: usize,
        mut preview: Option<&mut Vec<PreviewCell>>,
        rejections: &mut Vec<Rejection>,
    ) -> Option<RowData> {
        let before = rejections.len();
        let whole = |code: RejectionCode, column: Option<usize>, message: String| Rejection {
            row,
            column,
            column_name: column.and_then(|c| self.name(c)),
            code,
            value: cut(&self.decode(&raw()).unwrap_or_else(|e| e)),
            message,
        };
        match status {
            Status::TooLarge { column } => {
                rejections.push(whole(
                    RejectionCode::CellTooLarge,
                    Some(column),
                    "the row is longer than the row size limit".to_owned(),
                ));
                return None;
            }
            Status::Unterminated => {
                rejections.push(whole(
                    RejectionCode::QuoteUnterminated,
                    Some(len.saturating_sub(1)),
                    "a quoted cell is still open at the end of the file".to_owned(),
                ));
                return None;
            }
            Status::Complete => {}
        }
        if len != self.columns.len() {
            rejections.push(whole(
                RejectionCode::RowRagged,
                None,
                format!("the row has {len} cells, the header {}", self.columns.len()),
            ));
            return None;
        }
        let mut data = RowData::default();
        for (i, bytes) in cells.enumerate() {
            let mapping = &self.columns[i];
            let decoded = if mapping.target.is_none() {
                // A column not imported never rejects a row, whatever its bytes.
                Ok(self.decode(bytes).unwrap_or_else(|lossy| lossy))
            } else {
                self.decode(bytes)
            };
            let text = match decoded {
                Ok(t) => t,
                Err(lossy) => {
                    rejections.push(Rejection {
                        row,
                        column: Some(i),
                        column_name: Some(mapping.name.clone()),
                        code: RejectionCode::EncodingInvalid,
                        value: cut(&lossy),
                        message: "the cell is not valid UTF-8".to_owned(),
                    });
                    if let Some(p) = preview.as_deref_mut() {
                        p.push(PreviewCell {
                            raw: lossy.into_owned(),
                            value: None,
                            code: Some(RejectionCode::EncodingInvalid),
                        });
                    }
                    continue;
                }
            };
            let t = text.trim();
            let (value, problem) = match (&mapping.target, t.is_empty()) {
                (None, _) | (_, true) => (None, None),
                (Some(target), false) => self.cell(target, i, t, &mut data),
            };
            if let Some((code, message)) = &problem {
                rejections.push(Rejection {
                    row,
                    column: Some(i),
                    column_name: Some(mapping.name.clone()),
                    code: *code,
                    value: cut(t),
                    message: message.clone(),
                });
            }
            if let Some(p) = preview.as_deref_mut() {
                p.push(PreviewCell {
                    raw: t.to_owned(),
                    value,
                    code: problem.map(|(c, _)| c),
                });
            }
        }
        if rejections.len() > before {
            return None;
        }
        if data.id.is_none()
            && data.email.is_none()
            && data.phone.is_none()
            && data.fields.is_empty()
            && data.tags.is_empty()
            && data.consent.is_empty()
        {
            rejections.push(whole(
                RejectionCode::RowEmpty,
                None,
                "the row has no value in a used column".to_owned(),
            ));
            return None;
        }
        // Required fields without a default need a value in the row.
        for def in self
            .schema
            .fields
            .iter()
            .filter(|d| d.required && d.default.is_none())
        {
            if data.fields.get(&def.key).is_none_or(Value::is_empty) {
                let column = self
                    .columns
                    .iter()
                    .position(|c| matches!(&c.target, Some(Target::Field(k)) if *k == def.key));
                rejections.push(Rejection {
                    row,
                    column,
                    column_name: Some(
                        column
                            .and_then(|c| self.name(c))
                            .unwrap_or_else(|| def.key.clone()),
                    ),
                    code: RejectionCode::FieldRequired,
                    value: String::new(),
                    message: format!("the required field `{}` has no value", def.key),
                });
            }
        }
        if rejections.len() > before {
            return None;
        }
        if data.id.is_none() && data.email.is_none() && data.phone.is_none() {
            if !self.anonymous {
                rejections.push(whole(
                    RejectionCode::RowNoIdentity,
                    None,
                    "the row has no e-mail, phone or id: importing it again would make another contact (set `anonymous` to import such rows)".to_owned(),
                ));
                return None;
            }
            data.id = Some(anonymous_id(&data));
        }
        data.tags.extend(self.extra_tags.iter().cloned());
        Some(data)
    }

    /// Reads one non-empty cell into `data`; returns the preview value or the problem.
    fn cell(
        &self,
        target: &Target,
        column: usize,
        t: &str,
        data: &mut RowData,
    ) -> (Option<Value>, Option<(RejectionCode, String)>) {
        let bad = |code: RejectionCode, what: &str| {
            (None, Some((code, format!("`{}` is not {what}", cut(t)))))
        };
        match target {
            Target::Id => {
                data.id = Some(ContactId::new(t));
                (Some(Value::from(t)), None)
            }
            Target::Email => match normalize_email(t) {
                Some(e) => {
                    data.email = Some(e.clone());
                    (Some(Value::Text(e)), None)
                }
                None => bad(RejectionCode::EmailInvalid, "an e-mail address"),
            },
            Target::Phone => match self.phone.normalize(t) {
                Some(p) => {
                    data.phone = Some(p.clone());
                    (Some(Value::Text(p)), None)
                }
                None => bad(RejectionCode::PhoneInvalid, "a valid phone number"),
            },
            Target::Tags => {
                let tags: Vec<Value> = split_list(t).map(Value::from).collect();
                data.tags.extend(split_list(t).map(str::to_owned));
                (Some(Value::List(tags)), None)
            }
            Target::Consent(channel) => match parse_bool(t) {
                Some(b) => {
                    match channel {
                        Some(c) => {
                            data.consent.insert(*c, b);
                        }
                        None => {
                            for c in Channel::ALL {
                                data.consent.entry(c).or_insert(b);
                            }
                        }
                    }
                    (Some(Value::Bool(b)), None)
                }
                None => bad(RejectionCode::ConsentInvalid, "yes or no"),
            },
            Target::TimeZone => match crate::time::parse_zone(t) {
                Ok(_) => {
                    data.time_zone = Some(t.to_owned());
                    (Some(Value::from(t)), None)
                }
                Err(_) => bad(RejectionCode::TimeZoneInvalid, "an IANA time zone"),
            },
            Target::Locale => {
                data.locale = Some(t.to_owned());
                (Some(Value::from(t)), None)
            }
            Target::Field(key) => {
                let ty = self.columns[column].field_type.unwrap_or(FieldType::Text);
                let value = match ty {
                    FieldType::Number => match parse_number(t, self.detected.decimal) {
                        Some(n) => Value::Number(n),
                        None => return bad(RejectionCode::NumberInvalid, "a number"),
                    },
                    FieldType::Boolean => match parse_bool(t) {
                        Some(b) => Value::Bool(b),
                        None => return bad(RejectionCode::BooleanInvalid, "yes or no"),
                    },
                    FieldType::Date => match parse_date(t, self.detected.date_order) {
                        Some(d) => Value::Text(d.format("%Y-%m-%d").to_string()),
                        None => return bad(RejectionCode::DateInvalid, "a date"),
                    },
                    FieldType::DateTime => {
                        match parse_datetime_in(t, self.detected.date_order, self.zone) {
                            Some(d) => Value::Text(d.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                            None => return bad(RejectionCode::DatetimeInvalid, "a date and time"),
                        }
                    }
                    FieldType::Choice => {
                        let lower = t.to_lowercase();
                        match self.choices[column]
                            .iter()
                            .find(|c| c.to_lowercase() == lower)
                        {
                            Some(c) => Value::Text(c.clone()),
                            None => {
                                return bad(
                                    RejectionCode::ChoiceInvalid,
                                    "one of the field's choices",
                                )
                            }
                        }
                    }
                    FieldType::TextList => Value::List(split_list(t).map(Value::from).collect()),
                    _ => Value::from(t),
                };
                // The model's own check, for every type (one place knows the JSON forms).
                if !ty.fits(&value, &self.choices[column]) {
                    return bad(
                        RejectionCode::FieldInvalid,
                        &format!("a {} value", ty.word()),
                    );
                }
                data.fields.insert(key.clone(), value.clone());
                (Some(value), None)
            }
        }
    }
}
