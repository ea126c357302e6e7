import { INSTRUMENTS, type LatestMeasure } from '@tandem/shared';
import { DIRECTION_WORDS } from './change-words';

/** On a caseload row: a person's latest score per measure, its band, and which way it moved. */
export function LatestMeasuresLine({ items }: { items: LatestMeasure[] }) {
  if (items.length === 0) return null;
  return (
    <span className="latest-measures">
      {items.map((m) => {
        const direction = m.direction ? DIRECTION_WORDS[m.direction] : null;
        return (
          <span key={m.measure} className="latest-measure" data-measure={m.measure}>
            {INSTRUMENTS[m.measure].name} {m.total} <span className="muted">({m.band.label})</span>
            {direction && (
              <span className={`direction direction--${m.direction}`} title={direction.words}>
                {' '}
                <span aria-hidden="true">{direction.arrow}</span>
                <span className="visually-hidden">{direction.words}</span>
              </span>
            )}
          </span>
        );
      })}
    </span>
  );
}

/** The latest scores of one person, from a caseload page's batch. */
export const latestFor = (items: LatestMeasure[] | undefined, clientId: string) => (items ?? []).filter((m) => m.clientId === clientId);
