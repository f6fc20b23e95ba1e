//! Time: `SendPolicy`, `Recurrence`, `FrequencyCaps`, `waitEnd`, `planSend`, `localToUtc` and
//! `resolveTimeZone`. Instants go in as a `Date` or an RFC 3339 string and come out as RFC 3339
//! strings in UTC; policies, caps and rules are the core's JSON forms.

use sequenza::flow::WaitNode;
use sequenza::model::Channel;
use sequenza::time::{self, CapPolicy, RecurrenceRule, Recurring, ZonedPolicy};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::*;

/// A send policy: quiet hours, allowed weekdays and hours in a time zone. `JSON.stringify(policy)`
/// gives its JSON form, so a `SendPolicy` goes wherever a policy document is expected.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct SendPolicy {
    inner: ZonedPolicy,
}

impl SendPolicy {
    /// A policy in its options form, `time_zone` replacing the document's when given.
    fn read(text: &str, time_zone: Option<&str>) -> JsResult<SendPolicy> {
        core(ZonedPolicy::from_options_in(text, time_zone)).map(|inner| SendPolicy { inner })
    }

    /// An optional policy argument: a `SendPolicy`, its JSON form or text.
    fn opt(value: JsValue, what: &str) -> JsResult<Option<ZonedPolicy>> {
        opt(Some(value), |v| {
            core(ZonedPolicy::from_options_in(&text(v, what)?, None))
        })
    }
}

#[wasm_bindgen]
impl SendPolicy {
    /// A policy from options (`quietHours`, `weekdays`, `hours`, `timeZone`, `fallbackTimeZone`,
    /// `outsideWindow`), windows as `[start, end]` pairs or `{start, end}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<SendPolicyOptions>) -> JsResult<SendPolicy> {
        SendPolicy::read(&options_text(options, "SendPolicy: options")?, None)
    }

    /// A policy from the flow model's JSON form; `timeZone`, when given, replaces the document's.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(data: JsonDoc, time_zone: Option<String>) -> JsResult<SendPolicy> {
        SendPolicy::read(&text(&data, "a send policy")?, time_zone.as_deref())
    }

    /// Several policies together: a send must satisfy all of them (error paths start with the
    /// policy's index). The result works in `timeZone` (UTC when absent).
    pub fn combine(policies: PoliciesArg, time_zone: Option<String>) -> JsResult<SendPolicy> {
        let docs = doc(&policies, "policies", time::send_policies_from_json)?;
        let inner = core(ZonedPolicy::combine(&docs, time_zone.as_deref()))?;
        Ok(SendPolicy { inner })
    }

    /// This policy and `other` together (the stricter wins), in this policy's zone.
    pub fn stricter(&self, other: PolicyArg) -> JsResult<SendPolicy> {
        let Some(other) = SendPolicy::opt(other.into(), "SendPolicy.stricter: other")? else {
            return Err(type_error("SendPolicy.stricter: other is required"));
        };
        let inner = core(self.inner.stricter(&other))?;
        Ok(SendPolicy { inner })
    }

    /// The IANA name of the zone of the policy's local times.
    #[wasm_bindgen(getter, js_name = timeZone)]
    pub fn time_zone(&self) -> String {
        self.inner.zone.name().to_owned()
    }

    /// True when a send may go out at `at`.
    #[wasm_bindgen(js_name = isAllowed)]
    pub fn is_allowed(&self, at: Instant) -> JsResult<bool> {
        let at = instant(&at, "SendPolicy.isAllowed: at")?;
        Ok(self.inner.policy.is_allowed(at, self.inner.zone))
    }

    /// The first instant at or after `at` when a send may go out.
    #[wasm_bindgen(js_name = nextAllowed)]
    pub fn next_allowed(&self, at: Instant) -> JsResult<String> {
        let at = instant(&at, "SendPolicy.nextAllowed: at")?;
        core(self.inner.policy.next_allowed(at, self.inner.zone)).map(iso)
    }

    /// What to do with a send at `at`: allow, defer until, or skip.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(&self, at: Instant) -> JsResult<JsValue> {
        let at = instant(&at, "SendPolicy.decide: at")?;
        to_js(&core(self.inner.policy.decide(at, self.inner.zone))?)
    }
}

/// The options of `Recurrence`, `waitEnd`, `planSend` and `resolveTimeZone` (each reads those
/// it documents).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct TimeOptions {
    time_zone: Option<String>,
    date: Option<chrono::NaiveDate>,
    policy: Js,
    caps: Js,
    history: Js,
    transactional: Option<bool>,
    flow_zone: Option<String>,
    account_zone: Option<String>,
}

