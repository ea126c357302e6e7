import { useEffect, useRef, useState } from 'react';

/** Ticks every few seconds so "Saved 12 s ago" stays true. */
export function useNow(intervalMs = 5_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Calls `save` once typing has paused for `delayMs`, and never two at once. */
export function useDebouncedSave(dirty: boolean, save: () => Promise<unknown>, delayMs = 1_000) {
  const saving = useRef(false);
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(async () => {
      if (saving.current) return;
      saving.current = true;
      try {
        await saveRef.current();
      } finally {
        saving.current = false;
      }
    }, delayMs);
    return () => clearTimeout(timer);
  });
}

export function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} min ago`;
}
