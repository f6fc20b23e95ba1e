// Lists and CSV import (issue 5): every case of core/tests/vectors/lists.json (`sources`,
// `sequences`, `errors`) and import_csv.json, two fixtures of examples/data/import/, and the
// shape of the API (Audience, previewCsv, importCsv, exportCsv, errors). Used by the Node tests
// (tests/node/lists.test.mjs) and by the browser page (tests/browser/index.html): both runtimes
// run exactly the same checks.
//
// Depends on nothing but the binding it is given and two readers:
//   readVector(name) -> Promise<string | null>   a file of core/tests/vectors, null when missing
//   readBytes(path)  -> Promise<Uint8Array>      a file of the repository, by its path

import { checkError, jsonEqual, thrown } from './conditions.mjs';

export const LIST_VECTOR_FILES = ['lists.json', 'import_csv.json'];

const NOW = '2026-11-25T18:51:00Z';

function fail(message) {
  throw new Error(message);
}

const show = (v) => JSON.stringify(v);

function expectEqual(got, want, what) {
  if (!jsonEqual(got, want)) fail(`${what}: got ${show(got)}, expected ${show(want)}`);
}

function requireArray(value, what) {
  if (!Array.isArray(value) || value.length === 0) fail(`${what} must be a non-empty array`);
  return value;
}

/** Standard base64 to bytes (the browser and Node both have atob). */
function base64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The JS error name of a core error code. */
function errorName(code) {
  if (code.startsWith('list.')) return 'ListError';
  if (code.startsWith('import.')) return 'CsvImportError';
  return 'FormatError';
}

/** List changes without `at` (the vectors leave it out: it is the step's `now`). */
function withoutAt(changes, now) {
  return changes.map(({ at, ...rest }) => {
    if (new Date(at).getTime() !== new Date(now).getTime()) fail(`change at ${at}, expected ${now}`);
    return rest;
  });
}

/**
 * Loads the vector files and returns { groups: [{ file, missing, cases: [{ name, run }] }] }.
 * A missing file gives `missing: true` and no cases; a malformed one fails loudly.
 */
export async function loadListGroups(api, { readVector, readBytes }) {
  const groups = [];
  for (const file of LIST_VECTOR_FILES) {
    const text = await readVector(file);
    if (text === null) {
      groups.push({ file, missing: true, cases: [] });
      continue;
    }
    const vector = JSON.parse(text);
    const cases = file === 'lists.json' ? listCases(api, vector) : await importCases(api, vector, readBytes);
    groups.push({ file, missing: false, cases });
  }
  return { groups };
}

function listCases(api, v) {
  const { Audience, Segment, sourceCondition } = api;
  const cases = [];
  const loaded = () => {
    const a = new Audience(v.default_time_zone ? { defaultTimeZone: v.default_time_zone } : {});
    for (const c of v.contacts) a.upsertContact(c, v.now);
    for (const r of v.activities) a.recordActivity(r, v.now);
    return a;
  };
  for (const c of requireArray(v.sources, 'lists.json: "sources"')) {
    cases.push({
      name: `lists sources: ${c.name}`,
      run() {
        const condition = sourceCondition(c.source);
        // Compared as the core reads them (the vector leaves out defaults such as `field`).
        expectEqual(condition, Segment.fromJson(c.condition).toObject(), 'condition');
        expectEqual(Segment.fromJson(condition).toText(), c.text, 'text');
        const a = loaded();
        try {
          const count = a.createList({ id: 'l', name: c.name, source: c.source }, v.now);
          expectEqual(a.memberIds('l'), c.members, 'members');
          expectEqual(count, c.members.length, 'count');
        } finally {
          a.free();
        }
      },
    });
  }
  for (const seq of requireArray(v.sequences, 'lists.json: "sequences"')) {
    cases.push({
      name: `lists sequences: ${seq.name}`,
      run() {
        const a = new Audience();
        try {
          for (const c of seq.contacts) a.upsertContact(c, v.now);
          for (const l of seq.lists) a.createList(l, v.now);
          seq.steps.forEach((step, i) => {
            // `now` as a string and, every other step, as a Date: the same answers.
            const now = i % 2 ? new Date(step.now) : step.now;
            let changes;
            if (step.activity) changes = a.recordActivity(step.activity, now);
            else if (step.upsert) changes = a.upsertContact(step.upsert, now);
            else if (step.tick) changes = a.tick(now);
            else if (step.remove_contact) changes = a.removeContact(step.remove_contact, now);
            else fail(`unknown step ${show(step)}`);
            expectEqual(withoutAt(changes, step.now), step.changes, `step ${i}`);
          });
          for (const l of a.lists()) {
            for (const id of a.memberIds(l.id)) {
              if (!a.contact(id).lists.includes(l.id)) fail(`${id} does not name list ${l.id}`);
            }
          }
        } finally {
          a.free();
        }
      },
    });
  }
  for (const e of requireArray(v.errors, 'lists.json: "errors"')) {
    cases.push({
      name: `lists errors: ${e.name}`,
      run() {
        const a = new Audience();
        try {
          const err = thrown(() => a.createList(e.list, v.now));
          checkError(err, 'ListError', { code: e.code, path: e.path, line: null, column: null });
        } finally {
          a.free();
        }
      },
    });
  }
  return cases;
}

