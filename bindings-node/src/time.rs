//! Time (issue 4): `SendPolicy` (quiet hours, weekdays, send windows, a time zone) with
//! `nextAllowed` / `isAllowed` / `decide`, and `Recurrence` (the core's `RecurrenceRule` JSON or
//! an RRULE) with `nextAfter` / `between`. Instants come in as a `Date` or an RFC 3339 string
//! and go out as RFC 3339 strings in UTC (`2025-06-05T06:00:00Z`).
//!
//! Every rule is the core's: the binding only builds the core's JSON form and maps errors
//! (`TimeError` with `code` and `path`, a JSON pointer into that form).

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use napi::bindgen_prelude::{JsObjectValue, Unknown};
use napi::{Env, Error, JsValue, Result, Status};
use napi_derive::napi;
use sequenza::flow::{SendPolicy as SendPolicyDoc, WaitNode};
use sequenza::model::{Channel, Contact};
use sequenza::time::{
    history_from_json, parse_zone, CapPolicy, Policy, RecurrenceRule, Recurring, SentMessage,
    ZoneChain,
};

use crate::convert::{
    instant, is_nullish, json_array, json_text, json_value, opt_string_arg, range_error,
    serde_string, string_arg, to_js, type_error, Options,
};
use crate::errors::core_error;

/// The options `new SendPolicy(…)` takes.
const POLICY_OPTIONS: &[&str] = &[
    "quietHours",
    "weekdays",
    "hours",
    "timeZone",
    "fallbackTimeZone",
    "outsideWindow",
];
/// The options `new Recurrence(…)` and `Recurrence.fromRrule(…)` take.
const RECURRENCE_OPTIONS: &[&str] = &["timeZone", "policy"];

/// A send policy: when a message may go out, in the policy's time zone (UTC when it has none)
/// or in the zone given to each call.
#[napi]
#[derive(Debug)]
pub struct SendPolicy {
    doc: SendPolicyDoc,
    policy: Policy,
    zone: Tz,
}

impl SendPolicy {
    /// Compiles the core's JSON form of a send policy.
    fn compile(env: &Env, text: &str) -> Result<Self> {
        let policy = Policy::from_json(text).map_err(|e| core_error(env, &e))?;
        // The core has just read this text as a send policy, so this cannot fail; map anyway.
        let doc: SendPolicyDoc = serde_json::from_str(text)
            .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))?;
        let zone = match doc
            .time_zone
            .as_deref()
            .or(doc.fallback_time_zone.as_deref())
        {
            Some(name) => parse_zone(name).map_err(|e| core_error(env, &e))?,
            None => Tz::UTC,
        };
        Ok(SendPolicy { doc, policy, zone })
    }

    /// The zone of a call: the `timeZone` argument when given, else the policy's.
    fn zone_of(&self, env: &Env, value: Option<Unknown<'_>>) -> Result<Tz> {
        zone_arg(env, value, "timeZone").map(|z| z.unwrap_or(self.zone))
    }
}

/// An optional IANA zone argument; an unknown name is a `TimeError` `time.zone.unknown`.
fn zone_arg(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<Option<Tz>> {
    let Some(value) = value.filter(|v| !is_nullish(v)) else {
        return Ok(None);
    };
    let text = string_arg(env, value, name)?;
    parse_zone(&text).map(Some).map_err(|e| core_error(env, &e))
}

/// A list of windows as given in JS: `[start, end]` pairs or `{start, end}` objects, turned
/// into the core's `{start, end}` form (anything else is left for the core to report).
fn windows(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|w| match w {
                serde_json::Value::Array(pair) if pair.len() == 2 => {
                    let mut pair = pair.into_iter();
                    let start = pair.next().unwrap_or_default();
                    let end = pair.next().unwrap_or_default();
                    serde_json::json!({"start": start, "end": end})
                }
                other => other,
            })
            .collect(),
        other => other,
    }
}

/// An instant out: RFC 3339 in UTC.
fn iso(t: &DateTime<Utc>) -> Result<String> {
    serde_string(t)
}

