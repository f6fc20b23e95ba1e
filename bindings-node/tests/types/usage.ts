// Type-checked by `make test-types` (tsc --noEmit --strict): calls every exported function and
// class of the Node package with the model types generated from the core (core/schema/model.d.ts).
// A binding signature or a model type that drifts from the core makes this file fail to compile.
import {
  Audience,
  CsvImportError,
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
} from '../../index.js'
import type {
  Activity,
  ActivityRecord,
  CapPolicy,
  Condition,
  Contact,
  CsvPreview,
  Event,
  FieldSchema,
  Finding,
  FindingCodeInfo,
  FlowDocument,
  FlowStatus,
  ImportReport,
  List,
  ListChange,
  MemberPage,
  MembershipDelta,
  RecurrenceRule,
  ResolvedZone,
  SegmentDocument,
  SendDecision,
  SendPolicyDocument,
  Source,
  TriggerHit,
  WaitNode,
} from '../../index.js'

const now = '2026-11-25T12:00:00Z'

// ---- model documents, written against the generated types ------------------------------------
const fields: FieldSchema = {
  fields: [
    { key: 'city', type: 'text' },
    { key: 'birthday', type: 'date', label: 'Compleanno' },
  ],
}
const contact: Contact = {
  id: 'c1',
  email: 'anna@example.com',
  fields: { city: 'Milano', score: 3, vip: true, tags: ['a'] },
  tags: ['vip'],
  consent: { email: { status: 'opted_in', at: now } },
  time_zone: 'Europe/Rome',
}
const event: Event = { contact: 'c1', name: 'purchase', at: now, properties: { total: 30 } }
const condition: Condition = {
  type: 'and',
  conditions: [
    { type: 'field', field: 'city', op: 'eq', value: 'Milano' },
    { type: 'tags', op: 'has_any', tags: ['vip'] },
    { type: 'date', field: 'birthday', when: { op: 'anniversary_within', days: 7 } },
    { type: 'event', name: 'purchase', between: { from: '2026-01-01', to: '2026-06-30' } },
    { type: 'event', name: 'purchase', within: { amount: 30, unit: 'days' }, count: { op: 'at_least', n: 2 } },
    { type: 'not', condition: { type: 'in_list', list: 'blocked' } },
  ],
}
const segmentDocument: SegmentDocument = { id: 'vip', name: 'VIP', condition }
const policyDocument: SendPolicyDocument = {
  quiet_hours: [{ start: '22:00', end: '08:00' }],
  weekdays: ['mon', 'tue'],
  time_zone: 'Europe/Rome',
  outside_window: 'defer',
}
const caps: CapPolicy = { caps: [{ channel: 'sms', max: 1, per: { amount: 3, unit: 'days' } }], when_capped: 'skip' }
const rule: RecurrenceRule = { kind: 'weekly', weekdays: ['mon'], times: ['09:00'] }
const wait: WaitNode = { duration: { amount: 2, unit: 'days' } }
const source: Source = { type: 'coupon', dates: { from: '2026-01-01', to: '2026-12-31' }, gender: 'female', age: { min: 18 } }
const list: List = { id: 'coupons', name: 'Coupon', source, auto_update: true }
const activity: Activity = { type: 'coupon_downloaded', coupon: 'SUMMER' }
const record: ActivityRecord = { contact: 'c1', at: now, activity }
const flowDocument: FlowDocument = {
  id: 'welcome',
  name: 'Welcome',
  triggers: [{ type: 'event', event: 'signup' }],
  start: 'hello',
  nodes: [{ id: 'hello', type: 'exit' }],
}

// ---- flows -----------------------------------------------------------------------------------
const flow: Flow = Flow.fromJson(flowDocument)
const status: FlowStatus = flow.status
const id: string = flow.id + flow.name + flow.version + flow.toJson(true) + flow.outline()
const asObject: Record<string, unknown> = flow.toObject()
const findings: Finding[] = validateFlow(flow, fields)
const node: string | null | undefined = findings[0]?.node
const moreFindings: Finding[] = validateFlows([flow, JSON.stringify(flowDocument)])
const codes: FindingCodeInfo[] = findingCodes()
const schema: string = flowSchema()

// ---- conditions and segments -------------------------------------------------------------------
const segment: Segment = Segment.fromJson(segmentDocument)
const parsed: Segment = Segment.parse('city = "Milano"', 'milano', 'Milano')
const fromLogic: Segment = Segment.fromJsonlogic({ '==': [{ var: 'city' }, 'Milano'] })
const back: Condition = segment.toObject()
segment.check(fields)
const text: string = segment.toText() + segment.toString() + segment.toJson() + (segment.id ?? '') + (segment.name ?? '')
const matches: boolean = segment.matches(contact, { now, events: [event], defaultTimeZone: 'UTC', fields })
const ids: string[] = segment.filter([contact], { now, events: [event], segments: { other: ['c1'] } })
const count: number = segment.count([contact], { now: new Date(now) })
const logic = jsonlogicApply({ '>': [{ var: 'n' }, 1] }, { n: 2 })

const index = new SegmentIndex({ fields, defaultTimeZone: 'Europe/Rome' })
const deltas: MembershipDelta[] = [
  ...index.register(segment, now),
  ...index.registerAll([parsed, segmentDocument, 'city = "Roma"'], now),
  ...index.upsertContact(contact, now),
  ...index.addEvent(event, now),
  ...index.removeContact('c2', now),
  ...index.tick(now),
]
const change: 'entered' | 'exited' = deltas[0].change
const indexState: [string | null, string[], string[], boolean, number, string[]] = [
  index.nextWakeup(),
  index.members('vip'),
  index.segmentsOf('c1'),
  index.isMember('vip', 'c1'),
  index.contactCount,
  index.segmentIds,
]

