import { useMutation, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { keys } from './query-keys';

/**
 * What a change on the server makes out of date on screen: one table for the
 * whole dashboard, so "what does assigning homework refresh?" has one answer.
 *
 * `offScreen`: refetched at once even when no page shows it, so that going back
 * to it never shows an old figure first (the caseload board's counts).
 */
interface Refresh {
  key: QueryKey;
  offScreen?: boolean;
}

const refresh = (key: QueryKey, offScreen = false): Refresh => ({ key, offScreen });

export const CHANGES = {
  /** Assigning, rescheduling or cancelling homework: its lists and trends, the counts on every list and board that show it, the attention queue. */
  homework: [
    refresh(keys.homework.all()),
    refresh(keys.clients.all()),
    refresh(keys.couples.all()),
    refresh(keys.caseloads(), true),
    refresh(keys.attention.all()),
  ],
  /** A measure assigned: homework's row, and the measures shown beside it. Scores change only through the portal. */
  measure: [
    refresh(keys.homework.all()),
    refresh(keys.measures.all()),
    refresh(keys.clients.all()),
    refresh(keys.couples.all()),
    refresh(keys.caseloads(), true),
    refresh(keys.attention.all()),
  ],
  /** Answers marked reviewed: the queue and the homework that shows them. */
  review: [refresh(keys.attention.all()), refresh(keys.homework.all())],
  /** Clients, couples, care teams, membership, discharge (which cancels open homework), conjoint safety. */
  caseload: [
    refresh(keys.clients.all()),
    refresh(keys.couples.all()),
    refresh(keys.caseloads(), true),
    refresh(keys.homework.all()),
    refresh(keys.attention.all()),
    refresh(keys.alerts.all()),
  ],
  /** Staff invited, roles changed, deactivated: staff lists, clinician pickers, the board's rows. */
  staff: [refresh(keys.staff.all()), refresh(keys.caseloads(), true), refresh(keys.security.all())],
  /** Notes created, signed, addenda, discarded (autosaves change only the note itself). */
  note: [refresh(keys.notes.lists()), refresh(keys.attention.all())],
  noteDraft: [refresh(keys.notes.lists())],
  library: [refresh(keys.library.all())],
  alerts: [refresh(keys.alerts.all()), refresh(keys.attention.all())],
  emergency: [refresh(keys.emergency.all())],
  twoFactor: [refresh(keys.account.twoFactor())],
  sessions: [refresh(keys.account.sessions())],
  colleagueSecurity: [refresh(keys.security.all())],
  /** A portal link issued, revoked or emailed: the link's status, and failed deliveries it may replace. */
  portalLink: [refresh(keys.portalLinks()), refresh(keys.deliveries.failed())],
} satisfies Record<string, Refresh[]>;

export type Change = keyof typeof CHANGES;

/** Marks what `change` makes out of date; what is on screen (and what is marked `offScreen`) refetches now. */
export async function refreshAfter(queryClient: QueryClient, change: Change, extra: QueryKey[] = []): Promise<void> {
  const list: Refresh[] = [...CHANGES[change], ...extra.map((key) => refresh(key))];
  await Promise.all(list.map(({ key, offScreen }) => queryClient.invalidateQueries({ queryKey: key, refetchType: offScreen ? 'all' : 'active' })));
}

interface ChangeOptions<TArgs, TResult> {
  /** Keys of the record itself, beyond the table's row. */
  also?: (result: TResult, args: TArgs) => QueryKey[];
  /** Puts the answer in the cache first (the record as the server now has it). */
  store?: (queryClient: QueryClient, result: TResult) => void;
  /** The mutation settles only once what is on screen has refetched (lists that must not show the old row). */
  wait?: boolean;
}

/** A mutation that refreshes what it changes: `change` names the row of the table above. */
export function useChange<TArgs, TResult>(change: Change, fn: (args: TArgs) => Promise<TResult>, options: ChangeOptions<TArgs, TResult> = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (result, args) => {
      options.store?.(queryClient, result);
      const done = refreshAfter(queryClient, change, options.also?.(result, args));
      if (options.wait) await done;
    },
  });
}
