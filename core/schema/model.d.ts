/* eslint-disable */
/**
 * The JSON form of the sequenza model types: generated from core/schema/model.schema.json
 * (itself generated from the Rust types) by tools/gen-model-types.mjs. Do not edit: run
 * `make schema`.
 */

/**
 * What a contact did. JSON tag `type`.
 */
export type Activity =
  | {
      /**
       * The coupon's code or id.
       */
      coupon: string;
      type: "coupon_downloaded";
    }
  | {
      /**
       * The coupon's code or id.
       */
      coupon: string;
      type: "coupon_redeemed";
    }
  | {
      /**
       * The card number.
       */
      card: string;
      /**
       * The points target, when the card has one.
       */
      target?: number | null;
      type: "fidelity_joined";
    }
  | {
      /**
       * The new balance.
       */
      points: number;
      type: "fidelity_points";
    }
  | {
      /**
       * The new target.
       */
      target: number;
      type: "fidelity_target";
    }
  | {
      /**
       * The shop, when there are several.
       */
      store?: string | null;
      type: "walk_in";
    }
  | {
      /**
       * The form's id.
       */
      form: string;
      type: "form_submitted";
    }
  | {
      /**
       * Where the sign-up came from.
       */
      source?: string | null;
      type: "newsletter_signup";
    }
  | {
      device: DeviceType;
      type: "web_push_subscribed";
    }
  | {
      /**
       * The tag.
       */
      tag: string;
      type: "tag_assigned";
    };
/**
 * The device a web-push subscription was made from. JSON: `"desktop"`, `"mobile"`, `"tablet"`.
 */
export type DeviceType = "desktop" | "mobile" | "tablet";
/**
 * Identifies a contact.
 */
export type ContactId = string;
/**
 * An aggregation over event properties.
 */
export type Aggregation = "count" | "sum" | "avg" | "min" | "max";
/**
 * The expected type of an answer. JSON tag: `type`.
 */
export type AnswerType =
  | {
      type: "text";
    }
  | {
      /**
       * Largest accepted.
       */
      max?: number | null;
      /**
       * Smallest accepted.
       */
      min?: number | null;
      type: "number";
    }
  | {
      type: "email";
    }
  | {
      type: "phone";
    }
  | {
      type: "date";
    }
  | {
      /**
       * The options.
       */
      options: string[];
      type: "choice";
    }
  | {
      /**
       * The regular expression.
       */
      pattern: string;
      type: "pattern";
    };
/**
 * A delivery channel. JSON: `"email"`, `"sms"`, `"web_push"`, `"whatsapp"`.
 */
export type Channel = "email" | "sms" | "web_push" | "whatsapp";
/**
 * A calendar unit for [`Duration`].
 */
export type TimeUnit = "minutes" | "hours" | "days" | "weeks" | "months";
/**
 * What happens to a send that falls in a forbidden time.
 */
export type OutsideWindow = "defer" | "skip";
/**
 * The type of a profile field.
 */
export type FieldType = "text" | "number" | "boolean" | "date" | "datetime" | "choice" | "text_list";
/**
 * A condition over one contact.
 */
export type Condition =
  | {
      /**
       * The inner conditions.
       */
      conditions: Condition[];
      type: "and";
    }
  | {
      /**
       * The inner conditions.
       */
      conditions: Condition[];
      type: "or";
    }
  | {
      condition: Condition;
      type: "not";
    }
  | {
      /**
       * The field key.
       */
      field: string;
      /**
       * Compare text case- and accent-insensitively.
       */
      fold?: boolean;
      op: FieldOp;
      type: "field";
      /**
       * The value compared with; absent for `is_set` / `is_empty`; a list of two for
       * `between`, a list for `in`, a regular expression for `matches`.
       */
      value?: Value | null;
    }
  | {
      op: TagOp;
      /**
       * The tags checked.
       */
      tags: string[];
      type: "tags";
    }
  | {
      list: ListId;
      type: "in_list";
    }
  | {
      segment: SegmentId;
      type: "in_segment";
    }
  | {
      channel: Channel;
      status: ConsentStatus;
      type: "consent";
    }
  | {
      /**
       * The date field.
       */
      field: string;
      type: "date";
      when: DateTest;
    }
  | {
      /**
       * The birth-date field.
       */
      field?: string;
      /**
       * Oldest age accepted.
       */
      max?: number | null;
      /**
       * Youngest age accepted.
       */
      min?: number | null;
      type: "age";
    }
  | {
      /**
       * Only events between two dates (inclusive; a `YYYY-MM-DD` end includes that whole
       * day). Combines with `within`: an event must be in both.
       */
      between?: DateRange | null;
      count?: CountTest;
      /**
       * A condition on the event's properties.
       */
      filter?: Condition | null;
      /**
       * The event name.
       */
      name: string;
      type: "event";
      /**
       * Only events in this window before now (ever when absent).
       */
      within?: Duration | null;
    }
  | {
      /**
       * A condition on the event's properties.
       */
      filter?: Condition | null;
      /**
       * The event name.
       */
      name: string;
      type: "event_time";
      when: DateTest;
      which: Occurrence;
    }
  | {
      agg: Aggregation;
      /**
       * A condition on the event's properties.
       */
      filter?: Condition | null;
      /**
       * The event name.
       */
      name: string;
      op: FieldOp;
      /**
       * The numeric property aggregated (not used by `count`).
       */
      property?: string | null;
      type: "aggregate";
      /**
       * The number compared with.
       */
      value: number;
      /**
       * Only events in this window before now (ever when absent).
       */
      within?: Duration | null;
    };
/**
 * A field comparison operator.
 */
export type FieldOp =
  | "eq"
  | "ne"
  | "lt"
  | "lte"
  | "gt"
  | "gte"
  | "in"
  | "contains"
  | "starts_with"
  | "ends_with"
  | "is_set"
  | "is_empty"
  | "between"
  | "matches";
