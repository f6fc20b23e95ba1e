//! List sources and their filters, compiled to conditions of the segment engine.

use serde::{Deserialize, Serialize};

use super::activity::{events, fields, DeviceType};
use crate::condition::{Condition, CountTest, DateRange, FieldOp, TagOp};
use crate::error::{ListCode, ListError};
use crate::model::Value;

/// A gender filter. Shops write gender in many ways; the filter matches, ignoring case, accents
/// and spaces, the Italian and English spellings listed by [`Gender::spellings`].
///
/// ```
/// use sequenza::list::Gender;
/// assert!(Gender::Female.spellings().contains(&"donna"));
/// assert!(Gender::Male.spellings().contains(&"m"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Gender {
    /// `F`, `female`, `femmina`, `donna`, `woman`, `D`, `W`.
    Female,
    /// `M`, `male`, `maschio`, `uomo`, `man`, `U`.
    Male,
}

impl Gender {
    /// The spellings matched (compared after case and accent folding).
    pub fn spellings(self) -> &'static [&'static str] {
        match self {
            Gender::Female => &["f", "female", "femmina", "donna", "woman", "d", "w"],
            Gender::Male => &["m", "male", "maschio", "uomo", "man", "u"],
        }
    }

    /// The condition on the `gender` field.
    ///
    /// ```
    /// use sequenza::list::Gender;
    /// assert_eq!(Gender::Male.to_condition().to_string(),
    ///   r#"gender in ("m", "male", "maschio", "uomo", "man", "u") ignoring case"#);
    /// ```
    pub fn to_condition(self) -> Condition {
        Condition::Field {
            field: fields::GENDER.to_owned(),
            op: FieldOp::In,
            value: Some(Value::List(
                self.spellings()
                    .iter()
                    .map(|s| Value::Text((*s).to_owned()))
                    .collect(),
            )),
            fold: true,
        }
    }
}

/// An age band in whole years, both ends inclusive and optional: `{"min": 18, "max": 34}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// Youngest age accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Oldest age accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// The state of a fidelity card: `zero_points`, `half_target` (at least half of the target but
/// not all of it), `target_reached`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FidelityStatus {
    /// No points yet.
    ZeroPoints,
    /// At least half of the target, not yet all of it.
    HalfTarget,
    /// The target is reached.
    TargetReached,
}

/// Filters shared by the coupon, fidelity and walk-in sources.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PeopleFilter {
    /// Only activities between these dates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<DateRange>,
    /// Only this gender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Only this age band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<AgeBand>,
}

crate::tagged::tagged_enum! {
    tag = "type", repr = SourceRepr;
/// Where a list's contacts come from, with its filters. JSON tag `type`.
///
/// | type | filters |
/// |---|---|
/// | `coupon` | `dates`, `gender`, `age`, `used` (true: redeemed, false: not redeemed) |
/// | `fidelity` | `dates`, `gender`, `age`, `status` |
/// | `walk_in` | `dates`, `gender`, `age` |
/// | `form` | `dates`, `form` (one form only) |
/// | `newsletter` | `dates` |
/// | `push` | `dates` (the period), `device` |
/// | `tag` | `tag` |
/// | `empty` | — (filled by hand) |
/// | `csv_import` | `file` (what was imported; filled by the importer) |
///
/// Every source compiles to a [`Condition`] ([`Source::to_condition`]): one evaluation path.
///
/// ```
/// use sequenza::list::Source;
/// let s = Source::from_json(r#"{"type": "coupon", "gender": "female",
///   "age": {"min": 18, "max": 34}, "used": false,
///   "dates": {"from": "2026-01-01", "to": "2026-03-31"}}"#)?;
/// assert_eq!(s.to_condition().to_string(),
///   r#"did "coupon.downloaded" between 2026-01-01 and 2026-03-31 and gender in ("f", "female", "femmina", "donna", "woman", "d", "w") ignoring case and age between 18 and 34 and not did "coupon.redeemed""#);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum Source {
    /// Contacts who downloaded a coupon.
    Coupon {
        /// Only downloads between these dates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dates: Option<DateRange>,
        /// Only this gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gender: Option<Gender>,
        /// Only this age band.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        age: Option<AgeBand>,
        /// Only those who used (true) or did not use (false) a coupon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        used: Option<bool>,
    },
    /// Contacts who joined a fidelity card.
    Fidelity {
        /// Only those who joined between these dates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dates: Option<DateRange>,
        /// Only this gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gender: Option<Gender>,
        /// Only this age band.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        age: Option<AgeBand>,
        /// Only cards in this state.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<FidelityStatus>,
    },
    /// Contacts who visited the shop.
    WalkIn {
        /// Only visits between these dates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dates: Option<DateRange>,
        /// Only this gender.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gender: Option<Gender>,
        /// Only this age band.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        age: Option<AgeBand>,
    },
    /// Contacts who submitted a form of a landing page.
    Form {
        /// Only submissions between these dates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dates: Option<DateRange>,
        /// Only this form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<String>,
    },
    /// Contacts who signed up to the newsletter.
    Newsletter {
        /// Only sign-ups between these dates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dates: Option<DateRange>,
    },
    /// Web-push subscribers.
    Push {
        /// Only subscriptions in this period.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dates: Option<DateRange>,
        /// Only subscriptions from this kind of device.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device: Option<DeviceType>,
    },
    /// Contacts with a CRM tag.
    Tag {
        /// The tag.
        tag: String,
    },
    /// No source: the list is filled by hand.
    Empty {},
    /// Contacts imported from a CSV file (filled by the importer).
    CsvImport {
        /// The imported file's name, for people.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
}
}

