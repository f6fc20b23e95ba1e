/** A finding code with its severity and what it means. */
export interface FindingCodeInfo {
  code: string;
  severity: 'error' | 'warning';
  description: string;
}

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * An instant: a `Date` or an RFC 3339 string. The WebAssembly build never reads the clock, so
 * `now` is always given by the caller.
 */
export type Instant = Date | string;

/** Options of `Segment.matches`. */
export interface MatchOptions {
  /** The instant of evaluation (required). */
  now: Instant;
  /** The contact's events (events of other contacts are ignored). */
  events?: Array<ContactEvent | string>;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
  /** The ids of the segments the contact is in (what `in_segment` reads). */
  segments?: string[];
  /** A field schema (`{fields: [...]}`): checks field names and types first. */
  fields?: string | object | null;
}

/** Options of `Segment.filter` and `Segment.count`. */
export interface FilterOptions {
  /** The instant of evaluation (required). */
  now: Instant;
  /** Events of the contacts (events of other contacts are ignored). */
  events?: Array<ContactEvent | string>;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
  /** The members of the segments `in_segment` may name: `{segmentId: [contactId, …]}`. */
  segments?: { [segmentId: string]: string[] };
  /** A field schema (`{fields: [...]}`): only declared fields are columns. */
  fields?: string | object | null;
}

/** Options of `new SegmentIndex(…)`. */
export interface SegmentIndexOptions {
  /** A field schema every registered segment is checked against. */
  fields?: string | object | null;
  /** IANA zone of contacts without a (known) `time_zone`; `'UTC'` when omitted. */
  defaultTimeZone?: string;
}

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

/** The options of `new Audience(...)`. */
export interface AudienceOptions {
  /** The zone of contacts without one (dates of filters and ages are read in it); UTC when absent. */
  defaultTimeZone?: string | null;
  /** The field schema `upsertContact` enforces (defaults, types, required fields). */
  fields?: string | object | null;
}

/** The options of `Audience.members`. */
export interface MembersOptions {
  /** The position of the first contact (default 0). */
  offset?: number | null;
  /** How many contacts at most (default 50). */
  limit?: number | null;
}

/** Settings of a CSV import; each one forces what would otherwise be sniffed or defaulted. */
export interface CsvOptions {
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'windows-1250' | 'windows-1251' | null;
  delimiter?: string | null;
  quote?: string | null;
  header?: boolean | null;
  decimal?: ',' | '.' | null;
  dateOrder?: 'dmy' | 'mdy' | null;
  /** Column name → target (`'email'`, `'phone'`, `'tags'`, `'consent'`, `'consent.sms'`, a profile field key) or `null` for "do not use". */
  mapping?: Record<string, string | null> | null;
  /** ISO 3166 region of phone numbers written without a country code (default `'IT'`). */
  defaultRegion?: string | null;
  /** How a row matching an existing contact merges (default `'fill_empty'`). */
  policy?: 'fill_empty' | 'overwrite' | 'skip' | null;
  previewRows?: number | null;
  maxRowBytes?: number | null;
  /** IANA zone of date-times written without an offset (default UTC; an import into an audience uses its default zone). */
  timeZone?: string | null;
  /** Tags given to every imported contact. */
  tags?: string[] | null;
  /** Import rows without e-mail, phone or id (default false: rejected with `import.row.no_identity`); deduplicated on their values. */
  anonymous?: boolean | null;
  /** The field schema that types the cells (`{fields: [...]}`). */
  fields?: string | object | null;
}

/** The options of `importCsv`: the settings plus `now` (required) and where the rows go. */
export interface ImportCsvOptions extends CsvOptions {
  /** Stamps created and updated contacts: the browser build never reads the clock. */
  now: Instant;
  /** Called every 8192 rows and at the end; when it throws, the import stops at the next chunk and the exception is rethrown with `report`. */
  onProgress?: ((progress: { bytesRead: number; rows: number }) => void) | null;
  /** Merge into this audience and make a list of the file's contacts; a dry run without it. */
  audience?: Audience | null;
  /** The file's name, kept in the new list's `csv_import` source. */
  fileName?: string | null;
  /** The new list's name (default `Import YYYY-MM-DD HH:MM`). */
  listName?: string | null;
}

