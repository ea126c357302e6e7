import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';

/**
 * Where an autosaved draft stands:
 * - `idle`: nothing typed since the page opened;
 * - `unsaved`: typed, waiting for a pause in typing;
 * - `saving`: on its way;
 * - `saved`: the server has everything typed (`at`: this browser's clock);
 * - `blocked`: cannot be sent as it is (`problem` says why); the next change tries again;
 * - `failed`: refused (a 400: waits for the next change) or not delivered (tried again shortly);
 * - `conflict`: changed elsewhere since this page loaded its version; nothing is sent until resolved.
 */
export type AutosaveState =
  | { kind: 'idle' }
  | { kind: 'unsaved' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number }
  | { kind: 'blocked'; problem: string }
  | { kind: 'failed'; error: unknown }
  | { kind: 'conflict'; error: unknown };

/** A copy kept in this browser of what the server has not confirmed, with the server version it was typed on. */
export interface LocalBackup<T> {
  read: () => { value: T; version: number } | null;
  write: (copy: { value: T; version: number }) => void;
  clear: () => void;
}

export interface AutosaveOptions<T> {
  /** What the server holds now, and its version. */
  initial: T;
  version: number;
  /** Sends a draft written on `version`; answers the new version. `keepalive`: the page is going away. */
  send: (value: T, version: number, options: { keepalive: boolean }) => Promise<{ version: number }>;
  /** Pause in typing before a save. */
  delayMs: number;
  /** Why this value cannot be sent as it is (too long, a draft the server would refuse); null when it can. */
  problem?: (value: T) => string | null;
  /** Which refusals mean "changed elsewhere" (default: any 409). */
  isConflict?: (error: unknown) => boolean;
  /** A copy in this browser: restored on load when typed on the server's current version, cleared once confirmed. */
  backup?: LocalBackup<T>;
  same?: (a: T, b: T) => boolean;
  /** Sign-out runs every entry first (each answers whether everything was saved). */
  signOutRegistry?: { add: (entry: () => Promise<boolean>) => unknown; delete: (entry: () => Promise<boolean>) => unknown };
  /** Closing or reloading the tab with unsaved text asks first (the browser's own dialog). */
  askBeforeUnload?: boolean;
  /** Leaving for another page of the app sends what is unsent on the way (otherwise the page holds the navigation itself). */
  sendOnUnmount?: boolean;
}

const anyConflict = (error: unknown) => error instanceof ApiError && error.status === 409;
const RETRY_MAX_MS = 5_000;

/**
 * One autosave for every draft in Tandem (session notes, portal answers).
 * What it guarantees: nothing typed is lost — saves run one at a time, after a
 * pause in typing, and a change made meanwhile is saved right after; a save
 * that could not be delivered is tried again; hiding the page (switching
 * apps) sends at once and closing it sends in a request that outlives the
 * page; sign-out saves first; a version conflict (409) stops saving and keeps
 * the text on screen until the person resolves it; an optional local copy
 * survives a reload until the server confirms it.
 */
