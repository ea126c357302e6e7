import type { ChangeEvent } from 'react';
import { SelectField } from '../../ui/forms';
import { useClinicians } from './caseload-api';

/** The practice's clinicians to choose a primary from, or none yet. */
export function PrimaryClinicianSelect({ label, value, onChange, error }: { label: string; value: string; onChange: (e: ChangeEvent<HTMLSelectElement>) => void; error?: string }) {
  const clinicians = useClinicians();
  return (
    <SelectField label={label} value={value} onChange={onChange} error={error}>
      <option value="">Assign later</option>
      {clinicians.data?.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </SelectField>
  );
}
