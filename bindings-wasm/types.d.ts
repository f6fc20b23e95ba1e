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
