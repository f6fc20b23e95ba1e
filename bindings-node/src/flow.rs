//! Flows and their validation (issue 2).

use napi::bindgen_prelude::{ClassInstance, Either, JsObjectValue, JsValue, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use serde::Serialize;

use crate::convert::{
    field_schema, json_text, parse_json, serde_string, to_js, type_error, type_of,
};
use crate::errors::core_error;

/// The committed JSON Schema of a flow document.
const FLOW_SCHEMA: &str = include_str!("../../core/schema/flow.schema.json");

/// A parsed flow: a handle that is read once and then validated, outlined or serialised.
#[napi]
#[derive(Debug, Clone)]
pub struct Flow {
    inner: sequenza::Flow,
}

#[napi]
impl Flow {
    /// Reads a flow from JSON text or from a plain object (serialised with `JSON.stringify`).
    ///
    /// Throws a `FlowFormatError` (code `format.syntax`, `format.eof` or `format.invalid`,
    /// with `path`, `line` and `column`) when the document is not a flow.
    #[napi(factory, catch_unwind, ts_args_type = "data: string | object")]
    pub fn from_json(env: &Env, data: Unknown<'_>) -> Result<Self> {
        let text = json_text(env, data, "data", "a JSON string or an object")?;
        let inner = sequenza::Flow::from_json(&text).map_err(|e| core_error(env, &e))?;
        Ok(Flow { inner })
    }

    /// The flow id.
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> String {
        self.inner.id.as_str().to_owned()
    }

    /// The name shown to people.
    #[napi(getter, catch_unwind)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The life-cycle state: `draft`, `active`, `paused` or `archived`.
    #[napi(getter, catch_unwind, ts_return_type = "FlowStatus")]
    pub fn status(&self) -> Result<String> {
        serde_string(&self.inner.status)
    }

    /// The version number.
    #[napi(getter, catch_unwind)]
    pub fn version(&self) -> u32 {
        self.inner.version
    }

    /// The canonical JSON form (indented when `pretty` is true).
    #[napi(catch_unwind)]
    pub fn to_json(&self, pretty: Option<bool>) -> String {
        if pretty.unwrap_or(false) {
            self.inner.to_json_pretty()
        } else {
            self.inner.to_json()
        }
    }

    /// The canonical JSON form as a plain object (`JSON.parse(flow.toJson())`).
    #[napi(catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn to_object<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        parse_json(env, &self.inner.to_json())
    }

    /// A readable outline: trigger, nodes with their branches, one per line.
    #[napi(catch_unwind)]
    pub fn outline(&self) -> String {
        self.inner.outline()
    }
}

/// Validates one flow (a `Flow`, JSON text or a plain object). `fields`, the declared profile
/// fields (JSON text or an object), enables the checks that need them. Returns the findings;
/// throws only when an input is not a flow / field schema at all.
#[napi(
    catch_unwind,
    ts_args_type = "flow: Flow | string | object, fields?: string | object | null",
    ts_return_type = "Finding[]"
)]
pub fn validate_flow<'env>(
    env: &'env Env,
    flow: MaybeFlow<'_>,
    fields: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let flow = FlowArg::read(env, flow, "flow")?;
    let fields = field_schema(env, fields, "fields")?;
    let findings = sequenza::validate_flow(flow.get(), fields.as_ref());
    to_js(env, &findings)
}

/// Validates a set of flows: every flow on its own, then the checks across flows.
#[napi(
    catch_unwind,
    ts_args_type = "flows: Array<Flow | string | object>, fields?: string | object | null",
    ts_return_type = "Finding[]"
)]
pub fn validate_flows<'env>(
    env: &'env Env,
    flows: Unknown<'_>,
    fields: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    if !flows.is_array()? {
        let received = type_of(flows.get_type()?);
        let message = format!("The \"flows\" argument must be an array. Received type {received}");
        return Err(type_error(env, &message));
    }
    let list = flows.coerce_to_object()?;
    let len: u32 = list.get_named_property("length")?;
    let mut parsed = Vec::with_capacity(len as usize);
    for index in 0..len {
        let item: MaybeFlow<'_> = list.get_element(index)?;
        let name = format!("flows[{index}]");
        parsed.push(FlowArg::read(env, item, &name)?.into_owned());
    }
    let fields = field_schema(env, fields, "fields")?;
    let findings = sequenza::validate_flows(&parsed, fields.as_ref());
    to_js(env, &findings)
}

/// Every finding code with its severity and what it means.
#[napi(catch_unwind, ts_return_type = "FindingCode[]")]
pub fn finding_codes(env: &Env) -> Result<Unknown<'_>> {
    let codes: Vec<FindingCode<'_>> = sequenza::error::FindingCode::ALL
        .iter()
        .map(|c| FindingCode {
            code: c.as_str(),
            severity: c.severity(),
            description: c.meaning(),
        })
        .collect();
    to_js(env, &codes)
}

/// The JSON Schema of a flow document, as JSON text.
#[napi(catch_unwind)]
pub fn flow_schema() -> &'static str {
    FLOW_SCHEMA
}

/// One entry of `findingCodes()`, in the core's serde form.
#[derive(Debug, Serialize)]
struct FindingCode<'a> {
    code: &'a str,
    severity: sequenza::Severity,
    description: &'a str,
}

/// What napi hands over for a flow argument: a `Flow` handle (checked by `instanceof` and by
/// napi's class identity check) or any other value.
pub(crate) type MaybeFlow<'env> = Either<ClassInstance<'env, Flow>, Unknown<'env>>;

/// A flow argument: a `Flow` handle (borrowed) or one read from text / an object.
pub(crate) enum FlowArg<'env> {
    Handle(ClassInstance<'env, Flow>),
    Read(Box<sequenza::Flow>),
}

impl<'env> FlowArg<'env> {
    pub(crate) fn read(env: &Env, value: MaybeFlow<'env>, name: &str) -> Result<Self> {
        let value = match value {
            Either::A(handle) => return Ok(FlowArg::Handle(handle)),
            Either::B(value) => value,
        };
        let text = json_text(env, value, name, "a Flow, a JSON string or an object")?;
        sequenza::Flow::from_json(&text)
            .map(|flow| FlowArg::Read(Box::new(flow)))
            .map_err(|e| core_error(env, &e))
    }

    pub(crate) fn get(&self) -> &sequenza::Flow {
        match self {
            FlowArg::Handle(handle) => &handle.inner,
            FlowArg::Read(flow) => flow,
        }
    }

    pub(crate) fn into_owned(self) -> sequenza::Flow {
        match self {
            FlowArg::Handle(handle) => handle.inner.clone(),
            FlowArg::Read(flow) => *flow,
        }
    }
}
