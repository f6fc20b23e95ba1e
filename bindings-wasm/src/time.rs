//! Time (issue 4): send policies (`SendPolicy`) and recurrences (`Recurrence`).
//!
//! Instants go in as a `Date` or an RFC 3339 string and come out as RFC 3339 strings in UTC
//! (`"2025-06-05T06:00:00Z"`, with a fraction only when there is one). Policies and rules are
//! the core's JSON forms (snake_case); the `SendPolicy` constructor also takes camelCase options
//! and `[start, end]` pairs, which it rewrites into that form before the core reads it. Every
//! decision (windows, daylight-saving rules, occurrences) is the core's.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use sequenza::time::{self, Policy, RecurrenceRule, Recurring};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::input::{is_absent, required_instant, Options};
use crate::{json_text, to_js, to_js_error, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TS_TIME_TYPES: &'static str = r#"
/** An instant: a `Date` or an RFC 3339 string such as `"2025-06-05T06:00:00Z"`. */
export type Instant = Date | string;

/** A local time window `[start, end)`, `HH:MM`; `end` before `start` crosses midnight. */
export type TimeWindow = [start: string, end: string] | { start: string; end: string };

/** A day of the week. */
export type WeekdayName = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** The options of `new SendPolicy(...)`; every one is optional. */
export interface SendPolicyOptions {
  /** Do-not-disturb windows, e.g. `[["22:00", "08:00"]]`. */
  quietHours?: TimeWindow[];
  /** Allowed weekdays; none (or empty) means every day. */
  weekdays?: WeekdayName[];
  /** Allowed hours (send windows); none (or empty) means all day. */
  hours?: TimeWindow[];
  /** The IANA zone of the local times (UTC when absent). */
  timeZone?: string;
  /** What `decide` says outside the allowed time: defer to its end (default) or skip. */
  outsideWindow?: 'defer' | 'skip';
}

/** A send policy's JSON form (the flow model's `SendPolicy`), as `toObject()` gives it. */
export interface SendPolicyJson {
  quiet_hours?: { start: string; end: string }[];
  weekdays?: WeekdayName[];
  hours?: { start: string; end: string }[];
  time_zone?: string;
  fallback_time_zone?: string;
  outside_window?: 'defer' | 'skip';
}

/** What to do with a send at an instant. `until` is an RFC 3339 UTC instant. */
export type Decision =
  | { decision: 'allow' }
  | { decision: 'defer'; until: string }
  | { decision: 'skip' };

/** A recurrence rule in its JSON form (`kind` tags it). */
export type RecurrenceRuleJson =
  | { kind: 'every'; minutes: number }
  | { kind: 'weekly'; weekdays?: WeekdayName[]; times: string[] }
  | { kind: 'monthly'; day: number; time: string }
  | { kind: 'monthly_weekday'; nth: number; weekday: WeekdayName; time: string }
  | { kind: 'yearly'; month: number; day: number; time: string };

/** The options of a `Recurrence`. */
export interface RecurrenceOptions {
  /**
   * The IANA zone of the rule's local times and of the policy's windows (UTC when absent; the
   * `timeZone` of a `SendPolicy` given as `policy` is not used).
   */
  timeZone?: string;
  /** Keep only the occurrences this send policy allows (a `SendPolicy`, its JSON text or object). */
  policy?: SendPolicy | string | object;
}

/**
 * What the time API throws for a rule that cannot be used as written ("25:00", an unknown
 * zone, a policy that never allows a send, a frequency out of range, a bad RRULE): a real
 * `Error` whose `name` is `'TimeError'`. A policy or rule document of the wrong shape throws a
 * `FlowFormatError` instead (code `format.*`).
 */
export interface TimeError extends Error {
  name: 'TimeError';
  /** Stable code, e.g. `'time.time.malformed'`, `'time.policy.never_allowed'`. */
  code: string;
  /** JSON pointer into the policy's or rule's JSON form, `''` for the whole of it. */
  path: string;
  line: null;
  column: null;
}
"#;

/// An instant as an RFC 3339 string in UTC (`Z`), with a fraction only when there is one.
fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A time zone name read by the core (`time.zone.unknown` for an unknown name).
fn zone(value: &JsValue, what: &str) -> Result<Tz, JsValue> {
    let Some(name) = value.as_string() else {
        return Err(type_error(&format!(
            "{what} must be an IANA time zone name such as \"Europe/Rome\""
        )));
    };
    time::parse_zone(&name).map_err(to_js_error)
}

/// The optional zone argument: `undefined` / `null` give `None`.
fn optional_zone(value: Option<JsValue>, what: &str) -> Result<Option<Tz>, JsValue> {
    match value {
        Some(v) if !is_absent(&v) => zone(&v, what).map(Some),
        _ => Ok(None),
    }
}

/// A send policy: quiet hours, allowed weekdays and allowed hours in a time zone.
///
/// `new SendPolicy({quietHours: [["22:00", "08:00"]], weekdays: ["mon", "tue"], hours:
/// [["09:00", "20:00"]], timeZone: "Europe/Rome"})`, every option optional, or
/// `SendPolicy.fromJson(policy, timeZone?)` from the flow model's JSON form. Throws a
/// `TimeError` for a rule that cannot be used ("25:00", an unknown zone, a policy that never
/// allows a send) and a `FlowFormatError` for a document of the wrong shape. Error paths point
/// into the JSON form (`/quiet_hours/0/end`).
///
/// `JSON.stringify(policy)` gives that JSON form (through `toJSON`), so a `SendPolicy` can be
/// passed wherever a policy document is expected.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct SendPolicy {
    policy: Policy,
    source: sequenza::flow::SendPolicy,
    zone: Tz,
}

