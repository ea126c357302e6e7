import { useState, type FormEvent } from 'react';
import { INSTRUMENTS, MEASURE_EVERY_WEEKS_MAX, MEASURE_IDS, type MeasureGapSeries, type MeasureId, type MeasureSeries } from '@tandem/shared';
import { Badge, EmptyState, Field, FormAlert, Loading, SelectField, SuccessNotice, fieldError } from '../../ui/forms';
import { formatDate, practiceToday } from '../../ui/dates';
import { MeasureChart } from './MeasureChart';
import { VERDICT_TONE, changeSentence, verdictLabel } from './change-words';
import { useAssignMeasure, useMeasureSummary, type MeasureSubject } from './measures-api';

/** Outcome measures on a client or couple page: assign one, and each measure's scores, bands and change. For the care team only. */
export function MeasuresSection({ subject, canAssign }: { subject: MeasureSubject; canAssign: boolean }) {
  const [assigning, setAssigning] = useState(false);
  const summary = useMeasureSummary(subject);
  const measures = MEASURE_IDS.filter((m) => summary.data?.series.some((s) => s.measure === m));
  return (
    <section className="panel" aria-labelledby="measures-heading">
      <h2 id="measures-heading">Outcome measures</h2>
      {canAssign && (
        <>
          <button type="button" className="button button--primary" aria-expanded={assigning} onClick={() => setAssigning(!assigning)}>
            {assigning ? 'Close' : 'Assign a measure'}
          </button>
          {assigning && <AssignMeasureForm subject={subject} />}
        </>
      )}
      {summary.isPending && <Loading label="Loading scores…" />}
      <FormAlert error={summary.error ?? undefined} />
      {summary.isSuccess && measures.length === 0 && (
        <EmptyState title="No scores yet">Scores appear here, with their band and change, once a measure is answered.</EmptyState>
      )}
      {measures.map((m) => (
        <MeasureBlock
          key={m}
          measure={m}
          series={summary.data!.series.filter((s) => s.measure === m)}
          gap={summary.data!.gaps.find((g) => g.measure === m)}
          couple={'coupleId' in subject}
        />
      ))}
    </section>
  );
}

function MeasureBlock({ measure, series, gap, couple }: { measure: MeasureId; series: MeasureSeries[]; gap?: MeasureGapSeries; couple: boolean }) {
  const instrument = INSTRUMENTS[measure];
  const who = series.map((s) => s.person.name).join(' and ');
  const describe = (s: MeasureSeries) => {
    const first = s.points[0]!;
    return `${s.person.name}: ${s.points.length} score${s.points.length === 1 ? '' : 's'}, from ${first.total} on ${formatDate(first.takenAt)} to ${s.latest.total} (${s.latest.band.label}) on ${formatDate(s.latest.takenAt)}`;
  };
  return (
    <section className="measure" aria-labelledby={`measure-${measure}`} data-measure={measure}>
      <h3 id={`measure-${measure}`}>
        {instrument.name} <span className="muted">{instrument.title.replace(` (${instrument.name})`, '')}</span>
      </h3>
      <ul className="measure-people">
        {series.map((s) => (
          <li key={s.person.id} data-person={s.person.name}>
            <strong>{s.person.name}</strong>: <span className="measure-total">{s.latest.total}</span> of {instrument.range.max},{' '}
            <Badge tone={s.latest.band.concern === 0 ? 'good' : 'warn'}>{s.latest.band.label}</Badge>{' '}
            <span className="muted">on {formatDate(s.latest.takenAt)}</span>
            {s.change ? (
              <p className="measure-change">
                <Badge tone={VERDICT_TONE[s.change.verdict]}>{verdictLabel(s.change)}</Badge> {changeSentence(instrument, s.change)}
              </p>
            ) : (
              <p className="measure-change muted">First score: change is shown from the next one.</p>
            )}
          </li>
        ))}
      </ul>
      <MeasureChart
        title={`${instrument.name} over time${couple ? `: ${who}` : ''}`}
        description={`${series.map(describe).join('. ')}. ${instrument.higherIsBetter ? 'Higher is better' : 'Lower is better'}; ${instrument.clinical.meaning}`}
        min={instrument.range.min}
        max={instrument.range.max}
        bands={instrument.bands}
        lines={series.map((s) => ({ id: s.person.id, name: s.person.name, points: s.points.map((p) => ({ at: p.takenAt, value: p.total })) }))}
      />
      {gap && gap.points.length > 0 && (
        <MeasureChart
          title={`Gap between partners on ${instrument.name}`}
          description={`The difference between the partners’ ${instrument.name} totals each time both answered: ${gap.points.map((p) => `${p.gap} on ${formatDate(p.on)}`).join(', ')}.`}
          min={0}
          max={instrument.range.max}
          lines={[{ id: 'gap', name: 'Gap between partners', points: gap.points.map((p) => ({ at: p.on, value: p.gap })) }]}
          valueLabel="Points apart"
        />
      )}
      <p className="measure-source muted">
        {instrument.citation} {instrument.licence}
      </p>
    </section>
  );
}

