import { useId } from 'react';
import type { MeasureBand } from '@tandem/shared';
import { formatDate } from '../../ui/dates';

export interface ChartLine {
  id: string;
  name: string;
  points: Array<{ at: string; value: number }>;
}

/** Colours and marker shapes: lines differ by shape as well as colour. */
const COLOURS = ['#1f5f8b', '#9a4a07', '#2f6f62', '#7b3fa0'];
const BAND_FILLS = ['#e6f2ea', '#fbf3d9', '#fce6cf', '#f9d9cc', '#f3c9c9'];

const W = 640;
const H = 220;
const M = { left: 34, right: 14, top: 10, bottom: 28 };

/** Shading for a band: the lightest green for the best band, through to red for the most concern. */
export function bandFill(concern: number, maxConcern: number): string {
  if (maxConcern <= 0) return BAND_FILLS[0]!;
  return BAND_FILLS[Math.round((concern / maxConcern) * (BAND_FILLS.length - 1))]!;
}

/** Ticks at least `gap` of the scale apart (labels 11px high on a 182px axis), keeping the top. */
function spaced(ticks: number[], min: number, max: number): number[] {
  const gap = (max - min) * 0.07;
  const kept: number[] = [];
  for (const t of ticks) {
    if (kept.length > 0 && t - kept[kept.length - 1]! < gap) {
      if (t === max) kept.pop();
      else continue;
    }
    kept.push(t);
  }
  return kept;
}

function yTicks(min: number, max: number, bands?: MeasureBand[]): number[] {
  if (bands && bands.length > 1) return spaced([...new Set([...bands.map((b) => b.min), max])].sort((a, b) => a - b), min, max);
  const step = [1, 2, 3, 5, 10, 20].find((s) => (max - min) / s <= 6) ?? 20;
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  // The top of the scale is always labelled; a tick just below it would print over it.
  if (ticks[ticks.length - 1] !== max) {
    if (max - ticks[ticks.length - 1]! < step / 2) ticks.pop();
    ticks.push(max);
  }
  return ticks;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * A score-over-time chart in plain SVG: bands shaded behind the lines, one
 * line per person. It has a title and a description for screen readers, and
 * the same numbers as a table beside it.
 */
export function MeasureChart({
  title,
  description,
  min,
  max,
  bands,
  lines,
  valueLabel = 'Score',
}: {
  title: string;
  description: string;
  min: number;
  max: number;
  bands?: MeasureBand[];
  lines: ChartLine[];
  valueLabel?: string;
}) {
  const id = useId();
  const times = lines.flatMap((l) => l.points.map((p) => Date.parse(p.at)));
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  if (!Number.isFinite(t0)) return null;
  if (t0 === t1) {
    t0 -= 86_400_000 * 3;
    t1 += 86_400_000 * 3;
  }
  const x = (at: string) => M.left + ((Date.parse(at) - t0) / (t1 - t0)) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - ((v - min) / (max - min)) * (H - M.top - M.bottom);
  const maxConcern = Math.max(0, ...(bands ?? []).map((b) => b.concern));
  const days = [...new Set(lines.flatMap((l) => l.points.map((p) => day(p.at))))].sort();
  const every = Math.max(1, Math.ceil(days.length / 6));
  const xLabels = days.filter((_, i) => i % every === 0 || i === days.length - 1);
  const rows = days.map((d) => ({ day: d, values: lines.map((l) => l.points.filter((p) => day(p.at) === d).map((p) => p.value)) }));

  return (
    <figure className="measure-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {bands?.map((b) => (
          <rect
            key={b.label}
            x={M.left}
            width={W - M.left - M.right}
            y={y(Math.min(max, b.max + 0.5))}
            height={Math.max(0, y(Math.max(min, b.min - 0.5)) - y(Math.min(max, b.max + 0.5)))}
            fill={bandFill(b.concern, maxConcern)}
          />
        ))}
        {yTicks(min, max, bands).map((v) => (
          <g key={v}>
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} stroke="#cfd8dc" strokeWidth={0.5} />
            <text x={M.left - 6} y={y(v) + 4} textAnchor="end" fontSize={11} fill="#37474f">
              {v}
            </text>
          </g>
        ))}
        {xLabels.map((d, i) => (
          <text
            key={d}
            x={Math.min(W - M.right, Math.max(M.left, x(`${d}T12:00:00Z`)))}
            y={H - 8}
            textAnchor={xLabels.length > 1 && i === 0 ? 'start' : xLabels.length > 1 && i === xLabels.length - 1 ? 'end' : 'middle'}
            fontSize={11}
            fill="#37474f"
          >
            {formatDate(d)}
          </text>
        ))}
        {lines.map((line, i) => {
          const colour = COLOURS[i % COLOURS.length]!;
          const pts = [...line.points].sort((a, b) => a.at.localeCompare(b.at));
          return (
            <g key={line.id} data-person={line.name}>
              <polyline fill="none" stroke={colour} strokeWidth={2} strokeDasharray={i % 2 === 1 ? '6 3' : undefined} points={pts.map((p) => `${x(p.at)},${y(p.value)}`).join(' ')} />
              {pts.map((p) =>
                i % 2 === 0 ? (
                  <circle key={p.at} cx={x(p.at)} cy={y(p.value)} r={4} fill={colour} />
                ) : (
                  <rect key={p.at} x={x(p.at) - 4} y={y(p.value) - 4} width={8} height={8} fill={colour} />
                ),
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="measure-legend" aria-label="Lines">
          {lines.map((line, i) => (
            <li key={line.id}>
              <svg width="22" height="10" aria-hidden="true">
                <line x1="0" x2="22" y1="5" y2="5" stroke={COLOURS[i % COLOURS.length]} strokeWidth={2} strokeDasharray={i % 2 === 1 ? '6 3' : undefined} />
              </svg>
              {line.name}
            </li>
          ))}
        </ul>
        {bands && bands.length > 0 && (
          <ul className="measure-legend" aria-label="Bands">
            {[...bands]
              .sort((a, b) => a.min - b.min)
              .map((b) => (
                <li key={b.label}>
                  <span className="measure-swatch" style={{ background: bandFill(b.concern, maxConcern) }} aria-hidden="true" />
                  {b.label} ({b.min}–{b.max})
                </li>
              ))}
          </ul>
        )}
      </figcaption>
      <details className="measure-table">
        <summary>{title}: as a table</summary>
        <table className="table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              {lines.map((l) => (
                <th scope="col" key={l.id}>
                  {l.name} ({valueLabel.toLowerCase()})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.day}>
                <th scope="row">{formatDate(r.day)}</th>
                {r.values.map((v, i) => (
                  <td key={lines[i]!.id}>{v.length ? v.join(', ') : '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
