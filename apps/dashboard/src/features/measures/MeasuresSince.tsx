import { INSTRUMENTS } from '@tandem/shared';
import { Badge } from '../../ui/forms';
import { formatDate } from '../../ui/dates';
import { VERDICT_TONE, changeSentence, verdictLabel } from './change-words';
import { useMeasureSummary, type MeasureSubject } from './measures-api';

/** In a note's homework block: the measures taken since the previous session, with each person's change since their first score. */
export function MeasuresSince({ subject, since }: { subject: MeasureSubject; since?: string }) {
  const summary = useMeasureSummary(subject);
  const taken = (summary.data?.series ?? [])
    .map((s) => ({ s, recent: s.points.filter((p) => !since || p.takenAt.slice(0, 10) >= since) }))
    .filter((x) => x.recent.length > 0);
  if (taken.length === 0) return null;
  return (
    <section aria-labelledby="measures-since-heading">
      <h3 id="measures-since-heading">Measures taken since the last session</h3>
      <ul className="measures-since">
        {taken.map(({ s, recent }) => {
          const instrument = INSTRUMENTS[s.measure];
          return (
            <li key={`${s.measure}/${s.person.id}`}>
              <strong>
                {instrument.name} · {s.person.name}
              </strong>
              : {recent.map((p) => `${p.total} on ${formatDate(p.takenAt)}`).join(', ')} — now {s.latest.band.label}.{' '}
              {s.change && (
                <>
                  <Badge tone={VERDICT_TONE[s.change.verdict]}>{verdictLabel(s.change)}</Badge> {changeSentence(instrument, s.change)}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