/// A recurrence in a time zone, optionally kept inside a send policy's allowed time.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Recurrence {
    inner: Recurring,
}

#[wasm_bindgen]
impl Recurrence {
    /// A recurrence from its JSON form (an object, or text starting with `{`) or an RRULE string.
    #[wasm_bindgen(constructor)]
    pub fn new(rule: RuleArg, options: Option<RecurrenceOptions>) -> JsResult<Recurrence> {
        match rule.as_string() {
            Some(text) if !text.trim_start().starts_with('{') => {
                Recurrence::from_rrule(text, options)
            }
            _ => Recurrence::from_json(rule, options),
        }
    }

    /// A recurrence from the rule's JSON form.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(rule: RuleArg, options: Option<RecurrenceOptions>) -> JsResult<Recurrence> {
        let rule = doc(&rule, "a recurrence rule", RecurrenceRule::from_json)?;
        Recurrence::compile(rule, options)
    }

    /// A recurrence from RFC 5545 RRULE text (the supported subset).
    #[wasm_bindgen(js_name = fromRrule)]
    pub fn from_rrule(text: String, options: Option<RecurrenceOptions>) -> JsResult<Recurrence> {
        Recurrence::compile(core(RecurrenceRule::from_rrule(&text))?, options)
    }

    /// The IANA name of the zone of the rule's local times.
    #[wasm_bindgen(getter, js_name = timeZone)]
    pub fn time_zone(&self) -> String {
        self.inner.zone().name().to_owned()
    }

    /// The first occurrence strictly after `t`.
    #[wasm_bindgen(js_name = nextAfter)]
    pub fn next_after(&self, t: Instant) -> JsResult<String> {
        let t = instant(&t, "Recurrence.nextAfter: t")?;
        core(self.inner.next_after(t)).map(iso)
    }

    /// The first occurrence at or after `t`.
    #[wasm_bindgen(js_name = atOrAfter)]
    pub fn at_or_after(&self, t: Instant) -> JsResult<String> {
        let t = instant(&t, "Recurrence.atOrAfter: t")?;
        core(self.inner.at_or_after(t)).map(iso)
    }

    /// Every occurrence in `[a, b)`, in order.
    pub fn between(&self, a: Instant, b: Instant) -> JsResult<Vec<String>> {
        let a = instant(&a, "Recurrence.between: a")?;
        let b = instant(&b, "Recurrence.between: b")?;
        let all = core(self.inner.occurrences_between(a, b))?;
        Ok(all.into_iter().map(iso).collect())
    }

    /// The rule as RRULE text.
    #[wasm_bindgen(js_name = toRrule)]
    pub fn to_rrule(&self) -> JsResult<String> {
        core(self.inner.rule().to_rrule())
    }
}

impl Recurrence {
    fn compile(rule: RecurrenceRule, options: Option<RecurrenceOptions>) -> JsResult<Recurrence> {
        let o: TimeOptions = crate::options(options, "Recurrence")?;
        let policy = SendPolicy::opt(o.policy.0, "Recurrence: options.policy")?;
        let inner = core(rule.compile_for(o.time_zone.as_deref(), policy.as_ref()))?;
        Ok(Recurrence { inner })
    }
}

/// When a flow's wait node started at `at` ends for a recipient in `options.timeZone` (else
/// the policy's zone, else UTC), moved into what `options.policy` allows.
#[wasm_bindgen(js_name = waitEnd)]
pub fn wait_end(wait: WaitArg, at: Instant, options: Option<WaitEndOptions>) -> JsResult<String> {
    let node = doc(&wait, "waitEnd: wait", WaitNode::from_json)?;
    let at = instant(&at, "waitEnd: at")?;
    let o: TimeOptions = crate::options(options, "waitEnd")?;
    let policy = SendPolicy::opt(o.policy.0, "waitEnd: options.policy")?;
    let zone = o.time_zone.as_deref();
    core(time::wait_end_for(at, &node, zone, o.date, policy.as_ref())).map(iso)
}

/// A local wall time (`"2025-03-30T02:30:00"`, no offset) in `timeZone` as an RFC 3339 UTC
/// instant (the core's rule for gaps and repeated hours).
#[wasm_bindgen(js_name = localToUtc)]
pub fn local_to_utc(local: Str, time_zone: Str) -> JsResult<String> {
    let naive: chrono::NaiveDateTime =
        arg(local, "localToUtc: local (a date-time without an offset)")?;
    let zone = zone(Some(&string(&time_zone, "localToUtc: timeZone")?), "")?;
    core(time::local_to_utc(zone, naive)).map(iso)
}

