import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { AuditEventView, ClientSummary, CoupleSummary, Page, StaffMember } from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';
import { EmptyState, Field, FormAlert, Loading, PageHeading, SelectField } from '../../ui/forms';

const ACTION_GROUPS: Array<[string, string]> = [
  ['', 'Everything'],
  ['auth', 'Sign-ins and sign-outs'],
  ['auth.sign_in_failed', 'Failed sign-ins'],
  ['staff', 'Staff changes'],
  ['client', 'Client changes'],
  ['couple', 'Couple changes'],
];

function describe(event: AuditEventView): string {
  const detail = event.detail as Record<string, unknown>;
  const parts = [event.action.replace('.', ' · ').replace(/_/g, ' ')];
  if (Array.isArray(detail.fields)) parts.push(`fields: ${(detail.fields as string[]).join(', ').replace(/_/g, ' ')}`);
  if (detail.status) parts.push(`status: ${String(detail.status)}`);
  if (Array.isArray(detail.rolesAfter)) parts.push(`roles: ${(detail.rolesAfter as string[]).join(', ')}`);
  return parts.join(' — ');
}

export default function AuditPage() {
  const [filters, setFilters] = useState({ actorId: '', subjectId: '', action: '', from: '', to: '' });
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });
  const staff = useQuery({ queryKey: [...keys.staff.all(), 'all'], queryFn: () => api.get<Page<StaffMember>>('/staff?limit=100') });
  const clients = useQuery({ queryKey: [...keys.clients.all(), 'audit-picker'], queryFn: () => api.get<Page<ClientSummary>>('/clients?limit=100') });
  const couples = useQuery({ queryKey: [...keys.couples.all(), 'audit-picker'], queryFn: () => api.get<Page<CoupleSummary>>('/couples?limit=100') });
  const log = useInfiniteQuery({
    queryKey: keys.audit.list(filters),
    queryFn: ({ pageParam }) => api.get<Page<AuditEventView>>(`/audit${queryString({ ...filters, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const events = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <PageHeading>Audit log</PageHeading>
      <p className="lead">Every sign-in and every change, newest first. Nobody can edit or delete these entries.</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <SelectField label="Person" value={filters.actorId} onChange={set('actorId')}>
          <option value="">Anyone</option>
          {staff.data?.items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Client or couple" value={filters.subjectId} onChange={set('subjectId')}>
          <option value="">Any</option>
          {couples.data?.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
          {clients.data?.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="What happened" value={filters.action} onChange={set('action')}>
          {ACTION_GROUPS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <Field label="From" type="date" value={filters.from} onChange={set('from')} />
        <Field label="To" type="date" value={filters.to} onChange={set('to')} />
        <a className="button" href={`/api/audit/export.csv${queryString(filters)}`} download>
          Export CSV
        </a>
      </form>
      {log.isPending && <Loading />}
      <FormAlert error={log.error ?? undefined} />
      {log.isSuccess && events.length === 0 && <EmptyState title="Nothing matches these filters." />}
      {events.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Concerning</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seq}>
                <td>{new Date(e.occurredAt).toLocaleString()}</td>
                <td>{e.actor.name ?? (e.actor.kind === 'anonymous' ? 'Someone not signed in' : e.actor.kind)}</td>
                <td>{describe(e)}</td>
                <td>{e.subject?.name ?? '—'}</td>
                <td>{e.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <button type="button" className="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
        </button>
      )}
    </section>
  );
}