#[napi]
impl SendPolicy {
    /// A send policy from options, every one optional: `quietHours` and `hours` are lists of
    /// local windows (`['22:00', '08:00']` or `{start, end}`; a window may cross midnight),
    /// `weekdays` the allowed days (`'mon'` … `'sun'`, every day when absent), `timeZone` the
    /// IANA zone of the local times (UTC when absent), `outsideWindow` `'defer'` (default) or
    /// `'skip'`. No options at all allows every instant.
    ///
    /// Throws a `TimeError` (`time.time.malformed`, `time.window.ambiguous`, `time.zone.unknown`,
    /// `time.policy.never_allowed`) or a `FlowFormatError` (an unknown weekday), with `path` a
    /// JSON pointer into the core's form (`/quiet_hours/0/end`).
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options?: SendPolicyOptions | null"
    )]
    pub fn new(env: &Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let opts = Options::read(env, options, "options", POLICY_OPTIONS)?;
        let mut doc = serde_json::Map::new();
        for (key, core_key) in [
            ("quietHours", "quiet_hours"),
            ("weekdays", "weekdays"),
            ("hours", "hours"),
            ("timeZone", "time_zone"),
            ("fallbackTimeZone", "fallback_time_zone"),
            ("outsideWindow", "outside_window"),
        ] {
            if let Some(value) = opts.get(key)? {
                if is_nullish(&value) {
                    continue;
                }
                let value = json_value(env, Some(value), &opts.name_of(key), false)?;
                let value = if key == "quietHours" || key == "hours" {
                    windows(value)
                } else {
                    value
                };
                doc.insert(core_key.to_owned(), value);
            }
        }
        let text = serde_json::Value::Object(doc).to_string();
        SendPolicy::compile(env, &text)
    }

    /// A send policy from the core's JSON form (the flow model's `send_policy`:
    /// `{quiet_hours: [{start, end}], weekdays, hours, time_zone, outside_window}`), as JSON
    /// text or an object. Throws as the constructor.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "data: string | SendPolicyDocument"
    )]
    pub fn from_json(env: &Env, data: Unknown<'_>) -> Result<Self> {
        let text = json_text(env, data, "data", "a JSON string or an object")?;
        SendPolicy::compile(env, &text)
    }

    /// Several policies together (account default, flow, node …): a send must satisfy all of
    /// them — the stricter wins. Each is a `SendPolicy`, its JSON form or JSON text; the result
    /// works in `timeZone` (UTC when absent). Throws a `TimeError` whose `path` starts with the
    /// policy's index (`/1/hours/0/end`), or `time.policy.never_allowed` when nothing is left.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "policies: Array<SendPolicy | SendPolicyDocument | string>, timeZone?: string | null"
    )]
    pub fn combine(
        env: &Env,
        policies: Unknown<'_>,
        time_zone: Option<Unknown<'_>>,
    ) -> Result<Self> {
        let zone = zone_arg(env, time_zone, "timeZone")?.unwrap_or(Tz::UTC);
        let docs = json_array(env, policies, "policies", "", |raw| {
            // A string element is JSON text of a policy.
            let owned;
            let text = match serde_json::from_str::<String>(raw) {
                Ok(inner) => {
                    owned = inner;
                    owned.as_str()
                }
                Err(_) => raw,
            };
            match serde_json::from_str::<SendPolicyDoc>(text) {
                Ok(doc) => Ok(Ok(doc)),
                // The core reads it again to report the error with its location.
                Err(e) => Policy::from_json(text).map(|_| Err(e.to_string())),
            }
        })?;
        let docs = docs
            .into_iter()
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|e| Error::new(Status::GenericFailure, e))?;
        let refs: Vec<&SendPolicyDoc> = docs.iter().collect();
        let policy = Policy::combine(&refs).map_err(|e| core_error(env, &e))?;
        // The combined rule itself, so that the policy handed on through `toObject()` /
        // `JSON.stringify` is the same policy (not one that allows everything).
        let mut doc = policy.to_send_policy();
        doc.time_zone = (zone != Tz::UTC).then(|| zone.name().to_owned());
        Ok(SendPolicy { doc, policy, zone })
    }

    /// This policy and `other` (a `SendPolicy`, its JSON form or JSON text) together: the
    /// stricter wins (the intersection of the allowed times; `skip` when either skips). Keeps
    /// this policy's zone. Throws a `TimeError` `time.policy.never_allowed` when nothing is left.
    #[napi(
        catch_unwind,
        ts_args_type = "other: SendPolicy | SendPolicyDocument | string"
    )]
    pub fn stricter(&self, env: &Env, other: Unknown<'_>) -> Result<SendPolicy> {
        let text = json_text(
            env,
            other,
            "other",
            "a SendPolicy, a JSON string or an object",
        )?;
        let other = SendPolicy::compile(env, &text)?;
        let policy = self
            .policy
            .stricter(&other.policy)
            .map_err(|e| core_error(env, &e))?;
        let mut doc = policy.to_send_policy();
        doc.time_zone.clone_from(&self.doc.time_zone);
        doc.fallback_time_zone
            .clone_from(&self.doc.fallback_time_zone);
        Ok(SendPolicy {
            doc,
            policy,
            zone: self.zone,
        })
    }

    /// The policy's time zone (`'UTC'` when it names none).
    #[napi(getter, catch_unwind)]
    pub fn time_zone(&self) -> String {
        self.zone.name().to_owned()
    }

    /// True when a send may go out at `at` (in `timeZone`, else the policy's zone).
    #[napi(catch_unwind, ts_args_type = "at: Instant, timeZone?: string | null")]
    pub fn is_allowed(
        &self,
        env: &Env,
        at: Option<Unknown<'_>>,
        time_zone: Option<Unknown<'_>>,
    ) -> Result<bool> {
        let at = instant(env, at, "at")?;
        let zone = self.zone_of(env, time_zone)?;
        Ok(self.policy.is_allowed(at, zone))
    }

    /// The first instant at or after `at` when a send may go out (in `timeZone`, else the
    /// policy's zone), as an RFC 3339 string in UTC.
    #[napi(catch_unwind, ts_args_type = "at: Instant, timeZone?: string | null")]
    pub fn next_allowed(
        &self,
        env: &Env,
        at: Option<Unknown<'_>>,
        time_zone: Option<Unknown<'_>>,
    ) -> Result<String> {
        let at = instant(env, at, "at")?;
        let zone = self.zone_of(env, time_zone)?;
        let next = self
            .policy
            .next_allowed(at, zone)
            .map_err(|e| core_error(env, &e))?;
        iso(&next)
    }

    /// What to do with a send at `at`: `{decision: 'allow'}`, `{decision: 'defer', until}` or
    /// `{decision: 'skip'}` (the policy's `outsideWindow`).
    #[napi(
        catch_unwind,
        ts_args_type = "at: Instant, timeZone?: string | null",
        ts_return_type = "SendDecision"
    )]
    pub fn decide<'env>(
        &self,
        env: &'env Env,
        at: Option<Unknown<'_>>,
        time_zone: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        let at = instant(env, at, "at")?;
        let zone = self.zone_of(env, time_zone)?;
        let decision = self
            .policy
            .decide(at, zone)
            .map_err(|e| core_error(env, &e))?;
        to_js(env, &decision)
    }

    /// The policy in the core's JSON form (what `SendPolicy.fromJson` reads).
    #[napi(catch_unwind, ts_return_type = "SendPolicyDocument")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        to_js(env, &self.doc)
    }

    /// `JSON.stringify(policy)` gives the core's JSON form, so a `SendPolicy` can be passed
    /// wherever a policy document is taken.
    #[napi(
        js_name = "toJSON",
        catch_unwind,
        ts_return_type = "SendPolicyDocument"
    )]
    pub fn to_json_value<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        to_js(env, &self.doc)
    }
}

