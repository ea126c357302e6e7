import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type supertest from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, portalAs, signIn, type TestStaff } from '../support/factories.js';
import { day, smallActsAnswers } from '../homework/homework-helpers.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))));
  return nested.flat().filter((f) => f.endsWith('.ts'));
}

/**
 * A change and its audit event commit together or not at all. Each write path
 * below is made to fail at its audit insert (the database "blips" with
 * admin_shutdown, as it would in an outage): the request answers 503, and the
 * change itself must not have happened.
 */
describe('every write with its audit event', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.db.query(`CREATE TABLE audit_blip (action text PRIMARY KEY)`);
    await t.db.query(`
      CREATE FUNCTION audit_blip() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM audit_blip WHERE action = NEW.action) THEN
          RAISE EXCEPTION 'simulated outage' USING ERRCODE = '57P01';
        END IF;
        RETURN NEW;
      END $$`);
    await t.db.query(`CREATE TRIGGER audit_blip BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_blip()`);
  });
  afterAll(() => t.close());

  it('appends to the audit log from one place only, inside a transaction', async () => {
    const writers: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (/INSERT\s+INTO\s+audit_event/i.test(await fs.readFile(file, 'utf8'))) writers.push(path.relative(SRC, file));
    }
    expect(writers).toEqual([path.join('audit', 'audited-writes.service.ts')]);
  });

  interface Setting {
    practice: { id: string };
    admin: TestStaff;
    clinician: TestStaff;
    asAdmin: supertest.Agent;
    asClinician: supertest.Agent;
  }

  async function setting(): Promise<Setting> {
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    const clinician = await newClinician(t.db, practice);
    return { practice, admin, clinician, asAdmin: await signIn(t, admin), asClinician: await signIn(t, clinician) };
  }

  async function draftNote(s: Setting) {
    const client = await newClient(t.db, s.practice, { clinicians: [s.clinician] });
    const res = await s.asClinician.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'free', kind: 'progress' });
    expect(res.status).toBe(201);
    const saved = await s.asClinician.patch(`/api/notes/${res.body.id}`).send({ sections: { note: 'Some text' }, version: 1 });
    expect(saved.status).toBe(200);
    return saved.body as { id: string; version: number };
  }

  async function practiceExercise(s: Setting) {
    const original = (await s.asClinician.get('/api/exercises/builtin:small-acts-of-care')).body;
    const { version: _version, ...definition } = original.exercise;
    const res = await s.asClinician.post('/api/exercises').send({ definition: { ...definition, slug: `ours-${Date.now()}` }, copiedFrom: original.id });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  }

  const one = async <T>(sql: string, params: unknown[]) => ((await t.db.query(sql, params)) as T[])[0]!;

  const cases: Array<{
    action: string;
    /** Sets up the record; returns the write to send and a read of the state it would change. */
    run(s: Setting): Promise<{ send(): Promise<supertest.Response>; state(): Promise<unknown> }>;
  }> = [
    {
      action: 'client.updated',
      async run(s) {
        const client = await newClient(t.db, s.practice, { clinicians: [s.clinician], name: 'Before Name' });
        const state = () => one(`SELECT name, version FROM client WHERE id = $1`, [client.id]);
        return { state, send: () => s.asClinician.patch(`/api/clients/${client.id}`).send({ name: 'After Name', version: 1 }) };
      },
    },
    {
      action: 'client.discharged',
      async run(s) {
        const client = await newClient(t.db, s.practice, { clinicians: [s.clinician] });
        const state = () => one(`SELECT status, discharged_at FROM client WHERE id = $1`, [client.id]);
        return { state, send: () => s.asClinician.post(`/api/clients/${client.id}/discharge`) };
      },
    },
    {
      action: 'client.reactivated',
      async run(s) {
        const client = await newClient(t.db, s.practice, { clinicians: [s.clinician], status: 'discharged' });
        const state = () => one(`SELECT status FROM client WHERE id = $1`, [client.id]);
        return { state, send: () => s.asClinician.post(`/api/clients/${client.id}/reactivate`) };
      },
    },
    {
      action: 'couple.updated',
      async run(s) {
        const couple = await newCouple(t.db, s.practice, { clinicians: [s.clinician], displayName: 'Before' });
        const state = () => one(`SELECT display_name, version FROM couple WHERE id = $1`, [couple.id]);
        return { state, send: () => s.asAdmin.patch(`/api/couples/${couple.id}`).send({ displayName: 'After', version: 1 }) };
      },
    },
    {
      action: 'couple.safety_set',
      async run(s) {
        const couple = await newCouple(t.db, s.practice, { clinicians: [s.clinician] });
        const state = () => one(`SELECT conjoint_safety, safety_note, version FROM couple WHERE id = $1`, [couple.id]);
        return { state, send: () => s.asClinician.put(`/api/couples/${couple.id}/safety`).send({ status: 'cleared', note: 'Screened.', version: 1 }) };
      },
    },
    {
      action: 'note.updated',
      async run(s) {
        const note = await draftNote(s);
        const state = () => one(`SELECT sections_enc, version FROM session_note WHERE id = $1`, [note.id]);
        return { state, send: () => s.asClinician.patch(`/api/notes/${note.id}`).send({ sections: { note: 'Changed' }, version: note.version }) };
      },
    },
    {
      action: 'note.signed',
      async run(s) {
        const note = await draftNote(s);
        const state = () => one(`SELECT status, signed_at FROM session_note WHERE id = $1`, [note.id]);
        return { state, send: () => s.asClinician.post(`/api/notes/${note.id}/sign`).send({ version: note.version }) };
      },
    },
    {
      action: 'note.discarded',
      async run(s) {
        const note = await draftNote(s);
        const state = () => one(`SELECT count(*)::int AS notes FROM session_note WHERE id = $1`, [note.id]);
        return { state, send: () => s.asClinician.delete(`/api/notes/${note.id}`) };
      },
    },
    {
      action: 'response.reviewed',
      async run(s) {
        const client = await newClient(t.db, s.practice, { clinicians: [s.clinician] });
        const assigned = await s.asClinician
          .post('/api/assignments')
          .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'This week.', dueOn: day(2), recurrence: 'weekly', count: 1 });
        expect(assigned.status).toBe(201);
        const portal = await portalAs(t, { id: client.id, practiceId: s.practice.id }, s.clinician);
        const submitted = await portal
          .post(`/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`)
          .send({ answers: smallActsAnswers(5), submissionId: crypto.randomUUID() });
        expect(submitted.status).toBe(200);
        const { id } = await one<{ id: string }>(`SELECT id FROM response WHERE assignment_id = $1`, [assigned.body.id]);
        const state = () => one(`SELECT reviewed_at, reviewed_by FROM response WHERE id = $1`, [id]);
        return { state, send: () => s.asClinician.post(`/api/responses/${id}/review`) };
      },
    },
    {
      action: 'staff.reactivated',
      async run(s) {
        const former = await newClinician(t.db, s.practice);
        await t.db.query(`UPDATE staff_user SET active = false, deactivated_at = now() WHERE id = $1`, [former.id]);
        const state = () => one(`SELECT active FROM staff_user WHERE id = $1`, [former.id]);
        return { state, send: () => s.asAdmin.post(`/api/staff/${former.id}/reactivate`) };
      },
    },
    {
      action: 'exercise.archived',
      async run(s) {
        const exercise = await practiceExercise(s);
        const state = () => one(`SELECT archived_at FROM exercise WHERE id = $1`, [exercise.id]);
        return { state, send: () => s.asClinician.post(`/api/exercises/${exercise.id}/archive`) };
      },
    },
    {
      action: 'exercise.restored',
      async run(s) {
        const exercise = await practiceExercise(s);
        expect((await s.asClinician.post(`/api/exercises/${exercise.id}/archive`)).status).toBe(200);
        const state = () => one(`SELECT archived_at FROM exercise WHERE id = $1`, [exercise.id]);
        return { state, send: () => s.asClinician.post(`/api/exercises/${exercise.id}/restore`) };
      },
    },
  ];

  it.each(cases)('$action: a failure at the audit event leaves no change behind', async ({ action, run }) => {
    const s = await setting();
    const { send, state } = await run(s);
    const before = await state();
    await t.db.query(`INSERT INTO audit_blip (action) VALUES ($1)`, [action]);
    try {
      const response = await send();
      expect(response.status).toBe(503);
      expect(await state()).toEqual(before);
    } finally {
      await t.db.query(`DELETE FROM audit_blip WHERE action = $1`, [action]);
    }
  });

  it('a stale screening is refused like every other edit', async () => {
    const s = await setting();
    const couple = await newCouple(t.db, s.practice, { clinicians: [s.clinician] });
    const first = await s.asClinician.put(`/api/couples/${couple.id}/safety`).send({ status: 'cleared', version: 1 });
    expect(first.status).toBe(200);
    const stale = await s.asClinician.put(`/api/couples/${couple.id}/safety`).send({ status: 'concern', note: 'From an old tab', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    expect((await s.asClinician.get(`/api/couples/${couple.id}`)).body.safety.status).toBe('cleared');
  });
});
