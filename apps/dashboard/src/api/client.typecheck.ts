import type { ClientDetail, ClientSummary, NoteDetail, Page } from '@tandem/shared';
import { api, apiHref } from './client';

/**
 * Never called: `npm run typecheck` reads it. Each `@ts-expect-error` fails the
 * type check if the typed client stops refusing that mistake (if its types ever
 * widened to `any`, every one of them would).
 */
export function typedClientRefusesMistakes(id: string) {
  const detail: Promise<ClientDetail> = api.get('/clients/{id}', { path: { id } });
  const page: Promise<Page<ClientSummary>> = api.get('/clients', { query: { q: 'Ana', status: 'active' } });
  const noBody: Promise<undefined> = api.delete('/notes/{id}', { path: { id } });

  // @ts-expect-error a path the API does not have
  void api.get('/clientz');
  // @ts-expect-error a method the path does not answer
  void api.delete('/clients/{id}', { path: { id } });
  // @ts-expect-error the path's parameter is missing
  void api.get('/clients/{id}');
  // @ts-expect-error a required field of the body is missing
  void api.post('/clients', { body: { preferredName: 'Ana' } });
  // @ts-expect-error a query value the route refuses
  void api.get('/clients', { query: { status: 'gone' } });
  // @ts-expect-error the answer is a client, not a note
  const wrong: Promise<NoteDetail> = api.get('/clients/{id}', { path: { id } });
  // @ts-expect-error the CSV link names a real route only
  void apiHref('/audit/export.xls');

  return { detail, page, noBody, wrong };
}
