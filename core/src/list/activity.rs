//! Typed activities: what a contact did in the shop, on the site or with the CRM, recorded as an
//! event with a stable name plus the contact state it implies.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Channel, Consent, ConsentStatus, Contact, ContactId, Event, Value};

/// Field keys the activities write on the contact.
pub mod fields {
    /// The fidelity card number (text).
    pub const FIDELITY_CARD: &str = "fidelity_card";
    /// The points on the fidelity card (number).
    pub const FIDELITY_POINTS: &str = "fidelity_points";
    /// The points target of the fidelity card (number).
    pub const FIDELITY_TARGET: &str = "fidelity_target";
    /// Points divided by the target (number; set when the target is positive).
    pub const FIDELITY_PROGRESS: &str = "fidelity_progress";
    /// The device of the web-push subscription (`desktop`, `mobile`, `tablet`).
    pub const WEBPUSH_DEVICE: &str = "webpush_device";
    /// The gender, as written by the shop (`F`, `donna`, `male` …).
    pub const GENDER: &str = "gender";
    /// The birth date (`YYYY-MM-DD`).
    pub const BIRTH_DATE: &str = "birth_date";
}

/// Stable event names of the activities.
pub mod events {
    /// A coupon was downloaded.
    pub const COUPON_DOWNLOADED: &str = "coupon.downloaded";
    /// A coupon was redeemed (used).
    pub const COUPON_REDEEMED: &str = "coupon.redeemed";
    /// The contact joined a fidelity card.
    pub const FIDELITY_JOINED: &str = "fidelity.joined";
    /// The fidelity points changed.
    pub const FIDELITY_POINTS: &str = "fidelity.points";
    /// The fidelity target changed.
    pub const FIDELITY_TARGET: &str = "fidelity.target";
    /// A walk-in visit to the shop.
    pub const WALKIN_VISITED: &str = "walkin.visited";
    /// A (landing page) form was submitted.
    pub const FORM_SUBMITTED: &str = "form.submitted";
    /// A newsletter sign-up.
    pub const NEWSLETTER_SUBSCRIBED: &str = "newsletter.subscribed";
    /// A web-push subscription.
    pub const WEBPUSH_SUBSCRIBED: &str = "webpush.subscribed";
    /// A CRM tag was assigned.
    pub const TAG_ASSIGNED: &str = "tag.assigned";
}

/// The device a web-push subscription was made from. JSON: `"desktop"`, `"mobile"`, `"tablet"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeviceType {
    /// A desktop or laptop browser.
    Desktop,
    /// A smartphone.
    Mobile,
    /// A tablet.
    Tablet,
}

impl DeviceType {
    /// The JSON name (`mobile`).
    ///
    /// ```
    /// use sequenza::list::DeviceType;
    /// assert_eq!(DeviceType::Mobile.as_str(), "mobile");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Desktop => "desktop",
            DeviceType::Mobile => "mobile",
            DeviceType::Tablet => "tablet",
        }
    }
}

