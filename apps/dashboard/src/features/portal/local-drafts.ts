import type { Answers } from '@tandem/shared';

/**
 * A copy, in this browser, of answers the server has not confirmed yet: what
 * was typed just before a reload, or before the phone put the page away, is
 * still there when the page comes back. Each copy is removed as soon as the
 * server confirms a save of the same answers, on submit and on sign-out.
 */
export interface LocalDraft {
  answers: Answers;
  /** The server's draft version these answers were typed on. */
  version: number;
}

const PREFIX = 'tandem.portal.draft:';

export const localDraftKey = (clientId: string, assignmentId: string, seq: number) => `${PREFIX}${clientId}:${assignmentId}:${seq}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the server copy is all there is
  }
}

export function readLocalDraft(key: string): LocalDraft | null {
  try {
    const raw = storage()?.getItem(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<LocalDraft>;
    if (typeof parsed.version !== 'number' || typeof parsed.answers !== 'object' || parsed.answers === null) return null;
    return { answers: parsed.answers, version: parsed.version };
  } catch {
    return null;
  }
}

export function writeLocalDraft(key: string, draft: LocalDraft): void {
  try {
    storage()?.setItem(key, JSON.stringify(draft));
  } catch {
    // full or refused: the server copy is all there is
  }
}

export function clearLocalDraft(key: string): void {
  storage()?.removeItem(key);
}

/** Every local copy this browser holds for the portal (or for one client), by key. */
function localDraftKeys(clientId?: string): string[] {
  const store = storage();
  if (!store) return [];
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(clientId ? `${PREFIX}${clientId}:` : PREFIX)) keys.push(key);
  }
  return keys;
}

/** On sign-out: nothing a client typed stays in the browser. */
export function clearAllLocalDrafts(): void {
  localDraftKeys().forEach((key) => storage()?.removeItem(key));
}

/** Drops copies for exercises that are no longer to do (submitted elsewhere, cancelled). */
export function keepOnlyLocalDrafts(clientId: string, open: string[]): void {
  const keep = new Set(open);
  localDraftKeys(clientId)
    .filter((key) => !keep.has(key))
    .forEach((key) => storage()?.removeItem(key));
}

/** Saves still to be sent by open exercise pages; sign-out sends them first. */
export const pendingSaves = new Set<() => Promise<unknown>>();