#[wasm_bindgen]
impl SendPolicy {
    /// A policy from camelCase options (`quietHours`, `weekdays`, `hours`, `timeZone`,
    /// `outsideWindow`); windows as `[start, end]` pairs or `{start, end}` objects.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SendPolicyOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<SendPolicy, JsValue> {
        let options = match options {
            Some(v) if !is_absent(&v) => v,
            _ => return SendPolicy::read("{}", None),
        };
        if !options.is_object() || js_sys::Array::is_array(&options) {
            return Err(type_error(
                "SendPolicy: the options must be an object such as {quietHours: [[\"22:00\", \"08:00\"]]}",
            ));
        }
        let text = json_text(&options, "the SendPolicy options")?;
        let Ok(Value::Object(given)) = serde_json::from_str::<Value>(&text) else {
            return Err(type_error("SendPolicy: the options must be a plain object"));
        };
        let mut out = Map::new();
        for (key, value) in given {
            let (key, value) = match key.as_str() {
                "quietHours" => ("quiet_hours".to_owned(), pairs_to_windows(value)),
                "hours" => ("hours".to_owned(), pairs_to_windows(value)),
                "timeZone" => ("time_zone".to_owned(), value),
                "fallbackTimeZone" => ("fallback_time_zone".to_owned(), value),
                "outsideWindow" => ("outside_window".to_owned(), value),
                "weekdays" => (key, value),
                _ => {
                    return Err(type_error(&format!(
                        "SendPolicy: unknown option {key:?}; the options are quietHours, \
                         weekdays, hours, timeZone, fallbackTimeZone and outsideWindow"
                    )))
                }
            };
            out.insert(key, value);
        }
        SendPolicy::read(&Value::Object(out).to_string(), None)
    }

    /// A policy from the flow model's JSON form (`{"quiet_hours": [{"start": "22:00", "end":
    /// "08:00"}], "weekdays": [...], "hours": [...], "time_zone": "Europe/Rome"}`), as a string
    /// or an object. `timeZone`, when given, is the zone of the local times instead of the
    /// document's `time_zone` (UTC when neither is given).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | object")] data: JsValue,
        #[wasm_bindgen(js_name = timeZone, unchecked_optional_param_type = "string | null")]
        time_zone: Option<JsValue>,
    ) -> Result<SendPolicy, JsValue> {
        let text = json_text(&data, "a send policy")?;
        let zone = optional_zone(time_zone, "SendPolicy.fromJson: timeZone")?;
        SendPolicy::read(&text, zone)
    }

    /// The IANA name of the zone the policy's local times are in.
    #[wasm_bindgen(getter, js_name = timeZone)]
    pub fn time_zone(&self) -> String {
        self.zone.name().to_owned()
    }

    /// True when a send may go out at `at` (a `Date` or an RFC 3339 string).
    #[wasm_bindgen(js_name = isAllowed)]
    pub fn is_allowed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    ) -> Result<bool, JsValue> {
        let at = required_instant(&at, "SendPolicy.isAllowed: at")?;
        Ok(self.policy.is_allowed(at, self.zone))
    }

    /// The first instant at or after `at` when a send may go out, as an RFC 3339 UTC string.
    #[wasm_bindgen(js_name = nextAllowed)]
    pub fn next_allowed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    ) -> Result<String, JsValue> {
        let at = required_instant(&at, "SendPolicy.nextAllowed: at")?;
        self.policy
            .next_allowed(at, self.zone)
            .map(iso)
            .map_err(to_js_error)
    }

    /// What to do with a send at `at`: `{decision: 'allow'}`, `{decision: 'defer', until}` or
    /// `{decision: 'skip'}` (the policy's `outsideWindow`).
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let at = required_instant(&at, "SendPolicy.decide: at")?;
        let decision = self.policy.decide(at, self.zone).map_err(to_js_error)?;
        // The core's serde form, with `until` written like every other instant here.
        let mut value = serde_json::to_value(decision).map_err(|e| type_error(&e.to_string()))?;
        if let Some(until) = value.get_mut("until") {
            if let Some(t) = until
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            {
                *until = Value::String(iso(t.with_timezone(&Utc)));
            }
        }
        to_js(&value)
    }

    /// The policy's JSON form (the flow model's `SendPolicy`), with the zone as `time_zone`.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "SendPolicyJson")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.source)
    }

    /// Called by `JSON.stringify(policy)`: the same plain object as `toObject()`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "SendPolicyJson")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        self.to_object()
    }
}

