import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { EMERGENCY_ACCESS_MINUTES, EMERGENCY_REASON_MIN_LENGTH, type EmergencyCandidate } from '@tandem/shared';
import { Badge, EmptyState, Field, FormAlert, Loading, PageHeading, fieldError } from '../../ui/forms';
import { useMe } from '../auth/use-me';
import { useEmergencyCandidates, useEmergencyNotices, useMarkNoticeSeen, useMyEmergencyAccess, useOpenEmergencyAccess } from './emergency-api';

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function OpenRecordForm() {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<EmergencyCandidate | null>(null);
  const [reason, setReason] = useState('');
  const candidates = useEmergencyCandidates(q.trim());
  const open = useOpenEmergencyAccess();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen) open.mutate({ clientId: chosen.id, reason }, { onSuccess: (grant) => navigate(`/emergency/${grant.id}`) });
  };
  return (
    <section className="panel" aria-labelledby="open-heading">
      <h2 id="open-heading">Open a record in an emergency</h2>
      <p>
        For a client who is not on your caseload, when care cannot wait for their own clinician. The record opens for{' '}
        {EMERGENCY_ACCESS_MINUTES} minutes. Their care team and the practice admins are told, with your reason, and everything you read is
        recorded. Psychotherapy notes stay closed.
      </p>
      {!chosen && (
        <>
          <Field label="Client’s name" type="search" value={q} onChange={(e) => setQ(e.target.value)} hint="At least two letters." />
          {candidates.isFetching && <Loading />}
          <FormAlert error={candidates.error ?? undefined} />
          {candidates.data && candidates.data.items.length === 0 && <EmptyState title="No client outside your caseload has that name." />}
          <ul className="pick-list">
            {candidates.data?.items.map((c) => (
              <li key={c.id}>
                <button type="button" className="button" onClick={() => setChosen(c)}>
                  {c.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {chosen && (
        <form onSubmit={submit} noValidate>
          <p>
            Client: <strong>{chosen.name}</strong>{' '}
            <button type="button" className="button button--quiet" onClick={() => setChosen(null)}>
              Choose another
            </button>
          </p>
          <FormAlert error={open.error && !fieldError(open.error, 'reason') ? open.error : undefined} />
          <div className="field">
            <label htmlFor="emergency-reason">Why you need this record now</label>
            <textarea
              id="emergency-reason"
              rows={3}
              value={reason}
              minLength={EMERGENCY_REASON_MIN_LENGTH}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={fieldError(open.error, 'reason') ? true : undefined}
            />
            {fieldError(open.error, 'reason') && <p className="field__error">{fieldError(open.error, 'reason')}</p>}
          </div>
          <button type="submit" className="button button--danger" disabled={open.isPending}>
            Open the record
          </button>
        </form>
      )}
    </section>
  );
}

function MyAccessList() {
  const mine = useMyEmergencyAccess(true);
  const items = mine.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="mine-heading">
      <h2 id="mine-heading">Your emergency access</h2>
      <ul className="session-list">
        {items.map((g) => (
          <li key={g.id} className="session-row">
            <div>
              <strong>{g.client.name}</strong> {g.active ? <Badge tone="warn">Open until {time(g.expiresAt)}</Badge> : <Badge>Ended</Badge>}
              <div className="muted">Opened {time(g.startedAt)}</div>
            </div>
            {g.active && <Link to={`/emergency/${g.id}`}>View record</Link>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Notices() {
  const notices = useEmergencyNotices();
  const seen = useMarkNoticeSeen();
  const items = notices.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="notices-heading">
      <h2 id="notices-heading">Records opened in an emergency</h2>
      {notices.isPending && <Loading />}
      <FormAlert error={notices.error ?? seen.error ?? undefined} />
      {notices.isSuccess && items.length === 0 && <EmptyState title="Nobody has opened one of your records in an emergency." />}
      <ul className="session-list">
        {items.map((n) => (
          <li key={n.id} className="session-row">
            <div>
              <strong>
                {n.grant.clinician.name} opened {n.grant.client.name}’s record
              </strong>{' '}
              {n.why === 'care_team' ? <Badge tone="info">Your client</Badge> : <Badge>As admin</Badge>}
              <div>“{n.grant.reason}”</div>
              <div className="muted">
                {time(n.grant.startedAt)} · {n.grant.active ? `open until ${time(n.grant.expiresAt)}` : 'ended'}
              </div>
            </div>
            {!n.seenAt && (
              <button type="button" className="button" onClick={() => seen.mutate(n.id)}>
                Mark as seen
              </button>
            )}
          </li>
        ))}
      </ul>
      {notices.hasNextPage && (
        <button type="button" className="button" onClick={() => notices.fetchNextPage()}>
          Load more
        </button>
      )}
    </section>
  );
}

export default function EmergencyPage() {
  const me = useMe().data;
  if (!me) return null;
  const isClinician = me.user.roles.includes('clinician');
  return (
    <section>
      <PageHeading>Emergency access</PageHeading>
      {isClinician && <OpenRecordForm />}
      {isClinician && <MyAccessList />}
      <Notices />
    </section>
  );
}
