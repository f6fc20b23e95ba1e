// The list and CSV import API of the Node binding beyond the shared vectors: Audience methods,
// listTriggerHits, importCsv into an audience (list, changes, progress), a throwing progress
// callback, exportCsv round trips, and argument errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, sequenza } from './helpers.mjs';

const { Audience, Flow, importCsv, previewCsv, exportCsv, listTriggerHits, sourceCondition } = sequenza;

const NOW = '2026-11-25T18:51:00Z';
const FIELDS = JSON.parse(readFileSync(path.join(ROOT, 'examples/data/import/fields.json'), 'utf8'));
const SHOP = path.join(ROOT, 'examples/data/import/shop_export_windows1252.csv');
const fields = FIELDS;

function tmpdir() {
  return mkdtempSync(path.join(os.tmpdir(), 'sequenza-node-'));
}

test('an Audience creates, renames, pages and deletes lists', () => {
  const a = new Audience({ defaultTimeZone: 'Europe/Rome' });
  for (const id of ['c', 'a', 'b']) a.upsertContact({ id, tags: ['vip'] }, NOW);
  assert.equal(a.contactCount, 3);
  assert.equal(a.createList({ id: 'vip', name: 'VIP', source: { type: 'tag', tag: 'vip' } }, NOW), 3);
  const page = a.members('vip', { offset: 1, limit: 1 });
  assert.equal(page.total, 3);
  assert.equal(page.offset, 1);
  assert.deepEqual(page.contacts.map((c) => c.id), ['b']);
  assert.deepEqual(a.members('vip').contacts.map((c) => c.id), ['a', 'b', 'c']);
  a.renameList('vip', 'Very important');
  assert.equal(a.list('vip').name, 'Very important');
  assert.equal(a.list('nope'), null);
  assert.deepEqual(a.contact('a').lists, ['vip']);
  a.deleteList('vip', NOW);
  assert.deepEqual(a.lists(), []);
  assert.deepEqual(a.contact('a').lists ?? [], []);
  assert.throws(() => a.renameList('vip', 'x'), { name: 'ListError', code: 'list.unknown', path: '/id' });
  assert.throws(() => a.members('vip', { limit: -1 }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test('by hand: add, edit and remove contacts of a static list; activities fill auto lists', () => {
  const a = new Audience();
  a.createList({ id: 'hand', name: 'By hand', source: { type: 'empty' } }, NOW);
  a.createList({ id: 'walkins', name: 'Walk-ins', source: { type: 'walk_in' }, auto_update: true }, NOW);
  const [entered] = a.addToList('hand', { id: 'anna', email: 'anna@example.com' }, NOW);
  assert.deepEqual(entered, { list: 'hand', contact: 'anna', change: 'entered', at: NOW });
  assert.deepEqual(a.upsertContact({ id: 'anna', email: 'anna@shop.it' }, NOW), []); // edit
  assert.equal(a.contact('anna').email, 'anna@shop.it');
  assert.ok(a.isMember('hand', 'anna'));
  const changes = a.record('anna', { type: 'walk_in', store: 'Milano' }, '2026-11-25T10:00:00Z', new Date(NOW));
  assert.deepEqual(changes.map((c) => [c.list, c.change]), [['walkins', 'entered']]);
  assert.equal(a.events('anna')[0].name, 'walkin.visited');
  assert.deepEqual(a.removeFromList('hand', 'anna', NOW).map((c) => c.change), ['exited']);
  assert.throws(() => a.removeFromList('hand', 'anna', NOW), { name: 'ListError', code: 'list.contact.unknown', path: '/contact' });
  assert.throws(
    () => a.createList({ id: 'x', name: 'X', source: { type: 'empty' }, auto_update: true }, NOW),
    { name: 'ListError', code: 'list.static_only', path: '/auto_update' },
  );
  assert.throws(() => a.record('anna', { type: 'teleported' }, NOW), (e) => e.name === 'FlowFormatError' && e.path === '/activity/type');
  assert.throws(() => a.tick('yesterday'), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => a.createList(42, NOW), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('sourceCondition and listTriggerHits', () => {
  assert.deepEqual(sourceCondition({ type: 'tag', tag: 'vip' }), { type: 'tags', op: 'has_any', tags: ['vip'] });
  assert.throws(() => sourceCondition({ type: 'walk_in', age: { min: 40, max: 30 } }), {
    name: 'ListError', code: 'list.filter.invalid', path: '/age',
  });
  const flow = Flow.fromJson({
    id: 'welcome', name: 'Welcome', status: 'active',
    triggers: [{ type: 'list', list: 'vip', on: 'entered' }],
    start: 'end', nodes: [{ id: 'end', type: 'exit' }], edges: [],
  });
  const change = { list: 'vip', contact: 'anna', change: 'entered', at: NOW };
  const hits = listTriggerHits([change, { ...change, change: 'exited' }], [flow, flow.toObject()]);
  assert.deepEqual(hits.map((h) => h.flow), ['welcome', 'welcome']);
  assert.equal(hits[0].contact, 'anna');
  assert.throws(() => listTriggerHits([{ ...change, change: 'in' }], []), (e) => e.name === 'FlowFormatError' && e.path === '/0/change');
});

test('importCsv into an Audience: a list named after the import, its changes, every row accounted for', () => {
  const a = new Audience();
  a.createList({ id: 'vip', name: 'VIP', source: { type: 'fidelity' }, auto_update: true }, NOW);
  const seen = [];
  const r = importCsv(SHOP, { fields, now: NOW, audience: a, onProgress: (p) => seen.push(p), tags: ['shop'] });
  assert.equal(r.listId, 'import-2026-11-25-1851');
  assert.equal(a.list(r.listId).name, 'Import 2026-11-25 18:51');
  assert.deepEqual(a.list(r.listId).source, { type: 'csv_import', file: 'shop_export_windows1252.csv' });
  assert.equal(a.memberCount(r.listId), r.imported + r.updated);
  // Filling the import's own list is not a change (as creating any list is not).
  assert.equal(r.changes.filter((c) => c.list === r.listId).length, 0);
  assert.equal(r.imported + r.updated + r.duplicates + r.rejectedRows, r.rows);
  assert.ok(seen.length >= 1);
  assert.deepEqual(seen.at(-1), { bytesRead: r.bytes, rows: r.rows });
  for (const id of a.memberIds(r.listId)) assert.ok(a.contact(id).tags.includes('shop'));
  a.renameList(r.listId, 'Shop export');
  // A second import in the same minute gets its own list.
  const again = importCsv(readFileSync(SHOP), { fields, now: NOW, audience: a, fileName: 'again.csv' });
  assert.equal(again.listId, 'import-2026-11-25-1851-2');
  assert.equal(again.imported, 0);
  assert.equal(again.updated + again.duplicates, r.imported + r.duplicates);
  assert.deepEqual(a.list(again.listId).source, { type: 'csv_import', file: 'again.csv' });
});

test('a throwing onProgress does not crash: the import ends, then its exception is thrown', () => {
  const a = new Audience();
  let calls = 0;
  const boom = new Error('progress bar gone');
  assert.throws(
    () => importCsv(SHOP, { fields, now: NOW, audience: a, onProgress: () => { calls += 1; throw boom; } }),
    (e) => e === boom,
  );
  assert.equal(calls, 1, 'not called again after it threw');
  assert.equal(a.lists().length, 1, 'the import ran to its end');
  assert.ok(a.contactCount > 0);
  // A thrown non-Error value is rethrown as is too.
  assert.throws(() => importCsv(Buffer.from('email\na@example.com\n'), { now: NOW, onProgress: () => { throw 'nope'; } }), (e) => e === 'nope');
});

test('an onProgress calling into the audience being imported into finds it busy', () => {
  const a = new Audience();
  let err;
  const r = importCsv(Buffer.from('email\na@example.com\n'), {
    now: NOW, audience: a, onProgress: () => { try { a.lists(); } catch (e) { err = e; } },
  });
  assert.equal(err.name, 'RangeError');
  assert.equal(r.imported, 1);
  assert.equal(a.memberCount(r.listId), 1, 'usable again afterwards');
});

test('a generated 50,000-row file streams from a path with progress along the way', () => {
  const dir = tmpdir();
  try {
    const file = path.join(dir, 'big.csv');
    const lines = ['Nome;E-mail;Cellulare;Totale speso'];
    for (let i = 0; i < 50_000; i++) lines.push(`N${i};n${i}@example.com;333 ${String(1000000 + i)};${i},5`);
    lines.push('Bad;not-an-email;;1');
    writeFileSync(file, lines.join('\n') + '\n');
    const seen = [];
    const r = importCsv(file, { fields, now: NOW, onProgress: (p) => seen.push(p.rows) });
    assert.equal(r.rows, 50_001);
    assert.equal(r.imported, 50_000);
    assert.deepEqual(r.rejected.map((x) => [x.row, x.column, x.columnName, x.code, x.value]), [
      [50_002, 1, 'E-mail', 'import.email.invalid', 'not-an-email'],
    ]);
    assert.ok(seen.length >= 6, `progress called ${seen.length} times`);
    assert.ok(seen.every((n, i) => i === 0 || n >= seen[i - 1]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exportCsv: an audience list or contacts, as text or to a file, reads back to the same contacts', () => {
  const a = new Audience();
  const r = importCsv(SHOP, { fields, now: NOW, audience: a });
  const text = exportCsv(a, { list: r.listId });
  assert.ok(text.startsWith('id,email,phone,time_zone,locale,tags'));
  const b = new Audience();
  const back = importCsv(Buffer.from(text), { fields, now: NOW, audience: b, delimiter: ',', decimal: '.' });
  assert.equal(back.imported, r.imported);
  assert.equal(back.rejected.length, 0);
  for (const id of a.memberIds(r.listId)) {
    const { lists: _l, ...was } = a.contact(id);
    const { lists: _m, ...now } = b.contact(id);
    assert.deepEqual(now, was, id);
  }
  const dir = tmpdir();
  try {
    const file = path.join(dir, 'out.csv');
    const contacts = a.members(r.listId, { limit: 1000 }).contacts;
    assert.equal(exportCsv(contacts, { path: file }), contacts.length);
    assert.equal(readFileSync(file, 'utf8'), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => exportCsv(a, { list: 'nope' }), { name: 'ListError', code: 'list.unknown' });
  // Without a list: the whole audience.
  a.upsertContact({ id: 'walk-in' }, NOW);
  const whole = exportCsv(a);
  assert.ok(whole.includes('walk-in'));
  assert.equal(whole.trimEnd().split('\n').length, a.contactCount + 1);
});

test('an import stopped by onProgress at row N leaves a record on the error', () => {
  const lines = ['email;tags'];
  for (let i = 0; i < 40000; i += 1) lines.push(`c${i}@example.com;${i % 3 === 0 ? 'vip' : ''}`);
  const a = new Audience();
  a.createList({ id: 'vip', name: 'VIP', source: { type: 'tag', tag: 'vip' }, auto_update: true }, NOW);
  const stop = new Error('enough');
  let err;
  try {
    importCsv(Buffer.from(lines.join('\n') + '\n'), {
      now: NOW, audience: a, onProgress: (p) => { if (p.rows >= 16384) throw stop; },
    });
  } catch (e) {
    err = e;
  }
  assert.equal(err, stop);
  const r = err.report;
  assert.ok(r.rows >= 16384 && r.rows < 40000, `${r.rows}`);
  assert.equal(r.imported + r.updated + r.duplicates + r.rejectedRows, r.rows);
  assert.equal(a.contactCount, r.imported);
  assert.equal(a.memberCount(r.listId), r.imported);
  const written = a.memberIds(r.listId);
  const vip = new Set(written.filter((id) => (a.contact(id).tags ?? []).includes('vip')));
  assert.ok(vip.size > 0);
  assert.deepEqual(new Set(a.memberIds('vip')), vip);
  const entered = new Set(r.changes.filter((c) => c.list === 'vip' && c.change === 'entered').map((c) => c.contact));
  assert.deepEqual(entered, vip);
  for (const id of written) assert.ok((a.contact(id).lists ?? []).includes(r.listId));
});

test('anonymous rows, and an Audience with a field schema', () => {
  const shop = Buffer.from('Nome;E-mail\nAnna;anna@example.com\nCarla;\n');
  const refused = importCsv(shop, { now: NOW });
  assert.equal(refused.rejected[0].code, 'import.row.no_identity');
  const a = new Audience();
  assert.equal(importCsv(shop, { now: NOW, audience: a, anonymous: true }).imported, 2);
  assert.equal(importCsv(shop, { now: NOW, audience: a, anonymous: true }).imported, 0);
  assert.equal(a.contactCount, 2);

  const b = new Audience({ defaultTimeZone: 'Europe/Rome', fields: { fields: [
    { key: 'points', type: 'number', default: 0 }, { key: 'vip', type: 'boolean' }] } });
  b.upsertContact({ id: 'anna' }, NOW);
  assert.equal(b.contact('anna').fields.points, 0);
  assert.throws(() => b.upsertContact({ id: 'bea', fields: { vip: 'sì' } }, NOW),
    { name: 'ListError', code: 'list.field.invalid', path: '/fields/vip' });
  assert.equal(b.contact('bea'), null);
});

test('previewCsv shows the suggested mapping and per-cell problems; overrides win', () => {
  const p = previewCsv(SHOP, { fields, previewRows: 3 });
  assert.equal(p.rows.length, 3);
  assert.equal(p.detected.encoding, 'windows-1252');
  assert.equal(p.detected.dateOrder, 'dmy');
  assert.ok(p.columns.some((c) => c.target === 'email' && c.explicit === false));
  const email = p.columns.find((c) => c.target === 'email');
  const forced = previewCsv(SHOP, { fields, mapping: { [email.name]: null } });
  assert.equal(forced.columns[email.index].target, null);
  assert.equal(forced.columns[email.index].explicit, true);
});

test('argument and file errors', () => {
  assert.throws(() => importCsv(Buffer.from('a\n1\n'), {}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }); // no now
  assert.throws(() => importCsv(42, { now: NOW }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => previewCsv(Buffer.from('a\n1\n'), { delimter: ';' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => previewCsv(Buffer.from('a\n1\n'), { dateOrder: 'ymd' }), (e) => e.name === 'RangeError' && /options\.dateOrder/.test(e.message));
  assert.throws(() => importCsv(Buffer.from('a\n1\n'), { now: NOW, onProgress: 3 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => importCsv(Buffer.from('a\n1\n'), { now: NOW, audience: {} }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => previewCsv(path.join(ROOT, 'no-such-file.csv')), (e) => e.name === 'CsvImportError' && e.code === 'import.io' && e.row === null);
  assert.throws(() => previewCsv(Buffer.from('a;b\n1;2\n'), { delimiter: ';', quote: ';' }), (e) => e.name === 'CsvImportError' && e.code === 'import.option.invalid' && e.columnName === 'quote');
  assert.throws(() => previewCsv(Buffer.from('')), (e) => e.name === 'CsvImportError' && e.code === 'import.empty' && e.byteOffset === 0);
});

test('date-times without an offset are wall times in the audience zone (timeZone overrides)', () => {
  const fields = { fields: [{ key: 'last_order_at', type: 'datetime' }] };
  const csv = Buffer.from('email;last_order_at\nanna@example.com;25/11/2026 18:51\n');
  const rome = new Audience({ defaultTimeZone: 'Europe/Rome' });
  const r = importCsv(csv, { fields, now: NOW, audience: rome });
  assert.equal(rome.members(r.listId).contacts[0].fields.last_order_at, '2026-11-25T17:51:00Z');
  const utc = new Audience();
  const u = importCsv(csv, { fields, now: NOW, audience: utc, timeZone: 'UTC' });
  assert.equal(utc.members(u.listId).contacts[0].fields.last_order_at, '2026-11-25T18:51:00Z');
  assert.throws(() => importCsv(csv, { fields, now: NOW, timeZone: 'Europe/Atlantis' }),
    (e) => e.name === 'CsvImportError' && e.code === 'import.option.invalid');
});
