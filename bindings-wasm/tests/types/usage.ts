// Type-checked by `make test-types` (tsc --noEmit --strict): calls every exported function and
// class of the WebAssembly package (the nodejs build with CSV import, pkg-full/; pkg/ and
// pkg-web/ have the same types without the import, pkg-web-full/ the same ones) with the model
// types generated from the core (core/schema/model.d.ts, shipped as model.d.ts in each build).
// A binding signature or a model type that drifts from the core makes this file fail to compile.
import {
  Audience,
  ContactTable,
  exportCsv,
  findingCodes,
  Flow,
  flowSchema,
  FrequencyCaps,
  importCsv,
  jsonlogicApply,
  listTriggerHits,
  localToUtc,
  planSend,
  previewCsv,
  Recurrence,
  resolveTimeZone,
  Segment,
  SegmentIndex,
  SendPolicy,
  sourceCondition,
  validateFlow,
  validateFlows,
  waitEnd,
} from '../../pkg-full/sequenza_wasm.js'
import {
  CsvImportError,
  ListError,
  SequenzaError,
} from '../../pkg-full/sequenza_wasm.js'
import type {
  Activity,
  ActivityRecord,
  CapPolicy,
  Condition,
  Contact,
  CsvPreview,
  Decision,
  Event,
  FieldSchema,
  Finding,
  FindingCodeInfo,
  FlowStatus,
  ImportReport,
  List,
  ListChange,
  MemberPage,
  MembershipDelta,
  RecurrenceRule,
  ResolvedZone,
  SegmentObject as SegmentDocument,
  SendPolicyJson as SendPolicyDocument,
  Source,
  TriggerHit,
  WaitNode,
} from '../../pkg-full/sequenza_wasm.js'

const now = '2026-11-25T12:00:00Z'

// ---- model documents, written against the generated types ------------------------------------
const fields: FieldSchema = { fields: [{ key: 'city', type: 'text' }, { key: 'birthday', type: 'date' }] }
const contact: Contact = {
  id: 'c1',
  email: 'anna@example.com',
  fields: { city: 'Milano', score: 3 },
  tags: ['vip'],
  consent: { sms: { status: 'opted_out' } },
  time_zone: 'Europe/Rome',
}
const event: Event = { contact: 'c1', name: 'purchase', at: now, properties: { total: 30 } }
const condition: Condition = {
  type: 'or',
  conditions: [
    { type: 'field', field: 'city', op: 'in', value: ['Milano', 'Roma'] },
    { type: 'event', name: 'purchase', between: { from: '2026-01-01', to: '2026-06-30' } },
    { type: 'event_time', name: 'purchase', which: 'last', when: { op: 'within_last', amount: 3, unit: 'months' } },
    { type: 'consent', channel: 'sms', status: 'opted_in' },
    { type: 'age', min: 18 },
  ],
}
const segmentDocument: SegmentDocument = { id: 'vip', name: 'VIP', condition }
const policyDocument: SendPolicyDocument = { hours: [{ start: '09:00', end: '20:00' }], outside_window: 'skip' }
const caps: CapPolicy = { caps: [{ max: 2, per: { amount: 1, unit: 'days' } }] }
const rule: RecurrenceRule = { kind: 'monthly_weekday', nth: -1, weekday: 'fri', time: '18:00' }
const wait: WaitNode = { until: { kind: 'local_time', time: '09:00', weekdays: ['mon'] } }
const source: Source = { type: 'push', device: 'mobile' }
const list: List = { id: 'push', name: 'Push', source, auto_update: true, remove_exits: true }
const activity: Activity = { type: 'web_push_subscribed', device: 'mobile' }
const record: ActivityRecord = { contact: 'c1', at: now, activity }

// ---- flows -----------------------------------------------------------------------------------
const flow: Flow = Flow.fromJson({ id: 'f', name: 'F', triggers: [], start: 'x', nodes: [{ id: 'x', type: 'exit' }] })
const status: FlowStatus = flow.status
const text: string = flow.id + flow.name + flow.version + flow.toJson(true) + flow.outline()
const objects: [object, object] = [flow.toObject(), flow.toJSON()]
const findings: Finding[] = validateFlow(flow, fields)
const node: string | null | undefined = findings[0]?.node
const more: Finding[] = validateFlows([flow, '{}'])
const codes: FindingCodeInfo[] = findingCodes()
const schema: string = flowSchema()

// ---- conditions and segments -------------------------------------------------------------------
const segment: Segment = Segment.fromJson(segmentDocument)
const parsed: Segment = Segment.parse('city = "Milano"', 'milano', 'Milano')
const fromLogic: Segment = Segment.fromJsonlogic({ '==': [{ var: 'city' }, 'Milano'] }, 'logic')
segment.check(fields)
const back: Condition = segment.toObject()
const json: SegmentDocument | Condition = segment.toJSON()
const words: string = segment.toText() + segment.toString() + segment.toJson() + (segment.id ?? '') + (segment.name ?? '')
const matches: boolean = segment.matches(contact, { now, events: [event], defaultTimeZone: 'UTC', fields })
const ids: string[] = segment.filter([contact], { now: new Date(now), segments: { other: ['c1'] } })
const count: number = segment.count([contact], { now })
const logic = jsonlogicApply({ '>': [{ var: 'n' }, 1] }, { n: 2 })

const table = new ContactTable([contact, JSON.stringify(contact)], { events: [event], fields })
const tableIds: string[] = [...table.filter(segment, { now, defaultTimeZone: 'UTC' }), ...table.ids()]
const tableCount: number = table.count(parsed, { now }) + table.length