/**
 * A profile field value as it appears in JSON.
 *
 * Values stay JSON-native (`null`, booleans, numbers, strings, arrays of strings); the declared
 * [`FieldType`](crate::model::FieldType) says how a string is read (a date, a date-time, a choice).
 */
export type Value = null | boolean | number | string | Value[];
/**
 * A tag check operator.
 */
export type TagOp = "has_any" | "has_all" | "has_none";
/**
 * Identifies a contact list.
 */
export type ListId = string;
/**
 * Identifies a segment.
 */
export type SegmentId = string;
/**
 * Whether a contact agreed to receive messages on a channel.
 */
export type ConsentStatus = "opted_in" | "opted_out" | "unknown";
/**
 * A test on a date or instant. Absolute dates are `YYYY-MM-DD` (midnight in the contact's time
 * zone) or RFC 3339 instants. Relative tests count back or forward from `now`.
 */
export type DateTest =
  | {
      /**
       * `YYYY-MM-DD` or RFC 3339.
       */
      date: string;
      op: "before";
    }
  | {
      /**
       * `YYYY-MM-DD` or RFC 3339.
       */
      date: string;
      op: "after";
    }
  | {
      /**
       * `YYYY-MM-DD` or RFC 3339.
       */
      from: string;
      op: "between";
      /**
       * `YYYY-MM-DD` or RFC 3339.
       */
      to: string;
    }
  | {
      /**
       * How many units.
       */
      amount: number;
      op: "within_last";
      unit: TimeUnit;
    }
  | {
      /**
       * How many units.
       */
      amount: number;
      op: "more_than_ago";
      unit: TimeUnit;
    }
  | {
      /**
       * How many units.
       */
      amount: number;
      op: "in_next";
      unit: TimeUnit;
    }
  | {
      /**
       * Days ahead, 0 for today only.
       */
      days: number;
      op: "anniversary_within";
    };
/**
 * A count comparison.
 */
export type CountOp = "at_least" | "at_most" | "exactly";
/**
 * First or last occurrence of an event.
 */
export type Occurrence = "first" | "last";
/**
 * How dates written with slashes, dashes or dots are read: `31/12/1980` (`dmy`, the default)
 * or `12/31/1980` (`mdy`). ISO dates (`1980-12-31`) are always read as such.
 */
export type DateOrder = "dmy" | "mdy";
/**
 * The decimal separator of numbers. JSON: `","` or `"."`.
 */
export type Decimal = "," | ".";
/**
 * What to do with a send now: allow it, defer it to an instant, or skip it.
 *
 * JSON: `{"decision": "allow"}`, `{"decision": "defer", "until": "2025-01-01T08:00:00Z"}`,
 * `{"decision": "skip"}`.
 */
export type Decision =
  | {
      decision: "allow";
    }
  | {
      decision: "defer";
      /**
       * When the send may go out.
       */
      until: string;
    }
  | {
      decision: "skip";
    };
/**
 * The character encoding of a CSV file. JSON: `"utf-8"`, `"utf-16le"`, `"utf-16be"`,
 * `"windows-1252"`, `"windows-1250"`, `"windows-1251"`.
 */
export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" | "windows-1250" | "windows-1251";
/**
 * Why the import reads the file in its encoding. JSON: `"forced"`, `"bom"`, `"utf8"`,
 * `"not_utf8"`, `"switched"`.
 */
export type EncodingReason = "forced" | "bom" | "utf8" | "not_utf8" | "switched";
/**
 * Identifies a node (step) inside one flow. Stable across edits and versions.
 */
export type NodeId = string;
/**
 * The JSON form of a list change's or segment delta's `change`: `"entered"` / `"exited"`.
 */
export type ExitedForm = "entered" | "exited";
/**
 * The state of a fidelity card: `zero_points`, `half_target` (at least half of the target but
 * not all of it), `target_reached`.
 */
export type FidelityStatus = "zero_points" | "half_target" | "target_reached";
/**
 * The stable code of a validation finding (each code has one severity).
 */
export type FindingCode =
  | "flow.trigger.none"
  | "flow.start.missing"
  | "flow.node.duplicate_id"
  | "flow.edge.missing_source"
  | "flow.edge.missing_target"
  | "flow.edge.unknown_label"
  | "flow.edge.duplicate_label"
  | "flow.branch.missing"
  | "flow.node.unreachable"
  | "flow.node.dead_end"
  | "flow.cycle.no_wait"
  | "flow.random_split.sum"
  | "flow.branch.duplicate_name"
  | "time.wait.spec"
  | "flow.wait.non_positive"
  | "flow.wait.too_long"
  | "time.zone.unknown"
  | "time.time.malformed"
  | "time.window.ambiguous"
  | "time.recurrence.frequency_out_of_range"
  | "time.recurrence.bad_day"
  | "time.recurrence.no_times"
  | "flow.send.missing_content"
  | "flow.send.channel_unsupported"
  | "flow.merge_field.malformed"
  | "flow.merge_field.unknown"
  | "flow.field.unknown"
  | "flow.question.invalid_pattern"
  | "flow.options.empty"
  | "flow.condition.value"
  | "flow.condition.too_deep"
  | "flow.condition.invalid"
  | "flow.keyword.empty"
  | "flow.field.type_mismatch"
  | "flow.api.timeout_out_of_range"
  | "flow.url.invalid"
  | "flows.id.duplicate"
  | "flows.keyword.duplicate"
  | "flows.keyword.overlap"
  | "flows.launch.cycle"
  | "flows.launch.unknown_flow"
  | "flows.schedule.conflict";
/**
 * Identifies a flow (workflow / automation).
 */
export type FlowId = string;
/**
 * How serious a finding is.
 */
export type Severity = "error" | "warning";
/**
 * One node (step) of a flow: a stable id, an optional label, and what it does.
 *
 * JSON: the node's fields sit beside `id` and `type`:
 */
