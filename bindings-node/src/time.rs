//! Time (issue 4): `SendPolicy`, `Recurrence`, `FrequencyCaps`, `waitEnd`, `planSend`,
//! `resolveTimeZone`, `localToUtc`. Every rule is the core's; instants come in as a `Date` or an
//! RFC 3339 string and go out as RFC 3339 strings in UTC.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, Result};
use napi_derive::napi;
use sequenza::time::{call_zone, CapPolicy, RecurrenceRule, Recurring, SentMessage, ZonedPolicy};

use crate::arg::{At, Channel, History, Local, Other, Rule, Text, TimeZone, Wait, Zone, A, B, T};
use crate::convert::{doc, given, iso, ok, opt_doc, out, value, Arg, FromArg, Opts, Out};
use crate::errors::OrThrow;

/// A send policy: when a message may go out, in the policy's time zone (UTC when it has none)
/// or in the zone given to each call.
#[napi]
#[derive(Debug)]
pub struct SendPolicy {
    inner: ZonedPolicy,
}

#[napi]
impl SendPolicy {
    /// A send policy from options, every one optional: `quietHours` and `hours` are lists of
    /// local windows (`['22:00', '08:00']` or `{start, end}`), `weekdays` the allowed days,
    /// `timeZone`, `fallbackTimeZone`, `outsideWindow` (`'defer'` or `'skip'`). Throws a
    /// `TimeError` or a `FormatError` with `path` a JSON pointer into the core's form.
    #[napi(constructor, ts_args_type = "options?: SendPolicyOptions | null")]
    pub fn new(env: &Env, options: Arg) -> Result<Self> {
        let options = crate::convert::core_options(env, options)?.to_string();
        let doc = sequenza::time::send_policy_from_options(&options).or_throw(env)?;
        let inner = ZonedPolicy::new(doc).or_throw(env)?;
        Ok(SendPolicy { inner })
    }

    /// A send policy from the core's JSON form (`{quiet_hours: [{start, end}], weekdays, hours,
    /// time_zone, outside_window}`), as JSON text or an object.
    #[napi(factory, ts_args_type = "data: string | SendPolicyDocument")]
    pub fn from_json(env: &Env, data: Arg) -> Result<Self> {
        let inner = doc(env, data, "data", ZonedPolicy::from_json)?;
        Ok(SendPolicy { inner })
    }

    /// Several policies together: a send must satisfy all of them (the stricter wins), in
    /// `timeZone` (UTC when absent). Error paths start with the policy's index.
    #[napi(
        factory,
        ts_args_type = "policies: Array<SendPolicy | SendPolicyDocument | string>, timeZone?: string | null"
    )]
    pub fn combine(env: &Env, policies: Arg, zone: Option<TimeZone>) -> Result<Self> {
        let docs = crate::convert::array(env, policies, "policies", |raw| {
            // A string element is JSON text of a policy; the rules are checked by `combine`.
            let text = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned());
            sequenza::flow::SendPolicy::from_json(&text)
        })?;
        let zone = zone.as_ref().map(|z| z.0.as_str());
        let inner = ZonedPolicy::combine(&docs, zone).or_throw(env)?;
        Ok(SendPolicy { inner })
    }

    /// This policy and `other` (a `SendPolicy`, its JSON form or JSON text) together: the
    /// stricter wins. Keeps this policy's zone.
    #[napi(ts_args_type = "other: SendPolicy | SendPolicyDocument | string")]
    pub fn stricter(&self, env: &Env, other: Other) -> Result<SendPolicy> {
        let inner = self.inner.stricter(&other.0).or_throw(env)?;
        Ok(SendPolicy { inner })
    }

    /// The policy's time zone (`'UTC'` when it names none).
    #[napi(getter)]
    pub fn time_zone(&self) -> String {
        self.inner.zone.name().to_owned()
    }

    /// The zone of a call: `timeZone`, else the policy's.
    fn zone(&self, env: &Env, zone: Option<TimeZone>) -> Result<sequenza::time::Tz> {
        call_zone(zone.as_ref().map(|z| z.0.as_str()), Some(&self.inner)).or_throw(env)
    }

    /// True when a send may go out at `at` (in `timeZone`, else the policy's zone).
    #[napi(ts_args_type = "at: Instant, timeZone?: string | null")]
    pub fn is_allowed(&self, env: &Env, at: At, zone: Option<TimeZone>) -> Result<bool> {
        Ok(self.inner.policy.is_allowed(at.0, self.zone(env, zone)?))
    }

    /// The first instant at or after `at` when a send may go out.
    #[napi(ts_args_type = "at: Instant, timeZone?: string | null")]
    pub fn next_allowed(&self, env: &Env, at: At, zone: Option<TimeZone>) -> Result<String> {
        let next = self.inner.policy.next_allowed(at.0, self.zone(env, zone)?);
        next.map(iso).or_throw(env)
    }

    /// What to do with a send at `at`: `{decision: 'allow' | 'defer' | 'skip', until?}`.
    #[napi(
        ts_args_type = "at: Instant, timeZone?: string | null",
        ts_return_type = "SendDecision"
    )]
    pub fn decide(&self, env: &Env, at: At, zone: Option<TimeZone>) -> Result<Out<'_>> {
        Ok(out(self.inner.policy.decide(at.0, self.zone(env, zone)?)))
    }

    /// The policy in the core's JSON form (what `SendPolicy.fromJson` reads).
    #[napi(ts_return_type = "SendPolicyDocument")]
    pub fn to_object(&self) -> Out<'_> {
        value(&self.inner.doc)
    }

    /// `JSON.stringify(policy)` gives the core's JSON form.
    #[napi(js_name = "toJSON", ts_return_type = "SendPolicyDocument")]
    pub fn to_json_value(&self) -> Out<'_> {
        value(&self.inner.doc)
    }
}

