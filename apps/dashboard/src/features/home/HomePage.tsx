import { Link } from 'react-router-dom';
import { PageHeading } from '../../ui/forms';
import { useMe } from '../auth/use-me';
import { AlertsPanel } from '../safety/AlertsPanel';
import { CrisisResourcesForm } from '../safety/CrisisResourcesForm';
import { AttentionQueue } from './AttentionQueue';
import { FailedDeliveriesPanel } from '../delivery/FailedDeliveriesPanel';
import { useAttentionCount } from './attention-api';

/** For admins: how much waits across the practice, as counts (admins do not read answers). */
function PracticeCounts() {
  const practice = useAttentionCount().data?.practice;
  if (!practice) return null;
  const upTo = (n: number) => (n >= 99 ? '99+' : String(n));
  return (
    <p className="lead" aria-label="Across the practice">
      Across the practice: {upTo(practice.answersAwaitingReview)} {practice.answersAwaitingReview === 1 ? 'submission' : 'submissions'} waiting for review ·{' '}
      {upTo(practice.homeworkOverdue)} overdue
    </p>
  );
}

export default function HomePage() {
  const me = useMe().data!;
  const isAdmin = me.user.roles.includes('admin');
  const isClinician = me.user.roles.includes('clinician');
  return (
    <section>
      <PageHeading>Welcome, {me.user.name}</PageHeading>
      <p className="lead">
        {me.practice.name} · signed in as {me.user.roles.join(' and ')}
      </p>
      {isClinician && <AlertsPanel showWho />}
      {isAdmin && <PracticeCounts />}
      {isClinician && (
        <section aria-labelledby="attention-heading">
          <h2 id="attention-heading">What needs you</h2>
          <AttentionQueue />
        </section>
      )}
      <FailedDeliveriesPanel />
      <div className="cards">
        {isClinician && (
          <article className="card">
            <h2>
              <Link to="/caseload">My caseload</Link>
            </h2>
            <p>The clients and couples on your care teams: open one to see their record, their care team and their safety screening.</p>
          </article>
        )}
        <article className="card">
          <h2>
            <Link to="/library">Exercise library</Link>
          </h2>
          <p>Exercises drawn from articles on emotional intimacy, and your practice’s own: preview each as a client will see it.</p>
        </article>
        {isAdmin && (
          <article className="card">
            <h2>
              <Link to="/caseloads">Caseloads</Link>
            </h2>
            <p>Each clinician’s load, who has no clinician yet, and adding clients and couples to the practice.</p>
          </article>
        )}
        {isAdmin && (
          <article className="card">
            <h2>
              <Link to="/staff">Staff</Link>
            </h2>
            <p>Invite clinicians and admins, change their roles, or deactivate someone who has left.</p>
          </article>
        )}
        {isAdmin && (
          <article className="card">
            <h2>
              <Link to="/audit">Audit</Link>
            </h2>
            <p>Who signed in, and who changed what, with filters and a CSV export.</p>
          </article>
        )}
      </div>
      {isAdmin && <CrisisResourcesForm />}
    </section>
  );
}