const index = new SegmentIndex({ fields, defaultTimeZone: 'Europe/Rome' })
const deltas: MembershipDelta[] = [
  ...index.register(segment, now),
  ...index.registerAll([parsed, segmentDocument, 'city = "Roma"'], now),
  ...index.upsertContact(contact, now),
  ...index.addEvent(event, now),
  ...index.tick(now),
]
const change: 'entered' | 'exited' = deltas[0].change
const state: [string | null, string[], string[], boolean, number] = [
  index.nextWakeup(),
  index.members('vip'),
  index.segmentsOf('c1'),
  index.isMember('vip', 'c1'),
  index.contactCount,
]

// ---- time --------------------------------------------------------------------------------------
const policy = new SendPolicy({ quietHours: [['22:00', '08:00'], { start: '13:00', end: '14:00' }], timeZone: 'Europe/Rome' })
const combined: SendPolicy = SendPolicy.combine([policy, policyDocument, JSON.stringify(policyDocument)], 'UTC')
const stricter: SendPolicy = SendPolicy.fromJson(policyDocument, 'Europe/Rome').stricter(policy)
const decision: Decision = policy.decide(now)
const until: string | undefined = decision.decision === 'defer' ? decision.until : undefined
const allowed: boolean = policy.isAllowed(new Date())
const next: string = policy.nextAllowed(now) + policy.timeZone
const policyBack: SendPolicyDocument = combined.toObject() ?? stricter.toJSON()

const recurrence = new Recurrence(rule, { timeZone: 'Europe/Rome', policy: policyDocument })
const fromJson: Recurrence = Recurrence.fromJson(JSON.stringify(rule))
const fromRrule: Recurrence = Recurrence.fromRrule('FREQ=DAILY;BYHOUR=9;BYMINUTE=0', { policy })
const occurrences: string[] = recurrence.between(now, '2026-12-25T00:00:00Z')
const ruleBack: RecurrenceRule = fromRrule.toObject() ?? fromJson.toJSON()
const rrule: string = recurrence.toRrule() + recurrence.nextAfter(now) + recurrence.atOrAfter(now) + recurrence.timeZone

const frequencyCaps = new FrequencyCaps({ caps: caps.caps, whenCapped: 'skip' })
const capped: Decision = FrequencyCaps.fromJson(caps).decide([[now, 'sms', true], { at: now, channel: 'email' }], 'sms', now)
const frees: string = frequencyCaps.freesAt(undefined, 'email', now)
const capsBack: CapPolicy = frequencyCaps.toObject() ?? frequencyCaps.toJSON()

const planned: Decision = planSend(now, 'whatsapp', { policy, caps: frequencyCaps, history: [] })
const waited: string = waitEnd(wait, now, { timeZone: 'Europe/Rome' })
const utc: string = localToUtc('2026-03-29T02:30', 'Europe/Rome')
const zone: ResolvedZone = resolveTimeZone(contact, { flowZone: 'Europe/Rome' })

// ---- lists -------------------------------------------------------------------------------------
const audience = new Audience({ defaultTimeZone: 'Europe/Rome', fields })
const created: number = audience.createList(list, now)
const changes: ListChange[] = [
  ...audience.upsertContact(contact, now),
  ...audience.addToList('push', 'c1', now),
  ...audience.removeFromList('push', 'c1', now),
  ...audience.record('c1', activity, now, now),
  ...audience.recordActivity(record, now),
  ...audience.recordEvent(event, now),
  ...audience.tick(now),
  ...audience.removeContact('c2', now),
]
audience.renameList('push', 'Web push')
const page: MemberPage = audience.members('push', { offset: 0, limit: 10 })
const lists: List[] = audience.lists()
const one: List | null = audience.list('push')
const member: [string[], number | null, boolean, object | null, object[], number, string | null] = [
  audience.memberIds('push'),
  audience.memberCount('push'),
  audience.isMember('push', 'c1'),
  audience.contact('c1'),
  audience.events('c1'),
  audience.contactCount,
  audience.nextWakeup(),
]
audience.deleteList('push', now)
const hits: TriggerHit[] = listTriggerHits(changes, [flow])
const sourceAsCondition: object = sourceCondition(source)

// ---- CSV import --------------------------------------------------------------------------------
const csv = Uint8Array.from('Email;Telefono\nanna@example.com;3331234567\n', (ch) => ch.charCodeAt(0))
const preview: CsvPreview = previewCsv(csv, { delimiter: ';', mapping: { Telefono: 'phone' } })
const report: ImportReport = importCsv(csv, {
  now,
  audience,
  fileName: 'clienti.csv',
  onProgress: (progress) => progress.bytesRead + progress.rows,
})
const rejectedRows: number = report.rejected
const firstRejection: string | undefined = report.rejections[0]?.columnName ?? undefined
const listId: string | undefined = 'listId' in report ? report.listId : undefined
const exported: string | Uint8Array = exportCsv(audience, { list: 'push', as: 'bytes' })
const everyone: string | Uint8Array = exportCsv(audience)
let stoppedAt: number | undefined
let errorCode: string | undefined
try {
  importCsv(csv, { now, onProgress: () => { throw new Error('stop') } })
} catch (e) {
  if (e instanceof CsvImportError) stoppedAt = e.report?.rows
  if (e instanceof ListError || e instanceof SequenzaError) errorCode = e.code
}

export const used = [
  status, text, objects, node, more, codes, schema, fromLogic, back, json, words, matches, ids,
  count, logic, tableIds, tableCount, change, state, until, allowed, next, policyBack, occurrences,
  ruleBack, rrule, capped, frees, capsBack, planned, waited, utc, zone, created, page, lists, one,
  member, hits, sourceAsCondition, preview.detected.dateOrder, rejectedRows, firstRejection, listId,
  exported, everyone, stoppedAt, errorCode,
]
