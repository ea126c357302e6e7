import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { PersonRef } from '@tandem/shared';
import { api } from '../../api/client';
import { EmptyState, FormAlert, Loading } from '../../ui/forms';
import { useClients, useClinicians, useCouples, useSetClientCareTeam, useSetCoupleCareTeam } from './caseload-api';

type Kind = 'client' | 'couple';

/**
 * Moves a record's primary clinician from `from` to the chosen one, keeping the
 * rest of the team (the new primary leaves the "also on the team" list).
 */
function Reassign({ kind, id, name, from }: { kind: Kind; id: string; name: string; from: PersonRef }) {
  const clinicians = useClinicians();
  const setClient = useSetClientCareTeam();
  const setCouple = useSetCoupleCareTeam();
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const move = async () => {
    setBusy(true);
    setError(null);
    try {
      const record = await (kind === 'client' ? api.get('/clients/{id}', { path: { id } }) : api.get('/couples/{id}', { path: { id } }));
      const others = record.careTeam.filter((m) => m.role === 'secondary' && m.staffId !== to).map((m) => m.staffId);
      const body = { id, primaryClinicianId: to, otherClinicianIds: others };
      await (kind === 'client' ? setClient.mutateAsync(body) : setCouple.mutateAsync(body));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="reassign assign">
      <select aria-label={`Move ${name} to`} value={to} onChange={(e) => setTo(e.target.value)}>
        <option value="">Move to…</option>
        {clinicians.data
          ?.filter((c) => c.id !== from.id)
          .map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
      </select>
      <button type="button" className="button" disabled={!to || busy} onClick={() => void move()}>
        {busy ? 'Moving…' : `Move ${name}`}
      </button>
      {error ? <FormAlert error={error} /> : null}
    </span>
  );
}

/** One clinician's people on the caseload board: each opens in one click and moves to another clinician in two. */
export function ClinicianCaseload({ clinician }: { clinician: PersonRef }) {
  const clients = useClients({ clinicianId: clinician.id, status: 'active' });
  const couples = useCouples({ clinicianId: clinician.id });
  const clientItems = (clients.data?.pages.flatMap((p) => p.items) ?? []).filter((c) => c.primaryClinician?.id === clinician.id);
  const coupleItems = (couples.data?.pages.flatMap((p) => p.items) ?? []).filter((c) => c.primaryClinician?.id === clinician.id);
  return (
    <section className="panel" aria-label={`${clinician.name}’s caseload`}>
      <h3>{clinician.name} is the primary clinician of</h3>
      {(clients.isPending || couples.isPending) && <Loading />}
      <FormAlert error={clients.error ?? couples.error ?? undefined} />
      {clients.isSuccess && couples.isSuccess && clientItems.length === 0 && coupleItems.length === 0 && <EmptyState title="Nobody yet." />}
      <ul className="record-list">
        {coupleItems.map((c) => (
          <li key={c.id}>
            <Link to={`/couples/${c.id}`}>{c.displayName}</Link> <span className="muted">couple</span>
            <Reassign kind="couple" id={c.id} name={c.displayName} from={clinician} />
          </li>
        ))}
        {clientItems.map((c) => (
          <li key={c.id}>
            <Link to={`/clients/${c.id}`}>{c.name}</Link>
            <Reassign kind="client" id={c.id} name={c.name} from={clinician} />
          </li>
        ))}
      </ul>
      {(clients.hasNextPage || couples.hasNextPage) && (
        <button
          type="button"
          className="button"
          onClick={() => {
            if (clients.hasNextPage) void clients.fetchNextPage();
            if (couples.hasNextPage) void couples.fetchNextPage();
          }}
        >
          Load more
        </button>
      )}
    </section>
  );
}
