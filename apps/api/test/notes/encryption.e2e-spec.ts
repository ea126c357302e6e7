import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import { FIELD_CIPHER } from '../../src/encryption/encryption.service.js';
import { aadFor, dataKey, FieldCipher } from '../../src/encryption/field-cipher.js';
import { rotateToCurrentKey } from '../../src/encryption/rotate.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newClinician, newPractice, portalAs, signIn } from '../support/factories.js';
import { day, smallActsAnswers } from '../homework/homework-helpers.js';

describe('encryption at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('binds each ciphertext to its row: moved elsewhere it does not decrypt', () => {
    const cipher = new FieldCipher(dataKey(crypto.randomBytes(32)));
    const sealed = cipher.encrypt('secret', aadFor('session_note', 'p1', 'note-a', 'sections'));
    expect(cipher.decrypt(sealed.ciphertext, sealed.keyId, aadFor('session_note', 'p1', 'note-a', 'sections'))).toBe('secret');
    expect(() => cipher.decrypt(sealed.ciphertext, sealed.keyId, aadFor('session_note', 'p1', 'note-b', 'sections'))).toThrow(/does not belong/);
    expect(() => cipher.decrypt(sealed.ciphertext, sealed.keyId, aadFor('session_note', 'p2', 'note-a', 'sections'))).toThrow(/does not belong/);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => cipher.decrypt(flipped, sealed.keyId, aadFor('session_note', 'p1', 'note-a', 'sections'))).toThrow();
    const other = new FieldCipher(dataKey(crypto.randomBytes(32)));
    expect(() => other.decrypt(sealed.ciphertext, sealed.keyId, aadFor('session_note', 'p1', 'note-a', 'sections'))).toThrow(/no data key/);
  });

  it('refuses to start with a wrong or missing key, naming what to do', async () => {
    const logger = createLogger('silent');
    const wrong = loadConfig({ TANDEM_DATA_KEY: crypto.randomBytes(32).toString('base64'), TANDEM_SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
    await expect(createApp(wrong, t.databaseUrl, logger)).rejects.toThrow(/not configured/);
    const none = loadConfig({ DATABASE_URL: t.databaseUrl, TANDEM_SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
    await expect(createApp(none, t.databaseUrl, logger)).rejects.toThrow(/TANDEM_DATA_KEY/);
  });

  it('rotates every note and answer, signed and submitted ones included, to a new key; resumable; the old key is then no longer needed', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const note = await agent.post('/api/notes').send({ clientId: client.id, sessionDate: `2026-11-1${i}`, format: 'free', kind: 'progress' });
      await agent.patch(`/api/notes/${note.body.id}`).send({ sections: { note: `Session ${i}` }, version: 1 });
      if (i === 0) await agent.post(`/api/notes/${note.body.id}/sign`).send({ version: 2 });
      ids.push(note.body.id);
    }
    const assignment = await agent
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Daily.', dueOn: day(0), recurrence: 'daily', count: 2 });
    const portal = await portalAs(t, client, clinician);
    await portal.post(`/api/portal/assignments/${assignment.body.id}/occurrences/1/submit`).send({ answers: smallActsAnswers(9, 'rotated tea'), submissionId: crypto.randomUUID() });
    // An email still queued (no mail server here) holds its link's token under the data key too.
    await t.db.query(`UPDATE client SET email = 'rotating@test.example' WHERE id = $1`, [client.id]);
    expect((await agent.post(`/api/clients/${client.id}/portal-link/send`)).status).toBe(202);
    const oldCipher = t.app.get<FieldCipher>(FIELD_CIPHER);
    const fresh = dataKey(crypto.randomBytes(32));
    const rotating = new FieldCipher(fresh, [dataKey(Buffer.from(t.config.dataKeys!, 'base64'))]);

    // Interrupted after one batch of one...
    const partial = await rotateToCurrentKey(t.db, rotating, { batchSize: 1, maxBatches: 1 });
    expect(partial[0]!.reencrypted).toBe(1);
    // ...and resumed.
    await rotateToCurrentKey(t.db, rotating, { batchSize: 2 });
    const keys = (await t.db.query(`SELECT DISTINCT key_id FROM session_note UNION SELECT DISTINCT key_id FROM response`)) as Array<{ key_id: string }>;
    expect(keys).toEqual([{ key_id: fresh.id }]);
    const [queued] = (await t.db.query(`SELECT id, secret_key_id, secret_enc FROM delivery WHERE practice_id = $1 AND client_id = $2`, [practice.id, client.id])) as Array<{
      id: string;
      secret_key_id: string;
      secret_enc: Buffer;
    }>;
    expect(queued!.secret_key_id).toBe(fresh.id);
    expect(rotating.decrypt(queued!.secret_enc, fresh.id, aadFor('delivery', practice.id, queued!.id, 'secret'))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await t.db.query(`SELECT key_id FROM data_key_check`)) as unknown[]).toEqual([{ key_id: fresh.id }]);
    expect(oldCipher.currentKeyId).not.toBe(fresh.id);

    // A new process with only the new key reads everything.
    const onlyNew = loadConfig({ TANDEM_DATA_KEY: fresh.key.toString('base64'), TANDEM_SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
    const app = await createApp(onlyNew, t.databaseUrl, createLogger('silent'));
    try {
      const supertest = (await import('supertest')).default;
      const login = supertest.agent(app.getHttpServer());
      await login.post('/api/auth/login').send({ email: clinician.email, password: clinician.password }).expect(200);
      for (const [i, id] of ids.entries()) expect((await login.get(`/api/notes/${id}`)).body.sections.note).toBe(`Session ${i}`);
      const homework = (await login.get(`/api/assignments/${assignment.body.id}`)).body;
      expect(homework.occurrences[0].members[0].answers.detail).toBe('I rotated tea without being asked.');
    } finally {
      await app.close();
    }
  });
});
