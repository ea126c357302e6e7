import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClinician, newPractice, signIn } from '../support/factories.js';
import { exerciseDefinition } from '../access/access-matrix.js';

const titles = (res: { body: { items: Array<{ title: string }> } }) => res.body.items.map((i) => i.title);

describe('the exercise library', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists the built-in exercises with their sources, filtered and paged', async () => {
    const practice = await newPractice(t.db);
    const agent = await signIn(t, await newClinician(t.db, practice));
    const all = await agent.get('/api/exercises').query({ limit: '100' });
    expect(all.body.items).toHaveLength(23);
    expect(all.body.items[0]).toMatchObject({ id: expect.stringMatching(/^builtin:/), origin: 'builtin', source: { author: expect.any(String) } });

    const couples = await agent.get('/api/exercises').query({ audience: 'couple', limit: '100' });
    expect(couples.body.items.every((i: { audience: string }) => i.audience !== 'individual')).toBe(true);
    const blair = await agent.get('/api/exercises').query({ source: '004_7defc1aa471f4be3.txt', limit: '100' });
    expect(blair.body.items).toHaveLength(8);
    const recurring = await agent.get('/api/exercises').query({ recurring: 'true', limit: '100' });
    expect(titles(recurring)).toEqual(expect.arrayContaining(['Small acts of care (daily)', 'Share and reflect (weekly)', 'Small victories (weekly)']));
    expect(titles(await agent.get('/api/exercises').query({ q: 'ladder' }))).toEqual(['My vulnerability ladder']);
    const trust = await agent.get('/api/exercises').query({ theme: 'trust' });
    expect(titles(trust).sort()).toEqual(['Owning a breach of trust', 'Trust or communication?']);

    const page1 = await agent.get('/api/exercises').query({ limit: '8' });
    const page2 = await agent.get('/api/exercises').query({ limit: '8', cursor: page1.body.nextCursor });
    const page3 = await agent.get('/api/exercises').query({ limit: '8', cursor: page2.body.nextCursor });
    expect([...titles(page1), ...titles(page2), ...titles(page3)]).toEqual(titles(all));
    expect(page3.body.nextCursor).toBeNull();
  });

  it('shows a built-in exercise with its steps and screening reason; built-ins are read-only', async () => {
    const practice = await newPractice(t.db);
    const agent = await signIn(t, await newAdmin(t.db, practice));
    const gated = await agent.get('/api/exercises/builtin:the-three-percent-that-is-true');
    expect(gated.body).toMatchObject({ requiresScreening: true, screeningReason: expect.stringMatching(/abusive/), canEdit: false });
    expect(gated.body.exercise.steps.length).toBeGreaterThan(4);
    expect((await agent.put('/api/exercises/builtin:the-three-percent-that-is-true').send({ definition: gated.body.exercise, baseVersion: 1 })).status).toBe(403);
    expect((await agent.get('/api/exercises/builtin:no-such-thing')).status).toBe(404);
    expect((await agent.get('/api/exercises/builtin:small-victories/versions/1')).status).toBe(200);
    expect((await agent.get('/api/exercises/builtin:small-victories/versions/2')).status).toBe(200);
    expect((await agent.get('/api/exercises/builtin:small-victories/versions/3')).status).toBe(404);
  });

  it('a clinician copies a built-in, edits it into version 2; version 1 stays readable; a stale edit gets 409', async () => {
    const practice = await newPractice(t.db);
    const author = await newClinician(t.db, practice);
    const agent = await signIn(t, author);
    const original = (await agent.get('/api/exercises/builtin:small-acts-of-care')).body;
    const { version: _v, ...definition } = original.exercise;
    const copy = await agent.post('/api/exercises').send({ definition: { ...definition, slug: 'our-small-acts', title: 'Our small acts of care' }, copiedFrom: original.id });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ origin: 'practice', version: 1, copiedFrom: 'builtin:small-acts-of-care', canEdit: true, source: original.source });

    const edited = await agent
      .put(`/api/exercises/${copy.body.id}`)
      .send({ definition: { ...copy.body.exercise, title: 'Our small acts of care, adapted', version: undefined }, baseVersion: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, title: 'Our small acts of care, adapted' });
    expect(edited.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await agent.get(`/api/exercises/${copy.body.id}/versions/1`);
    expect(v1.body.exercise.title).toBe('Our small acts of care');
    const stale = await agent.put(`/api/exercises/${copy.body.id}`).send({ definition: copy.body.exercise, baseVersion: 1 });
    expect(stale.status).toBe(409);
    await expect(t.db.query(`UPDATE exercise_version SET definition = '{}' WHERE exercise_id = $1`, [copy.body.id])).rejects.toThrow(/cannot be changed/);
    expect(titles(await agent.get('/api/exercises').query({ origin: 'practice' }))).toEqual(['Our small acts of care, adapted']);
  });

  it('refuses a broken definition with a message per problem, and a slug already in use', async () => {
    const practice = await newPractice(t.db);
    const agent = await signIn(t, await newClinician(t.db, practice));
    const broken = await agent.post('/api/exercises').send({
      definition: { ...exerciseDefinition(), title: '', recurrence: ['weekly'], steps: [{ id: 'only', kind: 'text', prompt: 'Write', required: true, maxLength: 0 }] },
    });
    expect(broken.status).toBe(400);
    expect(Object.keys(broken.body.fields).sort()).toEqual(['definition.recurrence', 'definition.steps.0.maxLength', 'definition.title']);
    const builtInSlug = await agent.post('/api/exercises').send({ definition: exerciseDefinition('small-victories') });
    expect(builtInSlug.body.fields['definition.slug']).toMatch(/already used/);
    await agent.post('/api/exercises').send({ definition: exerciseDefinition('mine') }).expect(201);
    expect((await agent.post('/api/exercises').send({ definition: exerciseDefinition('mine') })).status).toBe(400);
  });

  it('only the author or an admin edits or archives; archived exercises leave the list but stay readable', async () => {
    const practice = await newPractice(t.db);
    const author = await signIn(t, await newClinician(t.db, practice));
    const colleague = await signIn(t, await newClinician(t.db, practice));
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const created = await author.post('/api/exercises').send({ definition: exerciseDefinition('shared-one') });
    expect((await colleague.get(`/api/exercises/${created.body.id}`)).body.canEdit).toBe(false);
    expect((await colleague.put(`/api/exercises/${created.body.id}`).send({ definition: exerciseDefinition('shared-one'), baseVersion: 1 })).status).toBe(403);
    expect((await colleague.post(`/api/exercises/${created.body.id}/archive`)).status).toBe(403);
    expect((await admin.put(`/api/exercises/${created.body.id}`).send({ definition: exerciseDefinition('shared-one'), baseVersion: 1 })).status).toBe(200);

    await author.post(`/api/exercises/${created.body.id}/archive`).expect(200);
    expect(titles(await author.get('/api/exercises').query({ origin: 'practice' }))).toEqual([]);
    expect(titles(await author.get('/api/exercises').query({ origin: 'practice', includeArchived: 'true' }))).toEqual(['Matrix exercise']);
    expect((await author.get(`/api/exercises/${created.body.id}`)).body).toMatchObject({ archived: true, canEdit: false });
    await author.post(`/api/exercises/${created.body.id}/restore`).expect(200);

    const stranger = await signIn(t, await newClinician(t.db, await newPractice(t.db)));
    expect((await stranger.get(`/api/exercises/${created.body.id}`)).status).toBe(404);
    expect(titles(await stranger.get('/api/exercises').query({ origin: 'practice' }))).toEqual([]);
  });
});
