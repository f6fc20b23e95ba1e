//! Flows and their validation (issue 2).

use napi::bindgen_prelude::{ClassInstance, FromNapiValue, Unknown};
use napi::{Env, Result};
use napi_derive::napi;

use crate::arg;
use crate::convert::{doc, each, out, serde_string, to_js, value, Arg, FromArg, Out};

/// A parsed flow: a handle that is read once and then validated, outlined or serialised.
#[napi]
#[derive(Debug, Clone)]
pub struct Flow {
    inner: sequenza::Flow,
}

#[napi]
impl Flow {
    /// Reads a flow from JSON text or from a plain object. Throws a `FormatError` (`format.syntax`,
    /// `format.eof` or `format.invalid`, with `path`, `line` and `column`).
    #[napi(factory, ts_args_type = "data: string | object")]
    pub fn from_json(env: &Env, data: Arg) -> Result<Self> {
        let inner = doc(env, data, "data", sequenza::Flow::from_json)?;
        Ok(Flow { inner })
    }

    /// The flow id.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id.as_str().to_owned()
    }

    /// The name shown to people.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The life-cycle state: `draft`, `active`, `paused` or `archived`.
    #[napi(getter, ts_return_type = "FlowStatus")]
    pub fn status(&self) -> String {
        serde_string(&self.inner.status)
    }

    /// The version number.
    #[napi(getter)]
    pub fn version(&self) -> u32 {
        self.inner.version
    }

    /// The canonical JSON form (indented when `pretty` is true).
    #[napi]
    pub fn to_json(&self, pretty: Option<bool>) -> String {
        match pretty {
            Some(true) => self.inner.to_json_pretty(),
            _ => self.inner.to_json(),
        }
    }

    /// The canonical JSON form as a plain object.
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn to_object(&self) -> Out<'_> {
        value(&self.inner)
    }

    /// A readable outline: trigger, nodes with their branches, one per line.
    #[napi]
    pub fn outline(&self) -> String {
        self.inner.outline()
    }
}

/// A flow argument: a `Flow` handle, JSON text or a plain object.
impl FromArg for sequenza::Flow {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        if let Some(handle) = value.and_then(|v| ClassInstance::<Flow>::from_unknown(v).ok()) {
            return Ok(handle.inner.clone());
        }
        doc(env, value, name, sequenza::Flow::from_json)
    }
}

/// An array of flow arguments.
impl FromArg for Vec<sequenza::Flow> {
    fn from_arg(env: &Env, value: Arg, name: &str) -> Result<Self> {
        each(env, value, name, "an array")
    }
}

/// Validates one flow (a `Flow`, JSON text or a plain object). `fields`, the declared profile
/// fields, enables the checks that need them. Returns the findings.
#[napi(
    ts_args_type = "flow: Flow | string | object, fields?: string | object | null",
    ts_return_type = "Finding[]"
)]
pub fn validate_flow(flow: arg::Flow, fields: Option<arg::Fields>) -> Out<'static> {
    let fields = fields.map(|f| f.0);
    value(sequenza::validate_flow(&flow.0, fields.as_ref()))
}

/// Validates a set of flows: every flow on its own, then the checks across flows.
#[napi(
    ts_args_type = "flows: Array<Flow | string | object>, fields?: string | object | null",
    ts_return_type = "Finding[]"
)]
pub fn validate_flows(flows: arg::Flows, fields: Option<arg::Fields>) -> Out<'static> {
    let fields = fields.map(|f| f.0);
    value(sequenza::validate_flows(&flows.0, fields.as_ref()))
}

/// Every finding code with its severity and what it means.
#[napi(ts_return_type = "FindingCodeInfo[]")]
pub fn finding_codes(env: &Env) -> Result<Unknown<'_>> {
    to_js(env, &sequenza::error::finding_codes())
}

/// The JSON Schema of a flow document, as JSON text.
#[napi]
pub fn flow_schema() -> &'static str {
    include_str!("../../core/schema/flow.schema.json")
}

/// Evaluates a JsonLogic rule against `data` (`null` when absent), as json-logic-js does. Both
/// are JSON values (a string rule is the string itself). Throws a `JsonLogicError` with the JSON
/// `path` of the offending node in the rule.
#[napi(
    ts_args_type = "rule: JsonLogicRule, data?: JsonValue",
    ts_return_type = "JsonValue"
)]
pub fn jsonlogic_apply(env: &Env, rule: Unknown<'_>, data: Unknown<'_>) -> Result<Out<'static>> {
    let rule = crate::convert::json_value(env, Some(rule), "rule", false)?;
    let data = crate::convert::json_value(env, Some(data), "data", true)?;
    let result = sequenza::jsonlogic::apply(&rule, &data);
    Ok(out(result.map_err(sequenza::Error::from)))
}