/// The recipient's time zone through the fallback chain: the contact's zone → a zone inferred
/// from the contact's country, then phone number, where unambiguous → the flow's zone → the
/// account's zone → UTC. Says which link was used (`source`) and which present links were
/// unusable (`skipped`). An unknown flow or account zone is a `TimeError` `time.zone.unknown`
/// (path `/flow`, `/account`).
///
/// Two forms: `resolveTimeZone(contact, {flowZone, accountZone})` with a contact in the core's
/// JSON form (an object with an `id`, or JSON text: its `time_zone`, its `country` field and
/// its `phone` are read), or `resolveTimeZone({contact, country, phone, flow, account})` with
/// the links as strings.
#[napi(
    catch_unwind,
    ts_args_type = "contact?: Contact | string | ZoneChain | null, options?: ResolveTimeZoneOptions | null",
    ts_return_type = "ResolvedZone"
)]
pub fn resolve_time_zone<'env>(
    env: &'env Env,
    contact: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let contact_form = match &contact {
        Some(value) if !is_nullish(value) => {
            value.get_type()? == napi::ValueType::String
                || (value.get_type()? == napi::ValueType::Object
                    && value.coerce_to_object()?.has_named_property("id")?)
        }
        _ => options.as_ref().is_some_and(|o| !is_nullish(o)),
    };
    let resolved = if contact_form {
        let opts = Options::read(env, options, "options", &["flowZone", "accountZone"])?;
        let flow = opt_string_arg(env, opts.get("flowZone")?, &opts.name_of("flowZone"))?;
        let account = opt_string_arg(env, opts.get("accountZone")?, &opts.name_of("accountZone"))?;
        let contact = match contact.filter(|c| !is_nullish(c)) {
            Some(value) => {
                let text = json_text(env, value, "contact", "a contact object or JSON text")?;
                Some(Contact::from_json(&text).map_err(|e| core_error(env, &e))?)
            }
            None => None,
        };
        let chain = contact
            .as_ref()
            .map_or_else(ZoneChain::default, ZoneChain::for_contact);
        chain
            .flow(flow.as_deref())
            .account(account.as_deref())
            .resolve()
            .map_err(|e| core_error(env, &e))?
    } else {
        let opts = Options::read(
            env,
            contact,
            "chain",
            &["contact", "country", "phone", "flow", "account"],
        )?;
        let mut links: [Option<String>; 5] = Default::default();
        for (slot, key) in links
            .iter_mut()
            .zip(["contact", "country", "phone", "flow", "account"])
        {
            *slot = opt_string_arg(env, opts.get(key)?, &opts.name_of(key))?;
        }
        let [contact, country, phone, flow, account] = &links;
        let chain = ZoneChain {
            contact: contact.as_deref(),
            country: country.as_deref(),
            phone: phone.as_deref(),
            flow: flow.as_deref(),
            account: account.as_deref(),
        };
        chain.resolve().map_err(|e| core_error(env, &e))?
    };
    let out = serde_json::json!({
        "zone": resolved.zone.name(),
        "source": resolved.source.as_str(),
        "skipped": resolved.skipped.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    });
    to_js(env, &out)
}