/** The options of `exportCsv`. */
export interface ExportCsvOptions {
  /** With an `Audience`: the id of the list to export (every contact when absent). */
  list?: string | null;
  /** `'string'` (default) or `'bytes'` (UTF-8 in a `Uint8Array`). */
  as?: 'string' | 'bytes' | null;
}

// ---- The flow engine: the arguments and results of the `Engine` class (the core's JSON forms of
// `sequenza::engine`; the model documents it takes — flows, contacts, events, lists, segments —
// are typed above).

/** The options of `new Engine`. */
export interface EngineOptions {
  /** The IANA zone of contacts without one (`UTC` when absent). */
  defaultTimeZone?: string | null;
  /** The field schema (`{fields: [...]}`), for checking flows and conditions. */
  fields?: string | object | null;
  /** Frequency caps across every flow of a contact. */
  caps?: FrequencyCaps | FrequencyCapsJson | string | null;
}

/** What `Engine.publish` returns. */
/** What `Engine.publish` returns: `moved` / `exited` count the waiting contacts moved onto this version and those that left because their node is gone (`node_removed`). */
export interface Published { flow: string; version: number; moved: number; exited: number }

/** Options of `Engine.publish`: what happens to the contacts inside (issue 12). */
export interface PublishOptions {
  /** `'migrate'` (the default): onto the new version by node id; `'pin'`: stay on theirs. */
  inFlight?: 'migrate' | 'pin' | null;
  /** Old node id → node id of the new version, for contacts on nodes that are gone. */
  nodeMap?: { [oldNode: string]: string } | null;
}

/** Options of `Engine.skipWait`, `moveTo`, `cancel`: who asked (kept in the history). */
export interface ActorOptions { by?: string | null }

/** Why a contact did not enter a flow. */
export type RefusalReason = 'unknown_contact' | 'flow_not_active' | 'entry_lists' | 'entry_condition'
  | 'no_consent' | 'already_enrolled' | 'reentry_never' | 'cooldown';

/** What `Engine.enroll`, `enrollMatching` and `feedItems` return. */
export interface EnrollOutcome {
  /** The contacts who entered, in the order given. */
  entered: string[];
  refused: { contact: string; reason: RefusalReason }[];
}

/** An inbound WhatsApp / SMS message: `from` (a phone) or `contact` (an id). */
export interface InboundMessage {
  channel: 'whatsapp' | 'sms';
  from?: string;
  contact?: string;
  text?: string;
  media?: { kind: 'image' | 'video' | 'audio' | 'file'; url: string; filename?: string }[];
  /** When the message was sent (RFC 3339). */
  at: string;
  /** The ad clicked to open the conversation (click-to-WhatsApp ads). */
  ad?: string;
}

/** One item of a feed (`newFeedItems` gives them). */
export interface FeedItem { id: string; title?: string; link?: string; published?: string; summary?: string }

/** One entry of the outbox: something the host must do, once (absent keys are left out). */
export interface Effect {
  /** The idempotency key: hand it to the channel so that it never sends twice. */
  key: string;
  kind: 'send' | 'api_call' | 'webhook' | 'hand_off';
  flow: string;
  version: number;
  node?: string;
  contact: string;
  channel?: ChannelName;
  /** The address of a send (e-mail, phone, or the contact id for web push). */
  to?: string;
  /** The instant the effect is for (a send deferred to 08:00 carries 08:00). */
  at: string;
  template?: string;
  /** The rendered message of a send or a hand-off (`subject`, `body`, `html` …). */
  content?: { [key: string]: JsonValue };
  /** The rendered request of an API call or a webhook. */
  request?: { method: string; url: string; headers?: { [name: string]: string }; body?: string; timeout_seconds?: number };
  team?: string;
}

