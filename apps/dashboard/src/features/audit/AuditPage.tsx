import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { AUDIT_ACTION_FILTERS, auditDetailText, type AuditEventView } from '@tandem/shared';
import { api, apiHref } from '../../api/client';
import { keys } from '../../api/query-keys';
import { Badge, EmptyState, Field, FormAlert, Loading, PageHeading, SelectField, fieldError } from '../../ui/forms';
import { formatDateTime } from '../../ui/dates';
import { groupRepeatedReads } from './group-reads';
import { SearchCombobox, type ComboOption } from '../../ui/SearchCombobox';
import { useStaffSearch } from '../staff/staff-api';
import { useSubjectSearch } from '../caseload/caseload-api';

function who(e: AuditEventView): string {
  if (e.actor.kind === 'system') return 'Tandem';
  if (!e.actor.name) return e.actor.kind === 'anonymous' ? 'Someone not signed in' : 'Someone no longer on record';
  if (e.actor.kind === 'portal') return `${e.actor.name} (portal)`;
  if (e.actor.kind === 'anonymous') return `${e.actor.name} (not signed in)`;
  return e.actor.name;
}

function what(e: AuditEventView): string {
  const detail = auditDetailText(e);
  // The record's name, unless it is the person acting ("Signed in", not "Signed in: Maya").
  const record = e.recordName && e.recordId !== e.actor.id ? `: ${e.recordName}` : '';
  return `${e.actionLabel}${record}${detail ? ` — ${detail}` : ''}`;
}

export default function AuditPage() {
  const [actor, setActor] = useState<ComboOption | null>(null);
  const [subject, setSubject] = useState<ComboOption | null>(null);
  const [rest, setRest] = useState({ action: '', from: '', to: '' });
  const filters = { actorId: actor?.id ?? '', subjectId: subject?.id ?? '', ...rest };
  const set = (key: keyof typeof rest) => (e: { target: { value: string } }) => setRest({ ...rest, [key]: e.target.value });
  const backwards = Boolean(filters.from && filters.to && filters.from > filters.to);
  const log = useInfiniteQuery({
    queryKey: keys.audit.list(filters),
    queryFn: ({ pageParam }) => api.get('/audit', { query: { ...filters, cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: !backwards,
  });
  const rows = groupRepeatedReads(log.data?.pages.flatMap((p) => p.items) ?? []);
  const toError = backwards ? 'To must be on or after From: nothing can match a range that ends before it starts.' : fieldError(log.error, 'to');
  return (
    <section>
      <PageHeading>Audit log</PageHeading>
      <p className="lead">
        Every sign-in, every change and every read of notes and answers, newest first. Nobody can edit or delete these entries. Repeated reads of one record by
        one person within two minutes show as one row with a count; each read is kept and exported.
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <SearchCombobox label="Person" placeholder="Anyone" useSearch={useStaffSearch} value={actor} onChange={setActor} />
        <SearchCombobox label="Client or couple" placeholder="Any" useSearch={useSubjectSearch} value={subject} onChange={setSubject} />
        <SelectField label="What happened" value={filters.action} onChange={set('action')}>
          <option value="">Everything</option>
          {AUDIT_ACTION_FILTERS.map(({ value, label }) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <Field label="From" type="date" value={filters.from} max={filters.to || undefined} onChange={set('from')} />
        <Field label="To" type="date" value={filters.to} min={filters.from || undefined} onChange={set('to')} error={toError} />
        {backwards ? (
          <span className="button" aria-disabled="true">
            Export CSV
          </span>
        ) : (
          <a className="button" href={apiHref('/audit/export.csv', { query: filters })} download>
            Export CSV
          </a>
        )}
      </form>
      {!backwards && log.isPending && <Loading />}
      {!backwards && <FormAlert error={log.error && !fieldError(log.error, 'to') ? log.error : undefined} />}
      {!backwards && log.isSuccess && rows.length === 0 && <EmptyState title="Nothing matches these filters." />}
      {!backwards && rows.length > 0 && (
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
            {rows.map(({ event: e, count, firstAt }) => (
              <tr key={e.seq}>
                <td>
                  {formatDateTime(e.occurredAt)}
                  {count > 1 && formatDateTime(firstAt) !== formatDateTime(e.occurredAt) && <span className="muted"> (first at {formatDateTime(firstAt)})</span>}
                </td>
                <td>{who(e)}</td>
                <td>
                  {what(e)}
                  {count > 1 && (
                    <span className="audit-count">
                      <Badge tone="info">{count} times</Badge>
                    </span>
                  )}
                </td>
                <td>{e.subject?.name ?? '—'}</td>
                <td>{e.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!backwards && log.hasNextPage && (
        <button type="button" className="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
        </button>
      )}
    </section>
  );
}
