import { useEffect, useState, type FormEvent } from 'react';
import { MAX_CRISIS_LINES, type CrisisResource } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { FormAlert, Notice } from '../../ui/forms';
import { useCrisisResources, useSetCrisisResources } from './safety-api';

const emptyLine = (): CrisisResource => ({ label: '', phone: '', call: true, text: false });

/** Admins set the emergency number and crisis lines every client sees in the portal. */
export function CrisisResourcesForm() {
  const current = useCrisisResources();
  const save = useSetCrisisResources();
  const [emergency, setEmergency] = useState('');
  const [lines, setLines] = useState<CrisisResource[]>([]);
  useEffect(() => {
    if (current.data) {
      setEmergency(current.data.emergencyNumber);
      setLines(current.data.lines);
    }
  }, [current.data]);
  if (!current.data) return null;
  const change = (i: number, patch: Partial<CrisisResource>) => setLines((all) => all.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ emergencyNumber: emergency.trim(), lines: lines.map((l) => ({ ...l, label: l.label.trim(), phone: l.phone.replace(/[\s()-]/g, '') })) });
  };
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  const err = (field: string) => fields[field];
  const shown = Object.keys(fields).length > 0;
  return (
    <section className="panel" aria-labelledby="crisis-title">
      <h2 id="crisis-title">Crisis resources shown to clients</h2>
      <p className="muted">
        Every exercise page in the portal shows these, one tap to call or text, with a sentence saying answers are not read in real time.
        {current.data.isDefault ? ' Your practice uses the defaults for the United States until you change them.' : ''}
      </p>
      <form onSubmit={submit} className="stacked-form" noValidate>
        {!shown && <FormAlert error={save.error} />}
        {save.isSuccess && <Notice>Crisis resources saved. Clients see them on their next page.</Notice>}
        <div className="field">
          <label htmlFor="crisis-emergency">Emergency number</label>
          <input id="crisis-emergency" inputMode="numeric" value={emergency} onChange={(e) => setEmergency(e.target.value)} aria-invalid={Boolean(err('emergencyNumber'))} />
          {err('emergencyNumber') && <p className="field__error">Emergency number {err('emergencyNumber')}</p>}
        </div>
        {lines.map((line, i) => (
          <fieldset key={i} className="crisis-line">
            <legend>Crisis line {i + 1}</legend>
            <div className="field">
              <label htmlFor={`crisis-label-${i}`}>Name</label>
              <input id={`crisis-label-${i}`} value={line.label} onChange={(e) => change(i, { label: e.target.value })} />
              {err(`lines.${i}.label`) && <p className="field__error">Name {err(`lines.${i}.label`)}</p>}
            </div>
            <div className="field">
              <label htmlFor={`crisis-phone-${i}`}>Phone number</label>
              <input id={`crisis-phone-${i}`} inputMode="tel" value={line.phone} onChange={(e) => change(i, { phone: e.target.value })} />
              {err(`lines.${i}.phone`) && <p className="field__error">Phone number {err(`lines.${i}.phone`)}</p>}
            </div>
            <label className="choice">
              <input type="checkbox" checked={line.call} onChange={(e) => change(i, { call: e.target.checked })} /> Takes calls
            </label>
            <label className="choice">
              <input type="checkbox" checked={line.text} onChange={(e) => change(i, { text: e.target.checked })} /> Takes texts
            </label>
            <button type="button" className="button button--quiet" onClick={() => setLines((all) => all.filter((_, j) => j !== i))}>
              Remove this line
            </button>
          </fieldset>
        ))}
        <div className="actions">
          {lines.length < MAX_CRISIS_LINES && (
            <button type="button" className="button" onClick={() => setLines((all) => [...all, emptyLine()])}>
              Add a line
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save crisis resources'}
          </button>
        </div>
      </form>
    </section>
  );
}