crate::tagged::tagged_enum! {
    tag = "type", repr = ActivityRepr;
/// What a contact did. JSON tag `type`.
///
/// ```
/// use sequenza::list::Activity;
/// let a: Activity = serde_json::from_str(r#"{"type": "coupon_downloaded", "coupon": "SUMMER"}"#)?;
/// assert_eq!(a.event_name(), "coupon.downloaded");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
    pub enum Activity {
    /// Downloaded a coupon.
    CouponDownloaded {
        /// The coupon's code or id.
        coupon: String,
    },
    /// Redeemed (used) a coupon.
    CouponRedeemed {
        /// The coupon's code or id.
        coupon: String,
    },
    /// Joined a fidelity card (points start at 0 unless already known).
    FidelityJoined {
        /// The card number.
        card: String,
        /// The points target, when the card has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<f64>,
    },
    /// The fidelity points balance is now `points`.
    FidelityPoints {
        /// The new balance.
        points: f64,
    },
    /// The fidelity points target is now `target`.
    FidelityTarget {
        /// The new target.
        target: f64,
    },
    /// Visited the shop (walk-in).
    WalkIn {
        /// The shop, when there are several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        store: Option<String>,
    },
    /// Submitted a form (of a landing page).
    FormSubmitted {
        /// The form's id.
        form: String,
    },
    /// Signed up to the newsletter (opts in to e-mail).
    NewsletterSignup {
        /// Where the sign-up came from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// Subscribed to web-push notifications (opts in to web push).
    WebPushSubscribed {
        /// The device used.
        device: DeviceType,
    },
    /// A CRM tag was assigned.
    TagAssigned {
        /// The tag.
        tag: String,
    },
}
}

impl Activity {
    /// The stable event name the activity is recorded as (`coupon.downloaded` …).
    pub fn event_name(&self) -> &'static str {
        match self {
            Activity::CouponDownloaded { .. } => events::COUPON_DOWNLOADED,
            Activity::CouponRedeemed { .. } => events::COUPON_REDEEMED,
            Activity::FidelityJoined { .. } => events::FIDELITY_JOINED,
            Activity::FidelityPoints { .. } => events::FIDELITY_POINTS,
            Activity::FidelityTarget { .. } => events::FIDELITY_TARGET,
            Activity::WalkIn { .. } => events::WALKIN_VISITED,
            Activity::FormSubmitted { .. } => events::FORM_SUBMITTED,
            Activity::NewsletterSignup { .. } => events::NEWSLETTER_SUBSCRIBED,
            Activity::WebPushSubscribed { .. } => events::WEBPUSH_SUBSCRIBED,
            Activity::TagAssigned { .. } => events::TAG_ASSIGNED,
        }
    }

    /// The event recording this activity of `contact` at `at`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::{Activity, DeviceType};
    /// let at = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let e = Activity::WebPushSubscribed { device: DeviceType::Mobile }.to_event(&"anna".into(), at);
    /// assert_eq!(e.name, "webpush.subscribed");
    /// assert_eq!(e.properties["device"], "mobile");
    /// ```
    pub fn to_event(&self, contact: &ContactId, at: DateTime<Utc>) -> Event {
        let mut p = BTreeMap::new();
        let mut put = |k: &str, v: serde_json::Value| {
            p.insert(k.to_owned(), v);
        };
        match self {
            Activity::CouponDownloaded { coupon } | Activity::CouponRedeemed { coupon } => {
                put("coupon", coupon.as_str().into())
            }
            Activity::FidelityJoined { card, target } => {
                put("card", card.as_str().into());
                if let Some(t) = target {
                    put("target", (*t).into());
                }
            }
            Activity::FidelityPoints { points } => put("points", (*points).into()),
            Activity::FidelityTarget { target } => put("target", (*target).into()),
            Activity::WalkIn { store } => {
                if let Some(s) = store {
                    put("store", s.as_str().into());
                }
            }
            Activity::FormSubmitted { form } => put("form", form.as_str().into()),
            Activity::NewsletterSignup { source } => {
                if let Some(s) = source {
                    put("source", s.as_str().into());
                }
            }
            Activity::WebPushSubscribed { device } => put("device", device.as_str().into()),
            Activity::TagAssigned { tag } => put("tag", tag.as_str().into()),
        }
        Event {
            contact: contact.clone(),
            name: self.event_name().to_owned(),
            at,
            properties: p,
        }
    }

    /// Applies the contact state the activity implies: fidelity fields (and their progress),
    /// the tag, e-mail consent for a newsletter sign-up, web-push consent and device. Returns
    /// true when the contact changed.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::Activity;
    /// use sequenza::model::Value;
    /// use sequenza::Contact;
    /// let at = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let mut anna = Contact::new("anna");
    /// Activity::FidelityJoined { card: "F-1".into(), target: Some(200.0) }.apply_to(&mut anna, at);
    /// Activity::FidelityPoints { points: 100.0 }.apply_to(&mut anna, at);
    /// assert_eq!(anna.fields["fidelity_progress"], Value::Number(0.5));
    /// ```
    pub fn apply_to(&self, contact: &mut Contact, at: DateTime<Utc>) -> bool {
        let before = contact.clone();
        let f = &mut contact.fields;
        match self {
            Activity::FidelityJoined { card, target } => {
                f.insert(fields::FIDELITY_CARD.to_owned(), Value::Text(card.clone()));
                f.entry(fields::FIDELITY_POINTS.to_owned())
                    .or_insert(Value::Number(0.0));
                if let Some(t) = target {
                    f.insert(fields::FIDELITY_TARGET.to_owned(), Value::Number(*t));
                }
                progress(f);
            }
            Activity::FidelityPoints { points } => {
                f.insert(fields::FIDELITY_POINTS.to_owned(), Value::Number(*points));
                progress(f);
            }
            Activity::FidelityTarget { target } => {
                f.insert(fields::FIDELITY_TARGET.to_owned(), Value::Number(*target));
                progress(f);
            }
            Activity::NewsletterSignup { source } => opt_in(
                contact,
                Channel::Email,
                at,
                source.as_deref().unwrap_or("newsletter"),
            ),
            Activity::WebPushSubscribed { device } => {
                f.insert(
                    fields::WEBPUSH_DEVICE.to_owned(),
                    Value::Text(device.as_str().to_owned()),
                );
                opt_in(contact, Channel::WebPush, at, "web_push");
            }
            Activity::TagAssigned { tag } => {
                contact.tags.insert(tag.clone());
            }
            Activity::CouponDownloaded { .. }
            | Activity::CouponRedeemed { .. }
            | Activity::WalkIn { .. }
            | Activity::FormSubmitted { .. } => {}
        }
        *contact != before
    }
}

