import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { EARLIEST_DATE_OF_BIRTH, POSSIBLE_DUPLICATE_CLIENT, type ClientDetail } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { Field, FormAlert, SuccessNotice, fieldError } from '../../ui/forms';
import { practiceToday } from '../../ui/dates';
import { CLIENT_LABELS } from './client-labels';
import { useCreateClient } from './caseload-api';
import { LanguageSelect } from './LanguageSelect';
import { PrimaryClinicianSelect } from './PrimaryClinicianSelect';

const EMPTY = { name: '', preferredName: '', email: '', phone: '', dateOfBirth: '', preferredLanguage: 'en', primaryClinicianId: '' };

export function NewClientForm() {
  const create = useCreateClient();
  const [form, setForm] = useState(EMPTY);
  const [created, setCreated] = useState<ClientDetail | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [key]: e.target.value });
    // A changed name or date of birth is a new question: the duplicate warning no longer applies.
    if ((key === 'name' || key === 'dateOfBirth') && duplicate) create.reset();
  };
  const duplicate = create.error instanceof ApiError && create.error.code === POSSIBLE_DUPLICATE_CLIENT ? create.error : null;
  const send = (confirmDuplicate: boolean) => {
    setCreated(null);
    const { primaryClinicianId, ...rest } = form;
    create.mutate(
      { ...rest, ...(primaryClinicianId ? { primaryClinicianId } : {}), ...(confirmDuplicate ? { confirmDuplicate: true } : {}) },
      {
        onSuccess: (client) => {
          setCreated(client);
          setForm(EMPTY);
        },
      },
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send(false);
  };
  return (
    <section className="panel" aria-labelledby="new-client-heading">
      <h2 id="new-client-heading">Add a client</h2>
      {duplicate ? (
        <div className="alert alert--warn" role="alert" aria-label="Possible duplicate">
          <p>{duplicate.message}</p>
          <div className="button-row">
            <button type="button" className="button button--primary" onClick={() => send(true)} disabled={create.isPending}>
              Add as a different person
            </button>
            <button type="button" className="button button--quiet" onClick={() => create.reset()}>
              Don’t add
            </button>
          </div>
        </div>
      ) : (
        <FormAlert error={create.error} fields={CLIENT_LABELS} />
      )}
      <SuccessNotice>
        {created && (
          <>
            <Link to={`/clients/${created.id}`}>{created.name}</Link> was added
            {created.primaryClinician ? ` to ${created.primaryClinician.name}’s caseload` : ' without a clinician'}.
          </>
        )}
      </SuccessNotice>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label="Full name" value={form.name} onChange={set('name')} error={fieldError(create.error, 'name', CLIENT_LABELS.name)} required />
        <Field label="Preferred name" value={form.preferredName} onChange={set('preferredName')} error={fieldError(create.error, 'preferredName', CLIENT_LABELS.preferredName)} />
        <Field label="Email" type="email" value={form.email} onChange={set('email')} error={fieldError(create.error, 'email', CLIENT_LABELS.email)} />
        <Field label="Phone" type="tel" value={form.phone} onChange={set('phone')} error={fieldError(create.error, 'phone', CLIENT_LABELS.phone)} />
        <Field
          label="Date of birth"
          type="date"
          min={EARLIEST_DATE_OF_BIRTH}
          max={practiceToday()}
          value={form.dateOfBirth}
          onChange={set('dateOfBirth')}
          error={fieldError(create.error, 'dateOfBirth', CLIENT_LABELS.dateOfBirth)}
        />
        <LanguageSelect value={form.preferredLanguage} onChange={set('preferredLanguage')} error={fieldError(create.error, 'preferredLanguage', CLIENT_LABELS.preferredLanguage)} />
        <PrimaryClinicianSelect
          label={CLIENT_LABELS.primaryClinicianId}
          value={form.primaryClinicianId}
          onChange={set('primaryClinicianId')}
          error={fieldError(create.error, 'primaryClinicianId', CLIENT_LABELS.primaryClinicianId)}
        />
        <div>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add client'}
          </button>
        </div>
      </form>
    </section>
  );
}
