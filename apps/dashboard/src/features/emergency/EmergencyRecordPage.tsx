import { Link, useParams } from 'react-router-dom';
import { EmptyState, FormAlert, Loading, PageHeading } from '../../ui/forms';
import { useEmergencyNotes, useEmergencyRecord, useEndEmergencyAccess } from './emergency-api';

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'short' });

/** A client's record under emergency access: clearly marked, read-only, time-limited. */
export default function EmergencyRecordPage() {
  const { id = '' } = useParams();
  const record = useEmergencyRecord(id);
  const notes = useEmergencyNotes(id, record.isSuccess);
  const end = useEndEmergencyAccess();
  const items = notes.data?.pages.flatMap((p) => p.items) ?? [];
  if (record.isPending) return <Loading />;
  if (!record.data) {
    return (
      <section>
        <PageHeading>Emergency access</PageHeading>
        <FormAlert error={record.error ?? undefined} />
        <Link to="/emergency">Back to emergency access</Link>
      </section>
    );
  }
  const { grant, client, careTeam } = record.data;
  return (
    <section>
      <div className="alert alert--warn" role="status">
        Emergency access until {time(grant.expiresAt)}. Everything you read here is recorded, and the care team has been told.
      </div>
      <PageHeading>{client.name}</PageHeading>
      <dl className="facts">
        {client.preferredName && (
          <>
            <dt>Goes by</dt>
            <dd>{client.preferredName}</dd>
          </>
        )}
        <dt>Phone</dt>
        <dd>{client.phone ?? '—'}</dd>
        <dt>Email</dt>
        <dd>{client.email ?? '—'}</dd>
        <dt>Date of birth</dt>
        <dd>{client.dateOfBirth ?? '—'}</dd>
        <dt>Care team</dt>
        <dd>{careTeam.map((m) => `${m.name} (${m.role})`).join(', ') || '—'}</dd>
      </dl>
      <button type="button" className="button button--danger" disabled={end.isPending || !grant.active} onClick={() => end.mutate(grant.id)}>
        {grant.active && !end.data ? 'End emergency access' : 'Ended'}
      </button>
      <section className="panel" aria-labelledby="notes-heading">
        <h2 id="notes-heading">Progress notes</h2>
        <FormAlert error={notes.error ?? end.error ?? undefined} />
        {notes.isSuccess && items.length === 0 && <EmptyState title="No progress notes yet." />}
        {items.map((note) => (
          <article key={note.id} className="note-card">
            <h3>
              {note.sessionDate} · {note.format} · {note.author.name} {note.status === 'draft' && '(draft)'}
            </h3>
            {Object.entries(note.sections)
              .filter(([, text]) => text.trim() !== '')
              .map(([key, text]) => (
                <p key={key}>
                  <strong>{key}:</strong> {text}
                </p>
              ))}
          </article>
        ))}
        {notes.hasNextPage && (
          <button type="button" className="button" onClick={() => notes.fetchNextPage()}>
            Load more
          </button>
        )}
      </section>
    </section>
  );
}
