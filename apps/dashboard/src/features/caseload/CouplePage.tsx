import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { CONJOINT_SAFETY, CONJOINT_SAFETY_EXPLAINED, type ConjointSafety } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { FormAlert, Loading, PageHeading, SelectField } from '../../ui/forms';
import NotFoundPage from '../../app/NotFoundPage';
import { useMe } from '../auth/use-me';
import { useAddMember, useCouple, useRemoveMember, useSetCoupleCareTeam, useSetSafety } from './caseload-api';
import { CareTeamSection } from './CareTeamEditor';
import { ClientPicker } from './ClientPicker';
import { SafetyBadge } from './SafetyBadge';
import { NotesPanel } from '../notes/NotesPanel';
import { HomeworkSection } from '../homework/HomeworkSection';
import { AlertsPanel } from '../safety/AlertsPanel';
import { MeasuresSection } from '../measures/MeasuresSection';
import { PortalLinkPanel } from '../homework/PortalLinkPanel';
import { formatDate } from '../../ui/dates';
import { SendLinkButton } from '../delivery/SendLinkButton';

const SAFETY_LABEL: Record<ConjointSafety, string> = { unscreened: 'Not screened yet', cleared: 'Cleared for conjoint work', concern: 'Safety concern' };

function SafetyForm({ coupleId, current, note, version }: { coupleId: string; current: ConjointSafety; note: string | null; version: number }) {
  const save = useSetSafety(coupleId);
  const [status, setStatus] = useState<ConjointSafety>(current);
  const [text, setText] = useState(note ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ status, note: text.trim() || null, version });
  };
  return (
    <form onSubmit={submit} className="stacked-form">
      <FormAlert error={save.error} fields={{ status: 'Screening result', note: 'Note' }} />
      <SelectField label="Screening result" value={status} onChange={(e) => setStatus(e.target.value as ConjointSafety)}>
        {CONJOINT_SAFETY.map((s) => (
          <option key={s} value={s}>
            {SAFETY_LABEL[s]}
          </option>
        ))}
      </SelectField>
      <div className="field">
        <label htmlFor="safety-note">Note (seen by the couple’s clinicians and admins)</label>
        <textarea id="safety-note" rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <div>
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Record screening'}
        </button>
      </div>
    </form>
  );
}

export default function CouplePage() {
  const { id = '' } = useParams();
  const me = useMe().data!;
  const couple = useCouple(id);
  const addMember = useAddMember(id);
  const removeMember = useRemoveMember(id);
  const careTeam = useSetCoupleCareTeam();
  if (couple.isPending) return <Loading />;
  if (couple.error instanceof ApiError && couple.error.status === 404) return <NotFoundPage />;
  if (couple.error) return <FormAlert error={couple.error} />;
  const c = couple.data;
  const isAdmin = me.user.roles.includes('admin');
  const onTeam = me.user.roles.includes('clinician') && c.careTeam.some((m) => m.staffId === me.user.id);
  const current = c.memberHistory.filter((m) => !m.leftAt);
  const past = c.memberHistory.filter((m) => m.leftAt);
  return (
    <section>
      <p className="breadcrumb">
        <Link to={isAdmin ? '/caseloads' : '/caseload'}>{isAdmin ? 'Caseloads' : 'My caseload'}</Link>
      </p>
      <PageHeading>{c.displayName}</PageHeading>
      <div className="two-columns">
        <section className="panel" aria-labelledby="safety-heading">
          <h2 id="safety-heading">
            Conjoint safety <SafetyBadge status={c.safety.status} />
          </h2>
          <p>{CONJOINT_SAFETY_EXPLAINED[c.safety.status]}</p>
          {c.safety.setBy && (
            <p className="muted">
              Recorded by {c.safety.setBy.name} on {formatDate(c.safety.setAt!)}
              {c.safety.note && `: “${c.safety.note}”`}
            </p>
          )}
          {onTeam ? (
            <SafetyForm key={c.version} coupleId={id} current={c.safety.status} note={c.safety.note} version={c.version} />
          ) : (
            <p className="muted">Only a clinician on this couple’s care team records the screening.</p>
          )}
        </section>
        <section className="panel" aria-labelledby="members-heading">
          <h2 id="members-heading">Members</h2>
          <FormAlert error={addMember.error ?? removeMember.error ?? undefined} />
          <ul className="plain-list">
            {current.map((m) => (
              <li key={m.clientId}>
                <Link to={`/clients/${m.clientId}`}>{m.name}</Link>{' '}
                <span className="muted">since {formatDate(m.joinedAt)}</span>
                {isAdmin && (
                  <button type="button" className="button button--quiet" onClick={() => removeMember.mutate(m.clientId)}>
                    Remove {m.name}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {past.length > 0 && (
            <>
              <h3>Former members</h3>
              <ul className="plain-list">
                {past.map((m) => (
                  <li key={`${m.clientId}-${m.joinedAt}`}>
                    {m.name}{' '}
                    <span className="muted">
                      {formatDate(m.joinedAt)} – {formatDate(m.leftAt!)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {isAdmin && <ClientPicker label="Add a member" exclude={current.map((m) => m.clientId)} onPick={(clientId) => addMember.mutate(clientId)} />}
          <h2>Care team</h2>
          <CareTeamSection
            team={c.careTeam}
            canChange={isAdmin}
            pending={careTeam.isPending}
            error={careTeam.error}
            save={(primaryClinicianId, otherClinicianIds, done) => careTeam.mutate({ id, primaryClinicianId, otherClinicianIds }, { onSuccess: done })}
          />
        </section>
      </div>
      <section className="panel" aria-labelledby="links-heading">
        <h2 id="links-heading">Portal links</h2>
        <p className="muted">Each partner answers on their own phone, through a private link of their own.</p>
        <SendLinkButton to={{ coupleId: c.id }} label="Send links" />
        {current.map((m) => (
          <PortalLinkPanel key={m.clientId} clientId={m.clientId} name={m.preferredName ?? m.name.split(' ')[0]!} />
        ))}
      </section>
      {onTeam && <AlertsPanel subject={{ coupleId: c.id }} showWho />}
      {(onTeam || isAdmin) && <HomeworkSection subject={{ coupleId: c.id }} canAssign={onTeam} showAnswers={onTeam} safety={c.safety.status} />}
      {onTeam && <MeasuresSection subject={{ coupleId: c.id }} canAssign />}
      {(onTeam || isAdmin) && <NotesPanel subject={{ coupleId: c.id }} canWrite={onTeam} />}
    </section>
  );
}