impl Source {
    /// Parses a source from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }

    /// The JSON `type` of the source.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Coupon { .. } => "coupon",
            Source::Fidelity { .. } => "fidelity",
            Source::WalkIn { .. } => "walk_in",
            Source::Form { .. } => "form",
            Source::Newsletter { .. } => "newsletter",
            Source::Push { .. } => "push",
            Source::Tag { .. } => "tag",
            Source::Empty {} => "empty",
            Source::CsvImport { .. } => "csv_import",
        }
    }

    /// True for the sources that select contacts by a condition (all but `empty` and
    /// `csv_import`): only those lists can update themselves.
    ///
    /// ```
    /// use sequenza::list::Source;
    /// assert!(Source::Tag { tag: "vip".into() }.is_dynamic());
    /// assert!(!Source::Empty {}.is_dynamic());
    /// ```
    pub fn is_dynamic(&self) -> bool {
        !matches!(self, Source::Empty {} | Source::CsvImport { .. })
    }

    /// Checks the filters: dates must be `YYYY-MM-DD` or RFC 3339, an age band's minimum not
    /// above its maximum, a tag not empty. Errors are `list.filter.invalid` with the JSON path
    /// inside the source (`/age`, `/dates/from` …).
    ///
    /// ```
    /// use sequenza::list::Source;
    /// let s = Source::from_json(r#"{"type": "walk_in", "age": {"min": 40, "max": 30}}"#)?;
    /// let err = s.validate().unwrap_err();
    /// assert_eq!(err.code(), "list.filter.invalid");
    /// assert_eq!(err.path(), Some("/age"));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn validate(&self) -> crate::Result<()> {
        let (dates, age) = match self {
            Source::Coupon { dates, age, .. }
            | Source::Fidelity { dates, age, .. }
            | Source::WalkIn { dates, age, .. } => (dates.as_ref(), age.as_ref()),
            Source::Form { dates, .. }
            | Source::Newsletter { dates }
            | Source::Push { dates, .. } => (dates.as_ref(), None),
            Source::Tag { tag } => {
                if tag.trim().is_empty() {
                    return Err(ListError::error(
                        ListCode::FilterInvalid,
                        "/tag",
                        "the tag name is empty",
                    ));
                }
                (None, None)
            }
            Source::Empty {} | Source::CsvImport { .. } => (None, None),
        };
        if let Some(r) = dates {
            for (key, v) in [("from", &r.from), ("to", &r.to)] {
                if !is_date(v) {
                    return Err(ListError::error(
                        ListCode::FilterInvalid,
                        format!("/dates/{key}"),
                        format!("`{v}` is not a date (YYYY-MM-DD) or an RFC 3339 instant"),
                    ));
                }
            }
        }
        if let Some(AgeBand {
            min: Some(lo),
            max: Some(hi),
        }) = age
        {
            if lo > hi {
                return Err(ListError::error(
                    ListCode::FilterInvalid,
                    "/age",
                    format!("the oldest age ({hi}) is below the youngest ({lo})"),
                ));
            }
        }
        Ok(())
    }

    /// The condition of the segment engine that selects this source's contacts. `empty` and
    /// `csv_import` select no one (an empty `or`).
    ///
    /// ```
    /// use sequenza::list::{DeviceType, Source};
    /// let push = Source::Push { dates: None, device: Some(DeviceType::Mobile) };
    /// assert_eq!(push.to_condition().to_string(),
    ///   r#"did "webpush.subscribed" where (device = "mobile")"#);
    /// ```
    pub fn to_condition(&self) -> Condition {
        let mut all = Vec::new();
        match self {
            Source::Coupon {
                dates,
                gender,
                age,
                used,
            } => {
                all.push(did(events::COUPON_DOWNLOADED, dates, None));
                people(&mut all, *gender, *age);
                match used {
                    Some(true) => all.push(did(events::COUPON_REDEEMED, &None, None)),
                    Some(false) => all.push(Condition::Not {
                        condition: Box::new(did(events::COUPON_REDEEMED, &None, None)),
                    }),
                    None => {}
                }
            }
            Source::Fidelity {
                dates,
                gender,
                age,
                status,
            } => {
                all.push(did(events::FIDELITY_JOINED, dates, None));
                people(&mut all, *gender, *age);
                if let Some(s) = status {
                    all.push(fidelity_status(*s));
                }
            }
            Source::WalkIn { dates, gender, age } => {
                all.push(did(events::WALKIN_VISITED, dates, None));
                people(&mut all, *gender, *age);
            }
            Source::Form { dates, form } => {
                let filter = form.as_ref().map(|f| prop_eq("form", f));
                all.push(did(events::FORM_SUBMITTED, dates, filter));
            }
            Source::Newsletter { dates } => {
                all.push(did(events::NEWSLETTER_SUBSCRIBED, dates, None));
            }
            Source::Push { dates, device } => {
                let filter = device.map(|d| prop_eq("device", d.as_str()));
                all.push(did(events::WEBPUSH_SUBSCRIBED, dates, filter));
            }
            Source::Tag { tag } => all.push(Condition::Tags {
                op: TagOp::HasAny,
                tags: vec![tag.clone()],
            }),
            Source::Empty {} | Source::CsvImport { .. } => {
                return Condition::Or {
                    conditions: Vec::new(),
                }
            }
        }
        if all.len() == 1 {
            if let Some(only) = all.pop() {
                return only;
            }
        }
        Condition::And { conditions: all }
    }
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10
        || chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

