import { useState } from 'react';
import { Link } from 'react-router-dom';
import { DigestToggle } from '../delivery/ReminderSettingsPanel';
import { Badge, EmptyState, Field, FormAlert, Loading, PageHeading, SelectField } from '../../ui/forms';
import { useMe } from '../auth/use-me';
import { useClients, useCouples } from './caseload-api';
import { SafetyBadge } from './SafetyBadge';
import { HomeworkStatsLine } from '../homework/HomeworkStatsLine';
import { LatestMeasuresLine, latestFor } from '../measures/LatestMeasuresLine';
import { useLatestMeasures } from '../measures/measures-api';

/** A clinician's own people: the clients and couples on their care teams. */
export default function MyCaseloadPage() {
  const me = useMe().data!;
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('active');
  // Admins who also see clients see the whole practice; "my" caseload is their own care teams.
  const mine: Record<string, string> = me.user.roles.includes('admin') ? { clinicianId: me.user.id } : {};
  const clients = useClients({ ...mine, q: q.trim(), status });
  const couples = useCouples({ ...mine, q: q.trim() });
  const clientItems = clients.data?.pages.flatMap((p) => p.items) ?? [];
  const coupleItems = couples.data?.pages.flatMap((p) => p.items) ?? [];
  const latest = useLatestMeasures([...clientItems.map((c) => c.id), ...coupleItems.flatMap((c) => c.members.map((m) => m.id))], me.user.roles.includes('clinician'));
  return (
    <section>
      <PageHeading>My caseload</PageHeading>
      {me.user.roles.includes('clinician') && <DigestToggle />}
      <div className="filters">
        <Field label="Search by name" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="active">Active</option>
          <option value="discharged">Discharged</option>
          <option value="">All</option>
        </SelectField>
      </div>
      <div className="two-columns">
        <section className="panel" aria-labelledby="couples-heading">
          <h2 id="couples-heading">Couples</h2>
          {couples.isPending && <Loading />}
          <FormAlert error={couples.error ?? undefined} />
          {couples.isSuccess && coupleItems.length === 0 && (
            <EmptyState title={q ? 'No couple matches that search.' : 'No couples on your care teams yet.'}>
              {!q && 'When your practice admin adds you to a couple’s care team, they appear here.'}
            </EmptyState>
          )}
          <ul className="record-list">
            {coupleItems.map((c) => (
              <li key={c.id}>
                <Link to={`/couples/${c.id}`}>{c.displayName}</Link>
                <SafetyBadge status={c.conjointSafety} />
                <span className="muted">{c.members.map((m) => m.preferredName ?? m.name).join(', ')}</span>
                <HomeworkStatsLine stats={c.homework} />
                {c.members.map((m) => (
                  <span key={m.id} className="latest-measures__person">
                    {latestFor(latest.data?.items, m.id).length > 0 && <span className="muted">{m.preferredName ?? m.name}:</span>}{' '}
                    <LatestMeasuresLine items={latestFor(latest.data?.items, m.id)} />
                  </span>
                ))}
              </li>
            ))}
          </ul>
          {couples.hasNextPage && (
            <button type="button" className="button" onClick={() => couples.fetchNextPage()}>
              Load more couples
            </button>
          )}
        </section>
        <section className="panel" aria-labelledby="clients-heading">
          <h2 id="clients-heading">Clients</h2>
          {clients.isPending && <Loading />}
          <FormAlert error={clients.error ?? undefined} />
          {clients.isSuccess && clientItems.length === 0 && (
            <EmptyState title={q ? 'No client matches that search.' : 'No clients here yet.'}>
              {!q && status === 'active' && 'When your practice admin puts a client on your caseload, they appear here.'}
            </EmptyState>
          )}
          <ul className="record-list">
            {clientItems.map((c) => (
              <li key={c.id}>
                <Link to={`/clients/${c.id}`}>{c.name}</Link>
                {c.preferredName && <span className="muted">“{c.preferredName}”</span>}
                {c.status === 'discharged' && <Badge>discharged</Badge>}
                {c.couples.length > 0 && <span className="muted">in {c.couples.map((x) => x.displayName).join(', ')}</span>}
                <HomeworkStatsLine stats={c.homework} />
                <LatestMeasuresLine items={latestFor(latest.data?.items, c.id)} />
              </li>
            ))}
          </ul>
          {clients.hasNextPage && (
            <button type="button" className="button" onClick={() => clients.fetchNextPage()}>
              Load more clients
            </button>
          )}
        </section>
      </div>
    </section>
  );
}