/** How an effect went. */
export type EffectOutcome = 'delivered' | 'failed' | 'bounced';

/** The response to an `api_call` effect. */
export interface ApiResponse { status: number; body?: JsonValue }

/** What a delivery handler returns: an outcome, `{outcome, response}`, or nothing (the effect stays). */
export type DeliveryReply = EffectOutcome | { outcome: EffectOutcome; response?: ApiResponse | null } | null | undefined;

/**
 * The handlers of `Engine.deliver`, by route: the effect's channel, `http` (API calls and
 * webhooks) or `hand_off`. Called synchronously.
 */
export type DeliveryHandlers = { [route in ChannelName | 'http' | 'hand_off']?: (effect: Effect) => DeliveryReply };

/** The filters of `Engine.enrollments`. */
export interface EnrollmentsFilter { flow?: string | null; contact?: string | null }

/** One contact in one flow. */
export interface EnrollmentView {
  flow: string;
  version: number;
  contact: string;
  /** The node the contact is on (the last one, once finished or exited). */
  node: string | null;
  state: 'waiting' | 'finished' | 'exited';
  /** When the wait ends (RFC 3339), `null` when it waits only for an event, a reply or an ack. */
  due: string | null;
  /** What it waits for, or why it finished or exited. */
  reason: string | null;
  /** When the contact reached its current node (RFC 3339). */
  since: string;
  /** When the contact entered the flow (RFC 3339). */
  entered_at: string;
}

/** Counters of a flow, a node or a day. */
export interface EngineCounts {
  entered: number;
  waiting: number;
  completed: number;
  exited: { [reason: string]: number };
  sent: number;
  deferred: number;
  skipped: { [reason: string]: number };
  delivered: number;
  failed: number;
  bounced: number;
  opened: number;
  clicked: number;
  goals: number;
}

/** What `Engine.stats` returns: the totals beside refusals, goals, per node and per UTC day. */
export interface FlowStats extends EngineCounts {
  flow: string;
  refused: { [reason: string]: number };
  goals_by_name: { [goal: string]: number };
  nodes: { [node: string]: EngineCounts };
  days: { [day: string]: EngineCounts };
}

/** One step of a contact's history, with the reason of the decision. */
export interface HistoryEntry {
  at: string;
  flow: string;
  version: number;
  contact: string;
  node?: string;
  action: 'entered' | 'refused' | 'stepped' | 'branched' | 'sent' | 'deferred' | 'skipped' | 'waiting'
    | 'goal' | 'finished' | 'exited' | 'acknowledged' | 'engaged' | 'migrated' | 'moved' | 'wait_skipped';
  reason?: string;
  effect?: string;
  /** Who asked, for a step taken by hand. */
  by?: string;
}

/** The options of `Engine.importCsv` (the `pkg-full` builds): those of `importCsv` but `audience` and `fields`. */
export interface EngineImportCsvOptions extends Omit<ImportCsvOptions, 'audience' | 'fields'> {
  /** A flow id: the imported contacts enter it. */
  enroll?: string | null;
}

/** What `Engine.importCsv` returns. */
export interface EngineImport {
  /** The import report, with `listId` and `changes`. */
  report: ImportReport;
  /** With `enroll`: who entered the flow and who was refused. */
  enrolled: EnrollOutcome | null;
}

/** A code of the core's registry, as `errorCodes()` lists it. */
export interface ErrorCode {
  code: string;
  /** `format`, `parse`, `condition`, `segment`, `time`, `list`, `import`, `jsonlogic`, … */
  area: string;
  /** For validation finding codes. */
  severity?: 'error' | 'warning';
  meaning: string;
}