/// A contact's time zone through the core's fallback chain (contact, country, phone, flow,
/// account, UTC), with the link that gave it and the links skipped.
#[wasm_bindgen(js_name = resolveTimeZone, unchecked_return_type = "ResolvedZone")]
pub fn resolve_time_zone(
    contact: MaybeContact,
    options: Option<ResolveTimeZoneOptions>,
) -> JsResult<JsValue> {
    let o: TimeOptions = crate::options(options, "resolveTimeZone")?;
    let contact = opt(Some(contact), |c| {
        doc(c, "a contact", sequenza::Contact::from_json)
    })?;
    let (flow, account) = (o.flow_zone.as_deref(), o.account_zone.as_deref());
    to_js(&core(time::resolve_zone(contact.as_ref(), flow, account))?)
}

/// Frequency caps: at most N messages per channel (or over every channel) within a rolling
/// window, per contact; transactional messages never count.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct FrequencyCaps {
    caps: CapPolicy,
}

#[wasm_bindgen]
impl FrequencyCaps {
    /// Caps from options (`caps`, `whenCapped`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<FrequencyCapsOptions>) -> JsResult<FrequencyCaps> {
        let text = options_text(options, "FrequencyCaps: options")?;
        core(CapPolicy::from_json(&text)).map(|caps| FrequencyCaps { caps })
    }

    /// Caps from their JSON form (`{caps: [...], when_capped: 'defer'}`).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(data: CapsArg) -> JsResult<FrequencyCaps> {
        doc(&data, "frequency caps", CapPolicy::from_json).map(|caps| FrequencyCaps { caps })
    }

    /// What to do with a message on `channel` at `at` given `history`.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        history: History,
        channel: ChannelName,
        at: Instant,
        transactional: Option<bool>,
    ) -> JsResult<JsValue> {
        let history = history_arg(history)?;
        let channel: Channel = arg(channel, "FrequencyCaps.decide: channel")?;
        let at = instant(&at, "FrequencyCaps.decide: at")?;
        let transactional = transactional.unwrap_or(false);
        let decision = self.caps.decide(&history, channel, transactional, at);
        to_js(&core(decision)?)
    }

    /// The first instant at or after `at` when one more message on `channel` fits every cap.
    #[wasm_bindgen(js_name = freesAt)]
    pub fn frees_at(
        &self,
        history: History,
        channel: ChannelName,
        at: Instant,
    ) -> JsResult<String> {
        let history = history_arg(history)?;
        let channel: Channel = arg(channel, "FrequencyCaps.freesAt: channel")?;
        let at = instant(&at, "FrequencyCaps.freesAt: at")?;
        core(self.caps.frees_at(&history, channel, at)).map(iso)
    }
}

/// A send history (`[at, channel, transactional?]` or `{at, channel, transactional}` entries),
/// read by the core; `undefined` and `null` mean nothing was sent.
fn history_arg(value: impl Into<JsValue>) -> JsResult<Vec<time::SentMessage>> {
    let read = |h: &JsValue| doc(h, "a send history", time::history_from_json);
    Ok(opt(Some(value), read)?.unwrap_or_default())
}

/// Everything checked before a send, in order: transactional, frequency caps, send policy.
#[wasm_bindgen(js_name = planSend, unchecked_return_type = "Decision")]
pub fn plan_send(
    at: Instant,
    channel: ChannelName,
    options: Option<PlanSendOptions>,
) -> JsResult<JsValue> {
    let at = instant(&at, "planSend: at")?;
    let channel: Channel = arg(channel, "planSend: channel")?;
    let o: TimeOptions = crate::options(options, "planSend")?;
    let policy = SendPolicy::opt(o.policy.0, "planSend: options.policy")?;
    let read_caps = |c: &JsValue| doc(c, "planSend: options.caps", CapPolicy::from_json);
    let caps = opt(Some(o.caps.0), read_caps)?.unwrap_or_default();
    let history = history_arg(o.history.0)?;
    let (zone, policy) = (o.time_zone.as_deref(), policy.as_ref());
    let transactional = o.transactional.unwrap_or(false);
    let decision = time::plan_send_for(at, channel, zone, policy, &caps, &history, transactional);
    to_js(&core(decision)?)
}

to_object!(SendPolicy, "SendPolicyJson", |s| &s.inner.doc);

to_object!(Recurrence, "RecurrenceRuleJson", |s| s.inner.rule());

to_object!(FrequencyCaps, "FrequencyCapsJson", |s| &s.caps);
