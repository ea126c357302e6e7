import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendSeries } from '@tandem/shared';
import { EmptyState, FormAlert, Loading } from '../../ui/forms';
import { formatDate, useTrends, type HomeworkSubject } from './homework-api';

const COLOURS = ['#2f6f62', '#b45309', '#1f5f8b', '#a12b2b'];

/** Evenly spaced whole-number ticks from min to max (0, 2, 4 … 10; 1 … 7), about six of them. */
export function scaleTicks(min: number, max: number): number[] {
  const span = max - min;
  const steps = [1, 2, 5, 10, 20, 25, 50];
  const step = steps.find((s) => span % s === 0 && span / s <= 6) ?? steps.find((s) => span % s === 0 && span / s <= 20) ?? steps.find((s) => span / s <= 10) ?? 50;
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] !== max) ticks.push(max);
  return ticks;
}

function TrendChart({ series }: { series: TrendSeries }) {
  const data = series.points.map((p) => ({ label: formatDate(p.dueOn), ...p.values }));
  const title = `${series.exerciseTitle}: ${series.step.prompt}`;
  return (
    <figure className="trend-chart" aria-label={title}>
      <figcaption>
        <strong>{series.exerciseTitle}</strong> — {series.step.prompt}{' '}
        <span className="muted">
          ({series.step.min} {series.step.minLabel} … {series.step.max} {series.step.maxLabel})
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#e4eaec" />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} />
          <YAxis domain={[series.step.min, series.step.max]} ticks={scaleTicks(series.step.min, series.step.max)} interval={0} allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend />
          {series.members.map((m, i) => (
            <Line key={m.id} type="monotone" dataKey={m.id} name={m.name} stroke={COLOURS[i % COLOURS.length]} strokeWidth={2} connectNulls dot isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th>Due</th>
            {series.members.map((m) => (
              <th key={m.id}>{m.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.points.map((p) => (
            <tr key={p.seq}>
              <td>{formatDate(p.dueOn)}</td>
              {series.members.map((m) => (
                <td key={m.id}>{p.values[m.id] ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Every scale answer of the subject's homework over time; for couples, one line per partner. */
export default function TrendCharts({ subject }: { subject: HomeworkSubject }) {
  const trends = useTrends(subject);
  if (trends.isPending) return <Loading label="Loading trends…" />;
  if (trends.error) return <FormAlert error={trends.error} />;
  if (trends.data.series.length === 0) return <EmptyState title="No trends yet">Ratings from submitted homework are charted here.</EmptyState>;
  return (
    <div>
      {trends.data.series.map((s) => (
        <TrendChart key={`${s.assignmentId}/${s.step.id}`} series={s} />
      ))}
    </div>
  );
}