/// The recipient's time zone through the fallback chain: contact zone → country → phone → flow
/// → account → UTC: `{zone, source, skipped}`. Two forms: `resolveTimeZone(contact,
/// {flowZone, accountZone})` with a contact (an object with an `id` or JSON text), or
/// `resolveTimeZone({contact, country, phone, flow, account})` with the links as strings.
#[napi(
    ts_args_type = "contact?: Contact | string | ZoneChain | null, options?: ResolveTimeZoneOptions | null",
    ts_return_type = "ResolvedZone"
)]
pub fn resolve_time_zone(env: &Env, contact: Arg, options: Arg) -> Result<Out<'static>> {
    let contact_form = match given(contact) {
        Some(v) => v.get_type()? == napi::ValueType::String || has_id(&v)?,
        None => given(options).is_some(),
    };
    let resolved = if contact_form {
        let opts = Opts::read(env, options, "options", &["flowZone", "accountZone"])?;
        let (flow, account): (Option<String>, Option<String>) =
            (opts.opt("flowZone")?, opts.opt("accountZone")?);
        let contact = opt_doc(env, contact, "contact", sequenza::Contact::from_json)?;
        sequenza::time::resolve_zone(contact.as_ref(), flow.as_deref(), account.as_deref())
    } else {
        const LINKS: [&str; 5] = ["contact", "country", "phone", "flow", "account"];
        let opts = Opts::read(env, contact, "chain", &LINKS)?;
        let mut l: [Option<String>; 5] = Default::default();
        for (slot, key) in l.iter_mut().zip(LINKS) {
            *slot = opts.opt(key)?;
        }
        let [contact, country, phone, flow, account] = l.each_ref().map(Option::as_deref);
        let chain = sequenza::time::ZoneChain {
            contact,
            country,
            phone,
            flow,
            account,
        };
        chain.resolve()
    };
    Ok(out(resolved))
}

fn has_id(value: &Unknown<'_>) -> Result<bool> {
    use napi::bindgen_prelude::JsObjectValue;
    Ok(value.get_type()? == napi::ValueType::Object
        && value.coerce_to_object()?.has_named_property("id")?)
}

/// A local wall time (`2025-03-30T02:30:00`, no offset) in `timeZone` as an instant. A time in
/// the spring-forward gap is the first valid instant after it; a repeated time its first
/// occurrence.
#[napi(ts_args_type = "local: string, timeZone: string")]
pub fn local_to_utc(env: &Env, local: Local, zone: Zone) -> Result<String> {
    let (text, zone) = (local.0, zone.0);
    let naive = text.parse().map_err(|e| {
        let message = format!(
            "The \"local\" argument must be a local date-time without an offset, such as \
             2025-03-30T02:30:00 ({e}). Received {text:?}"
        );
        crate::convert::range_error(env, &message)
    })?;
    ok(env, sequenza::time::local_to_utc(zone, naive).map(iso))
}

/// A recurrence compiled in a time zone, optionally kept inside a send policy.
#[napi]
#[derive(Debug)]
pub struct Recurrence {
    recurring: Recurring,
}