export type Node = {
  id: NodeId;
  /**
   * Name shown on the canvas.
   */
  label?: string | null;
} & Node1;
export type Node1 =
  | {
      channel: Channel;
      /**
       * Inline content (used when there is no template, or to fill it).
       */
      content?: MessageContent | null;
      /**
       * A send policy for this node only; the stricter of it and the flow's wins.
       */
      policy?: SendPolicy | null;
      /**
       * A template kept by the host application.
       */
      template?: TemplateId | null;
      /**
       * A transactional message: exempt from frequency caps and quiet hours.
       */
      transactional?: boolean;
      type: "send";
    }
  | {
      /**
       * Wait this long.
       */
      duration?: Duration | null;
      type: "wait";
      /**
       * Wait until this moment.
       */
      until?: WaitUntil | null;
    }
  | {
      /**
       * The awaited condition on the contact.
       */
      condition?: Condition | null;
      /**
       * The awaited event.
       */
      event?: EventMatch | null;
      timeout: Duration;
      type: "wait_for";
    }
  | {
      condition: Condition;
      type: "condition";
    }
  | {
      /**
       * Cases in order; the first that matches wins, else the `else` branch.
       */
      cases: SplitCase[];
      type: "split";
    }
  | {
      type: "random_split";
      /**
       * The variants; their percentages sum to 100.
       */
      variants: Variant[];
    }
  | {
      answer: AnswerType;
      channel: Channel;
      /**
       * The question.
       */
      prompt: string;
      /**
       * How many times an invalid answer is asked again before the `invalid` branch.
       */
      retries?: number;
      /**
       * Said after an invalid answer.
       */
      retry_prompt?: string | null;
      /**
       * The profile field that stores the answer.
       */
      save_to?: string | null;
      timeout: Duration;
      type: "question";
    }
  | {
      channel: Channel;
      /**
       * The choices; each `value` is a branch label.
       */
      options: MenuOption[];
      /**
       * The text above the choices.
       */
      prompt: string;
      timeout: Duration;
      type: "menu";
    }
  | {
      /**
       * Body template.
       */
      body?: string | null;
      /**
       * Header templates.
       */
      headers?: {
        [k: string]: string | undefined;
      };
      method: HttpMethod;
      /**
       * Values copied from the JSON response into profile fields.
       */
      response?: ResponseMapping[];
      /**
       * Seconds before the call counts as timed out.
       */
      timeout_seconds?: number;
      type: "api_call";
      /**
       * URL template (merge fields allowed).
       */
      url: string;
    }
  | {
      /**
       * Field key → new value (`null` clears it).
       */
      set: {
        [k: string]: Value | undefined;
      };
      type: "update_fields";
    }
  | {
      /**
       * Tags added.
       */
      add?: string[];
      /**
       * Tags removed.
       */
      remove?: string[];
      type: "tags";
    }
  | {
      /**
       * Lists the contact joins.
       */
      add?: ListId[];
      /**
       * Lists the contact leaves.
       */
      remove?: ListId[];
      type: "lists";
    }
  | {
      flow: FlowId;
      type: "launch_flow";
    }
  | {
      /**
       * A note for the team (merge fields allowed).
       */
      note?: string | null;
      team: TeamId;
      type: "hand_off";
    }
  | {
      /**
       * The goal's name in statistics.
       */
      name: string;
      type: "goal";
    }
  | {
      type: "exit";
    };
/**
 * The kind of an attachment.
 */
export type MediaKind = "image" | "video" | "audio" | "file";
/**
 * A day of the week. JSON: `"mon"` … `"sun"`.
 */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
/**
 * Identifies a message template kept by the host application.
 */
export type TemplateId = string;
/**
 * A moment to wait for. JSON tag: `kind`.
 */
export type WaitUntil =
  | {
      kind: "local_time";
      /**
       * `HH:MM`.
       */
      time: string;
      /**
       * Allowed days; empty means any day.
       */
      weekdays?: Weekday[];
    }
  | {
      /**
       * The date field.
       */
      field: string;
      kind: "date_field";
      /**
       * Days from the date: negative is before.
       */
      offset_days?: number;
      /**
       * `HH:MM`.
       */
      time: string;
      /**
       * Use the next yearly anniversary of the date (birthdays, sign-up anniversaries)
       * rather than the date itself.
       */
      yearly?: boolean;
    };
/**
 * An HTTP method.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/**
 * Identifies a team that conversations can be handed off to.
 */
export type TeamId = string;
/**
 * What happens when a contact qualifies for a flow again. JSON tag: `mode`.
 *
 * The source documents' "overwrite if exists" checkbox is `restart` (checked) or `continue`
 * (unchecked).
 */
export type Reentry =
  | {
      mode: "restart";
    }
  | {
      mode: "continue";
    }
  | {
      mode: "never";
    }
  | {
      cooldown: Duration;
      mode: "after_cooldown";
    };
/**
 * The life-cycle state of a flow.
 */
export type FlowStatus = "draft" | "active" | "paused" | "archived";
/**
 * What makes contacts enter a flow. JSON tag: `type`.
 */
export type Trigger =
  | {
      /**
       * The event name.
       */
      event: string;
      /**
       * A filter on the event's properties.
       */
      filter?: Condition | null;
      type: "event";
    }
  | {
      /**
       * The field key.
       */
      field: string;
      /**
       * Only when the new value equals this.
       */
      to?: Value | null;
      type: "field_changed";
    }
  | {
      /**
       * The date field (`birth_date`).
       */
      field: string;
      /**
       * Days from the anniversary: `-3` is three days before.
       */
      offset_days?: number;
      /**
       * Local time of day, `HH:MM`.
       */
      time: string;
      type: "anniversary";
    }
  | {
      list: ListId;
      on: MembershipChange;
      type: "list";
    }
  | {
      on: MembershipChange;
      segment: SegmentId;
      type: "segment";
    }
  | {
      channel: Channel;
      match: MessageMatch;
      type: "inbound_message";
    }
  | {
      /**
       * Only clicks on this ad (any ad when absent).
       */
      ad?: string | null;
      type: "ad_click";
    }
  | {
      recipients: Recipients;
      type: "manual";
    }
  | {
      /**
       * Who enters at each check (everyone in the entry restriction when absent).
       */
      condition?: Condition | null;
      recurrence: RecurrenceRule;
      type: "schedule";
    }
  | {
      type: "feed";
      /**
       * The feed URL.
       */
      url: string;
    };
