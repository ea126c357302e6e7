import { useQuery } from '@tanstack/react-query';
import { NOT_READ_IN_REAL_TIME } from '@tandem/shared';
import { api } from '../../api/client';
import { portalKeys } from './portal-api';

const tel = (phone: string) => `tel:${phone}`;
const sms = (phone: string, body?: string) => `sms:${phone}${body ? `?&body=${encodeURIComponent(body)}` : ''}`;

/**
 * The practice's emergency number and crisis lines, one tap to call or text,
 * with the plain sentence that answers are not read as they arrive. Shown on
 * every exercise page and after every submission.
 */
export function CrisisHelp() {
  const me = useQuery({ queryKey: portalKeys.me(), queryFn: () => api.get('/portal/me', { quiet401: true }) });
  const resources = me.data?.crisisResources;
  if (!resources) return null;
  return (
    <aside className="crisis-help" aria-labelledby="crisis-help-title">
      <h2 id="crisis-help-title">Need help now?</h2>
      <p>{NOT_READ_IN_REAL_TIME}</p>
      <ul>
        <li>
          <a className="button crisis-help__call" href={tel(resources.emergencyNumber)}>
            Emergency: call {resources.emergencyNumber}
          </a>
        </li>
        {resources.lines.map((line) => (
          <li key={`${line.label}-${line.phone}`}>
            <span className="crisis-help__label">{line.label}</span>
            {line.call && (
              <a className="button" href={tel(line.phone)}>
                Call
              </a>
            )}
            {line.text && (
              <a className="button" href={sms(line.phone, line.textBody)}>
                Text{line.textBody ? ` ${line.textBody}` : ''}
              </a>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
