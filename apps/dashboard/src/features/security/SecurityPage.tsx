import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { StaffMember } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';
import { EmptyState, FormAlert, Loading, PageHeading } from '../../ui/forms';
import { useStaffList } from '../staff/staff-api';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function RequirementPanel() {
  const queryClient = useQueryClient();
  const security = useQuery({ queryKey: keys.security.practice(), queryFn: () => api.get('/practice/security') });
  const save = useMutation({
    mutationFn: (requireTwoFactor: boolean) => api.put('/practice/security', { body: { requireTwoFactor } }),
    onSuccess: (data) => queryClient.setQueryData(keys.security.practice(), data),
  });
  return (
    <section className="panel" aria-labelledby="requirement-heading">
      <h2 id="requirement-heading">Two-factor sign-in</h2>
      {security.isPending && <Loading />}
      <FormAlert error={security.error ?? save.error ?? undefined} />
      {security.data && (
        <>
          <label className="check">
            <input type="checkbox" checked={security.data.requireTwoFactor} disabled={save.isPending} onChange={(e) => save.mutate(e.target.checked)} />
            Require two-factor sign-in for everyone
          </label>
          <p className="muted">
            {security.data.staffWithoutTwoFactor === 0
              ? 'Everyone on your staff uses two-factor sign-in.'
              : `${security.data.staffWithoutTwoFactor} active staff member${security.data.staffWithoutTwoFactor === 1 ? '' : 's'} without it${
                  security.data.requireTwoFactor ? ' will set it up at their next sign-in' : ''
                }.`}
          </p>
        </>
      )}
    </section>
  );
}

function ColleagueRow({ member }: { member: StaffMember }) {
  const [open, setOpen] = useState(false);
  const sessions = useQuery({
    queryKey: keys.security.colleagueSessions(member.id),
    queryFn: () => api.get('/staff/{id}/sessions', { path: { id: member.id } }),
    enabled: open,
  });
  const endAll = useChange('colleagueSecurity', () => api.post('/staff/{id}/sessions/end', { path: { id: member.id } }), { wait: true });
  const reset = useChange('colleagueSecurity', () => api.post('/staff/{id}/two-factor/reset', { path: { id: member.id } }), { wait: true });
  return (
    <li className="staff-row">
      <div className="staff-row__who">
        <strong>{member.name}</strong>
        <span className="muted">{member.email}</span>
      </div>
      <div className="staff-row__actions">
        <button type="button" className="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide sessions' : 'Sessions'}
        </button>
        <button type="button" className="button button--danger" onClick={() => endAll.mutate()} disabled={endAll.isPending}>
          Sign out everywhere
        </button>
        <button type="button" className="button" onClick={() => reset.mutate()} disabled={reset.isPending}>
          Reset two-factor
        </button>
      </div>
      <div className="staff-row__error">
        <FormAlert error={sessions.error ?? endAll.error ?? reset.error ?? undefined} />
        {endAll.data && <p role="status">Signed out of {endAll.data.ended} session{endAll.data.ended === 1 ? '' : 's'}.</p>}
        {reset.isSuccess && <p role="status">Two-factor sign-in reset; {member.name} sets it up again at next sign-in if required.</p>}
        {open && sessions.data && sessions.data.items.length === 0 && <p className="muted">No open sessions.</p>}
        {open && (
          <ul className="session-list">
            {sessions.data?.items.map((s) => (
              <li key={s.id}>
                {s.device} · {s.ip ?? 'unknown address'} · last active {when(s.lastActiveAt)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

/** Admins: the practice's sign-in requirement, and each colleague's sessions. */
export default function SecurityPage() {
  const list = useStaffList('');
  const members = (list.data?.pages.flatMap((p) => p.items) ?? []).filter((m) => m.status === 'active');
  return (
    <section>
      <PageHeading>Security</PageHeading>
      <RequirementPanel />
      <section className="panel" aria-labelledby="colleagues-heading">
        <h2 id="colleagues-heading">Staff sessions</h2>
        {list.isPending && <Loading />}
        <FormAlert error={list.error ?? undefined} />
        {list.isSuccess && members.length === 0 && <EmptyState title="No active staff." />}
        <ul className="staff-list">
          {members.map((m) => (
            <ColleagueRow key={m.id} member={m} />
          ))}
        </ul>
        {list.hasNextPage && (
          <button type="button" className="button" onClick={() => list.fetchNextPage()}>
            Load more
          </button>
        )}
      </section>
    </section>
  );
}