/**
 * A contact entered or left a list or a segment: what a list or segment trigger waits for, and
 * what list changes and segment deltas report. JSON: `"entered"`, `"left"` (list changes and
 * segment deltas write `"exited"`, which is read as `"left"` everywhere).
 */
export type MembershipChange = "entered" | "left";
/**
 * What an inbound message must match. JSON tag: `kind`.
 */
export type MessageMatch =
  | {
      /**
       * The keywords.
       */
      keywords: string[];
      kind: "keyword";
      mode?: KeywordMode;
    }
  | {
      kind: "any_text";
    }
  | {
      kind: "any_media";
    }
  | {
      kind: "any";
    };
/**
 * How a message text is compared with a keyword.
 */
export type KeywordMode = "exact" | "contains" | "starts_with";
/**
 * Where the recipients of a manual (outbound) start come from. JSON tag: `kind`.
 */
export type Recipients =
  | {
      kind: "csv";
    }
  | {
      condition: Condition;
      kind: "filter";
    }
  | {
      kind: "api";
    };
/**
 * A recurrence, in its JSON form: the one description of "when, again and again" — the
 * schedule of a flow's automatic send ([`Trigger::Schedule`](crate::flow::Trigger::Schedule))
 * and the rule of the bindings' `Recurrence` class. JSON tag: `kind`. Times are local `HH:MM`.
 *
 * This is the document form; [`Recurring`] is its compiled form (validated, fixed in a zone,
 * optionally inside a send policy), made only by [`RecurrenceRule::compile`] (or
 * [`RecurrenceRule::compile_for`], which resolves the call's zone first). Flow validation
 * reports the same problems, with the same codes and paths, as findings.
 */
export type RecurrenceRule =
  | {
      kind: "every";
      /**
       * Minutes between occurrences, 5 to 1440.
       */
      minutes: number;
    }
  | {
      kind: "weekly";
      /**
       * Local times of day, `HH:MM`.
       */
      times: string[];
      /**
       * The days; empty means every day.
       */
      weekdays?: Weekday[];
    }
  | {
      /**
       * Day of the month, or `-1`.
       */
      day: number;
      kind: "monthly";
      /**
       * Local time of day, `HH:MM`.
       */
      time: string;
    }
  | {
      kind: "monthly_weekday";
      /**
       * Which occurrence of the weekday.
       */
      nth: number;
      /**
       * Local time of day, `HH:MM`.
       */
      time: string;
      weekday: Weekday;
    }
  | {
      /**
       * Day of the month.
       */
      day: number;
      kind: "yearly";
      /**
       * Month, 1–12.
       */
      month: number;
      /**
       * Local time of day, `HH:MM`.
       */
      time: string;
    };
/**
 * A gender filter. Shops write gender in many ways; the filter matches, ignoring case, accents
 * and spaces, the Italian and English spellings listed by [`Gender::spellings`].
 */
export type Gender = "female" | "male";
/**
 * What to do with a row that matches a contact that already exists (by id, e-mail or phone).
 */
export type MergePolicy = "fill_empty" | "overwrite" | "skip";
/**
 * The stable code of a row an import rejects (in the import report and the preview).
 */
export type RejectionCode =
  | "import.row.ragged"
  | "import.row.empty"
  | "import.quote.unterminated"
  | "import.cell.too_large"
  | "import.encoding.invalid"
  | "import.email.invalid"
  | "import.phone.invalid"
  | "import.date.invalid"
  | "import.datetime.invalid"
  | "import.number.invalid"
  | "import.boolean.invalid"
  | "import.choice.invalid"
  | "import.consent.invalid"
  | "import.time_zone.invalid"
  | "import.row.no_identity"
  | "import.field.required"
  | "import.field.invalid";
/**
 * Where a list's contacts come from, with its filters. JSON tag `type`.
 *
 * | type | filters |
 * |---|---|
 * | `coupon` | `dates`, `gender`, `age`, `used` (true: redeemed, false: not redeemed) |
 * | `fidelity` | `dates`, `gender`, `age`, `status` |
 * | `walk_in` | `dates`, `gender`, `age` |
 * | `form` | `dates`, `form` (one form only) |
 * | `newsletter` | `dates` |
 * | `push` | `dates` (the period), `device` |
 * | `tag` | `tag` |
 * | `empty` | — (filled by hand) |
 * | `csv_import` | `file` (what was imported; filled by the importer) |
 *
 * Every source compiles to a [`Condition`] ([`Source::to_condition`]): one evaluation path.
 */
export type Source =
  | {
      /**
       * Only this age band.
       */
      age?: AgeBand | null;
      /**
       * Only downloads between these dates.
       */
      dates?: DateRange | null;
      /**
       * Only this gender.
       */
      gender?: Gender | null;
      type: "coupon";
      /**
       * Only those who used (true) or did not use (false) a coupon.
       */
      used?: boolean | null;
    }
  | {
      /**
       * Only this age band.
       */
      age?: AgeBand | null;
      /**
       * Only those who joined between these dates.
       */
      dates?: DateRange | null;
      /**
       * Only this gender.
       */
      gender?: Gender | null;
      /**
       * Only cards in this state.
       */
      status?: FidelityStatus | null;
      type: "fidelity";
    }
  | {
      /**
       * Only this age band.
       */
      age?: AgeBand | null;
      /**
       * Only visits between these dates.
       */
      dates?: DateRange | null;
      /**
       * Only this gender.
       */
      gender?: Gender | null;
      type: "walk_in";
    }
  | {
      /**
       * Only submissions between these dates.
       */
      dates?: DateRange | null;
      /**
       * Only this form.
       */
      form?: string | null;
      type: "form";
    }
  | {
      /**
       * Only sign-ups between these dates.
       */
      dates?: DateRange | null;
      type: "newsletter";
    }
  | {
      /**
       * Only subscriptions in this period.
       */
      dates?: DateRange | null;
      /**
       * Only subscriptions from this kind of device.
       */
      device?: DeviceType | null;
      type: "push";
    }
  | {
      /**
       * The tag.
       */
      tag: string;
      type: "tag";
    }
  | {
      type: "empty";
    }
  | {
      /**
       * The imported file's name, for people.
       */
      file?: string | null;
      type: "csv_import";
    };
