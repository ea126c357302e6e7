import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ClientSummary, CoupleSummary } from '@tandem/shared';
import { EmptyState, FormAlert, Loading, PageHeading } from '../../ui/forms';
import { useCaseloadBoard, useClients, useClinicians, useCouples, useSetClientCareTeam, useSetCoupleCareTeam } from './caseload-api';
import { useMeasureCoverage } from '../measures/measures-api';
import { ClinicianCaseload } from './ClinicianCaseload';
import { NewClientForm } from './NewClientForm';
import { NewCoupleForm } from './NewCoupleForm';
import { BackupStatusPanel } from '../backups/BackupStatusPanel';

/** Pick a clinician, click Assign: two clicks to put someone on a caseload. */
function AssignControl({ label, onAssign, pending }: { label: string; onAssign: (clinicianId: string) => void; pending: boolean }) {
  const clinicians = useClinicians();
  const [choice, setChoice] = useState('');
  return (
    <span className="assign">
      <select aria-label={`Clinician for ${label}`} value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">Choose a clinician…</option>
        {clinicians.data?.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <button type="button" className="button" disabled={!choice || pending} onClick={() => onAssign(choice)}>
        Assign {label}
      </button>
    </span>
  );
}

function UnassignedClient({ client }: { client: ClientSummary }) {
  const assign = useSetClientCareTeam();
  return (
    <li>
      <Link to={`/clients/${client.id}`}>{client.name}</Link>
      <AssignControl label={client.name} pending={assign.isPending} onAssign={(id) => assign.mutate({ id: client.id, primaryClinicianId: id, otherClinicianIds: [] })} />
      <FormAlert error={assign.error ?? undefined} />
    </li>
  );
}

function UnassignedCouple({ couple }: { couple: CoupleSummary }) {
  const assign = useSetCoupleCareTeam();
  return (
    <li>
      <Link to={`/couples/${couple.id}`}>{couple.displayName}</Link>
      <AssignControl label={couple.displayName} pending={assign.isPending} onAssign={(id) => assign.mutate({ id: couple.id, primaryClinicianId: id, otherClinicianIds: [] })} />
      <FormAlert error={assign.error ?? undefined} />
    </li>
  );
}

export default function CaseloadBoardPage() {
  const board = useCaseloadBoard();
  const measured = useMeasureCoverage();
  const unassignedClients = useClients({ unassigned: 'true', status: 'active' });
  const unassignedCouples = useCouples({ unassigned: 'true' });
  const clients = unassignedClients.data?.pages.flatMap((p) => p.items) ?? [];
  const couples = unassignedCouples.data?.pages.flatMap((p) => p.items) ?? [];
  const [open, setOpen] = useState<string | null>(null);
  const openRow = board.data?.clinicians.find((r) => r.clinician.id === open);
  return (
    <section>
      <PageHeading>Caseloads</PageHeading>
      <BackupStatusPanel />
      <section className="panel" aria-labelledby="board-heading">
        <h2 id="board-heading">By clinician</h2>
        {board.isPending && <Loading />}
        <FormAlert error={board.error ?? undefined} />
        {board.data && board.data.clinicians.length === 0 && (
          <EmptyState title="No clinicians yet.">
            <Link to="/staff">Invite a clinician</Link> to start building caseloads.
          </EmptyState>
        )}
        {board.data && board.data.clinicians.length > 0 && <p className="muted">Choose a clinician to see their people and move someone to another clinician.</p>}
        {board.data && board.data.clinicians.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Clinician</th>
                <th scope="col">Active clients</th>
                <th scope="col">Couples</th>
                <th scope="col">Overdue homework</th>
                <th scope="col">Clients with a measure, last 30 days</th>
              </tr>
            </thead>
            <tbody>
              {board.data.clinicians.map((row) => (
                <tr key={row.clinician.id} className="clickable-row" onClick={() => setOpen(open === row.clinician.id ? null : row.clinician.id)}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button"
                      aria-expanded={open === row.clinician.id}
                      aria-controls="clinician-caseload"
                      onClick={(e) => {
                        e.stopPropagation();
                        setOpen(open === row.clinician.id ? null : row.clinician.id);
                      }}
                    >
                      {row.clinician.name}
                    </button>
                    {!row.clinician.active && <span className="muted"> (deactivated: reassign their people)</span>}
                  </th>
                  <td>{row.activeClients}</td>
                  <td>{row.couples}</td>
                  <td>{row.overdue > 0 ? <strong>{row.overdue}</strong> : 0}</td>
                  <td>{measured.data ? (measured.data.clinicians.find((m) => m.clinicianId === row.clinician.id)?.clientsMeasured ?? 0) : '…'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div id="clinician-caseload">{openRow && <ClinicianCaseload key={openRow.clinician.id} clinician={openRow.clinician} />}</div>
      </section>
      <div className="two-columns">
        <section className="panel" aria-labelledby="unassigned-heading">
          <h2 id="unassigned-heading">Waiting for a clinician</h2>
          {unassignedClients.isSuccess && unassignedCouples.isSuccess && clients.length === 0 && couples.length === 0 && (
            <EmptyState title="Everyone has a clinician." />
          )}
          <ul className="record-list">
            {couples.map((c) => (
              <UnassignedCouple key={c.id} couple={c} />
            ))}
            {clients.map((c) => (
              <UnassignedClient key={c.id} client={c} />
            ))}
          </ul>
          {unassignedClients.hasNextPage && (
            <button type="button" className="button" onClick={() => unassignedClients.fetchNextPage()}>
              Load more
            </button>
          )}
        </section>
        <AllPeople />
      </div>
      <div className="two-columns">
        <NewClientForm />
        <NewCoupleForm />
      </div>
    </section>
  );
}

/** Every client and couple of the practice, searchable. */
function AllPeople() {
  const [q, setQ] = useState('');
  const clients = useClients({ q: q.trim() });
  const couples = useCouples({ q: q.trim() });
  const clientItems = clients.data?.pages.flatMap((p) => p.items) ?? [];
  const coupleItems = couples.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="people-heading">
      <h2 id="people-heading">Everyone</h2>
      <div className="field">
        <label htmlFor="people-search">Search clients and couples</label>
        <input id="people-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {clients.isSuccess && couples.isSuccess && clientItems.length === 0 && coupleItems.length === 0 && (
        <EmptyState title={q ? 'Nobody matches that search.' : 'No clients yet.'}>{!q && 'Add the first client below.'}</EmptyState>
      )}
      <ul className="record-list">
        {coupleItems.map((c) => (
          <li key={c.id}>
            <Link to={`/couples/${c.id}`}>{c.displayName}</Link> <span className="muted">{c.primaryClinician?.name ?? 'no clinician'}</span>
          </li>
        ))}
        {clientItems.map((c) => (
          <li key={c.id}>
            <Link to={`/clients/${c.id}`}>{c.name}</Link> <span className="muted">{c.primaryClinician?.name ?? 'no clinician'}</span>
          </li>
        ))}
      </ul>
      {clients.hasNextPage && (
        <button type="button" className="button" onClick={() => clients.fetchNextPage()}>
          Load more clients
        </button>
      )}
    </section>
  );
}