/// A local wall time (`2025-03-30T02:30:00`, no offset) in `timeZone` as an instant (RFC 3339
/// UTC). A time in the spring-forward gap is the first valid instant after it; a time that
/// exists twice is its first occurrence.
#[napi(catch_unwind, ts_args_type = "local: string, timeZone: string")]
pub fn local_to_utc(
    env: &Env,
    local: Option<Unknown<'_>>,
    time_zone: Option<Unknown<'_>>,
) -> Result<String> {
    let Some(local) = local else {
        return Err(type_error(
            env,
            "The \"local\" argument must be of type string. Received undefined",
        ));
    };
    let text = string_arg(env, local, "local")?;
    let naive = NaiveDateTime::from_str(&text).map_err(|e| {
        range_error(
            env,
            &format!(
                "The \"local\" argument must be a local date-time without an offset, such as \
                 2025-03-30T02:30:00 ({e}). Received {text:?}"
            ),
        )
    })?;
    let Some(zone) = zone_arg(env, time_zone, "timeZone")? else {
        return Err(type_error(
            env,
            "The \"timeZone\" argument must be of type string. Received undefined",
        ));
    };
    let t = sequenza::time::local_to_utc(zone, naive).map_err(|e| core_error(env, &e))?;
    iso(&t)
}