/**
 * Which link of the fallback chain gave a contact's time zone.
 */
export type ZoneSource = "contact" | "country" | "phone" | "flow" | "account" | "default";

/**
 * The JSON form of every sequenza model type the bindings take or return, one `$defs` entry per type. Generated from the Rust types by `make schema`; do not edit.
 */
/**
 * An activity of a contact at an instant. JSON:
 * `{"contact": "anna", "at": "2026-11-25T09:00:00Z", "activity": {"type": "walk_in"}}`.
 */
export interface ActivityRecord {
  activity: Activity;
  /**
   * When it happened.
   */
  at: string;
  contact: ContactId;
}
/**
 * An age band in whole years, both ends inclusive and optional: `{"min": 18, "max": 34}`.
 */
export interface AgeBand {
  /**
   * Oldest age accepted.
   */
  max?: number | null;
  /**
   * Youngest age accepted.
   */
  min?: number | null;
}
/**
 * The caps that apply to every contact, and what happens to a capped send (defer to when the
 * cap frees — the default — or skip). JSON: `{"caps": [...], "when_capped": "defer"}`.
 */
export interface CapPolicy {
  /**
   * The caps; all must hold.
   */
  caps?: FrequencyCap[];
  when_capped?: OutsideWindow;
}
/**
 * One cap: at most `max` messages on `channel` (all channels together when absent) within any
 * rolling window of length `per`. JSON: `{"channel": "email", "max": 2, "per": {"amount": 1,
 * "unit": "days"}}`.
 *
 * The window is elapsed time: a day is 24 hours, a week 7 × 24 hours, a month 30 days.
 */
export interface FrequencyCap {
  /**
   * The channel counted; every channel together when absent.
   */
  channel?: Channel | null;
  /**
   * The most messages allowed in the window (at least 1).
   */
  max: number;
  per: Duration;
}
/**
 * A length of time: an amount of a calendar unit. JSON: `{"amount": 3, "unit": "days"}`.
 *
 * The amount is signed so that validation, not parsing, reports a non-positive wait with its
 * location.
 */
export interface Duration {
  /**
   * How many units.
   */
  amount: number;
  unit: TimeUnit;
}
/**
 * One column of the file and where it goes.
 */
export interface ColumnMapping {
  /**
   * True when the target comes from the options, false when it was suggested.
   */
  explicit: boolean;
  /**
   * The declared type of the target field, when the target is a declared field.
   */
  field_type?: FieldType | null;
  /**
   * 0-based column index.
   */
  index: number;
  /**
   * The header name (`column_1` … without a header row).
   */
  name: string;
  /**
   * Where the column goes; `None` is "do not use".
   */
  target?: string | null;
}
/**
 * A range of dates or instants: `{"from": "2026-01-01", "to": "2026-03-31"}`. A `YYYY-MM-DD`
 * bound is midnight of that day in the contact's time zone, and a `YYYY-MM-DD` `to` includes
 * the whole day; RFC 3339 bounds are those instants (both inclusive).
 */
export interface DateRange {
  /**
   * First date or instant (`YYYY-MM-DD` or RFC 3339).
   */
  from: string;
  /**
   * Last date or instant (`YYYY-MM-DD` or RFC 3339).
   */
  to: string;
}
/**
 * How many times an event must have happened.
 */
export interface CountTest {
  /**
   * The number of times.
   */
  n: number;
  op: CountOp;
}
/**
 * Consent on one channel, with when and how it was given or withdrawn.
 */
export interface Consent {
  /**
   * When the status was recorded.
   */
  at?: string | null;
  /**
   * Where it came from (a form, an import, an inbound message …).
   */
  source?: string | null;
  status: ConsentStatus;
}
/**
 * A contact: profile fields, tags, list memberships, consent per channel, time zone and locale.
 */
export interface Contact {
  /**
   * Consent per channel; a missing channel means [`ConsentStatus::Unknown`].
   */
  consent?: {
    [k: string]: Consent | undefined;
  };
  /**
   * When the contact was created.
   */
  created_at?: string | null;
  /**
   * E-mail address, if known.
   */
  email?: string | null;
  /**
   * Profile field values by field key.
   */
  fields?: {
    [k: string]: Value | undefined;
  };
  id: ContactId;
  /**
   * The lists the contact belongs to.
   */
  lists?: ListId[];
  /**
   * Locale (`it-IT`), if known.
   */
  locale?: string | null;
  /**
   * Phone number in E.164 form (`+393331234567`), if known.
   */
  phone?: string | null;
  /**
   * Tags.
   */
  tags?: string[];
  /**
   * IANA time zone (`Europe/Rome`), if known.
   */
  time_zone?: string | null;
  /**
   * When the contact was last changed.
   */
  updated_at?: string | null;
}
/**
 * The settings an import runs with: what was given, and what was sniffed for the rest.
 */
export interface Detected {
  /**
   * Whether the file starts with a byte-order mark.
   */
  bom: boolean;
  date_order: DateOrder;
  decimal: Decimal;
  /**
   * The delimiter.
   */
  delimiter: string;
  encoding: Encoding;
  encoding_reason: EncodingReason;
  /**
   * The byte offset of the first byte that is not UTF-8, when the import switched to an 8-bit
   * encoding past the sniffed prefix ([`EncodingReason::Switched`]).
   */
  encoding_switched_at?: number | null;
  /**
   * Whether the first row is a header.
   */
  header: boolean;
  /**
   * The quote character.
   */
  quote: string;
}
/**
 * A row not written because it repeats an earlier row of the file, or (with the `skip`
 * policy) matches an existing contact.
 */