impl SendPolicy {
    /// Compiles the JSON form with the core; the zone is `zone`, else the document's
    /// `time_zone`, else UTC.
    fn read(text: &str, zone: Option<Tz>) -> Result<SendPolicy, JsValue> {
        let policy = Policy::from_json(text).map_err(to_js_error)?;
        // The core has just read this very text as a SendPolicy.
        let mut source: sequenza::flow::SendPolicy =
            serde_json::from_str(text).map_err(|e| type_error(&e.to_string()))?;
        let zone = match (zone, &source.time_zone) {
            (Some(z), _) => z,
            (None, Some(name)) => time::parse_zone(name).map_err(to_js_error)?,
            (None, None) => Tz::UTC,
        };
        source.time_zone = Some(zone.name().to_owned());
        Ok(SendPolicy {
            policy,
            source,
            zone,
        })
    }
}

/// `[start, end]` pairs of an array of windows as `{start, end}` objects; anything else is
/// left for the core to judge.
fn pairs_to_windows(value: Value) -> Value {
    let Value::Array(items) = value else {
        return value;
    };
    Value::Array(
        items
            .into_iter()
            .map(|item| match item {
                Value::Array(pair) if pair.len() == 2 => {
                    let mut pair = pair.into_iter();
                    let mut window = Map::new();
                    window.insert("start".into(), pair.next().unwrap_or(Value::Null));
                    window.insert("end".into(), pair.next().unwrap_or(Value::Null));
                    Value::Object(window)
                }
                other => other,
            })
            .collect(),
    )
}

/// A recurrence in a time zone, optionally kept inside a send policy's allowed time.
///
/// `new Recurrence(rule, {timeZone, policy})` where `rule` is the JSON form (`{kind: 'every',
/// minutes: 15}`, `weekly`, `monthly`, `monthly_weekday`, `yearly`) as an object, or an RFC
/// 5545 RRULE string (`"FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"`); a string starting with `{`
/// is read as the JSON form. `Recurrence.fromJson` and `Recurrence.fromRrule` say which
/// explicitly. Throws a `TimeError` for a rule that cannot be used.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Recurrence {
    inner: Recurring,
}