/// A recurrence compiled in a time zone, optionally kept inside a send policy.
#[napi]
#[derive(Debug)]
pub struct Recurrence {
    recurring: Recurring,
}

impl Recurrence {
    /// Compiles `rule` with the options `{timeZone, policy}`.
    fn build(env: &Env, rule: &RecurrenceRule, options: Option<Unknown<'_>>) -> Result<Self> {
        let opts = Options::read(env, options, "options", RECURRENCE_OPTIONS)?;
        let zone = zone_arg(env, opts.get("timeZone")?, &opts.name_of("timeZone"))?;
        let policy = match opts.get("policy")?.filter(|v| !is_nullish(v)) {
            Some(value) => {
                let name = opts.name_of("policy");
                let text = json_text(
                    env,
                    value,
                    &name,
                    "a SendPolicy, a JSON string or an object",
                )?;
                Some(SendPolicy::compile(env, &text)?)
            }
            None => None,
        };
        let zone = zone
            .or_else(|| policy.as_ref().map(|p| p.zone))
            .unwrap_or(Tz::UTC);
        let mut recurring = rule.compile(zone).map_err(|e| core_error(env, &e))?;
        if let Some(p) = policy {
            recurring = recurring
                .within(p.policy)
                .map_err(|e| core_error(env, &e))?;
        }
        Ok(Recurrence { recurring })
    }
}

#[napi]
impl Recurrence {
    /// A recurrence from the core's rule (JSON text or an object, tagged by `kind`: `every`,
    /// `weekly`, `monthly`, `monthly_weekday`, `yearly`), in `options.timeZone` (else the
    /// policy's zone, else UTC), keeping only the occurrences `options.policy` allows.
    ///
    /// Throws a `TimeError` (`time.recurrence.frequency_out_of_range`, `time.recurrence.no_times`,
    /// `time.time.malformed`, `time.recurrence.bad_day`, `time.recurrence.never_allowed`,
    /// `time.zone.unknown`) or a `FlowFormatError`, with the JSON pointer in `path`.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "rule: string | RecurrenceRule, options?: RecurrenceOptions | null"
    )]
    pub fn new(env: &Env, rule: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Self> {
        let text = json_text(env, rule, "rule", "a JSON string or an object")?;
        let rule = RecurrenceRule::from_json(&text).map_err(|e| core_error(env, &e))?;
        Recurrence::build(env, &rule, options)
    }

    /// A recurrence from RFC 5545 RRULE text (the subset the core reads:
    /// `FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30`, with or without `RRULE:`). Throws a
    /// `TimeError` (`time.rrule.malformed`, `time.rrule.unsupported`, the rule's own codes).
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "text: string, options?: RecurrenceOptions | null"
    )]
    pub fn from_rrule(env: &Env, text: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Self> {
        let text = string_arg(env, text, "text")?;
        let rule = RecurrenceRule::from_rrule(&text).map_err(|e| core_error(env, &e))?;
        Recurrence::build(env, &rule, options)
    }

    /// The time zone of the local times.
    #[napi(getter, catch_unwind)]
    pub fn time_zone(&self) -> String {
        self.recurring.zone().name().to_owned()
    }

    /// The first occurrence strictly after `t`, as an RFC 3339 string in UTC.
    #[napi(catch_unwind, ts_args_type = "t: Instant")]
    pub fn next_after(&self, env: &Env, t: Option<Unknown<'_>>) -> Result<String> {
        let t = instant(env, t, "t")?;
        let next = self
            .recurring
            .next_after(t)
            .map_err(|e| core_error(env, &e))?;
        iso(&next)
    }

    /// Every occurrence in `[a, b)`, in order, as RFC 3339 strings in UTC. Throws a
    /// `TimeError` `time.recurrence.too_many` past 200 000 occurrences.
    #[napi(catch_unwind, ts_args_type = "a: Instant, b: Instant")]
    pub fn between(
        &self,
        env: &Env,
        a: Option<Unknown<'_>>,
        b: Option<Unknown<'_>>,
    ) -> Result<Vec<String>> {
        let a = instant(env, a, "a")?;
        let b = instant(env, b, "b")?;
        let all = self
            .recurring
            .occurrences_between(a, b)
            .map_err(|e| core_error(env, &e))?;
        all.iter().map(iso).collect()
    }

    /// The rule as RRULE text; a `TimeError` `time.rrule.unsupported` when the subset cannot
    /// express it exactly.
    #[napi(catch_unwind)]
    pub fn to_rrule(&self, env: &Env) -> Result<String> {
        self.recurring
            .rule()
            .to_rrule()
            .map_err(|e| core_error(env, &e))
    }

    /// The rule in the core's JSON form.
    #[napi(catch_unwind, ts_return_type = "RecurrenceRule")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        to_js(env, self.recurring.rule())
    }
}