export interface Duplicate {
  contact: ContactId;
  /**
   * The earlier row of the file it repeats; `None` when it matches an existing contact.
   */
  of_row?: number | null;
  /**
   * The row.
   */
  row: number;
}
/**
 * A labelled edge from one node to another. The label names the branch it leaves by
 * (`next`, `yes`, `no`, `timeout`, a case name …); it defaults to `next`.
 */
export interface Edge {
  from: NodeId;
  /**
   * Branch label.
   */
  label?: string;
  to: NodeId;
}
/**
 * Who may enter: contacts in any of `lists` (when given) and matching `condition` (when given).
 */
export interface EntryRestriction {
  /**
   * The contact must match this condition.
   */
  condition?: Condition | null;
  /**
   * The contact must be in at least one of these lists.
   */
  lists?: ListId[];
}
/**
 * An event: a contact reference, a name, a timestamp and free-form properties.
 *
 * Message engagement (delivered, opened, clicked, bounced, unsubscribed) is recorded as events too.
 */
export interface Event {
  /**
   * When it happened.
   */
  at: string;
  contact: ContactId;
  /**
   * Event name (`signup`, `order.placed`, `cart.abandoned`, `email.opened` …).
   */
  name: string;
  /**
   * Free-form properties.
   */
  properties?: {
    [k: string]: unknown | undefined;
  };
}
/**
 * An event name with an optional filter on its properties.
 */
export interface EventMatch {
  /**
   * A condition whose fields name event properties.
   */
  filter?: Condition | null;
  /**
   * The event name.
   */
  name: string;
}
/**
 * One declared profile field.
 */
export interface FieldDef {
  /**
   * The allowed values of a `choice` field.
   */
  choices?: string[];
  /**
   * The value a contact gets when none is given.
   */
  default?: Value | null;
  /**
   * Machine name, used in conditions and merge fields (`first_name`).
   */
  key: string;
  /**
   * Name shown to people (`Nome`).
   */
  label?: string | null;
  /**
   * Whether every contact must have a value.
   */
  required?: boolean;
  type: FieldType;
}
/**
 * The set of declared profile fields of an account.
 */
export interface FieldSchema {
  /**
   * The declared fields.
   */
  fields?: FieldDef[];
}
/**
 * One validation finding.
 *
 * JSON: `{"code", "severity", "flow", "node", "path", "message"}`; `node` is `null` when the
 * finding is about the flow as a whole.
 */
export interface Finding {
  code: FindingCode;
  flow: FlowId;
  /**
   * What is wrong, in words a marketer understands.
   */
  message: string;
  /**
   * The node the finding is about, if any.
   */
  node?: NodeId | null;
  /**
   * JSON pointer (RFC 6901) into the flow document.
   */
  path: string;
  severity: Severity;
}
/**
 * A flow: who enters (triggers, entry restriction), what happens (nodes joined by labelled
 * edges, starting at `start`), and how (settings).
 */
export interface Flow {
  /**
   * What the flow is for.
   */
  description?: string;
  /**
   * Labelled edges between nodes.
   */
  edges?: Edge[];
  id: FlowId;
  /**
   * Name shown to people.
   */
  name: string;
  /**
   * The nodes.
   */
  nodes: Node[];
  settings?: FlowSettings;
  start: NodeId;
  status?: FlowStatus;
  /**
   * What makes contacts enter.
   */
  triggers: Trigger[];
  /**
   * Version number, raised on every published change.
   */
  version?: number;
}
/**
 * Inline message content. Text may hold merge fields: `{{ first_name | "amico" }}` (the quoted
 * part is the fallback used when the field is empty).
 */
export interface MessageContent {
  /**
   * Plain-text body (SMS, WhatsApp, push, e-mail text part).
   */
  body?: string | null;
  /**
   * HTML body (e-mail).
   */
  html?: string | null;
  /**
   * Images, video, audio or files.
   */
  media?: Media[];
  /**
   * E-mail subject.
   */
  subject?: string | null;
  /**
   * Push notification title.
   */
  title?: string | null;
  /**
   * Link opened by a push notification or a button.
   */
  url?: string | null;
}
/**
 * An attachment.
 */
export interface Media {
  /**
   * File name shown to the recipient.
   */
  filename?: string | null;
  kind: MediaKind;
  /**
   * Where it is.
   */
  url: string;
}
/**
 * When sends may go out: quiet hours, allowed weekdays and hours, the time zone used.
 *
 * Times are local `HH:MM`; a window may cross midnight (`22:00`–`08:00`).
 */
export interface SendPolicy {
  /**
   * The zone used when neither the contact nor `time_zone` gives one.
   */
  fallback_time_zone?: string | null;
  /**
   * Allowed hours; empty means all day.
   */
  hours?: TimeWindow[];
  outside_window?: OutsideWindow;
  /**
   * Do-not-disturb windows.
   */
  quiet_hours?: TimeWindow[];
  /**
   * The zone used when the contact has none (IANA name).
   */
  time_zone?: string | null;
  /**
   * Allowed weekdays; empty means every day.
   */
  weekdays?: Weekday[];
}
/**
 * A local time window, `start` inclusive, `end` exclusive; `end < start` crosses midnight.
 */
export interface TimeWindow {
  /**
   * Local end, `HH:MM`.
   */
  end: string;
  /**
   * Local start, `HH:MM`.
   */
  start: string;
}
/**
 * One case of a split.
 */
export interface SplitCase {
  condition: Condition;
  /**
   * Branch label.
   */
  name: string;
}
/**
 * One variant of a random split.
 */
export interface Variant {
  /**
   * Branch label (`A`, `B`, `holdout`).
   */
  name: string;
  /**
   * Share of contacts, in percent.
   */
  percent: number;
}
/**
 * One choice of a menu.
 */
export interface MenuOption {
  /**
   * Text shown.
   */
  label: string;
  /**
   * Branch label and the reply that selects it.
   */
  value: string;
}
/**
 * Copies one value of an API response into a profile field.
 */