// ---- time --------------------------------------------------------------------------------------
const policy = new SendPolicy({ quietHours: [['22:00', '08:00']], weekdays: ['mon'], timeZone: 'Europe/Rome' })
const strict: SendPolicy = SendPolicy.combine([policy, policyDocument, JSON.stringify(policyDocument)], 'UTC')
const stricter: SendPolicy = SendPolicy.fromJson(policyDocument).stricter(policy)
const decision: SendDecision = policy.decide(now)
const until: string | undefined = decision.decision === 'defer' ? decision.until : undefined
const allowed: boolean = policy.isAllowed(new Date(), 'Europe/Rome')
const next: string = policy.nextAllowed(now) + policy.timeZone
const policyBack: SendPolicyDocument = strict.toObject() ?? stricter.toJSON()

const recurrence = new Recurrence(rule, { timeZone: 'Europe/Rome', policy: policyDocument })
const fromRrule: Recurrence = Recurrence.fromRrule('FREQ=DAILY;BYHOUR=9;BYMINUTE=0', { policy })
const occurrences: string[] = recurrence.between(now, '2026-12-25T00:00:00Z')
const ruleBack: RecurrenceRule = fromRrule.toObject()
const rrule: string = recurrence.toRrule() + recurrence.nextAfter(now) + recurrence.timeZone

const frequencyCaps = new FrequencyCaps({ caps: caps.caps, whenCapped: 'defer' })
const capped: SendDecision = FrequencyCaps.fromJson(caps).decide([[now, 'sms'], { at: now, channel: 'email' }], 'sms', now)
const frees: string = frequencyCaps.freesAt(null, 'email', now)
const capsBack: CapPolicy = frequencyCaps.toObject() ?? frequencyCaps.toJSON()

const planned: SendDecision = planSend(now, 'email', { timeZone: 'Europe/Rome', policy, caps: frequencyCaps, history: [], transactional: false })
const waited: string = waitEnd(wait, now, { timeZone: 'Europe/Rome', policy: policyDocument })
const utc: string = localToUtc('2026-03-29T02:30', 'Europe/Rome')
const zone: ResolvedZone = resolveTimeZone(contact, { flowZone: 'Europe/Rome', accountZone: 'UTC' })
const zoneOfChain: ResolvedZone = resolveTimeZone({ phone: '+39 333 1234567' })

// ---- lists -------------------------------------------------------------------------------------
const audience = new Audience({ defaultTimeZone: 'Europe/Rome' })
const listChanges: ListChange[] = [
  ...audience.upsertContact(contact, now),
  ...audience.addToList('coupons', 'c1', now),
  ...audience.removeFromList('coupons', 'c1', now),
  ...audience.record('c1', activity, now, now),
  ...audience.recordActivity(record, now),
  ...audience.recordEvent(event, now),
  ...audience.tick(now),
  ...audience.removeContact('c2', now),
]
const created: number = audience.createList(list, now)
audience.renameList('coupons', 'Coupons')
const page: MemberPage = audience.members('coupons', { offset: 0, limit: 10 })
const lists: List[] = audience.lists()
const one: List | null = audience.list('coupons')
const member: [string[], number | null, boolean, Contact | null, Event[], number, string | null] = [
  audience.memberIds('coupons'),
  audience.memberCount('coupons'),
  audience.isMember('coupons', 'c1'),
  audience.contact('c1'),
  audience.events('c1'),
  audience.contactCount,
  audience.nextWakeup(),
]
audience.deleteList('coupons', now)
const hits: TriggerHit[] = listTriggerHits(listChanges, [flow])
const sourceAsCondition: Condition = sourceCondition(source)

// ---- CSV import --------------------------------------------------------------------------------
const csv = Uint8Array.from('Email;Telefono\nanna@example.com;3331234567\n', (ch) => ch.charCodeAt(0))
const preview: CsvPreview = previewCsv(csv, { delimiter: ';', dateOrder: 'dmy', mapping: { Telefono: 'phone' } })
const report: ImportReport = importCsv(csv, {
  now,
  audience,
  fileName: 'clienti.csv',
  onProgress: (progress) => progress.bytesRead + progress.rows,
  fields,
})
const rejectedRows: number = report.rejected
const firstRejection: string | undefined = report.rejections[0]?.columnName ?? undefined
const listId: string | undefined = 'listId' in report ? report.listId : undefined
const exported: string | number = exportCsv(audience, { list: 'coupons' }) ?? exportCsv([contact])
const wholeAudience: string | number = exportCsv(audience)
const pending: Promise<ImportReport> = importCsv('clienti.csv', { now, anonymous: true })
const stopped: Promise<ImportReport | undefined> = pending.catch((e: unknown) =>
  e instanceof CsvImportError ? e.report : undefined,
)
const strictAudience = new Audience({ defaultTimeZone: 'Europe/Rome', fields })

export const used = [
  status, id, asObject, node, moreFindings, codes, schema, fromLogic, back, text, matches, ids,
  count, logic, change, indexState, until, allowed, next, policyBack, occurrences, ruleBack, rrule,
  capped, frees, capsBack, planned, waited, utc, zone, zoneOfChain, created, page, lists, one,
  member, hits, sourceAsCondition, preview, rejectedRows, firstRejection, listId, exported,
  wholeAudience, stopped, strictAudience,
  preview.detected.dateOrder,
]