/** A JS options object (camelCase) from a vector's `ImportOptions` JSON (snake_case). */
function jsOptions(options) {
  const out = {};
  for (const [k, val] of Object.entries(options ?? {})) {
    out[k.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())] = val;
  }
  return out;
}

async function importCases(api, v, readBytes) {
  const { Audience, importCsv } = api;
  const fields = JSON.parse(new TextDecoder().decode(await readBytes(v.fields)));
  const cases = [];
  for (const c of requireArray(v.cases, 'import_csv.json: "cases"')) {
    const bytes = c.file !== undefined ? await readBytes(c.file)
      : c.text !== undefined ? new TextEncoder().encode(c.text)
        : base64(c.base64);
    cases.push({
      name: `import_csv: ${c.name}`,
      run() {
        // Into an Audience holding the `existing` contacts (the list path), and as a dry run
        // when there are none: both must give the vector's counts.
        const audience = new Audience();
        try {
          for (const e of c.existing ?? []) audience.upsertContact(e, v.now);
          const runs = [{ audience }];
          if (!c.existing) runs.push({});
          for (const extra of runs) {
            const options = { ...jsOptions(c.options), fields, now: v.now, ...extra };
            if (c.error) {
              const err = thrown(() => importCsv(bytes, options));
              checkError(err, 'CsvImportError', { code: c.error.code });
              // The core's location fields: `row`, `csvColumn`, `columnName`, `byteOffset` (those that apply).
              for (const [key, js] of [['row', 'row'], ['column', 'csvColumn']]) {
                if (key in c.error) expectEqual(err[js] ?? null, c.error[key], `error.${key}`);
              }
              continue;
            }
            const r = importCsv(bytes, options);
            for (const [k, want] of Object.entries(c.detected ?? {})) {
              const key = k.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase());
              expectEqual(r.detected[key], want, `detected.${k}`);
            }
            for (const [k, want] of Object.entries(c.counts ?? {})) {
              expectEqual(r[k], want, `counts.${k}`);
            }
            expectEqual(r.imported + r.updated + r.duplicates + r.rejected, r.rows, 'every row counted');
            const want = c.rejections ?? [];
            if (r.rejections.length !== want.length) {
              fail(`${r.rejections.length} rejections (want ${want.length}): ${show(r.rejections)}`);
            }
            want.forEach((w, i) => {
              for (const [k, wv] of Object.entries(w)) expectEqual(r.rejections[i][k], wv, `rejections[${i}].${k}`);
              if (!('columnName' in r.rejections[i])) fail('a rejection has no columnName');
            });
            if (extra.audience) {
              if (typeof r.listId !== 'string') fail(`listId is ${show(r.listId)}`);
              if (!Array.isArray(r.changes)) fail('changes is not an array');
            } else {
              expectEqual(r.listId, undefined, 'listId of a dry run');
            }
          }
        } finally {
          audience.free();
        }
      },
    });
  }
  return cases;
}