export interface ResponseMapping {
  /**
   * The profile field written.
   */
  field: string;
  /**
   * JSON pointer into the response (`/customer/tier`).
   */
  path: string;
}
/**
 * Flow-wide settings. Every part is optional in JSON.
 */
export interface FlowSettings {
  entry?: EntryRestriction;
  /**
   * Contacts meeting this condition leave the flow at once.
   */
  exit_condition?: Condition | null;
  /**
   * The flow's goal: contacts meeting it count as converted (and leave, if `exit`).
   */
  goal?: FlowGoal | null;
  /**
   * How late a send may go out after the flow was paused: a send that fell due longer ago
   * than this when the flow resumes is skipped with reason `stale` (no limit when absent).
   */
  max_lateness?: Duration | null;
  reentry?: Reentry;
  send_policy?: SendPolicy;
  webhooks?: Webhooks;
}
/**
 * A flow goal (conversion).
 */
export interface FlowGoal {
  condition: Condition;
  /**
   * Whether contacts leave the flow when they meet the goal.
   */
  exit?: boolean;
  /**
   * Name shown in statistics.
   */
  name: string;
}
/**
 * Webhooks on enter and on complete.
 */
export interface Webhooks {
  /**
   * Called when a contact completes the flow.
   */
  on_complete?: Webhook | null;
  /**
   * Called when a contact enters the flow.
   */
  on_enter?: Webhook | null;
}
/**
 * An HTTP callback.
 */
export interface Webhook {
  /**
   * Extra headers.
   */
  headers?: {
    [k: string]: string | undefined;
  };
  method?: HttpMethod;
  /**
   * The URL (`https://…`).
   */
  url: string;
}
/**
 * The import settings. Every setting left out (`None`) is sniffed from the file; the JSON form
 * is the same in every binding.
 */
export interface ImportOptions {
  /**
   * Whether rows with no e-mail, phone or id are imported. Off (the default), such a row is
   * rejected with `import.row.no_identity`; on, it becomes a contact whose id (`anon-…`) is a
   * hash of the row's mapped values, so that importing the same file again adds nobody.
   */
  anonymous?: boolean;
  date_order?: DateOrder;
  /**
   * The decimal separator; when `None`, `,` for `;`-separated files and `.` otherwise.
   */
  decimal?: Decimal | null;
  /**
   * ISO 3166 region used for phone numbers written without a country code (`"IT"`).
   */
  default_region?: string;
  /**
   * The delimiter (`,` `;` tab `|` or another ASCII character); sniffed when `None`.
   */
  delimiter?: string | null;
  /**
   * The encoding; sniffed when `None`.
   */
  encoding?: Encoding | null;
  /**
   * Whether the first row is a header; sniffed when `None`. Without a header, columns are
   * named `column_1`, `column_2` …
   */
  header?: boolean | null;
  /**
   * Column name → target (`"email"`, `"phone"`, `"id"`, `"tags"`, `"consent"`,
   * `"consent.sms"`, a field key …) or `null` for "do not use". Overrides the suggestion for
   * the columns it names; the others keep the suggested mapping.
   */
  mapping?: {
    [k: string]: string | null | undefined;
  };
  /**
   * The largest row accepted, in bytes; a longer row is rejected with
   * `import.cell.too_large` (memory stays bounded).
   */
  max_row_bytes?: number;
  policy?: MergePolicy;
  /**
   * How many rows a preview shows.
   */
  preview_rows?: number;
  /**
   * The quote character (ASCII); sniffed when `None` (`"` unless the file uses `'`).
   */
  quote?: string | null;
  /**
   * Tags added to every imported or updated contact.
   */
  tags?: string[];
  /**
   * The IANA time zone of date-times written without an offset (`25/11/2026 18:51`). `None`
   * is UTC, except that an import into an audience
   * ([`import_csv_into_audience`](super::import_csv_into_audience)) uses the audience's default
   * time zone. Wall times in a daylight-saving gap or overlap follow
   * [`local_to_utc`](crate::time::local_to_utc). An unknown zone is `import.option.invalid`.
   */
  time_zone?: string | null;
}
/**
 * The outcome of an import: every data row is counted exactly once in `imported`, `updated`,
 * `duplicates` or `rejected`.
 */
export interface ImportReport {
  /**
   * Bytes read from the file.
   */
  bytes: number;
  /**
   * The mapping used.
   */
  columns: ColumnMapping[];
  detected: Detected;
  /**
   * Every duplicate row.
   */
  duplicate_rows: Duplicate[];
  /**
   * Rows not written because they repeat another row or an existing contact.
   */
  duplicates: number;
  /**
   * New contacts written.
   */
  imported: number;
  /**
   * Rows rejected.
   */
  rejected: number;
  /**
   * Every problem of every rejected row.
   */
  rejections: Rejection[];
  /**
   * Data rows read (the header not included).
   */
  rows: number;
  /**
   * Existing contacts updated.
   */
  updated: number;
}
/**
 * One problem in one row. A row with any problem is rejected whole: nothing of it is written.
 */
export interface Rejection {
  code: RejectionCode;
  /**
   * 0-based column index; `None` for a problem of the whole row.
   */
  column?: number | null;
  /**
   * The column's header name.
   */
  column_name?: string | null;
  /**
   * What is wrong, for a person.
   */
  message: string;
  /**
   * 1-based record number in the file, the header being row 1 (the row a spreadsheet shows
   * when no cell spans lines).
   */
  row: number;
  /**
   * The raw cell (or row) as read, cut to 200 characters.
   */
  value: string;
}
/**
 * A contact list. JSON:
 * `{"id": "vip", "name": "VIP", "source": {"type": "tag", "tag": "vip"}, "auto_update": true,
 * "remove_exits": true}`.
 */
