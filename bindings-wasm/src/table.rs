//! `ContactTable`: contacts (and their events) read once into the core's column store, for
//! evaluating many segments over the same contacts — the live "N contacts match" of a segment
//! builder, recounted on every edit.
//!
//! Reading contacts is most of the cost of `Segment.count(contacts, …)` (10,000 contacts: a few
//! hundred milliseconds); evaluating a segment over a table that is already built takes about a
//! millisecond.

use sequenza::condition::bulk;
use wasm_bindgen::prelude::*;

use crate::condition::Segment;
use crate::input::{self, Options};
use crate::{to_js_error, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TS_TABLE_TYPES: &'static str = r#"
/** Options of `new ContactTable(contacts, …)`. */
export interface ContactTableOptions {
  /** Events of the contacts (events of other contacts are ignored). */
  events?: Array<ContactEvent | string>;
  /** A field schema (`{fields: [...]}`): only declared fields are columns. */
  fields?: string | object | null;
}

/** Options of `ContactTable.filter` and `ContactTable.count`. */
export interface TableFilterOptions {
  /** The instant of evaluation (required). */
  now: Instant;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
  /** The members of the segments `in_segment` may name: `{segmentId: [contactId, …]}`. */
  segments?: { [segmentId: string]: string[] };
}
"#;

/// Contacts and their events, read once into the core's column store. Evaluate any number of
/// segments over it with `count(segment, {now})` and `filter(segment, {now})`: the same results
/// as `segment.count(contacts, {now, events})`, without reading the contacts again.
#[wasm_bindgen]
#[derive(Debug)]
pub struct ContactTable {
    inner: bulk::ContactTable,
}

#[wasm_bindgen]
impl ContactTable {
    /// Reads contacts (plain objects or JSON strings) and, in `options`, their `events` and a
    /// field schema (`fields`).
    ///
    /// Throws a `FlowFormatError` (with `index`) for a contact or event that is not one, and for
    /// a contact id that appears twice.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Array<Contact | string>")] contacts: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ContactTableOptions")] options: Option<
            JsValue,
        >,
    ) -> Result<ContactTable, JsValue> {
        let options = Options::new(options, "new ContactTable")?;
        let inner = read_table(&contacts, &options, "new ContactTable")?;
        Ok(ContactTable { inner })
    }

    /// How many contacts (rows) the table holds.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// The contact ids, in the order they were given.
    pub fn ids(&self) -> Vec<String> {
        self.inner
            .ids()
            .iter()
            .map(|id| id.as_str().to_owned())
            .collect()
    }

    /// The ids of the contacts that satisfy the segment's condition at `now`, in table order.
    /// `options`: `{now, defaultTimeZone?, segments?}`.
    pub fn filter(
        &self,
        segment: &Segment,
        #[wasm_bindgen(unchecked_param_type = "TableFilterOptions")] options: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let options = table_options(options, "ContactTable.filter")?;
        let hits = segment.evaluate_on(&self.inner, &options)?;
        Ok(hits
            .ids(&self.inner)
            .map(|id| id.as_str().to_owned())
            .collect())
    }

    /// How many contacts satisfy the segment's condition at `now`.
    /// `options`: `{now, defaultTimeZone?, segments?}`.
    pub fn count(
        &self,
        segment: &Segment,
        #[wasm_bindgen(unchecked_param_type = "TableFilterOptions")] options: JsValue,
    ) -> Result<u32, JsValue> {
        let options = table_options(options, "ContactTable.count")?;
        let hits = segment.evaluate_on(&self.inner, &options)?;
        Ok(u32::try_from(hits.count()).unwrap_or(u32::MAX))
    }
}

/// The options of an evaluation over a built table: events and fields belong to the table.
fn table_options(options: JsValue, call: &'static str) -> Result<Options, JsValue> {
    let options = Options::new(Some(options), call)?;
    for key in ["events", "fields"] {
        if options.get(key)?.is_some() {
            return Err(type_error(&format!(
                "{call}: `{key}` belongs to the table: pass it to new ContactTable(contacts, \
                 {{{key}}})"
            )));
        }
    }
    Ok(options)
}

/// Reads contacts and the `events` and `fields` options into the core's table.
pub(crate) fn read_table(
    contacts: &JsValue,
    options: &Options,
    call: &str,
) -> Result<bulk::ContactTable, JsValue> {
    let contacts = input::contacts(contacts, &format!("{call}: contacts"))?;
    let events = options.events()?;
    let fields = options.fields()?;
    bulk::ContactTable::from_contacts(&contacts, &events, fields.as_ref()).map_err(to_js_error)
}