/// A channel argument (`'email'`, `'sms'`, `'web_push'`, `'whatsapp'`).
fn channel_arg(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<Channel> {
    let Some(value) = value else {
        return Err(type_error(
            env,
            &format!("The \"{name}\" argument must be of type string. Received undefined"),
        ));
    };
    let text = string_arg(env, value, name)?;
    serde_json::from_value(serde_json::Value::String(text.clone())).map_err(|_| {
        range_error(
            env,
            &format!(
                "The \"{name}\" argument must be one of 'email', 'sms', 'web_push', 'whatsapp'. \
                 Received {text:?}"
            ),
        )
    })
}

/// A send history (`undefined` / `null`: nothing sent): an array of `[at, channel]`,
/// `[at, channel, transactional]` or `{at, channel, transactional}` entries (`at` a `Date` or
/// RFC 3339 text), read by the core (a `FlowFormatError` with the entry's JSON pointer).
fn history_arg(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<Vec<SentMessage>> {
    let Some(value) = value.filter(|v| !is_nullish(v)) else {
        return Ok(Vec::new());
    };
    if value.get_type()? != napi::ValueType::String && !value.is_array()? {
        return Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be an array. Received {}",
                crate::convert::type_of(value.get_type()?)
            ),
        ));
    }
    let text = json_text(env, value, name, "an array")?;
    history_from_json(&text).map_err(|e| core_error(env, &e))
}

/// A compiled send policy argument (a `SendPolicy`, its JSON form or JSON text).
fn policy_arg(env: &Env, value: Option<Unknown<'_>>, name: &str) -> Result<Option<SendPolicy>> {
    match value.filter(|v| !is_nullish(v)) {
        Some(value) => {
            let text = json_text(env, value, name, "a SendPolicy, a JSON string or an object")?;
            SendPolicy::compile(env, &text).map(Some)
        }
        None => Ok(None),
    }
}

/// The options `waitEnd` takes.
const WAIT_OPTIONS: &[&str] = &["timeZone", "date", "policy"];

