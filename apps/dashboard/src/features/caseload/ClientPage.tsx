import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { ClientDetail } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { Badge, Field, FormAlert, Loading, Notice, PageHeading, fieldError } from '../../ui/forms';
import NotFoundPage from '../../app/NotFoundPage';
import { useMe } from '../auth/use-me';
import { useClient, useSetClientCareTeam, useSetClientStatus, useUpdateClient } from './caseload-api';
import { CareTeamSection } from './CareTeamEditor';
import { CLIENT_LABELS } from './client-labels';
import { NotesPanel } from '../notes/NotesPanel';
import { HomeworkSection } from '../homework/HomeworkSection';
import { AlertsPanel } from '../safety/AlertsPanel';
import { MeasuresSection } from '../measures/MeasuresSection';
import { PortalLinkPanel } from '../homework/PortalLinkPanel';
import { useAssignments } from '../homework/homework-api';
import { EARLIEST_DATE_OF_BIRTH } from '@tandem/shared';
import { LanguageSelect, languageName } from './LanguageSelect';
import { formatDate, practiceToday } from '../../ui/dates';
import { SendLinkButton } from '../delivery/SendLinkButton';
import { ReminderSettingsPanel } from '../delivery/ReminderSettingsPanel';

interface EditProps {
  client: ClientDetail;
  onDone: () => void;
  reload: () => Promise<ClientDetail | undefined>;
}