export function useAutosave<T>(options: AutosaveOptions<T>) {
  const opts = useRef(options);
  opts.current = options;
  const same = options.same ?? ((a: T, b: T) => JSON.stringify(a) === JSON.stringify(b));

  // A copy typed on the server's current version that never reached it (a reload, the phone putting the page away) wins.
  const [restored] = useState<T | null>(() => {
    const local = options.backup?.read() ?? null;
    if (local && local.version === options.version && !same(local.value, options.initial)) return local.value;
    if (local) options.backup?.clear();
    return null;
  });
  const [value, setValue] = useState<T>(restored ?? options.initial);
  const [state, setStateValue] = useState<AutosaveState>({ kind: restored ? 'unsaved' : 'idle' });
  const stateRef = useRef(state);
  const setState = (next: AutosaveState) => {
    stateRef.current = next;
    setStateValue(next);
  };
  const latest = useRef<T>(restored ?? options.initial);
  const version = useRef(options.version);
  const unsent = useRef(restored !== null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const stopped = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const failures = useRef(0);

  const schedule = useCallback((ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flushRef.current(), ms);
  }, []);

  /** Saves what is typed now, after any save already on its way; false when it could not be saved. */
  const flush = useCallback(
    async (flushOptions: { keepalive?: boolean } = {}): Promise<boolean> => {
      while (inFlight.current) await inFlight.current;
      if (stopped.current || !unsent.current) return true;
      if (stateRef.current.kind === 'conflict') return false;
      const { send, problem, isConflict = anyConflict, backup } = opts.current;
      const sent = latest.current;
      const blocked = problem?.(sent) ?? null;
      if (blocked) {
        setState({ kind: 'blocked', problem: blocked });
        return false;
      }
      clearTimeout(timer.current);
      // A retry after a failed delivery keeps saying so (no "Saving…" flicker every few seconds).
      if (stateRef.current.kind !== 'failed') setState({ kind: 'saving' });
      const attempt = send(sent, version.current, { keepalive: flushOptions.keepalive ?? false }).then(
        (saved) => {
          version.current = saved.version;
          failures.current = 0;
          if (latest.current === sent) {
            unsent.current = false;
            backup?.clear();
            if (!stopped.current) setState({ kind: 'saved', at: Date.now() });
          } else if (!stopped.current) {
            // More was typed meanwhile: the local copy moves onto the new version; the pending pause saves it.
            backup?.write({ value: latest.current, version: saved.version });
            setState({ kind: 'unsaved' });
          }
          return true;
        },
        (error: unknown) => {
          if (stopped.current) return false;
          if (isConflict(error)) setState({ kind: 'conflict', error });
          else {
            setState({ kind: 'failed', error });
            // Refused as written: wait for the next change. Not delivered: try again shortly.
            const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
            if (!refused) schedule(Math.min(opts.current.delayMs * 2 ** failures.current++, RETRY_MAX_MS));
          }
          return false;
        },
      );
      inFlight.current = attempt;
      try {
        return await attempt;
      } finally {
        inFlight.current = null;
      }
    },
    [schedule],
  );
  const flushRef = useRef(flush);
  flushRef.current = flush;

  /** What the person typed: kept at once (and in the local copy), saved after the pause. */
  const change = useCallback(
    (next: T) => {
      latest.current = next;
      unsent.current = true;
      opts.current.backup?.write({ value: next, version: version.current });
      setValue(next);
      if (stateRef.current.kind !== 'conflict' && stateRef.current.kind !== 'saving') setState({ kind: 'unsaved' });
      failures.current = 0;
      schedule(opts.current.delayMs);
    },
    [schedule],
  );

  /** After a conflict, this text is to win: it goes out on `newVersion` (the one the other tab wrote). */
  const adoptVersion = useCallback(
    (newVersion: number) => {
      version.current = newVersion;
      unsent.current = true;
      setState({ kind: 'unsaved' });
      schedule(0);
    },
    [schedule],
  );

  /** Nothing more is sent (submitting, discarding); `resume` undoes it. */
  const stop = useCallback(() => {
    stopped.current = true;
    clearTimeout(timer.current);
  }, []);
  const resume = useCallback(() => {
    stopped.current = false;
  }, []);

  /** Sends what is unsent now, without waiting for the pause (the page is being hidden or left). */
  const sendNow = useCallback((keepalive: boolean) => {
    if (stopped.current || !unsent.current || stateRef.current.kind === 'conflict') return;
    clearTimeout(timer.current);
    const { send, problem } = opts.current;
    if (inFlight.current && keepalive) {
      // The page is going away and a save is still on its way: send the latest too, in a request that outlives the page.
      if (!problem?.(latest.current)) void send(latest.current, version.current, { keepalive: true }).catch(() => undefined);
      return;
    }
    void flushRef.current({ keepalive });
  }, []);

  // A copy restored from this browser goes to the server straight away.
  useEffect(() => {
    if (restored !== null) void flushRef.current();
  }, [restored]);

  useEffect(() => {
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') sendNow(true);
    };
    const onPageHide = () => sendNow(true);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!opts.current.askBeforeUnload || stopped.current || !unsent.current) return;
      event.preventDefault();
      event.returnValue = '';
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('beforeunload', onBeforeUnload);
    const registry = opts.current.signOutRegistry;
    const beforeSignOut = () => flushRef.current();
    registry?.add(beforeSignOut);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('beforeunload', onBeforeUnload);
      registry?.delete(beforeSignOut);
      clearTimeout(timer.current);
      if (opts.current.sendOnUnmount) sendNow(true);
    };
  }, [sendNow]);

  return {
    value,
    state,
    /** Typed and not yet confirmed by the server (or a save still on its way); false once stopped. */
    hasUnsaved: () => !stopped.current && (unsent.current || inFlight.current !== null),
    version: () => version.current,
    latest: () => latest.current,
    change,
    flush,
    adoptVersion,
    stop,
    resume,
  };
}

/** Ticks every few seconds so "Saved 12 s ago" stays true. */
export function useNow(intervalMs = 5_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} min ago`;
}
