import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { HOMEWORK_STATUS_LABELS, type AssignmentSummary, type HomeworkStatus } from '@tandem/shared';
import { Badge, EmptyState, FormAlert, Loading, describeError, fieldError } from '../../ui/forms';
import { AnswerList } from '../exercises/AnswerList';
import { useMarkReviewed } from '../home/attention-api';
import { formatDate, useAssignment, useAssignments, useCancelAssignment, useReschedule, type HomeworkSubject } from './homework-api';
import { formatDateTime } from '../../ui/dates';

const TONE: Record<HomeworkStatus, 'neutral' | 'good' | 'warn' | 'bad' | 'info'> = {
  assigned: 'neutral',
  'in-progress': 'info',
  done: 'good',
  overdue: 'bad',
  cancelled: 'neutral',
};

export const StatusBadge = ({ status }: { status: HomeworkStatus }) => <Badge tone={TONE[status]}>{HOMEWORK_STATUS_LABELS[status]}</Badge>;

const schedule = (a: AssignmentSummary) =>
  a.recurrence === 'once' ? `Once, due ${formatDate(a.firstDueOn)}` : `${a.recurrence === 'daily' ? 'Daily' : 'Weekly'}, ${a.occurrenceCount} times, ${formatDate(a.firstDueOn)} – ${formatDate(a.lastDueOn)}`;

/** What came back for one assignment: each occurrence, each member's status and answers. */
function AssignmentAnswers({ id }: { id: string }) {
  const detail = useAssignment(id);
  if (detail.isPending) return <Loading label="Loading answers…" />;
  if (detail.error) return <FormAlert error={detail.error} />;
  const a = detail.data;
  const shown = a.occurrences.filter((o) => o.members.some((m) => m.status !== 'assigned') || o.status === 'overdue');
  return (
    <div>
      {!a.answersVisible && <p className="muted">Answers are visible to the client’s care team only.</p>}
      {shown.length === 0 && <p className="muted">Nothing has come back yet.</p>}
      {shown.map((o) => (
        <section key={o.seq} aria-label={`Occurrence ${o.seq}, due ${formatDate(o.dueOn)}`}>
          <h4>
            {a.occurrenceCount > 1 ? `Occurrence ${o.seq} · ` : ''}due {formatDate(o.dueOn)} <StatusBadge status={o.status} />
          </h4>
          <div className="member-answers-grid">
          {o.members.map((m) => (
            <div key={m.client.id} className="member-answers">
              <p>
                <strong>{m.client.name}</strong> <StatusBadge status={m.status} />
                {m.submittedAt && <span className="muted"> submitted {formatDateTime(m.submittedAt)}</span>}
              </p>
              {m.answers && m.status === 'done' && <AnswerList steps={a.steps} answers={m.answers} label={`${m.client.name}’s answers`} />}
              {a.answersVisible && m.responseId && m.submittedAt && <ReviewState responseId={m.responseId} reviewedAt={m.reviewedAt} name={m.client.name} />}
              {m.answers && m.status !== 'done' && <p className="muted">Draft in progress (not submitted yet).</p>}
            </div>
          ))}
          </div>
        </section>
      ))}
    </div>
  );
}

/** "Mark reviewed" for one member's submitted answers, or when they were reviewed. */
function ReviewState({ responseId, reviewedAt, name }: { responseId: string; reviewedAt: string | null; name: string }) {
  const review = useMarkReviewed();
  if (reviewedAt) return <p className="muted">Reviewed {new Date(reviewedAt).toLocaleString()}</p>;
  return (
    <div>
      <button type="button" className="button" disabled={review.isPending} onClick={() => review.mutate(responseId)} aria-label={`Mark ${name}’s answers reviewed`}>
        Mark reviewed
      </button>
      <FormAlert error={review.error ?? undefined} />
    </div>
  );
}