/**
 * Every error the core reports: an instance of `SequenzaError` and of the class of its area, with
 * the fields of the core's error data. Location fields that do not apply are absent.
 */
export class SequenzaError extends Error {
  /** `format`, `parse`, `condition`, `segment`, `time`, `list`, `import`, `jsonlogic`, … */
  area: string;
  /** The stable code, e.g. `format.invalid` (see `errorCodes()`). */
  code: string;
  /** JSON pointer of the offending value. */
  path?: string;
  /** 1-based line and column in the input text. */
  line?: number;
  column?: number;
  /** CSV: 1-based row, 0-based column, the column's (or option's) name, byte offset. */
  row?: number;
  csvColumn?: number;
  columnName?: string;
  byteOffset?: number;
  /** Condition text: what the parser expected, and what it found. */
  expected?: string[];
  found?: string;
  /** In calls taking arrays, the position of the offending element. */
  index?: number;
  /** Engine errors: the flow, node and contact concerned. */
  flow?: string;
  node?: string;
  contact?: string;
  /** `engine.flow.invalid`: the error-severity validation findings of the refused flow. */
  findings?: Finding[];
}
/** A JSON document that cannot be read (`format.syntax`, `format.eof`, `format.invalid`). */
export class FormatError extends SequenzaError {}
/** Condition text that cannot be parsed (`condition.syntax`). */
export class ConditionSyntaxError extends SequenzaError {}
/** A condition that cannot be evaluated as written (`condition.*`). */
export class ConditionError extends SequenzaError {}
/** A segment set that cannot be used (`segment.unknown`, `segment.duplicate`, `segment.cycle`). */
export class SegmentError extends SequenzaError {}
/** A time rule that cannot be used as written (`time.*`). */
export class TimeError extends SequenzaError {}
/** A list operation that cannot be done (`list.*`). */
export class ListError extends SequenzaError {}
/** A CSV file or import options that cannot be imported at all (`import.*`). */
export class CsvImportError extends SequenzaError {
  /** An import stopped part-way (`import.io`, or a throwing `onProgress`): what it had written (`listId`: the list of exactly those contacts, `null` in a dry run). */
  report?: model.CamelCaseKeys<model.PartialImport>;
}
/** A JsonLogic rule that cannot be evaluated (`jsonlogic.*`). */
export class JsonLogicError extends SequenzaError {}
/** A malformed merge field. */
export class MergeSyntaxError extends SequenzaError {}
/** Flow validation (findings are returned, never thrown). */
export class FlowError extends SequenzaError {}
/** An input the flow engine refuses. */
export class EngineError extends SequenzaError {}
/** A store failure. */
export class StoreError extends SequenzaError {}

// ---- preview_schedule (issue 12 §2) ----

/** One contact of an automatic send's next check (`Engine.previewSchedule`). */
export interface PreviewContact {
  contact: string;
  /** The check that selects the contact (RFC 3339). */
  check_at: string;
  /** When the first message would reach the contact, `null` when it gets none (`skipped`) or it depends on the contact (`depends_on`). */
  would_send_at: string | null;
  /** Why it goes out later than the step that sends it. */
  deferred_by: 'quiet_hours' | 'send_window' | 'frequency_cap' | null;
  /** The node and channel of the first message. */
  node: string | null;
  channel: string | null;
  /** Why the contact gets no message (`no_consent`, `no_address`, `frequency_cap`, `entry_condition`, `no_send` …). */
  skipped: string | null;
  /** What the first message waits for when that depends on the contact. */
  depends_on: string | null;
}

/** Another active flow that conflicts with an automatic send (`Engine.scheduleConflicts`). */
export interface ScheduleConflict {
  flow: string;
  /** The index of its conflicting trigger. */
  trigger: number;
  reason: 'same_condition' | 'same_check';
  /** With `same_check`: how many contacts both checks select. */
  shared: number | null;
  message: string;
}
