import { useState } from 'react';
import { Field } from '../../ui/forms';
import { useClients } from './caseload-api';

/** Search the practice's clients and pick one (admins). */
export function ClientPicker({ label, exclude = [], onPick }: { label: string; exclude?: string[]; onPick: (id: string, name: string) => void }) {
  const [q, setQ] = useState('');
  const results = useClients({ q: q.trim(), status: 'active', limit: '8' });
  const items = (results.data?.pages[0]?.items ?? []).filter((c) => !exclude.includes(c.id));
  return (
    <div className="picker">
      <Field label={label} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Type a name…" />
      {q.trim() && (
        <ul className="picker__results" aria-label={`${label}: matches`}>
          {items.length === 0 && <li className="muted">No active client matches.</li>}
          {items.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="button button--quiet"
                onClick={() => {
                  onPick(c.id, c.name);
                  setQ('');
                }}
              >
                Add {c.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
