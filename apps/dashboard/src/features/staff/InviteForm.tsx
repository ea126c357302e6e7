import { useState, type FormEvent } from 'react';
import type { InviteResponse, StaffRole } from '@tandem/shared';
import { Field, FormAlert, fieldError } from '../../ui/forms';

const INVITE_LABELS = { name: 'Name', email: 'Email', roles: 'Roles' };
import { useInvite } from './staff-api';
import { InviteLink } from './InviteLink';

export function InviteForm() {
  const invite = useInvite();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>(['clinician']);
  const [result, setResult] = useState<InviteResponse | null>(null);

  const toggle = (role: StaffRole) => setRoles((current) => (current.includes(role) ? current.filter((r) => r !== role) : [...current, role]));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate(
      { email, name, roles },
      {
        onSuccess: (data) => {
          setResult(data);
          setEmail('');
          setName('');
          setRoles(['clinician']);
        },
      },
    );
  };

  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <FormAlert error={invite.error} fields={INVITE_LABELS} />
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(invite.error, 'name', INVITE_LABELS.name)} />
        <Field label="Email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(invite.error, 'email', INVITE_LABELS.email)} />
        <fieldset className="field">
          <legend>Roles</legend>
          <label className="check">
            <input type="checkbox" checked={roles.includes('clinician')} onChange={() => toggle('clinician')} /> Clinician
          </label>
          <label className="check">
            <input type="checkbox" checked={roles.includes('admin')} onChange={() => toggle('admin')} /> Admin
          </label>
          {fieldError(invite.error, 'roles') && <p className="field__error">{fieldError(invite.error, 'roles', INVITE_LABELS.roles)}</p>}
        </fieldset>
        <div>
          <button type="submit" className="button button--primary" disabled={invite.isPending}>
            {invite.isPending ? 'Inviting…' : 'Create invite link'}
          </button>
        </div>
      </form>
      {result && <InviteLink invite={result} />}
    </section>
  );
}