impl Recurrence {
    /// Compiles `rule` with the options `{timeZone, policy}`.
    fn build(env: &Env, rule: &RecurrenceRule, options: Arg) -> Result<Self> {
        let opts = Opts::read(env, options, "options", &["timeZone", "policy"])?;
        let zone: Option<String> = opts.opt("timeZone")?;
        let policy: Option<ZonedPolicy> = opts.opt("policy")?;
        let recurring = rule.compile_for(zone.as_deref(), policy.as_ref());
        Ok(Recurrence {
            recurring: recurring.or_throw(env)?,
        })
    }
}

#[napi]
impl Recurrence {
    /// A recurrence from the core's rule (JSON text or an object, tagged by `kind`), in
    /// `options.timeZone` (else the policy's zone, else UTC), keeping only the occurrences
    /// `options.policy` allows. Throws a `TimeError` or a `FormatError`.
    #[napi(
        constructor,
        ts_args_type = "rule: string | RecurrenceRule, options?: RecurrenceOptions | null"
    )]
    pub fn new(env: &Env, rule: Rule, options: Arg) -> Result<Self> {
        Recurrence::build(env, &rule.0, options)
    }

    /// A recurrence from RFC 5545 RRULE text (the subset the core reads). Throws a `TimeError`
    /// (`time.rrule.malformed`, `time.rrule.unsupported`, the rule's own codes).
    #[napi(
        factory,
        ts_args_type = "text: string, options?: RecurrenceOptions | null"
    )]
    pub fn from_rrule(env: &Env, text: Text, options: Arg) -> Result<Self> {
        let rule = RecurrenceRule::from_rrule(&text.0).or_throw(env)?;
        Recurrence::build(env, &rule, options)
    }

    /// The time zone of the local times.
    #[napi(getter)]
    pub fn time_zone(&self) -> String {
        self.recurring.zone().name().to_owned()
    }

    /// The first occurrence strictly after `t`.
    #[napi(ts_args_type = "t: Instant")]
    pub fn next_after(&self, env: &Env, t: T) -> Result<String> {
        self.recurring.next_after(t.0).map(iso).or_throw(env)
    }

    /// Every occurrence in `[a, b)`, in order (`time.recurrence.too_many` past 200 000).
    #[napi(ts_args_type = "a: Instant, b: Instant")]
    pub fn between(&self, env: &Env, a: A, b: B) -> Result<Vec<String>> {
        let all = self.recurring.occurrences_between(a.0, b.0).or_throw(env)?;
        Ok(all.into_iter().map(iso).collect())
    }

    /// The rule as RRULE text (`time.rrule.unsupported` when the subset cannot express it).
    #[napi]
    pub fn to_rrule(&self, env: &Env) -> Result<String> {
        self.recurring.rule().to_rrule().or_throw(env)
    }

    /// The rule in the core's JSON form.
    #[napi(ts_return_type = "RecurrenceRule")]
    pub fn to_object(&self) -> Out<'_> {
        value(self.recurring.rule())
    }
}

/// A channel argument (`'email'`, `'sms'`, `'web_push'`, `'whatsapp'`).
impl FromArg for sequenza::model::Channel {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        let text = crate::convert::string(env, value, name)?;
        serde_json::from_value(serde_json::Value::String(text)).map_err(|e| {
            let message = format!("The \"{name}\" argument is invalid: {e}");
            crate::convert::range_error(env, &message)
        })
    }
}

/// A send history (`undefined` / `null`: nothing sent): `[at, channel, transactional?]` or
/// `{at, channel, transactional}` entries, read by the core.
#[derive(Debug, Default)]
pub struct Sent(Vec<SentMessage>);

impl FromArg for Sent {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        if let Some(v) = given(value) {
            if !v.is_array()? && v.get_type()? != napi::ValueType::String {
                return Err(crate::convert::wrong_type(env, Some(&v), name, "an array"));
            }
        }
        let sent = opt_doc(env, value, name, sequenza::time::history_from_json)?;
        Ok(Sent(sent.unwrap_or_default()))
    }
}

