import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { REMINDER_HOUR_MAX, REMINDER_HOUR_MIN } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { FormAlert } from '../../ui/forms';

const HOURS = Array.from({ length: REMINDER_HOUR_MAX - REMINDER_HOUR_MIN + 1 }, (_, i) => REMINDER_HOUR_MIN + i);

/** A client's homework reminders: on or off, and the hour they arrive (practice time; never 21:00 to 08:00). */
export function ReminderSettingsPanel({ clientId, name, canEdit }: { clientId: string; name: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: keys.reminders(clientId), queryFn: () => api.get('/clients/{id}/reminders', { path: { id: clientId } }) });
  const save = useMutation({
    mutationFn: (next: { enabled: boolean; hour: number }) => api.put('/clients/{id}/reminders', { path: { id: clientId }, body: next }),
    onSuccess: (data) => queryClient.setQueryData(keys.reminders(clientId), data),
  });
  const s = settings.data;
  if (!s) return <FormAlert error={settings.error ?? undefined} />;
  return (
    <fieldset className="field" aria-label={`Email reminders for ${name}`}>
      <legend>Email reminders</legend>
      <FormAlert error={save.error ?? undefined} />
      {s.emailOptedOutAt && (
        <p className="muted" role="status">
          {name} stopped Tandem’s emails on {new Date(s.emailOptedOutAt).toLocaleDateString()}; nothing is sent to them.
        </p>
      )}
      <label className="check">
        <input type="checkbox" disabled={!canEdit || save.isPending} checked={s.enabled} onChange={(e) => save.mutate({ enabled: e.target.checked, hour: s.hour })} /> Remind {name} about homework by email
      </label>
      <label>
        Preferred hour{' '}
        <select disabled={!canEdit || !s.enabled || save.isPending} value={s.hour} onChange={(e) => save.mutate({ enabled: s.enabled, hour: Number(e.target.value) })}>
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {String(h).padStart(2, '0')}:00
            </option>
          ))}
        </select>
      </label>
      <p className="field__hint">Practice time. Nothing is sent between 21:00 and 08:00. Reminders go only for homework assigned with reminders ticked.</p>
    </fieldset>
  );
}

/** A clinician's daily digest: counts only, at most once a day, off unless they turn it on. */
export function DigestToggle() {
  const queryClient = useQueryClient();
  const digest = useQuery({ queryKey: keys.digestSetting(), queryFn: () => api.get('/digest-setting') });
  const save = useMutation({
    mutationFn: (enabled: boolean) => api.put('/digest-setting', { body: { enabled } }),
    onSuccess: (data) => queryClient.setQueryData(keys.digestSetting(), data),
  });
  if (!digest.data) return null;
  return (
    <label className="check">
      <FormAlert error={save.error ?? undefined} />
      <input type="checkbox" checked={digest.data.enabled} disabled={save.isPending} onChange={(e) => save.mutate(e.target.checked)} /> Email me a daily digest (counts of new
      submissions and overdue homework, no client details)
    </label>
  );
}
