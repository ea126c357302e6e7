import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import type { DeliveryMessageKind, FailedDelivery } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { formatDateTime } from '../../ui/dates';

const WHAT: Record<DeliveryMessageKind, string> = {
  staff_invite: 'staff invite',
  password_reset: 'password reset',
  portal_link: 'portal link',
  homework_assigned: 'new-homework notice',
  homework_due: 'homework reminder',
  homework_overdue: 'overdue nudge',
  clinician_digest: 'daily digest',
  safety_alert: 'safety alert',
};

const path = (d: FailedDelivery) => (d.coupleId ? `/couples/${d.coupleId}` : d.clientId ? `/clients/${d.clientId}` : null);

/**
 * Email that did not arrive: bounced after its last try, or refused because
 * the person opted out. Admins see the whole practice; clinicians, the people
 * on their care teams. Never an address or a message's content.
 */
export function FailedDeliveriesPanel() {
  const failed = useQuery({ queryKey: keys.deliveries.failed(), queryFn: () => api.get('/deliveries/failed', { query: { limit: '20' } }) });
  if (!failed.data || failed.data.items.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="failed-deliveries-title">
      <h2 id="failed-deliveries-title">Email that did not arrive</h2>
      <ul className="plain-list">
        {failed.data.items.map((d) => {
          const to = path(d);
          return (
            <li key={d.id}>
              {to ? <Link to={to}>{d.recipient.name}</Link> : d.recipient.name}: {WHAT[d.kind]}{' '}
              {d.status === 'opted_out' ? 'not sent (they unsubscribed)' : `failed after ${d.attempts} ${d.attempts === 1 ? 'try' : 'tries'}`}, {formatDateTime(d.endedAt)}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