/// When a flow's wait node (`{duration: {amount, unit}}` or `{until: {kind, …}}`) started at `at`
/// ends, for a recipient in `options.timeZone` (else the policy's zone, else UTC), then moved to
/// the first instant `options.policy` allows. `options.date` is the contact's value of the node's
/// date field (`'1990-06-12'`). Never before `at`.
#[napi(ts_args_type = "wait: WaitNode | string, at: Instant, options?: WaitEndOptions | null")]
pub fn wait_end(env: &Env, wait: Wait, at: At, options: Arg) -> Result<String> {
    let opts = Opts::read(env, options, "options", &["timeZone", "date", "policy"])?;
    let zone: Option<String> = opts.opt("timeZone")?;
    let policy: Option<ZonedPolicy> = opts.opt("policy")?;
    let date: Option<String> = opts.opt("date")?;
    let date = date.map(|d| d.trim().parse()).transpose().map_err(|e| {
        let message =
            format!("The \"options.date\" argument must be a date such as '1990-06-12' ({e})");
        crate::convert::range_error(env, &message)
    })?;
    let end = sequenza::time::wait_end_for(at.0, &wait.0, zone.as_deref(), date, policy.as_ref());
    ok(env, end.map(iso))
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
    /// Caps from options: `caps`, a list of `{channel?, max, per: {amount, unit}}`, and
    /// `whenCapped`, `'defer'` (default) or `'skip'`. Throws a `TimeError` `time.cap.invalid`
    /// or a `FormatError`.
    #[napi(constructor, ts_args_type = "options?: FrequencyCapsOptions | null")]
    pub fn new(env: &Env, options: Arg) -> Result<Self> {
        let options = crate::convert::core_options(env, options)?;
        let caps = CapPolicy::from_json(&options.to_string()).or_throw(env)?;
        Ok(FrequencyCaps { caps })
    }

    /// Caps from the core's JSON form (`{caps: [...], when_capped: 'defer'}`).
    #[napi(factory, ts_args_type = "data: string | FrequencyCapsDocument")]
    pub fn from_json(env: &Env, data: Arg) -> Result<Self> {
        let caps = doc(env, data, "data", CapPolicy::from_json)?;
        Ok(FrequencyCaps { caps })
    }

    /// What to do with a message on `channel` at `at`, given `history` (the messages already
    /// sent): `{decision: 'allow' | 'defer' | 'skip', until?}`.
    #[napi(
        ts_args_type = "history: SentMessage[] | null | undefined, channel: Channel, at: Instant, transactional?: boolean | null",
        ts_return_type = "SendDecision"
    )]
    pub fn decide(&self, sent: History, channel: Channel, at: At, once: Option<bool>) -> Out<'_> {
        let once = once.unwrap_or(false);
        out(self.caps.decide(&sent.0 .0, channel.0, once, at.0))
    }

    /// The first instant at or after `at` when one more message on `channel` fits every cap.
    #[napi(
        ts_args_type = "history: SentMessage[] | null | undefined, channel: Channel, at: Instant"
    )]
    pub fn frees_at(&self, env: &Env, sent: History, channel: Channel, at: At) -> Result<String> {
        ok(
            env,
            self.caps.frees_at(&sent.0 .0, channel.0, at.0).map(iso),
        )
    }

    /// The caps in the core's JSON form.
    #[napi(ts_return_type = "FrequencyCapsDocument")]
    pub fn to_object(&self) -> Out<'_> {
        value(&self.caps)
    }

    /// `JSON.stringify(caps)` gives the core's JSON form.
    #[napi(js_name = "toJSON", ts_return_type = "FrequencyCapsDocument")]
    pub fn to_json_value(&self) -> Out<'_> {
        value(&self.caps)
    }
}

/// Everything checked before a send: a transactional message goes out at once; otherwise the
/// frequency caps (`options.caps`) given `options.history`, then the send policy
/// (`options.policy`) in the recipient's zone (`options.timeZone`, else the policy's, else UTC).
#[napi(
    ts_args_type = "at: Instant, channel: Channel, options?: PlanSendOptions | null",
    ts_return_type = "SendDecision"
)]
pub fn plan_send(env: &Env, at: At, channel: Channel, options: Arg) -> Result<Out<'static>> {
    let known = ["timeZone", "policy", "caps", "history", "transactional"];
    let opts = Opts::read(env, options, "options", &known)?;
    let zone: Option<String> = opts.opt("timeZone")?;
    let policy: Option<ZonedPolicy> = opts.opt("policy")?;
    let caps: CapPolicy = opts.opt("caps")?.unwrap_or_default();
    let sent: Sent = opts.opt("history")?.unwrap_or_default();
    let once = opts.opt("transactional")?.unwrap_or(false);
    let (zone, policy) = (zone.as_deref(), policy.as_ref());
    let d = sequenza::time::plan_send_for(at.0, channel.0, zone, policy, &caps, &sent.0, once);
    Ok(out(d))
}
