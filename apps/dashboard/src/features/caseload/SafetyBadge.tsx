import type { ConjointSafety } from '@tandem/shared';
import { Badge } from '../../ui/forms';

const LABEL: Record<ConjointSafety, string> = { unscreened: 'Not screened', cleared: 'Cleared', concern: 'Safety concern' };
const TONE = { unscreened: 'warn', cleared: 'good', concern: 'bad' } as const;

export function SafetyBadge({ status }: { status: ConjointSafety }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}
