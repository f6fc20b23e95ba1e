//! Node.js binding of [`sequenza`] (napi-rs): conversion and error mapping only.
//!
//! Every input that is a JS object is turned into JSON text with the engine's own
//! `JSON.stringify` and read by the core's `from_json`, so a JS object and a JSON string take
//! the same code path and the core's error locates the problem (JSON pointer, line, column).
//! Every output is the core's serde JSON form, handed to the engine's `JSON.parse`, so JS gets
//! plain objects with the same keys, order and `null`s as every other binding.
//!
//! Errors: a core [`sequenza::Error::Format`] becomes a JS `Error` named `FlowFormatError` with
//! `code`, `path`, `line` and `column`; any other core error kind becomes an `Error` named
//! `SequenzaError` with the same properties (`null` where the kind has no such location).
//! A wrong argument type is a `TypeError` with code `ERR_INVALID_ARG_TYPE`. Every export runs
//! under `catch_unwind`, so a panic is a JS error too.

use napi::bindgen_prelude::{
    ClassInstance, Either, Function, JsObjectValue, JsValue, Null, Object, Unknown,
};
use napi::{Env, Error, Result, Status, ValueType, JSON};
use napi_derive::napi;
use serde::Serialize;

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
    let fields = field_schema(env, fields)?;
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
    let fields = field_schema(env, fields)?;
    let findings = sequenza::validate_flows(&parsed, fields.as_ref());
    to_js(env, &findings)
}

/// Every finding code with its severity and what it means.
#[napi(catch_unwind, ts_return_type = "FindingCode[]")]
pub fn finding_codes(env: &Env) -> Result<Unknown<'_>> {
    let codes: Vec<FindingCode<'_>> = sequenza::flow::validate::CODES
        .iter()
        .map(|&(code, severity, description)| FindingCode {
            code,
            severity,
            description,
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
type MaybeFlow<'env> = Either<ClassInstance<'env, Flow>, Unknown<'env>>;

/// A flow argument: a `Flow` handle (borrowed) or one read from text / an object.
enum FlowArg<'env> {
    Handle(ClassInstance<'env, Flow>),
    Read(Box<sequenza::Flow>),
}

impl<'env> FlowArg<'env> {
    fn read(env: &Env, value: MaybeFlow<'env>, name: &str) -> Result<Self> {
        let value = match value {
            Either::A(handle) => return Ok(FlowArg::Handle(handle)),
            Either::B(value) => value,
        };
        let text = json_text(env, value, name, "a Flow, a JSON string or an object")?;
        sequenza::Flow::from_json(&text)
            .map(|flow| FlowArg::Read(Box::new(flow)))
            .map_err(|e| core_error(env, &e))
    }

    fn get(&self) -> &sequenza::Flow {
        match self {
            FlowArg::Handle(handle) => &handle.inner,
            FlowArg::Read(flow) => flow,
        }
    }

    fn into_owned(self) -> sequenza::Flow {
        match self {
            FlowArg::Handle(handle) => handle.inner.clone(),
            FlowArg::Read(flow) => *flow,
        }
    }
}

/// The optional field schema: `undefined` / `null` for none, else JSON text or an object.
fn field_schema(env: &Env, fields: Option<Unknown<'_>>) -> Result<Option<sequenza::FieldSchema>> {
    let Some(fields) = fields else {
        return Ok(None);
    };
    if matches!(fields.get_type()?, ValueType::Undefined | ValueType::Null) {
        return Ok(None);
    }
    let text = json_text(env, fields, "fields", "a JSON string or an object")?;
    sequenza::FieldSchema::from_json(&text)
        .map(Some)
        .map_err(|e| core_error(env, &e))
}

/// JSON text of a string (as is) or an object (through `JSON.stringify`); anything else is a
/// `TypeError`.
fn json_text(env: &Env, value: Unknown<'_>, name: &str, expected: &str) -> Result<String> {
    let received = match value.get_type()? {
        ValueType::String => return value.coerce_to_string()?.into_utf8()?.into_owned(),
        ValueType::Object => {
            let json: JSON<'_> = env.get_global()?.get_named_property_unchecked("JSON")?;
            let stringify: Function<'_, Unknown<'_>, Unknown<'_>> =
                json.get_named_property_unchecked("stringify")?;
            let text = stringify.call(value)?;
            if text.get_type()? == ValueType::String {
                return text.coerce_to_string()?.into_utf8()?.into_owned();
            }
            // `toJSON()` returned undefined, a function or a symbol.
            "an object without a JSON form".to_owned()
        }
        other => format!("type {}", type_of(other)),
    };
    Err(type_error(
        env,
        &format!("The \"{name}\" argument must be {expected}. Received {received}"),
    ))
}

/// The `typeof` word for a value type, as Node's own argument errors say it.
fn type_of(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        // The one other answer of `napi_typeof` (napi4 has no `BigInt` variant).
        _ => "bigint",
    }
}

/// Serialises a core value to its JSON form and hands it to `JSON.parse`.
fn to_js<'env, T: Serialize + ?Sized>(env: &'env Env, value: &T) -> Result<Unknown<'env>> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))?;
    parse_json(env, &text)
}

