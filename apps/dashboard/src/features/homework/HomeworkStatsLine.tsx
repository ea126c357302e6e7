import type { HomeworkStats } from '@tandem/shared';
import { Badge } from '../../ui/forms';

function since(iso: string): string {
  const days = Math.floor((Date.now() - Date.parse(iso)) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

/** A caseload row's homework at a glance: due this week, overdue, last activity. */
export function HomeworkStatsLine({ stats }: { stats: HomeworkStats | null }) {
  if (!stats) return null;
  return (
    <span className="homework-stats">
      {stats.overdue > 0 && <Badge tone="bad">{stats.overdue} overdue</Badge>}
      {stats.dueThisWeek > 0 && <Badge tone="info">{stats.dueThisWeek} due this week</Badge>}
      <span className="muted">{stats.lastActivityAt ? `last activity ${since(stats.lastActivityAt)}` : 'no homework activity yet'}</span>
    </span>
  );
}
