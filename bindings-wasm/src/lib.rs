//! Browser / WebAssembly binding of [`sequenza`] (`sequenza-wasm`): flows, conditions and
//! segments, time, lists and — with the cargo features `import` and `engine` (`pkg-full`,
//! `pkg-web-full`) — CSV import and the flow engine (`Engine`). It only converts: documents go to the core's
//! `from_json` as JSON text, results come back as plain objects of the core's serde form, errors
//! as instances of the class of their area (`errors.rs`). Nothing reads the clock: `now` is always an argument.

#![deny(missing_docs)]

mod condition;
mod convert;
#[cfg(feature = "engine")]
mod engine;
mod errors;
#[cfg(feature = "import")]
mod import;
mod list;
mod model;
mod time;

use wasm_bindgen::prelude::*;

pub use condition::{jsonlogic_apply, ContactTable, Segment, SegmentIndex};
pub(crate) use convert::*;
#[cfg(feature = "engine")]
pub use engine::{new_feed_items, Engine};
pub use errors::error_codes;
#[cfg(feature = "import")]
pub use import::{export_csv, import_csv, preview_csv};
pub use list::{list_trigger_hits, source_condition, Audience};
pub use time::{
    local_to_utc, plan_send, resolve_time_zone, wait_end, FrequencyCaps, Recurrence, SendPolicy,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("../types.d.ts");

/// A flow: triggers, nodes joined by labelled edges, settings. `JSON.stringify(flow)` gives its
/// canonical JSON form.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Flow {
    inner: sequenza::Flow,
}

#[wasm_bindgen]
impl Flow {
    /// Reads a flow from a JSON string or a plain object (a `FormatError` when it is not one).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(data: JsonDoc) -> JsResult<Flow> {
        doc(&data, "a flow", sequenza::Flow::from_json).map(|inner| Flow { inner })
    }

    /// The flow's id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id.as_str().to_owned()
    }

    /// The flow's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// `'draft'`, `'active'`, `'paused'` or `'archived'`.
    #[wasm_bindgen(getter, unchecked_return_type = "FlowStatus")]
    pub fn status(&self) -> JsResult<JsValue> {
        to_js(&self.inner.status)
    }

    /// The flow's version number.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> u32 {
        self.inner.version
    }

    /// The canonical JSON text of the flow; indented when `pretty` is true.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self, pretty: Option<bool>) -> String {
        match pretty {
            Some(true) => self.inner.to_json_pretty(),
            _ => self.inner.to_json(),
        }
    }

    /// A readable outline: trigger, nodes with their branches, one per line.
    pub fn outline(&self) -> String {
        self.inner.outline()
    }
}

/// Validates one flow, optionally against the declared profile fields (`{fields: [...]}`);
/// returns the findings (a `FormatError` only when a document cannot be read).
#[wasm_bindgen(js_name = validateFlow, unchecked_return_type = "Finding[]")]
pub fn validate_flow(flow: FlowArg, fields: Option<FieldsArg>) -> JsResult<JsValue> {
    let flow = doc(&flow, "a flow", sequenza::Flow::from_json)?;
    let fields = field_schema(fields)?;
    to_js(&sequenza::validate_flow(&flow, fields.as_ref()))
}

/// Validates a set of flows: each on its own, then the checks across flows. An error about one
/// flow carries `index`, its position in `flows`.
#[wasm_bindgen(js_name = validateFlows, unchecked_return_type = "Finding[]")]
pub fn validate_flows(flows: FlowsArg, fields: Option<FieldsArg>) -> JsResult<JsValue> {
    let flows = each(&flows, "validateFlows: flows", |f| {
        doc(f, "a flow", sequenza::Flow::from_json)
    })?;
    let fields = field_schema(fields)?;
    to_js(&sequenza::validate_flows(&flows, fields.as_ref()))
}

/// Every finding code, with its severity and what it means.
#[wasm_bindgen(js_name = findingCodes, unchecked_return_type = "FindingCodeInfo[]")]
pub fn finding_codes() -> JsResult<JsValue> {
    to_js(&sequenza::error::finding_codes())
}

/// The JSON Schema (draft 2020-12) of a flow document, as JSON text.
#[wasm_bindgen(js_name = flowSchema)]
pub fn flow_schema() -> String {
    include_str!("../../core/schema/flow.schema.json").to_owned()
}

to_object!(Flow, "object", |s| &s.inner);