/** Two real-looking fixtures of examples/data/import, end to end. */
export async function fixtureCases(api, { readBytes }) {
  const { Audience, previewCsv, importCsv, exportCsv } = api;
  const shop = await readBytes('examples/data/import/shop_export_windows1252.csv');
  const bom = await readBytes('examples/data/import/utf8_bom.csv');
  const fields = JSON.parse(new TextDecoder().decode(await readBytes('examples/data/import/fields.json')));
  return [
    {
      name: 'fixture: Windows-1252 shop export previews, imports into a list and exports back',
      run() {
        const p = previewCsv(shop, { fields });
        expectEqual(p.detected.encoding, 'windows-1252', 'encoding');
        expectEqual(p.detected.delimiter, ';', 'delimiter');
        expectEqual(p.detected.dateOrder, 'dmy', 'dateOrder');
        if (!p.columns.some((c) => c.target === 'phone')) fail(`no phone column: ${show(p.columns)}`);
        const bad = p.rows.flatMap((r) => r.rejections.map((x) => x.code));
        if (!bad.includes('import.email.invalid')) fail(`preview problems: ${show(bad)}`);

        const a = new Audience();
        try {
          const seen = [];
          const r = importCsv(shop, {
            fields, now: NOW, audience: a, fileName: 'shop.csv', onProgress: (x) => seen.push(x),
          });
          expectEqual([r.imported, r.updated, r.duplicates, r.rejections.length], [4, 0, 1, 4], 'counts');
          expectEqual(r.listId, 'import-2026-11-25-1851', 'listId');
          const list = a.list(r.listId);
          expectEqual(list.name, 'Import 2026-11-25 18:51', 'automatic name');
          expectEqual(list.source, { type: 'csv_import', file: 'shop.csv' }, 'source');
          expectEqual(a.memberCount(r.listId), 4, 'members');
          expectEqual(seen.at(-1).rows, 9, 'last progress');
          if (!(seen.at(-1).bytesRead > 0)) fail('progress has no bytesRead');
          a.renameList(r.listId, 'Negozio');
          expectEqual(a.list(r.listId).name, 'Negozio', 'renamed');
          const csv = exportCsv(a, { list: r.listId });
          const back = importCsv(new TextEncoder().encode(csv), { now: NOW, fields, delimiter: ',', decimal: '.' });
          expectEqual(back.imported, 4, 'exported contacts import again');
          const bytes = exportCsv(a, { list: r.listId, as: 'bytes' });
          if (!(bytes instanceof Uint8Array)) fail('as: bytes gives no Uint8Array');
          expectEqual(new TextDecoder().decode(bytes), csv, 'bytes and string agree');
        } finally {
          a.free();
        }
      },
    },
    {
      name: 'fixture: UTF-8 with BOM, a second import merges and auto-updating lists follow',
      run() {
        const a = new Audience();
        try {
          a.createList({ id: 'vip', name: 'VIP', source: { type: 'tag', tag: 'vip' }, auto_update: true }, NOW);
          const first = importCsv(bom, { fields, now: NOW, audience: a });
          expectEqual(first.imported, 3, 'first import');
          // The file's first row is tagged "vip" already: it entered the auto-updating list.
          expectEqual(first.changes.map((c) => [c.list, c.change]), [['vip', 'entered']], 'first changes');
          const again = importCsv(bom, { fields, now: NOW, audience: a, tags: ['vip'], policy: 'overwrite' });
          expectEqual([again.imported, again.updated], [0, 3], 'second import updates');
          expectEqual(again.listId, 'import-2026-11-25-1851-2', 'second list');
          expectEqual(again.changes.filter((c) => c.list === 'vip').length, 2, 'vip list changes');
          expectEqual(a.memberCount('vip'), 3, 'vip members');
        } finally {
          a.free();
        }
      },
    },
  ];
}