function EditClientForm({ client, onDone, reload }: EditProps) {
  const update = useUpdateClient(client.id);
  const [baseVersion, setBaseVersion] = useState(client.version);
  const [form, setForm] = useState({
    name: client.name,
    preferredName: client.preferredName ?? '',
    email: client.email ?? '',
    phone: client.phone ?? '',
    dateOfBirth: client.dateOfBirth ?? '',
    preferredLanguage: client.preferredLanguage,
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const stale = update.error instanceof ApiError && update.error.status === 409;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ ...form, version: baseVersion }, { onSuccess: onDone });
  };
  /** Takes the other person's version as the new base and keeps what was typed here. */
  const reloadKeepingEdits = async () => {
    const fresh = await reload();
    if (fresh) setBaseVersion(fresh.version);
    update.reset();
  };
  return (
    <form onSubmit={submit} noValidate className="form-grid">
      {stale ? (
        <FormAlert>
          Someone else changed this record while you were editing. What you typed is still here. Check their changes on the page, then
          save again to apply yours on top.
          <button type="button" className="button" onClick={reloadKeepingEdits}>
            Load their changes and keep mine
          </button>
        </FormAlert>
      ) : (
        <FormAlert error={update.error} fields={CLIENT_LABELS} />
      )}
      <Field label="Full name" value={form.name} onChange={set('name')} error={fieldError(update.error, 'name', CLIENT_LABELS.name)} required />
      <Field label="Preferred name" value={form.preferredName} onChange={set('preferredName')} error={fieldError(update.error, 'preferredName', CLIENT_LABELS.preferredName)} />
      <Field label="Email" type="email" value={form.email} onChange={set('email')} error={fieldError(update.error, 'email', CLIENT_LABELS.email)} />
      <Field label="Phone" type="tel" value={form.phone} onChange={set('phone')} error={fieldError(update.error, 'phone', CLIENT_LABELS.phone)} />
      <Field
        label="Date of birth"
        type="date"
        min={EARLIEST_DATE_OF_BIRTH}
        max={practiceToday()}
        value={form.dateOfBirth}
        onChange={set('dateOfBirth')}
        error={fieldError(update.error, 'dateOfBirth', CLIENT_LABELS.dateOfBirth)}
      />
      <LanguageSelect value={form.preferredLanguage} onChange={set('preferredLanguage')} error={fieldError(update.error, 'preferredLanguage', CLIENT_LABELS.preferredLanguage)} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button button--quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Discharge asks first, and says what happens to the portal link and to homework still open. */
function DischargeConfirm({ client, pending, onConfirm, onCancel }: { client: ClientDetail; pending: boolean; onConfirm: () => void; onCancel: () => void }) {
  const homework = useAssignments({ clientId: client.id });
  const open = homework.data?.pages.flatMap((p) => p.items).filter((a) => !a.cancelledAt && a.progress.next) ?? [];
  const first = client.preferredName ?? client.name.split(' ')[0];
  return (
    <div className="alert alert--warn" role="group" aria-label={`Confirm discharging ${client.name}`}>
      <p>
        <strong>Discharge {client.name}?</strong> {first}’s portal link stops working at once.{' '}
        {homework.isPending
          ? 'Their open homework will be cancelled.'
          : open.length === 0
            ? 'They have no open homework.'
            : `${open.length === 1 ? 'Their 1 open assignment' : `Their ${open.length}${homework.hasNextPage ? '+' : ''} open assignments`} (${open
                .slice(0, 3)
                .map((a) => `“${a.exercise.title}”`)
                .join(', ')}${open.length > 3 ? '…' : ''}) will be cancelled; answers already submitted stay.`}{' '}
        Couple homework stays with the couple. Reactivating later does not bring cancelled homework back.
      </p>
      <div className="button-row">
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={pending}>
          {pending ? 'Discharging…' : 'Yes, discharge'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Keep active
        </button>
      </div>
    </div>
  );
}

export default function ClientPage() {
  const { id = '' } = useParams();
  const me = useMe().data!;
  const client = useClient(id);
  const status = useSetClientStatus(id);
  const careTeam = useSetClientCareTeam();
  const [editing, setEditing] = useState(false);
  const [discharging, setDischarging] = useState(false);
  if (client.isPending) return <Loading />;
  if (client.error instanceof ApiError && client.error.status === 404) return <NotFoundPage />;
  if (client.error) return <FormAlert error={client.error} />;
  const c = client.data;
  const isAdmin = me.user.roles.includes('admin');
  const canEdit = isAdmin || c.access === 'care-team';
  const onTeam = c.careTeam.some((m) => m.staffId === me.user.id) && me.user.roles.includes('clinician');
  return (
    <section>
      <p className="breadcrumb">
        <Link to={isAdmin ? '/caseloads' : '/caseload'}>{isAdmin ? 'Caseloads' : 'My caseload'}</Link>
      </p>
      <PageHeading>
        {c.name} {c.preferredName && <span className="muted">“{c.preferredName}”</span>}
      </PageHeading>
      <p>
        {c.status === 'active' ? <Badge tone="good">active</Badge> : <Badge>discharged {c.dischargedAt && formatDate(c.dischargedAt)}</Badge>}
      </p>
      {c.access === 'via-couple' && (
        <Notice>You see this person through a couple on your care team: their basic record only, without contact details.</Notice>
      )}
      <div className="two-columns">
        <section className="panel" aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          {editing ? (
            <EditClientForm
              client={c}
              reload={async () => (await client.refetch()).data}
              onDone={() => {
                setEditing(false);
                void client.refetch();
              }}
            />
          ) : (
            <>
              <dl className="details">
                <dt>Email</dt>
                <dd>{c.email ?? '—'}</dd>
                <dt>Phone</dt>
                <dd>{c.phone ?? '—'}</dd>
                <dt>Date of birth</dt>
                <dd>{c.dateOfBirth ? formatDate(c.dateOfBirth) : '—'}</dd>
                <dt>Preferred language</dt>
                <dd>{languageName(c.preferredLanguage)}</dd>
              </dl>
              {canEdit && (
                <div className="actions">
                  <button type="button" className="button" onClick={() => setEditing(true)}>
                    Edit details
                  </button>
                  {c.status === 'active' ? (
                    !discharging && (
                      <button type="button" className="button" onClick={() => setDischarging(true)}>
                        Discharge
                      </button>
                    )
                  ) : (
                    <button type="button" className="button" onClick={() => status.mutate('reactivate')}>
                      Reactivate
                    </button>
                  )}
                </div>
              )}
              {discharging && c.status === 'active' && (
                <DischargeConfirm
                  client={c}
                  pending={status.isPending}
                  onConfirm={() => status.mutate('discharge', { onSuccess: () => setDischarging(false) })}
                  onCancel={() => setDischarging(false)}
                />
              )}
              <FormAlert error={status.error ?? undefined} />
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="team-heading">
          <h2 id="team-heading">Care team</h2>
          <CareTeamSection
            team={c.careTeam}
            canChange={isAdmin}
            pending={careTeam.isPending}
            error={careTeam.error}
            save={(primaryClinicianId, otherClinicianIds, done) => careTeam.mutate({ id, primaryClinicianId, otherClinicianIds }, { onSuccess: done })}
          />
          <h2>Couples</h2>
          {c.coupleHistory.length === 0 ? (
            <p className="muted">Not part of a couple in Tandem.</p>
          ) : (
            <ul className="plain-list">
              {c.coupleHistory.map((h) => (
                <li key={`${h.id}-${h.joinedAt}`}>
                  <Link to={`/couples/${h.id}`}>{h.displayName}</Link>{' '}
                  <span className="muted">
                    since {formatDate(h.joinedAt)}
                    {h.leftAt && `, left ${formatDate(h.leftAt)}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {c.status === 'active' && (
        <section className="panel" aria-labelledby="portal-heading">
          <h2 id="portal-heading">Portal link</h2>
          <p className="muted">{c.preferredName ?? c.name.split(' ')[0]} does homework on a phone through a private link: no account or password.</p>
          <SendLinkButton to={{ clientId: c.id }} label="Send link" />
          <PortalLinkPanel clientId={c.id} name={c.preferredName ?? c.name.split(' ')[0]!} />
          {c.access !== 'via-couple' && <ReminderSettingsPanel clientId={c.id} name={c.preferredName ?? c.name.split(' ')[0]!} canEdit={canEdit} />}
        </section>
      )}
      {onTeam && <AlertsPanel subject={{ clientId: c.id }} />}
      {(c.access !== 'via-couple' || isAdmin) && (
        <HomeworkSection subject={{ clientId: c.id }} canAssign={onTeam && c.status === 'active'} showAnswers={onTeam} />
      )}
      {onTeam && <MeasuresSection subject={{ clientId: c.id }} canAssign={c.status === 'active'} />}
      {(c.access !== 'via-couple' || isAdmin) && <NotesPanel subject={{ clientId: c.id }} canWrite={onTeam} />}
    </section>
  );
}
