//! Time (issue 4): send policies (`SendPolicy`) and recurrences (`Recurrence`).
//!
//! Instants go in as a `Date` or an RFC 3339 string and come out as RFC 3339 strings in UTC
//! (`"2025-06-05T06:00:00Z"`, with a fraction only when there is one). Policies and rules are
//! the core's JSON forms (snake_case); the `SendPolicy` constructor also takes camelCase options
//! and `[start, end]` pairs, which it rewrites into that form before the core reads it. Every
//! decision (windows, daylight-saving rules, occurrences) is the core's.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use sequenza::flow::WaitNode;
use sequenza::model::Channel;
use sequenza::time::{self, CapPolicy, Policy, RecurrenceRule, Recurring, SentMessage, ZoneChain};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::input::{is_absent, range_error, required_instant, Options};
use crate::{json_text, to_js, to_js_error, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TS_TIME_TYPES: &'static str = r#"
/** A local time window `[start, end)`, `HH:MM`; `end` before `start` crosses midnight. */
export type TimeWindow = [start: string, end: string] | model.TimeWindow;

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
/** The options of `waitEnd`. */
export interface WaitEndOptions {
  /** The recipient's zone; else the policy's zone, else UTC. */
  timeZone?: string | null;
  /** The contact's value of the node's date field, `"YYYY-MM-DD"`. */
  date?: string | null;
  /** Move the end into what this policy allows. */
  policy?: SendPolicy | SendPolicyJson | string | null;
}

/** A message already sent: `[at, channel]`, `[at, channel, transactional]` or an object. */
export type SentMessage =
  | [at: Instant, channel: ChannelName]
  | [at: Instant, channel: ChannelName, transactional: boolean]
  | { at: Instant; channel: ChannelName; transactional?: boolean };

/** The options of `new FrequencyCaps(...)`. */
export interface FrequencyCapsOptions {
  caps?: FrequencyCapJson[] | null;
  /** `'defer'` (default: to when the caps free) or `'skip'`. */
  whenCapped?: 'defer' | 'skip' | null;
}

/** The options of `planSend`. */
export interface PlanSendOptions {
  timeZone?: string | null;
  policy?: SendPolicy | SendPolicyJson | string | null;
  caps?: FrequencyCaps | FrequencyCapsJson | string | null;
  history?: SentMessage[] | null;
  transactional?: boolean | null;
}

/** The options of `resolveTimeZone`. */
export interface ResolveTimeZoneOptions {
  /** The flow's zone; a `TimeError` `time.zone.unknown` at `/flow` when unknown. */
  flowZone?: string | null;
  /** The account's zone; a `TimeError` at `/account` when unknown. */
  accountZone?: string | null;
}

/** A recipient's zone and the link of the fallback chain that gave it. */
export interface ResolvedZone {
  zone: string;
  source: 'contact' | 'country' | 'phone' | 'flow' | 'account' | 'default';
  /** Earlier links that were present but unusable. */
  skipped: string[];
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

    /// Several policies together (account default, flow, node …): a send must satisfy all of
    /// them — the stricter wins. Each is a `SendPolicy`, its JSON form or JSON text; the result
    /// works in `timeZone` (UTC when absent) and its `toObject()` is the combined rule, which
    /// reads back as the same policy. Throws a `TimeError` whose `path` starts with the
    /// policy's index (`/1/hours/0/end`), or `time.policy.never_allowed` when nothing is left.
    pub fn combine(
        #[wasm_bindgen(unchecked_param_type = "Array<SendPolicy | SendPolicyJson | string>")]
        policies: JsValue,
        #[wasm_bindgen(js_name = timeZone, unchecked_optional_param_type = "string | null")]
        time_zone: Option<JsValue>,
    ) -> Result<SendPolicy, JsValue> {
        let list = crate::input::array(&policies, "SendPolicy.combine: policies")?;
        let zone = optional_zone(time_zone, "SendPolicy.combine: timeZone")?.unwrap_or(Tz::UTC);
        let mut docs = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let text = json_text(&item, &format!("SendPolicy.combine: policies[{i}]"))?;
            // A malformed document: the core reads it again to report it with its location.
            match serde_json::from_str::<sequenza::flow::SendPolicy>(&text) {
                Ok(doc) => docs.push(doc),
                Err(_) => {
                    let e = Policy::from_json(&text).err().map(|e| prefixed(e, i));
                    return Err(e.map_or_else(
                        || type_error("SendPolicy.combine: a bad policy"),
                        to_js_error,
                    ));
                }
            }
        }
        let refs: Vec<&sequenza::flow::SendPolicy> = docs.iter().collect();
        let policy = Policy::combine(&refs).map_err(to_js_error)?;
        let mut source = policy.to_send_policy();
        source.time_zone = Some(zone.name().to_owned());
        Ok(SendPolicy {
            policy,
            source,
            zone,
        })
    }

    /// This policy and `other` (a `SendPolicy`, its JSON form or JSON text) together: the
    /// stricter wins (the intersection of the allowed times; `skip` when either skips). Keeps
    /// this policy's zone. Throws a `TimeError` `time.policy.never_allowed` when nothing is left.
    pub fn stricter(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendPolicy | SendPolicyJson | string")]
        other: JsValue,
    ) -> Result<SendPolicy, JsValue> {
        let text = json_text(&other, "SendPolicy.stricter: other")?;
        let other = SendPolicy::read(&text, Some(self.zone))?;
        let policy = self.policy.stricter(&other.policy).map_err(to_js_error)?;
        let mut source = policy.to_send_policy();
        source.time_zone.clone_from(&self.source.time_zone);
        source
            .fallback_time_zone
            .clone_from(&self.source.fallback_time_zone);
        Ok(SendPolicy {
            policy,
            source,
            zone: self.zone,
        })
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

/// A format error of the `i`-th policy of a combination, with the index in front of its path
/// (as the core's `Policy::combine` reports its own errors).
fn prefixed(e: sequenza::Error, i: usize) -> sequenza::Error {
    match e {
        sequenza::Error::Format(mut f) => {
            f.path = format!("/{i}{}", f.path);
            sequenza::Error::Format(f)
        }
        other => other,
    }
}

/// Checks that an options object names only `known` options (a `RangeError`
/// `ERR_INVALID_ARG_VALUE` otherwise, as in the Node binding).
fn known_options(options: &Option<JsValue>, call: &str, known: &[&str]) -> Result<(), JsValue> {
    let Some(value) = options.as_ref().filter(|v| !is_absent(v) && v.is_object()) else {
        return Ok(());
    };
    let object: &js_sys::Object = value.unchecked_ref();
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(range_error(&format!(
                "{call}: unknown option {key:?} (known: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// An optional string option.
fn string_option(value: Option<JsValue>, what: &str) -> Result<Option<String>, JsValue> {
    match value {
        Some(v) if !is_absent(&v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| type_error(&format!("{what} must be a string"))),
        _ => Ok(None),
    }
}

/// A channel argument (`'email'`, `'sms'`, `'web_push'`, `'whatsapp'`).
fn channel_arg(value: &JsValue, what: &str) -> Result<Channel, JsValue> {
    let Some(name) = value.as_string() else {
        return Err(type_error(&format!(
            "{what} must be a channel name such as \"email\""
        )));
    };
    serde_json::from_value(Value::String(name.clone())).map_err(|_| {
        range_error(&format!(
            "{what} must be one of \"email\", \"sms\", \"web_push\", \"whatsapp\", not {name:?}"
        ))
    })
}

/// A send history (`undefined` / `null`: nothing sent): an array of `[at, channel]`,
/// `[at, channel, transactional]` or `{at, channel, transactional}` (`at` a `Date` or RFC 3339
/// text), read by the core (a `FlowFormatError` with the entry's JSON pointer).
fn history_arg(value: Option<JsValue>, what: &str) -> Result<Vec<SentMessage>, JsValue> {
    let Some(value) = value.filter(|v| !is_absent(v)) else {
        return Ok(Vec::new());
    };
    if value.as_string().is_none() && !js_sys::Array::is_array(&value) {
        return Err(type_error(&format!("{what} must be an array")));
    }
    let text = json_text(&value, what)?;
    time::history_from_json(&text).map_err(to_js_error)
}

/// An optional policy argument (a `SendPolicy`, its JSON form or text).
fn policy_arg(value: Option<JsValue>, what: &str) -> Result<Option<SendPolicy>, JsValue> {
    match value {
        Some(v) if !is_absent(&v) => {
            let text = json_text(&v, what)?;
            SendPolicy::read(&text, None).map(Some)
        }
        _ => Ok(None),
    }
}

/// When a flow's wait node (its JSON form, an object or text: `{duration: {amount, unit}}` or
/// `{until: {kind: 'local_time' | 'date_field', …}}`) started at `at` ends, for a recipient in
/// `options.timeZone` (else the policy's zone, else UTC), then moved to the first instant
/// `options.policy` allows. `options.date` is the contact's value of the node's date field
/// (`"1990-06-12"`). Returns an RFC 3339 UTC string, never before `at`. Throws a `TimeError`
/// (`time.wait.spec`, `time.wait.date_missing` at `/until/field`, `time.time.malformed` at
/// `/until/time`) or a `FlowFormatError`.
#[wasm_bindgen(js_name = waitEnd)]
pub fn wait_end(
    #[wasm_bindgen(unchecked_param_type = "WaitNodeJson | string")] wait: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "WaitEndOptions")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let text = json_text(&wait, "waitEnd: wait")?;
    let node = WaitNode::from_json(&text).map_err(to_js_error)?;
    let at = required_instant(&at, "waitEnd: at")?;
    known_options(&options, "waitEnd", &["timeZone", "date", "policy"])?;
    let opts = Options::new(options, "waitEnd")?;
    let zone = optional_zone(opts.get("timeZone")?, "waitEnd: options.timeZone")?;
    let policy = policy_arg(opts.get("policy")?, "waitEnd: options.policy")?;
    let date = match string_option(opts.get("date")?, "waitEnd: options.date")? {
        Some(text) => Some(text.trim().parse().map_err(|e| {
            range_error(&format!(
                "waitEnd: options.date must be a date such as \"1990-06-12\", not {text:?} ({e})"
            ))
        })?),
        None => None,
    };
    let zone = zone.or(policy.as_ref().map(|p| p.zone)).unwrap_or(Tz::UTC);
    time::wait_end(at, &node, zone, date, policy.as_ref().map(|p| &p.policy))
        .map(iso)
        .map_err(to_js_error)
}

/// A local wall time (`"2025-03-30T02:30:00"`, no offset) in `timeZone` as an RFC 3339 UTC
/// instant. A time in the spring-forward gap is the first valid instant after it; a time that
/// exists twice is its first occurrence.
#[wasm_bindgen(js_name = localToUtc)]
pub fn local_to_utc(
    #[wasm_bindgen(unchecked_param_type = "string")] local: JsValue,
    #[wasm_bindgen(js_name = timeZone, unchecked_param_type = "string")] time_zone: JsValue,
) -> Result<String, JsValue> {
    let Some(text) = local.as_string() else {
        return Err(type_error(
            "localToUtc: local must be a string such as \"2025-03-30T02:30:00\"",
        ));
    };
    let naive: chrono::NaiveDateTime = text.trim().parse().map_err(|e| {
        range_error(&format!(
            "localToUtc: local must be a local date-time without an offset such as \
             \"2025-03-30T02:30:00\", not {text:?} ({e})"
        ))
    })?;
    if is_absent(&time_zone) {
        return Err(type_error(
            "localToUtc: timeZone is required (an IANA zone name)",
        ));
    }
    let zone = zone(&time_zone, "localToUtc: timeZone")?;
    time::local_to_utc(zone, naive)
        .map(iso)
        .map_err(to_js_error)
}

/// A contact's time zone through the fallback chain: its `time_zone` → a zone inferred from its
/// `country` field, then its `phone`, where unambiguous → `options.flowZone` →
/// `options.accountZone` → UTC. `contact` is a contact's JSON form (an object or text;
/// `null` for none). Says which link was used (`source`) and which present links were unusable
/// (`skipped`). An unknown flow or account zone is a `TimeError` `time.zone.unknown` (path
/// `/flow`, `/account`).
#[wasm_bindgen(js_name = resolveTimeZone, unchecked_return_type = "ResolvedZone")]
pub fn resolve_time_zone(
    #[wasm_bindgen(unchecked_param_type = "object | string | null")] contact: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ResolveTimeZoneOptions")] options: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    known_options(&options, "resolveTimeZone", &["flowZone", "accountZone"])?;
    let opts = Options::new(options, "resolveTimeZone")?;
    let flow = string_option(opts.get("flowZone")?, "resolveTimeZone: options.flowZone")?;
    let account = string_option(
        opts.get("accountZone")?,
        "resolveTimeZone: options.accountZone",
    )?;
    let contact = if is_absent(&contact) {
        None
    } else {
        Some(crate::input::contact(&contact)?)
    };
    let chain = contact
        .as_ref()
        .map_or_else(ZoneChain::default, ZoneChain::for_contact);
    let resolved = chain
        .flow(flow.as_deref())
        .account(account.as_deref())
        .resolve()
        .map_err(to_js_error)?;
    to_js(&serde_json::json!({
        "zone": resolved.zone.name(),
        "source": resolved.source.as_str(),
        "skipped": resolved.skipped.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    }))
}

/// A decision as a plain object, `until` written like every other instant here.
fn decision_js(decision: time::Decision) -> Result<JsValue, JsValue> {
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

/// Frequency caps: at most N messages per channel (or over every channel) within a rolling
/// window, per contact. Transactional messages never count and are never held back.
///
/// `new FrequencyCaps({caps: [{channel: 'email', max: 2, per: {amount: 1, unit: 'days'}}],
/// whenCapped: 'defer'})` (no `channel`: every channel together; a day is 24 hours, a week 7
/// days, a month 30 days) or `FrequencyCaps.fromJson({caps, when_capped})`. Throws a
/// `TimeError` `time.cap.invalid` (path `/caps/0/max`) or a `FlowFormatError`.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct FrequencyCaps {
    caps: CapPolicy,
}

#[wasm_bindgen]
impl FrequencyCaps {
    /// Caps from options (`caps`, `whenCapped`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "FrequencyCapsOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<FrequencyCaps, JsValue> {
        known_options(&options, "FrequencyCaps", &["caps", "whenCapped"])?;
        let opts = Options::new(options, "FrequencyCaps")?;
        let mut doc = Map::new();
        for (key, core_key) in [("caps", "caps"), ("whenCapped", "when_capped")] {
            if let Some(v) = opts.get(key)?.filter(|v| !is_absent(v)) {
                // A string is a value here (`whenCapped: 'skip'`), not JSON text.
                let value = match v.as_string() {
                    Some(text) => Value::String(text),
                    None => {
                        let text = json_text(&v, &format!("FrequencyCaps: options.{key}"))?;
                        serde_json::from_str(&text).map_err(|e| type_error(&e.to_string()))?
                    }
                };
                doc.insert(core_key.to_owned(), value);
            }
        }
        let caps = CapPolicy::from_json(&Value::Object(doc).to_string()).map_err(to_js_error)?;
        Ok(FrequencyCaps { caps })
    }

    /// Caps from their JSON form (`{caps: [...], when_capped: 'defer'}`), text or an object.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "FrequencyCapsJson | string")] data: JsValue,
    ) -> Result<FrequencyCaps, JsValue> {
        let text = json_text(&data, "FrequencyCaps.fromJson: data")?;
        let caps = CapPolicy::from_json(&text).map_err(to_js_error)?;
        Ok(FrequencyCaps { caps })
    }

    /// What to do with a message on `channel` at `at` given `history`: `{decision: 'allow'}`,
    /// `{decision: 'defer', until}` or `{decision: 'skip'}`.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SentMessage[] | null | undefined")] history: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ChannelName")] channel: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
        transactional: Option<bool>,
    ) -> Result<JsValue, JsValue> {
        let history = history_arg(Some(history), "FrequencyCaps.decide: history")?;
        let channel = channel_arg(&channel, "FrequencyCaps.decide: channel")?;
        let at = required_instant(&at, "FrequencyCaps.decide: at")?;
        let d = self
            .caps
            .decide(&history, channel, transactional.unwrap_or(false), at)
            .map_err(to_js_error)?;
        decision_js(d)
    }

    /// The first instant at or after `at` when one more (non-transactional) message on
    /// `channel` fits every cap, as an RFC 3339 UTC string.
    #[wasm_bindgen(js_name = freesAt)]
    pub fn frees_at(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SentMessage[] | null | undefined")] history: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ChannelName")] channel: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    ) -> Result<String, JsValue> {
        let history = history_arg(Some(history), "FrequencyCaps.freesAt: history")?;
        let channel = channel_arg(&channel, "FrequencyCaps.freesAt: channel")?;
        let at = required_instant(&at, "FrequencyCaps.freesAt: at")?;
        self.caps
            .frees_at(&history, channel, at)
            .map(iso)
            .map_err(to_js_error)
    }

    /// The caps in their JSON form.
    #[wasm_bindgen(js_name = toObject, unchecked_return_type = "FrequencyCapsJson")]
    pub fn to_object(&self) -> Result<JsValue, JsValue> {
        to_js(&self.caps)
    }

    /// Called by `JSON.stringify(caps)`: the same plain object as `toObject()`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "FrequencyCapsJson")]
    pub fn to_json_value(&self) -> Result<JsValue, JsValue> {
        self.to_object()
    }
}

/// Everything checked before a send, in order: a transactional message goes out at once;
/// otherwise the frequency caps (`options.caps`) given `options.history`, then the send policy
/// (`options.policy`) in the recipient's zone (`options.timeZone`, else the policy's, else
/// UTC). Returns `{decision: 'allow'}`, `{decision: 'defer', until}` or `{decision: 'skip'}`.
#[wasm_bindgen(js_name = planSend, unchecked_return_type = "Decision")]
pub fn plan_send(
    #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ChannelName")] channel: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "PlanSendOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let at = required_instant(&at, "planSend: at")?;
    let channel = channel_arg(&channel, "planSend: channel")?;
    known_options(
        &options,
        "planSend",
        &["timeZone", "policy", "caps", "history", "transactional"],
    )?;
    let opts = Options::new(options, "planSend")?;
    let zone = optional_zone(opts.get("timeZone")?, "planSend: options.timeZone")?;
    let policy = policy_arg(opts.get("policy")?, "planSend: options.policy")?;
    let caps = match opts.get("caps")?.filter(|v| !is_absent(v)) {
        Some(v) => {
            let text = json_text(&v, "planSend: options.caps")?;
            CapPolicy::from_json(&text).map_err(to_js_error)?
        }
        None => CapPolicy::default(),
    };
    let history = history_arg(opts.get("history")?, "planSend: options.history")?;
    let transactional = match opts.get("transactional")?.filter(|v| !is_absent(v)) {
        Some(v) => v
            .as_bool()
            .ok_or_else(|| type_error("planSend: options.transactional must be a boolean"))?,
        None => false,
    };
    let zone = zone.or(policy.as_ref().map(|p| p.zone)).unwrap_or(Tz::UTC);
    let always = Policy::always();
    let policy = policy.as_ref().map_or(&always, |p| &p.policy);
    let d = time::plan_send(at, zone, policy, &caps, &history, channel, transactional)
        .map_err(to_js_error)?;
    decision_js(d)
}
