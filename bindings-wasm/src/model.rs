//! The model types of the package's `.d.ts`: not written here but re-exported from
//! `model.d.ts`, which `make build-wasm` copies next to `sequenza_wasm.d.ts` from
//! `core/schema/model.d.ts` (generated from the core's Rust types by `make schema`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_MODEL_TYPES: &'static str = r#"
import type * as model from './model';
import type {
  Activity, ActivityRecord, Channel, Condition, Contact, Decision, Event, FieldSchema, Finding,
  FlowStatus, List, ListChange, MemberPage, MembershipDelta, Source, TriggerHit, Weekday,
} from './model';
export * from './model';

/** A segment document (`{id, name, condition}`): what `Segment.fromJson` reads besides a bare condition. */
export type SegmentObject = model.Segment;
/** An event of a contact. */
export type ContactEvent = model.Event;
/** A send policy's JSON form (the flow model's `SendPolicy`), as `toObject()` gives it. */
export type SendPolicyJson = model.SendPolicy;
/** A recurrence rule in its JSON form (`kind` tags it). */
export type RecurrenceRuleJson = model.RecurrenceRule;
/** A flow's wait node in its JSON form. */
export type WaitNodeJson = model.WaitNode;
/** A length of time: `{amount: 3, unit: 'days'}`. */
export type DurationJson = model.Duration;
/** A day of the week. */
export type WeekdayName = model.Weekday;
/** A channel. */
export type ChannelName = model.Channel;
/** One frequency cap. */
export type FrequencyCapJson = model.FrequencyCap;
/** Frequency caps in their JSON form. */
export type FrequencyCapsJson = model.CapPolicy;

// The import types, with the camelCase keys the JavaScript bindings give them.
/** One rejected row, or one rejected cell of a row (`column` is `null` for the whole row). */
export type Rejection = model.CamelCaseKeys<model.Rejection>;
/** The settings found (or forced). */
export type CsvDetected = model.CamelCaseKeys<model.Detected>;
/** Where a column goes. */
export type CsvColumn = model.CamelCaseKeys<model.ColumnMapping>;
/** The first rows as they would be imported, with their problems. */
export type CsvPreview = model.CamelCaseKeys<model.Preview>;
/** What `importCsv` did; with `audience`, also the new list's id and the list changes. */
export type ImportReport = model.CamelCaseKeys<model.ImportReport> | model.CamelCaseKeys<model.ListImport>;
"#;