/// Recomputes `fidelity_progress` = points / target (removed when the target is not positive).
fn progress(f: &mut BTreeMap<String, Value>) {
    let num = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    };
    let points = num(f.get(fields::FIDELITY_POINTS)).unwrap_or(0.0);
    match num(f.get(fields::FIDELITY_TARGET)) {
        Some(t) if t > 0.0 && (points / t).is_finite() => {
            f.insert(
                fields::FIDELITY_PROGRESS.to_owned(),
                Value::Number(points / t),
            );
        }
        _ => {
            f.remove(fields::FIDELITY_PROGRESS);
        }
    }
}

fn opt_in(contact: &mut Contact, channel: Channel, at: DateTime<Utc>, source: &str) {
    if contact.consent_status(channel) == ConsentStatus::OptedIn {
        return;
    }
    contact.consent.insert(
        channel,
        Consent {
            status: ConsentStatus::OptedIn,
            at: Some(at),
            source: Some(source.to_owned()),
        },
    );
}

/// An activity of a contact at an instant. JSON:
/// `{"contact": "anna", "at": "2026-11-25T09:00:00Z", "activity": {"type": "walk_in"}}`.
///
/// ```
/// use sequenza::list::ActivityRecord;
/// let r = ActivityRecord::from_json(r#"{"contact": "anna", "at": "2026-11-25T09:00:00Z",
///   "activity": {"type": "tag_assigned", "tag": "ebook-mobile"}}"#)?;
/// assert_eq!(r.activity.event_name(), "tag.assigned");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ActivityRecord {
    /// The contact.
    pub contact: ContactId,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub activity: Activity,
}

impl ActivityRecord {
    /// Parses a record from JSON; errors carry the JSON path, line and column.
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }
}

// ---- a binding's `Audience.record(contact, activity, at)` (issue 9 §1, WASM binding) ---------

impl ActivityRecord {
    /// The record of `contact`'s activity at `at`, the activity given as its JSON text: read
    /// inside a record, so that an error is located as in [`ActivityRecord::from_json`]
    /// (`/activity/…`).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::ActivityRecord;
    /// let at = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let r = ActivityRecord::from_activity_json("anna", at, r#"{"type": "walk_in"}"#)?;
    /// assert_eq!((r.contact.as_str(), r.at), ("anna", at));
    /// let err = ActivityRecord::from_activity_json("anna", at, r#"{"type": "teleport"}"#).unwrap_err();
    /// assert!(err.path().is_some_and(|p| p.starts_with("/activity")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_activity_json(
        contact: &str,
        at: chrono::DateTime<chrono::Utc>,
        activity: &str,
    ) -> crate::Result<Self> {
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        let contact = serde_json::Value::from(contact);
        Self::from_json(&format!(
            r#"{{"contact":{contact},"at":"{at}","activity":{activity}}}"#
        ))
    }
}