#[wasm_bindgen]
impl Recurrence {
    /// A recurrence from its JSON form (object) or an RRULE string.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RecurrenceRuleJson | string")] rule: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RecurrenceOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<Recurrence, JsValue> {
        match rule.as_string() {
            Some(text) if !text.trim_start().starts_with('{') => {
                Recurrence::from_rrule(text, options)
            }
            _ => Recurrence::from_json(rule, options),
        }
    }

    /// A recurrence from the rule's JSON form, as a string or an object.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "RecurrenceRuleJson | string")] rule: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RecurrenceOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<Recurrence, JsValue> {
        let text = json_text(&rule, "a recurrence rule")?;
        let rule = RecurrenceRule::from_json(&text).map_err(to_js_error)?;
        Recurrence::compile(&rule, options, "Recurrence.fromJson")
    }

    /// A recurrence from RFC 5545 RRULE text (the supported subset; `RRULE:` prefix optional).
    #[wasm_bindgen(js_name = fromRrule)]
    pub fn from_rrule(
        text: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RecurrenceOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<Recurrence, JsValue> {
        let rule = RecurrenceRule::from_rrule(&text).map_err(to_js_error)?;
        Recurrence::compile(&rule, options, "Recurrence.fromRrule")
    }

    /// The IANA name of the zone of the rule's local times.
    #[wasm_bindgen(getter, js_name = timeZone)]
    pub fn time_zone(&self) -> String {
        self.inner.zone().name().to_owned()
    }

    /// The first occurrence strictly after `t`, as an RFC 3339 UTC string.
    #[wasm_bindgen(js_name = nextAfter)]
    pub fn next_after(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] t: JsValue,
    ) -> Result<String, JsValue> {
        let t = required_instant(&t, "Recurrence.nextAfter: t")?;
        self.inner.next_after(t).map(iso).map_err(to_js_error)
    }

    /// The first occurrence at or after `t`, as an RFC 3339 UTC string.
    #[wasm_bindgen(js_name = atOrAfter)]
    pub fn at_or_after(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] t: JsValue,
    ) -> Result<String, JsValue> {
        let t = required_instant(&t, "Recurrence.atOrAfter: t")?;
        self.inner.at_or_after(t).map(iso).map_err(to_js_error)
    }

    /// Every occurrence in `[a, b)`, in order, as RFC 3339 UTC strings (a `TimeError`
    /// `time.recurrence.too_many` past 200,000).
    pub fn between(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] b: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let a = required_instant(&a, "Recurrence.between: a")?;
        let b = required_instant(&b, "Recurrence.between: b")?;
        let all = self.inner.occurrences_between(a, b).map_err(to_js_error)?;
        Ok(all.into_iter().map(iso).collect())
    }

    /// The rule as RRULE text (a `TimeError` for a rule RRULE cannot express).
    #[wasm_bindgen(js_name = toRrule)]
    pub fn to_rrule(&self) -> Result<String, JsValue> {
        self.inner.rule().to_rrule().map_err(to_js_error)
    }

    /// The rule's JSON form.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "RecurrenceRuleJson")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.rule())
    }

    /// Called by `JSON.stringify(recurrence)`: the same plain object as `toObject()`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "RecurrenceRuleJson")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        self.to_object()
    }
}

impl Recurrence {
    /// Compiles `rule` in the `timeZone` option (UTC when absent), inside the `policy` option.
    fn compile(
        rule: &RecurrenceRule,
        options: Option<JsValue>,
        call: &'static str,
    ) -> Result<Recurrence, JsValue> {
        if let Some(v) = &options {
            if !is_absent(v) && (!v.is_object() || js_sys::Array::is_array(v)) {
                return Err(type_error(&format!(
                    "{call}: the options must be an object such as {{timeZone: \"Europe/Rome\"}}"
                )));
            }
        }
        let options = Options::new(options, call)?;
        let zone = optional_zone(options.get("timeZone")?, &format!("{call}: timeZone"))?;
        let mut inner = rule.compile(zone.unwrap_or(Tz::UTC)).map_err(to_js_error)?;
        if let Some(policy) = options.get("policy")? {
            let text = json_text(&policy, "a send policy")?;
            let policy = Policy::from_json(&text).map_err(to_js_error)?;
            inner = inner.within(policy).map_err(to_js_error)?;
        }
        Ok(Recurrence { inner })
    }
}