export interface List {
  /**
   * Keep the list current: contacts who start matching the source enter at once.
   */
  auto_update?: boolean;
  id: ListId;
  /**
   * The name shown to people.
   */
  name: string;
  /**
   * With `auto_update`, also take out contacts who stop matching the source.
   */
  remove_exits?: boolean;
  source: Source;
}
/**
 * A contact entered or left a list. JSON:
 * `{"list": "vip", "contact": "anna", "change": "entered", "at": "2026-11-25T09:00:00Z"}`.
 */
export interface ListChange {
  /**
   * When.
   */
  at: string;
  change: ExitedForm;
  contact: ContactId;
  list: ListId;
}
/**
 * The outcome of [`import_csv_into_audience`]: the import report, the list made of the file's
 * contacts and the list changes the import caused. JSON: the report's keys plus `list_id` and
 * `changes`.
 */
export interface ListImport {
  /**
   * Bytes read from the file.
   */
  bytes: number;
  /**
   * The changes of other lists (auto-updating ones, and those reading list membership) that
   * the imported contacts caused. The new list's own filling is not a change.
   */
  changes: ListChange[];
  /**
   * The mapping used.
   */
  columns: ColumnMapping[];
  detected: Detected;
  /**
   * Every duplicate row.
   */
  duplicate_rows: Duplicate[];
  /**
   * Rows not written because they repeat another row or an existing contact.
   */
  duplicates: number;
  /**
   * New contacts written.
   */
  imported: number;
  list_id: ListId;
  /**
   * Rows rejected.
   */
  rejected: number;
  /**
   * Every problem of every rejected row.
   */
  rejections: Rejection[];
  /**
   * Data rows read (the header not included).
   */
  rows: number;
  /**
   * Existing contacts updated.
   */
  updated: number;
}
/**
 * One page of a list's members, in contact id order.
 */
export interface MemberPage {
  /**
   * The contacts of the page.
   */
  contacts: Contact[];
  /**
   * The position of the first contact of the page.
   */
  offset: number;
  /**
   * How many members the list has.
   */
  total: number;
}
/**
 * A change of membership. JSON:
 * `{"contact": "anna", "segment": "vip", "change": "entered", "at": "2026-11-25T09:00:00Z"}`.
 */
export interface MembershipDelta {
  /**
   * The instant of the evaluation that saw the change.
   */
  at: string;
  change: ExitedForm;
  contact: ContactId;
  segment: SegmentId;
}
/**
 * What an import that stopped part-way had done (the `report` of its [`ImportError`]). JSON:
 * the report's keys plus `list_id` (the import's list in the audience; `null` without one)
 * and `changes`.
 */
export interface PartialImport {
  /**
   * Bytes read from the file.
   */
  bytes: number;
  /**
   * The list changes the written contacts caused.
   */
  changes: ListChange[];
  /**
   * The mapping used.
   */
  columns: ColumnMapping[];
  detected: Detected;
  /**
   * Every duplicate row.
   */
  duplicate_rows: Duplicate[];
  /**
   * Rows not written because they repeat another row or an existing contact.
   */
  duplicates: number;
  /**
   * New contacts written.
   */
  imported: number;
  /**
   * The list holding every contact written (into an audience only).
   */
  list_id?: ListId | null;
  /**
   * Rows rejected.
   */
  rejected: number;
  /**
   * Every problem of every rejected row.
   */
  rejections: Rejection[];
  /**
   * Data rows read (the header not included).
   */
  rows: number;
  /**
   * Existing contacts updated.
   */
  updated: number;
}
/**
 * What an import would do, before anything is written: the detected settings, the suggested
 * mapping and the first rows with their problems.
 */
export interface Preview {
  /**
   * Every column with its suggested (or given) target.
   */
  columns: ColumnMapping[];
  detected: Detected;
  /**
   * The first rows.
   */
  rows: PreviewRow[];
}
/**
 * One row as it would be imported.
 */
export interface PreviewRow {
  /**
   * The cells, one per column.
   */
  cells: PreviewCell[];
  /**
   * Every problem of the row; the row would be rejected when there is any.
   */
  rejections: Rejection[];
  /**
   * 1-based record number (the header is row 1).
   */
  row: number;
}
/**
 * One cell of a preview row.
 */
export interface PreviewCell {
  /**
   * The problem code, when the cell is invalid (serialized as its string).
   */
  code?: RejectionCode | null;
  /**
   * The cell as read (trimmed).
   */
  raw: string;
  /**
   * The value it would be imported as; `None` when empty, unused or invalid.
   */
  value?: Value | null;
}
/**
 * Progress of a running import, passed to the progress callback.
 */
export interface Progress {
  /**
   * Raw bytes read from the file so far.
   */
  bytes_read: number;
  /**
   * Data rows processed so far.
   */
  rows: number;
}
/**
 * A segment: contacts matching a condition. JSON:
 * `{"id": "lapsed", "name": "Lapsed buyers", "condition": {…}}`.
 */
export interface Segment {
  condition: Condition;
  id: SegmentId;
  /**
   * The name shown to people.
   */
  name: string;
}
/**
 * A flow whose list trigger a list change fires. JSON:
 * `{"flow": "welcome", "list": "vip", "contact": "anna", "change": "entered", "at": "…"}`.
 */
export interface TriggerHit {
  /**
   * When.
   */
  at: string;
  change: ExitedForm;
  contact: ContactId;
  flow: FlowId;
  list: ListId;
}
/**
 * Wait a duration, or until a moment. Exactly one of `duration` and `until`.
 */
export interface WaitNode {
  /**
   * Wait this long.
   */
  duration?: Duration | null;
  /**
   * Wait until this moment.
   */
  until?: WaitUntil | null;
}

/** `snake_case` → `camelCase`, the rule of the core's `sequenza::text::camel_case`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
/** A JSON type with every object key camelCased, as `sequenza::text::camel_case_keys` does. */
export type CamelCaseKeys<T> = T extends readonly (infer Item)[]
  ? CamelCaseKeys<Item>[]
  : T extends object
    ? { [K in keyof T as K extends string ? CamelCase<K> : K]: CamelCaseKeys<T[K]> }
    : T;
