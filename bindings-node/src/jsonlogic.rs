//! `jsonlogicApply`: the core's JsonLogic evaluator.

use napi::bindgen_prelude::Unknown;
use napi::{Env, Result};
use napi_derive::napi;

use crate::convert::{json_value, to_js};
use crate::errors::jsonlogic_error;

/// Evaluates a JsonLogic rule against `data` (what `var` reads; `null` when absent), as the
/// reference implementation json-logic-js does. Both are JSON values (read with
/// `JSON.stringify`): a string rule is the string itself, not JSON text.
///
/// Throws a `JsonLogicError` (`jsonlogic.unknown_operator`, `jsonlogic.too_deep`,
/// `jsonlogic.invalid_arguments`) with the JSON `path` of the offending node in the rule.
#[napi(
    catch_unwind,
    ts_args_type = "rule: JsonLogicRule, data?: JsonValue",
    ts_return_type = "JsonValue"
)]
pub fn jsonlogic_apply<'env>(
    env: &'env Env,
    rule: Unknown<'_>,
    data: Option<Unknown<'_>>,
) -> Result<Unknown<'env>> {
    let rule = json_value(env, Some(rule), "rule", false)?;
    let data = json_value(env, data, "data", true)?;
    let result = sequenza::jsonlogic::apply(&rule, &data).map_err(|e| jsonlogic_error(env, &e))?;
    to_js(env, &result)
}
