import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ALERT_NOTE_MAX_LENGTH, type AlertView } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { FormAlert } from '../../ui/forms';
import { useAcknowledgeAlert, useOpenAlerts, type AlertSubject } from './safety-api';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function AcknowledgeForm({ alert }: { alert: AlertView }) {
  const acknowledge = useAcknowledgeAlert();
  const [note, setNote] = useState('');
  const id = `ack-${alert.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    acknowledge.mutate({ id: alert.id, note });
  };
  const message = acknowledge.error instanceof ApiError ? acknowledge.error.fields.note : undefined;
  const error = message ? `What you did or decided ${message}.` : undefined;
  return (
    <form onSubmit={submit} className="stacked-form alert-ack">
      <FormAlert error={error ? undefined : acknowledge.error} />
      <div className="field">
        <label htmlFor={id}>What you did or decided</label>
        <textarea id={id} rows={2} maxLength={ALERT_NOTE_MAX_LENGTH} value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={Boolean(error)} aria-describedby={error ? `${id}-error` : undefined} />
        {error && (
          <p className="field__error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
      <div>
        <button type="submit" className="button button--primary" disabled={acknowledge.isPending}>
          {acknowledge.isPending ? 'Saving…' : 'Acknowledge'}
        </button>
      </div>
    </form>
  );
}

/**
 * Flagged answers that a clinician on the care team should look at soon: every
 * open alert of the clinician's care teams, or of one client or couple.
 */
export function AlertsPanel({ subject = {}, showWho = false }: { subject?: AlertSubject; showWho?: boolean }) {
  const alerts = useOpenAlerts(subject);
  if (alerts.isPending || alerts.error || alerts.data.items.length === 0) return null;
  return (
    <section className="alerts-panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Answers that need your attention</h2>
      <ul className="alerts-list">
        {alerts.data.items.map((alert) => (
          <li key={alert.id} className="alert-item">
            <p className="alert-item__head">
              {showWho && (
                <>
                  <Link to={alert.couple ? `/couples/${alert.couple.id}` : `/clients/${alert.client.id}`}>{alert.couple ? `${alert.client.name} (${alert.couple.displayName})` : alert.client.name}</Link>
                  {' · '}
                </>
              )}
              <strong>{alert.exerciseTitle}</strong> · {when(alert.raisedAt)}
            </p>
            <ul>
              {alert.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
            <AcknowledgeForm alert={alert} />
          </li>
        ))}
      </ul>
    </section>
  );
}