function AssignMeasureForm({ subject }: { subject: MeasureSubject }) {
  const isCouple = 'coupleId' in subject;
  const assign = useAssignMeasure();
  const [measure, setMeasure] = useState<MeasureId>(isCouple ? 'csi-4' : 'phq-9');
  const [dueOn, setDueOn] = useState(practiceToday());
  const [repeat, setRepeat] = useState<'once' | 'weeks'>('weeks');
  const [everyWeeks, setEveryWeeks] = useState('1');
  const [count, setCount] = useState('6');
  const [remind, setRemind] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const labels: Record<string, string> = { measure: 'Measure', dueOn: 'First due', everyWeeks: 'Every how many weeks', count: 'Number of times' };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    assign.mutate(
      { ...subject, measure, dueOn, ...(repeat === 'weeks' ? { everyWeeks: Number(everyWeeks), count: Number(count) } : {}), ...(remind ? { remind: true } : {}) },
      {
        onSuccess: (a) =>
          setDone(`Assigned ${INSTRUMENTS[measure].name}: ${a.occurrenceCount === 1 ? `due ${formatDate(a.firstDueOn)}` : `${a.occurrenceCount} times, first due ${formatDate(a.firstDueOn)}`}.`),
      },
    );
  };
  const error = assign.error;
  return (
    <form onSubmit={submit} className="stacked-form" aria-label="Assign a measure">
      <FormAlert error={error} fields={labels} />
      <SuccessNotice>{done}</SuccessNotice>
      <SelectField label="Measure" value={measure} onChange={(e) => setMeasure(e.target.value as MeasureId)} error={fieldError(error, 'measure', labels.measure)}>
        {MEASURE_IDS.map((m) => (
          <option key={m} value={m}>
            {INSTRUMENTS[m].title} — {INSTRUMENTS[m].items.length} questions
          </option>
        ))}
      </SelectField>
      {isCouple && <p className="field__hint">Each partner answers on their own; neither sees the other’s answers or score.</p>}
      <SelectField label="How often" value={repeat} onChange={(e) => setRepeat(e.target.value as 'once' | 'weeks')}>
        <option value="once">Once</option>
        <option value="weeks">Every few weeks</option>
      </SelectField>
      <Field label={repeat === 'once' ? 'Due' : 'First due'} type="date" value={dueOn} min={practiceToday()} required onChange={(e) => setDueOn(e.target.value)} error={fieldError(error, 'dueOn', labels.dueOn)} />
      {repeat === 'weeks' && (
        <>
          <Field
            label="Every how many weeks"
            type="number"
            min={1}
            max={MEASURE_EVERY_WEEKS_MAX}
            value={everyWeeks}
            onChange={(e) => setEveryWeeks(e.target.value)}
            error={fieldError(error, 'everyWeeks', labels.everyWeeks)}
          />
          <Field label="Number of times" type="number" min={1} max={90} value={count} onChange={(e) => setCount(e.target.value)} error={fieldError(error, 'count', labels.count)} />
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={remind} onChange={(e) => setRemind(e.target.checked)} /> Email reminders: now, on the morning it is due, and once if it is overdue
      </label>
      <button type="submit" className="button button--primary" disabled={assign.isPending}>
        {assign.isPending ? 'Assigning…' : 'Assign measure'}
      </button>
    </form>
  );
}