function AssignmentCard({ a, canChange }: { a: AssignmentSummary; canChange: boolean }) {
  // Opened from the attention queue (`?assignment=<id>`): its answers show at once.
  const [params] = useSearchParams();
  const linked = params.get('assignment') === a.id;
  const [open, setOpen] = useState(linked);
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    if (linked) card.current?.scrollIntoView({ block: 'start' });
  }, [linked]);
  const [moving, setMoving] = useState(false);
  const cancel = useCancelAssignment(a.id);
  const reschedule = useReschedule(a.id);
  const [dueOn, setDueOn] = useState(a.progress.next?.dueOn ?? '');
  const live = !a.cancelledAt && a.progress.next;
  return (
    <article ref={card} className="homework-card" aria-label={a.exercise.title}>
      <div className="homework-card__head">
        <h3>{a.exercise.title}</h3>
        <StatusBadge status={a.status} />
      </div>
      <p className="muted">
        {schedule(a)} · {a.progress.done} of {a.progress.total} done
        {a.progress.overdue > 0 && ` · ${a.progress.overdue} overdue`}
        {a.sharing && ` · ${a.sharing === 'private' ? 'answers private' : 'shared when both are done'}`} · assigned by {a.assignedBy.name}
      </p>
      {a.instructions && <p className="portal-instructions">{a.instructions}</p>}
      <FormAlert error={cancel.error ?? (moving ? undefined : reschedule.error) ?? undefined} fields={{ dueOn: 'Next due date' }} />
      <div className="button-row">
        <button type="button" className="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide answers' : 'Show answers'}
        </button>
        {canChange && live && (
          <>
            <button type="button" className="button button--quiet" onClick={() => setMoving(!moving)}>
              Change due date
            </button>
            <button
              type="button"
              className="button button--danger"
              disabled={cancel.isPending}
              onClick={() => window.confirm(`Cancel “${a.exercise.title}”? What was done stays; the rest is taken off the client’s list.`) && cancel.mutate(a.version)}
            >
              Cancel assignment
            </button>
          </>
        )}
      </div>
      {moving && live && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            reschedule.mutate({ dueOn, version: a.version }, { onSuccess: () => setMoving(false) });
          }}
        >
          <label htmlFor={`due-${a.id}`}>Next due date</label>
          <input
            id={`due-${a.id}`}
            type="date"
            value={dueOn}
            onChange={(e) => setDueOn(e.target.value)}
            aria-invalid={fieldError(reschedule.error, 'dueOn') ? true : undefined}
            aria-describedby={fieldError(reschedule.error, 'dueOn') ? `due-${a.id}-error` : undefined}
          />
          <button type="submit" className="button button--primary" disabled={reschedule.isPending}>
            Save date
          </button>
          {moving && reschedule.error && (
            <p className="field__error" id={`due-${a.id}-error`} role="alert">
              {fieldError(reschedule.error, 'dueOn', 'Next due date') ?? describeError(reschedule.error)}
            </p>
          )}
        </form>
      )}
      {open && <AssignmentAnswers id={a.id} />}
    </article>
  );
}

/** The homework timeline of a client or couple, newest first, a page at a time. */
export function HomeworkTimeline({ subject, canChange, since }: { subject: HomeworkSubject; canChange: boolean; since?: string }) {
  const list = useAssignments(subject, since);
  if (list.isPending) return <Loading label="Loading homework…" />;
  if (list.error) return <FormAlert error={list.error} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <EmptyState title={since ? 'No homework since then' : 'No homework yet'}>
        {canChange ? <p>Assign an exercise from the library above; it appears here with what comes back.</p> : null}
      </EmptyState>
    );
  }
  return (
    <div>
      {items.map((a) => (
        <AssignmentCard key={a.id} a={a} canChange={canChange} />
      ))}
      {list.hasNextPage && (
        <button type="button" className="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          Show older homework
        </button>
      )}
    </div>
  );
}