/** The API's shape: Audience by hand, triggers, errors and argument checks. */
export function listApiCases(api) {
  const { Audience, listTriggerHits, sourceCondition, importCsv, previewCsv, exportCsv } = api;
  const csv = new TextEncoder().encode('email;nome\nanna@example.com;Anna\nluca@;Luca\n');
  return [
    {
      name: 'Audience: create, members with pagination, add / edit / remove by hand, delete',
      run() {
        const a = new Audience({ defaultTimeZone: 'Europe/Rome' });
        try {
          for (const id of ['a', 'b', 'c']) a.upsertContact({ id, tags: ['vip'] }, NOW);
          expectEqual(a.contactCount, 3, 'contactCount');
          expectEqual(a.createList({ id: 'vip', name: 'VIP', source: { type: 'tag', tag: 'vip' } }, NOW), 3, 'count');
          const page = a.members('vip', { offset: 1, limit: 1 });
          expectEqual([page.total, page.offset, page.contacts.map((c) => c.id)], [3, 1, ['b']], 'page');
          a.createList({ id: 'hand', name: 'By hand', source: { type: 'empty' } }, NOW);
          const added = a.addToList('hand', { id: 'd', email: 'd@example.com' }, new Date(NOW));
          expectEqual(withoutAt(added, NOW), [{ list: 'hand', contact: 'd', change: 'entered' }], 'added');
          a.upsertContact({ id: 'd', email: 'new@example.com' }, NOW);
          expectEqual(a.contact('d').email, 'new@example.com', 'edited');
          expectEqual(a.contact('d').lists, ['hand'], 'lists kept');
          expectEqual(a.isMember('hand', 'd'), true, 'isMember');
          const removed = a.removeFromList('hand', 'd', NOW);
          expectEqual(withoutAt(removed, NOW), [{ list: 'hand', contact: 'd', change: 'exited' }], 'removed');
          checkError(thrown(() => a.removeFromList('hand', 'd', NOW)), 'ListError', {
            code: 'list.contact.unknown', path: '/contact',
          });
          a.deleteList('hand', NOW);
          expectEqual(a.list('hand'), null, 'deleted');
          checkError(thrown(() => a.members('hand')), 'ListError', { code: 'list.unknown', path: '/id' });
          expectEqual(a.contact('nobody'), null, 'unknown contact');
        } finally {
          a.free();
        }
      },
    },
    {
      name: 'Audience: activities fill auto-updating lists; listTriggerHits finds the flows',
      run() {
        const a = new Audience();
        try {
          a.upsertContact({ id: 'anna', fields: { gender: 'Donna' } }, NOW);
          a.createList({ id: 'cw', name: 'Coupon, women', source: { type: 'coupon', gender: 'female' }, auto_update: true }, NOW);
          const changes = a.record('anna', { type: 'coupon_downloaded', coupon: 'X' }, NOW);
          expectEqual(withoutAt(changes, NOW), [{ list: 'cw', contact: 'anna', change: 'entered' }], 'changes');
          expectEqual(a.events('anna')[0].name, 'coupon.downloaded', 'event');
          const flow = {
            id: 'welcome', name: 'Welcome', status: 'active',
            triggers: [{ type: 'list', list: 'cw', on: 'entered' }],
            start: 'end', nodes: [{ id: 'end', type: 'exit' }], edges: [],
          };
          const hits = listTriggerHits(changes, [flow]);
          expectEqual(hits.map((h) => [h.flow, h.contact, h.change]), [['welcome', 'anna', 'entered']], 'hits');
          expectEqual(a.nextWakeup(), null, 'nextWakeup');
          checkError(thrown(() => a.record('anna', { type: 'coupon_downloaded' }, NOW)), 'FormatError', {
            code: 'format.invalid',
          });
        } finally {
          a.free();
        }
      },
    },
    {
      name: 'sourceCondition: compiles and locates a bad filter',
      run() {
        expectEqual(sourceCondition({ type: 'tag', tag: 'vip' }), { type: 'tags', op: 'has_any', tags: ['vip'] }, 'tag');
        checkError(thrown(() => sourceCondition({ type: 'walk_in', age: { min: 50, max: 20 } })), 'ListError', {
          code: 'list.filter.invalid', path: '/age',
        });
      },
    },
    {
      name: 'importCsv: now is required; arguments carry Node codes; options are checked',
      run() {
        const noNow = thrown(() => importCsv(csv, {}));
        if (!(noNow instanceof TypeError) || noNow.code !== 'ERR_INVALID_ARG_TYPE') fail(`no now: ${noNow}`);
        const notBytes = thrown(() => importCsv('email\n', { now: NOW }));
        if (!(notBytes instanceof TypeError) || notBytes.code !== 'ERR_INVALID_ARG_TYPE') fail(`not bytes: ${notBytes}`);
        // Options are the core's: an unknown or bad one is its `import.option.invalid`, named as
        // the core names it.
        checkError(thrown(() => previewCsv(csv, { delimeter: ';' })), 'CsvImportError', {
          code: 'import.option.invalid', columnName: 'delimeter',
        });
        checkError(thrown(() => previewCsv(csv, { policy: 'replace' })), 'CsvImportError', {
          code: 'import.option.invalid', columnName: 'policy', row: null, csvColumn: null, byteOffset: null,
        });
        checkError(thrown(() => previewCsv(csv, { dateOrder: 'ymd' })), 'CsvImportError', {
          code: 'import.option.invalid', columnName: 'date_order',
        });
        const notAudience = thrown(() => importCsv(csv, { now: NOW, audience: {} }));
        if (notAudience.code !== 'ERR_INVALID_ARG_TYPE') fail(`audience {}: ${notAudience}`);
        const dup = thrown(() => importCsv(new TextEncoder().encode('a,b,a\n1,2,3\n'), { now: NOW }));
        checkError(dup, 'CsvImportError', { code: 'import.header.duplicate', row: 1, csvColumn: 2, columnName: 'a' });
        if (typeof dup.byteOffset !== 'number') fail(`byteOffset is ${dup.byteOffset}`);
      },
    },
    {
      name: 'importCsv: mapping, defaultRegion, a throwing onProgress and a busy audience',
      run() {
        const a = new Audience();
        try {
          const r = importCsv(new TextEncoder().encode('Tel;Note\n020 1234567;x\n'), {
            now: new Date(NOW), audience: a, mapping: { Tel: 'phone', Note: null }, defaultRegion: 'IT',
          });
          expectEqual(r.imported, 1, 'imported');
          const [contact] = a.members(r.listId).contacts;
          expectEqual(contact.phone, '+390201234567', 'E.164');
          expectEqual(r.columns.map((c) => [c.name, c.target, c.explicit]), [['Tel', 'phone', true], ['Note', null, true]], 'columns');
          const boom = new Error('stop');
          let busy;
          const e = thrown(() => importCsv(csv, {
            now: NOW, audience: a,
            onProgress() {
              busy = thrown(() => a.contactCount);
              throw boom;
            },
          }));
          if (e !== boom) fail(`the callback's exception is not passed on: ${e}`);
          if (!busy || busy.code !== 'ERR_INVALID_ARG_VALUE') fail(`audience not busy: ${busy}`);
          expectEqual(a.lists().length, 2, 'the import ran to its end');
          const preview = previewCsv(csv, { previewRows: 1 });
          expectEqual(preview.rows.length, 1, 'previewRows');
          expectEqual(preview.rows[0].cells[0].raw, 'anna@example.com', 'cell');
          checkError(thrown(() => exportCsv(a, { list: 'nope' })), 'ListError', { code: 'list.unknown' });
          expectEqual(exportCsv([{ id: 'x', email: 'x@example.com' }]).split('\n')[1], 'x,x@example.com,,,,', 'contacts');
        } finally {
          a.free();
        }
      },
    },
    {
      name: 'importCsv: date-times without an offset are wall times in the audience zone; timeZone overrides',
      run() {
        const fields = { fields: [{ key: 'last_order_at', type: 'datetime' }] };
        const bytes = new TextEncoder().encode('email;last_order_at\nanna@example.com;25/11/2026 18:51\n');
        const rome = new Audience({ defaultTimeZone: 'Europe/Rome' });
        const utc = new Audience();
        try {
          const r = importCsv(bytes, { fields, now: NOW, audience: rome });
          expectEqual(rome.members(r.listId).contacts[0].fields.last_order_at, '2026-11-25T17:51:00Z', 'Rome');
          const u = importCsv(bytes, { fields, now: NOW, audience: utc, timeZone: 'UTC' });
          expectEqual(utc.members(u.listId).contacts[0].fields.last_order_at, '2026-11-25T18:51:00Z', 'UTC');
          checkError(thrown(() => importCsv(bytes, { fields, now: NOW, timeZone: 'Europe/Atlantis' })),
            'CsvImportError', { code: 'import.option.invalid' });
        } finally {
          rome.free();
          utc.free();
        }
      },
    },
  ];
}