fn did(name: &str, dates: &Option<DateRange>, filter: Option<Condition>) -> Condition {
    Condition::Event {
        name: name.to_owned(),
        filter: filter.map(Box::new),
        count: CountTest::default(),
        within: None,
        between: dates.clone(),
    }
}

fn prop_eq(key: &str, value: &str) -> Condition {
    Condition::Field {
        field: key.to_owned(),
        op: FieldOp::Eq,
        value: Some(Value::Text(value.to_owned())),
        fold: false,
    }
}

fn people(all: &mut Vec<Condition>, gender: Option<Gender>, age: Option<AgeBand>) {
    if let Some(g) = gender {
        all.push(g.to_condition());
    }
    if let Some(a) = age {
        if a.min.is_some() || a.max.is_some() {
            all.push(Condition::Age {
                field: fields::BIRTH_DATE.to_owned(),
                min: a.min,
                max: a.max,
            });
        }
    }
}

fn num(field: &str, op: FieldOp, n: f64) -> Condition {
    Condition::Field {
        field: field.to_owned(),
        op,
        value: Some(Value::Number(n)),
        fold: false,
    }
}

fn fidelity_status(s: FidelityStatus) -> Condition {
    match s {
        FidelityStatus::ZeroPoints => num(fields::FIDELITY_POINTS, FieldOp::Eq, 0.0),
        FidelityStatus::HalfTarget => Condition::And {
            conditions: vec![
                num(fields::FIDELITY_PROGRESS, FieldOp::Gte, 0.5),
                num(fields::FIDELITY_PROGRESS, FieldOp::Lt, 1.0),
            ],
        },
        FidelityStatus::TargetReached => num(fields::FIDELITY_PROGRESS, FieldOp::Gte, 1.0),
    }
}
