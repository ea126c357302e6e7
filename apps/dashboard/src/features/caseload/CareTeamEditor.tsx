import { useState, type FormEvent } from 'react';
import type { CareTeamMember } from '@tandem/shared';
import { FormAlert, SelectField } from '../../ui/forms';
import { useClinicians } from './caseload-api';

interface Props {
  team: CareTeamMember[];
  pending: boolean;
  error: unknown;
  onSave: (primaryClinicianId: string, otherClinicianIds: string[]) => void;
  onCancel: () => void;
}

/** Admins choose one primary clinician and any others. */
export function CareTeamEditor({ team, pending, error, onSave, onCancel }: Props) {
  const clinicians = useClinicians();
  const [primary, setPrimary] = useState(team.find((m) => m.role === 'primary')?.staffId ?? '');
  const [others, setOthers] = useState(team.filter((m) => m.role === 'secondary').map((m) => m.staffId));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (primary) onSave(primary, others.filter((id) => id !== primary));
  };
  return (
    <form onSubmit={submit} className="care-team-editor">
      <FormAlert error={error} />
      <SelectField label="Primary clinician" value={primary} onChange={(e) => setPrimary(e.target.value)} required>
        <option value="">Choose a clinician…</option>
        {clinicians.data?.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <fieldset className="field">
        <legend>Also on the team</legend>
        {clinicians.data
          ?.filter((c) => c.id !== primary)
          .map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={others.includes(c.id)}
                onChange={() => setOthers((cur) => (cur.includes(c.id) ? cur.filter((x) => x !== c.id) : [...cur, c.id]))}
              />
              {c.name}
            </label>
          ))}
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={!primary || pending}>
          {pending ? 'Saving…' : 'Save care team'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function CareTeamList({ team }: { team: CareTeamMember[] }) {
  if (team.length === 0) return <p className="muted">No clinician yet.</p>;
  return (
    <ul className="plain-list">
      {team.map((m) => (
        <li key={m.staffId}>
          {m.name} <span className="muted">· {m.role === 'primary' ? 'primary clinician' : 'also on the team'}</span>
        </li>
      ))}
    </ul>
  );
}

interface SectionProps {
  team: CareTeamMember[];
  canChange: boolean;
  pending: boolean;
  error: unknown;
  save: (primaryClinicianId: string, otherClinicianIds: string[], done: () => void) => void;
}

/** The care team as read by everyone who sees the record, with the admin's editor behind a button. */
export function CareTeamSection({ team, canChange, pending, error, save }: SectionProps) {
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <CareTeamEditor
        team={team}
        pending={pending}
        error={error}
        onSave={(primary, others) => save(primary, others, () => setEditing(false))}
        onCancel={() => setEditing(false)}
      />
    );
  }
  return (
    <>
      <CareTeamList team={team} />
      {canChange && (
        <button type="button" className="button" onClick={() => setEditing(true)}>
          Change care team
        </button>
      )}
    </>
  );
}
