import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { CoupleDetail } from '@tandem/shared';
import { Field, FormAlert, SuccessNotice, fieldError } from '../../ui/forms';

/** The couple form's fields as the person sees them. */
const COUPLE_LABELS = { displayName: 'Couple’s name', memberIds: 'Members', primaryClinicianId: 'Primary clinician for the couple' };
import { useCreateCouple } from './caseload-api';
import { PrimaryClinicianSelect } from './PrimaryClinicianSelect';
import { ClientPicker } from './ClientPicker';

export function NewCoupleForm() {
  const create = useCreateCouple();
  const [displayName, setDisplayName] = useState('');
  const [members, setMembers] = useState<Array<{ id: string; name: string }>>([]);
  const [primaryClinicianId, setPrimary] = useState('');
  const [created, setCreated] = useState<CoupleDetail | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    create.mutate(
      { displayName, memberIds: members.map((m) => m.id), ...(primaryClinicianId ? { primaryClinicianId } : {}) },
      {
        onSuccess: (couple) => {
          setCreated(couple);
          setDisplayName('');
          setMembers([]);
          setPrimary('');
        },
      },
    );
  };
  return (
    <section className="panel" aria-labelledby="new-couple-heading">
      <h2 id="new-couple-heading">Add a couple</h2>
      <p className="muted">A couple is two or more clients in one relationship. Add each person as a client first.</p>
      <FormAlert error={create.error} fields={COUPLE_LABELS} />
      <SuccessNotice>
        {created && (
          <>
            <Link to={`/couples/${created.id}`}>{created.displayName}</Link> was added.
          </>
        )}
      </SuccessNotice>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label="Couple’s name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={fieldError(create.error, 'displayName', COUPLE_LABELS.displayName)} required />
        <div className="field">
          <span className="field__label">Members</span>
          {members.length === 0 && <p className="muted">Nobody yet.</p>}
          <ul className="plain-list">
            {members.map((m) => (
              <li key={m.id}>
                {m.name}{' '}
                <button type="button" className="button button--quiet" onClick={() => setMembers(members.filter((x) => x.id !== m.id))}>
                  Remove {m.name}
                </button>
              </li>
            ))}
          </ul>
          {fieldError(create.error, 'memberIds') && <p className="field__error">{fieldError(create.error, 'memberIds', COUPLE_LABELS.memberIds)}</p>}
        </div>
        <ClientPicker label="Find a client to add" exclude={members.map((m) => m.id)} onPick={(id, name) => setMembers([...members, { id, name }])} />
        <PrimaryClinicianSelect
          label={COUPLE_LABELS.primaryClinicianId}
          value={primaryClinicianId}
          onChange={(e) => setPrimary(e.target.value)}
          error={fieldError(create.error, 'primaryClinicianId', COUPLE_LABELS.primaryClinicianId)}
        />
        <div>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add couple'}
          </button>
        </div>
      </form>
    </section>
  );
}
