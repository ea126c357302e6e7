import { useState } from 'react';
import type { InviteResponse, StaffMember, StaffRole } from '@tandem/shared';
import { Badge, EmptyState, Field, FormAlert, Loading, PageHeading } from '../../ui/forms';
import { useMe } from '../auth/use-me';
import { InviteForm } from './InviteForm';
import { InviteLink } from './InviteLink';
import { useCaseloadBoard } from '../caseload/caseload-api';
import { useDeactivate, useReactivate, useReissueInvite, useSetRoles, useStaffList } from './staff-api';

const STATUS_TONE = { active: 'good', invited: 'info', deactivated: 'neutral' } as const;

/** Before deactivating a clinician: whose care they would leave without a clinician. */
function CaseloadWarning({ member }: { member: StaffMember }) {
  const board = useCaseloadBoard(member.roles.includes('clinician'));
  const row = board.data?.clinicians.find((c) => c.clinician.id === member.id);
  if (!row || (row.activeClients === 0 && row.couples === 0)) return null;
  const parts = [
    row.activeClients > 0 && `${row.activeClients} active client${row.activeClients === 1 ? '' : 's'}`,
    row.couples > 0 && `${row.couples} couple${row.couples === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return (
    <strong className="staff-row__warning" role="alert">
      {' '}
      {member.name} is still on the care team of {parts.join(' and ')}. They keep their place on those teams until you reassign them on the Caseloads page.
    </strong>
  );
}

function StaffRow({ member, isSelf }: { member: StaffMember; isSelf: boolean }) {
  const setRoles = useSetRoles();
  const deactivate = useDeactivate();
  const reactivate = useReactivate();
  const reissue = useReissueInvite();
  const [confirming, setConfirming] = useState(false);
  const [link, setLink] = useState<InviteResponse | null>(null);
  const [roleNote, setRoleNote] = useState<string | null>(null);
  const error = setRoles.error ?? deactivate.error ?? reactivate.error ?? reissue.error;

  const toggleRole = (role: StaffRole) => {
    const roles = member.roles.includes(role) ? member.roles.filter((r) => r !== role) : [...member.roles, role];
    if (roles.length === 0) {
      const other = role === 'admin' ? 'Clinician' : 'Admin';
      setRoleNote(`${member.name} needs at least one role. Tick ${other} first, then untick ${role === 'admin' ? 'Admin' : 'Clinician'}; or deactivate ${member.name} to remove their access.`);
      return;
    }
    setRoleNote(null);
    setRoles.mutate({ id: member.id, roles });
  };

  return (
    <li className="staff-row">
      <div className="staff-row__who">
        <strong>{member.name}</strong>
        {isSelf && <span className="muted"> (you)</span>}
        <span className="muted">{member.email}</span>
      </div>
      <Badge tone={STATUS_TONE[member.status]}>{member.status}</Badge>
      <fieldset className="staff-row__roles" disabled={member.status === 'deactivated' || setRoles.isPending}>
        <legend className="visually-hidden">Roles of {member.name}</legend>
        {(['clinician', 'admin'] as const).map((role) => (
          <label key={role} className="check">
            <input type="checkbox" checked={member.roles.includes(role)} onChange={() => toggleRole(role)} />
            {role === 'admin' ? 'Admin' : 'Clinician'}
          </label>
        ))}
      </fieldset>
      <div className="staff-row__actions">
        {member.status === 'invited' && (
          <button type="button" className="button" onClick={() => reissue.mutate(member.id, { onSuccess: setLink })}>
            New invite link
          </button>
        )}
        {member.status !== 'deactivated' && !confirming && (
          <button type="button" className="button button--danger" onClick={() => setConfirming(true)}>
            Deactivate
          </button>
        )}
        {confirming && (
          <span className="confirm" role="group" aria-label={`Confirm deactivating ${member.name}`}>
            <span>
              Sign {member.name} out everywhere and block sign-in?
              <CaseloadWarning member={member} />
            </span>
            <button
              type="button"
              className="button button--danger"
              onClick={() => deactivate.mutate(member.id, { onSettled: () => setConfirming(false) })}
            >
              Yes, deactivate
            </button>
            <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
        {member.status === 'deactivated' && (
          <button type="button" className="button" onClick={() => reactivate.mutate(member.id)}>
            Reactivate
          </button>
        )}
      </div>
      {roleNote && (
        <div className="staff-row__error">
          <p className="alert alert--warn" role="alert">
            {roleNote}
          </p>
        </div>
      )}
      {error && (
        <div className="staff-row__error">
          <FormAlert error={error} />
        </div>
      )}
      {link && (
        <div className="staff-row__error">
          <InviteLink invite={link} />
        </div>
      )}
    </li>
  );
}

export default function StaffPage() {
  const me = useMe().data!;
  const [q, setQ] = useState('');
  const list = useStaffList(q.trim());
  const members = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <PageHeading>Staff</PageHeading>
      <InviteForm />
      <section className="panel" aria-labelledby="team-heading">
        <h2 id="team-heading">Your team</h2>
        <Field label="Search by name or email" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        {list.isPending && <Loading />}
        <FormAlert error={list.error ?? undefined} />
        {list.isSuccess && members.length === 0 && (
          <EmptyState title={q ? 'Nobody matches that search.' : 'Nobody here yet.'}>{!q && 'Invite your first colleague above.'}</EmptyState>
        )}
        <ul className="staff-list">
          {members.map((member) => (
            <StaffRow key={member.id} member={member} isSelf={member.id === me.user.id} />
          ))}
        </ul>
        {list.hasNextPage && (
          <button type="button" className="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        )}
      </section>
    </section>
  );
}