/// When a flow's wait node (its JSON form, as an object or JSON text: `{duration: {amount,
/// unit}}` or `{until: {kind: 'local_time' | 'date_field', …}}`) started at `at` ends, for a
/// recipient in `options.timeZone` (else the policy's zone, else UTC), then moved to the first
/// instant `options.policy` allows. `options.date` is the contact's value of the node's date
/// field (`'1990-06-12'`). Returns an RFC 3339 string in UTC, never before `at`.
///
/// Minutes and hours are elapsed time; days and weeks keep the local wall time across
/// daylight-saving changes; 31 January + 1 month is the last day of February. Throws a
/// `TimeError` (`time.wait.spec`, `time.wait.date_missing` at `/until/field`,
/// `time.time.malformed` at `/until/time`) or a `FlowFormatError`.
#[napi(
    catch_unwind,
    ts_args_type = "wait: WaitNode | string, at: Instant, options?: WaitEndOptions | null"
)]
pub fn wait_end(
    env: &Env,
    wait: Unknown<'_>,
    at: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<String> {
    let text = json_text(env, wait, "wait", "a JSON string or an object")?;
    let node = WaitNode::from_json(&text).map_err(|e| core_error(env, &e))?;
    let at = instant(env, at, "at")?;
    let opts = Options::read(env, options, "options", WAIT_OPTIONS)?;
    let zone = zone_arg(env, opts.get("timeZone")?, &opts.name_of("timeZone"))?;
    let policy = policy_arg(env, opts.get("policy")?, &opts.name_of("policy"))?;
    let date = match opt_string_arg(env, opts.get("date")?, &opts.name_of("date"))? {
        Some(text) => Some(text.trim().parse().map_err(|e| {
            range_error(
                env,
                &format!(
                    "The \"options.date\" argument must be a date such as '1990-06-12' ({e}). \
                     Received {text:?}"
                ),
            )
        })?),
        None => None,
    };
    let zone = zone
        .or_else(|| policy.as_ref().map(|p| p.zone))
        .unwrap_or(Tz::UTC);
    let end = sequenza::time::wait_end(at, &node, zone, date, policy.as_ref().map(|p| &p.policy))
        .map_err(|e| core_error(env, &e))?;
    iso(&end)
}

/// Frequency caps: at most N messages per channel (or over every channel) within a rolling
/// window, per contact. Transactional messages never count and are never held back.
#[napi]
#[derive(Debug)]
pub struct FrequencyCaps {
    caps: CapPolicy,
}

#[napi]
impl FrequencyCaps {
    /// Caps from options: `caps`, a list of `{channel?, max, per: {amount, unit}}` (no
    /// `channel`: every channel together; a day is 24 hours, a week 7 days, a month 30 days),
    /// and `whenCapped`, `'defer'` (default: to when the caps free) or `'skip'`. Throws a
    /// `TimeError` `time.cap.invalid` (path `/caps/0/max`) or a `FlowFormatError`.
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options?: FrequencyCapsOptions | null"
    )]
    pub fn new(env: &Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let opts = Options::read(env, options, "options", &["caps", "whenCapped"])?;
        let mut doc = serde_json::Map::new();
        for (key, core_key) in [("caps", "caps"), ("whenCapped", "when_capped")] {
            if let Some(value) = opts.get(key)?.filter(|v| !is_nullish(v)) {
                let value = json_value(env, Some(value), &opts.name_of(key), false)?;
                doc.insert(core_key.to_owned(), value);
            }
        }
        let caps = CapPolicy::from_json(&serde_json::Value::Object(doc).to_string())
            .map_err(|e| core_error(env, &e))?;
        Ok(FrequencyCaps { caps })
    }

    /// Caps from the core's JSON form (`{caps: [...], when_capped: 'defer'}`), as JSON text or
    /// an object.
    #[napi(
        factory,
        catch_unwind,
        ts_args_type = "data: string | FrequencyCapsDocument"
    )]
    pub fn from_json(env: &Env, data: Unknown<'_>) -> Result<Self> {
        let text = json_text(env, data, "data", "a JSON string or an object")?;
        let caps = CapPolicy::from_json(&text).map_err(|e| core_error(env, &e))?;
        Ok(FrequencyCaps { caps })
    }

    /// What to do with a message on `channel` at `at`, given `history` (the messages already
    /// sent: `[at, channel, transactional?]` or `{at, channel, transactional}`):
    /// `{decision: 'allow'}`, `{decision: 'defer', until}` or `{decision: 'skip'}`.
    #[napi(
        catch_unwind,
        ts_args_type = "history: SentMessage[] | null | undefined, channel: Channel, at: Instant, transactional?: boolean | null",
        ts_return_type = "SendDecision"
    )]
    pub fn decide<'env>(
        &self,
        env: &'env Env,
        history: Option<Unknown<'_>>,
        channel: Option<Unknown<'_>>,
        at: Option<Unknown<'_>>,
        transactional: Option<bool>,
    ) -> Result<Unknown<'env>> {
        let history = history_arg(env, history, "history")?;
        let channel = channel_arg(env, channel, "channel")?;
        let at = instant(env, at, "at")?;
        let d = self
            .caps
            .decide(&history, channel, transactional.unwrap_or(false), at)
            .map_err(|e| core_error(env, &e))?;
        to_js(env, &d)
    }

    /// The first instant at or after `at` when one more (non-transactional) message on
    /// `channel` fits every cap, as an RFC 3339 string in UTC.
    #[napi(
        catch_unwind,
        ts_args_type = "history: SentMessage[] | null | undefined, channel: Channel, at: Instant"
    )]
    pub fn frees_at(
        &self,
        env: &Env,
        history: Option<Unknown<'_>>,
        channel: Option<Unknown<'_>>,
        at: Option<Unknown<'_>>,
    ) -> Result<String> {
        let history = history_arg(env, history, "history")?;
        let channel = channel_arg(env, channel, "channel")?;
        let at = instant(env, at, "at")?;
        let t = self
            .caps
            .frees_at(&history, channel, at)
            .map_err(|e| core_error(env, &e))?;
        iso(&t)
    }

    /// The caps in the core's JSON form.
    #[napi(catch_unwind, ts_return_type = "FrequencyCapsDocument")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        to_js(env, &self.caps)
    }

    /// `JSON.stringify(caps)` gives the core's JSON form.
    #[napi(
        js_name = "toJSON",
        catch_unwind,
        ts_return_type = "FrequencyCapsDocument"
    )]
    pub fn to_json_value<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        to_js(env, &self.caps)
    }
}