fn parse_json<'env>(env: &'env Env, text: &str) -> Result<Unknown<'env>> {
    let json: JSON<'_> = env.get_global()?.get_named_property_unchecked("JSON")?;
    let parse: Function<'_, &str, Unknown<'env>> = json.get_named_property_unchecked("parse")?;
    parse.call(text)
}

/// The serde string form of a unit enum (`FlowStatus`, `Severity` …).
fn serde_string<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(Error::new(
            Status::GenericFailure,
            format!("not a string: {other}"),
        )),
        Err(e) => Err(Error::new(Status::GenericFailure, e.to_string())),
    }
}

/// Throws a `TypeError` with Node's `ERR_INVALID_ARG_TYPE` code and returns the marker error
/// that tells napi the exception is already pending.
fn type_error(env: &Env, message: &str) -> Error {
    match env.throw_type_error(message, Some("ERR_INVALID_ARG_TYPE")) {
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(e) => e,
    }
}

/// Maps a core error to a JS `Error` carrying its code and location.
fn core_error(env: &Env, err: &sequenza::Error) -> Error {
    let built = match err {
        sequenza::Error::Format(f) => js_error(
            env,
            "FlowFormatError",
            &f.to_string(),
            &[
                ("code", Prop::Str(f.code.as_str())),
                ("path", Prop::Str(&f.path)),
                ("line", Prop::Num(f.line)),
                ("column", Prop::Num(f.column)),
            ],
        ),
        // `sequenza::Error` is non-exhaustive, and this binding reads only documents, which fail
        // with `Format`; any other kind maps to the base name with its code and location.
        other => {
            let (line, column) = other
                .line_column()
                .map_or((Prop::Null, Prop::Null), |(l, c)| {
                    (Prop::Num(l), Prop::Num(c))
                });
            js_error(
                env,
                "SequenzaError",
                &other.to_string(),
                &[
                    ("code", Prop::Str(other.code())),
                    ("path", other.path().map_or(Prop::Null, Prop::Str)),
                    ("line", line),
                    ("column", column),
                ],
            )
        }
    };
    built.unwrap_or_else(|e| e)
}

/// A property value set on a thrown error.
enum Prop<'a> {
    Str(&'a str),
    Num(usize),
    Null,
}

/// Builds a JS `Error` with this `name`, `message` and properties, wrapped so napi throws it as is.
fn js_error(env: &Env, name: &str, message: &str, props: &[(&str, Prop<'_>)]) -> Result<Error> {
    let mut obj: Object<'_> =
        env.create_error(Error::new(Status::GenericFailure, message.to_owned()))?;
    obj.set_named_property("name", name)?;
    for (key, value) in props {
        match value {
            Prop::Str(s) => obj.set_named_property(key, *s)?,
            Prop::Num(n) => obj.set_named_property(key, u32::try_from(*n).unwrap_or(u32::MAX))?,
            Prop::Null => obj.set_named_property(key, Null)?,
        }
    }
    Ok(Error::from(obj.to_unknown()))
}