/// The options `planSend` takes.
const PLAN_OPTIONS: &[&str] = &["timeZone", "policy", "caps", "history", "transactional"];

/// Everything checked before a send, in order: a transactional message goes out at once;
/// otherwise the frequency caps (`options.caps`: a `FrequencyCaps`, its JSON form or text) given
/// `options.history`, then the send policy (`options.policy`) in the recipient's zone
/// (`options.timeZone`, else the policy's, else UTC). Returns `{decision: 'allow'}`,
/// `{decision: 'defer', until}` (the first instant both allow) or `{decision: 'skip'}`.
#[napi(
    catch_unwind,
    ts_args_type = "at: Instant, channel: Channel, options?: PlanSendOptions | null",
    ts_return_type = "SendDecision"
)]
pub fn plan_send<'env>(
    env: &'env Env,
    at: Option<Unknown<'_>>,
    channel: Option<Unknown<'_>>,
    options: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let at = instant(env, at, "at")?;
    let channel = channel_arg(env, channel, "channel")?;
    let opts = Options::read(env, options, "options", PLAN_OPTIONS)?;
    let zone = zone_arg(env, opts.get("timeZone")?, &opts.name_of("timeZone"))?;
    let policy = policy_arg(env, opts.get("policy")?, &opts.name_of("policy"))?;
    let caps = match opts.get("caps")?.filter(|v| !is_nullish(v)) {
        Some(value) => {
            let text = json_text(
                env,
                value,
                &opts.name_of("caps"),
                "a FrequencyCaps, a JSON string or an object",
            )?;
            CapPolicy::from_json(&text).map_err(|e| core_error(env, &e))?
        }
        None => CapPolicy::default(),
    };
    let history = history_arg(env, opts.get("history")?, &opts.name_of("history"))?;
    let transactional = match opts.get("transactional")?.filter(|v| !is_nullish(v)) {
        Some(value) if value.get_type()? == napi::ValueType::Boolean => value.coerce_to_bool()?,
        Some(value) => {
            return Err(type_error(
                env,
                &format!(
                    "The \"options.transactional\" argument must be of type boolean. Received {}",
                    crate::convert::type_of(value.get_type()?)
                ),
            ))
        }
        None => false,
    };
    let zone = zone
        .or_else(|| policy.as_ref().map(|p| p.zone))
        .unwrap_or(Tz::UTC);
    let always = Policy::always();
    let policy = policy.as_ref().map_or(&always, |p| &p.policy);
    let d = sequenza::time::plan_send(at, zone, policy, &caps, &history, channel, transactional)
        .map_err(|e| core_error(env, &e))?;
    to_js(env, &d)
}
