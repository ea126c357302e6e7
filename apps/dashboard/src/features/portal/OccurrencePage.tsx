import { useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { SHARING_NOTICE, validateAnswers, type AnswerValue, type Answers, type PortalOccurrence } from '@tandem/shared';
import { CrisisHelp } from './CrisisHelp';
import { ApiError, api } from '../../api/client';
import { PageHeading, describeError } from '../../ui/forms';
import { AnswerList } from '../exercises/AnswerList';
import { StepView } from '../exercises/StepView';
import { formatDay, portalKeys } from './portal-api';
import { clearLocalDraft, localDraftKey, pendingSaves, readLocalDraft, writeLocalDraft } from './local-drafts';
import { PortalLink } from './portal-nav';
import { useAutosave } from '../../ui/use-autosave';

import { MeasureSteps, SHOW_STEP_EVENT } from '../measures/MeasureSteps';

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string } | { kind: 'conflict' };

const AUTOSAVE_DELAY_MS = 800;

/** A random v4 uuid, also where crypto.randomUUID is missing (pages served over plain http on a network). */
function newSubmissionId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const serverErrors = (error: unknown): Record<string, string> =>
  error instanceof ApiError
    ? Object.fromEntries(Object.entries(error.fields).filter(([k]) => k.startsWith('answers.')).map(([k, v]) => [k.slice('answers.'.length), v]))
    : {};

export function OccurrencePage({ assignmentId, seq, clientId }: { assignmentId: string; seq: number; clientId: string }) {
  const occurrence = useQuery({
    queryKey: portalKeys.occurrence(assignmentId, seq),
    queryFn: () => api.get('/portal/assignments/{assignmentId}/occurrences/{seq}', { path: { assignmentId, seq } }),
    // The page owns the answers while open: no background refetch may overwrite what is being typed.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  useEffect(() => {
    if (occurrence.data) document.title = `${occurrence.data.title} · Tandem`;
  }, [occurrence.data]);
  // Submitted (here or on another device) or cancelled: no copy of answers stays on this phone.
  const finished = occurrence.data?.status === 'done' || occurrence.data?.status === 'cancelled';
  useEffect(() => {
    if (finished) clearLocalDraft(localDraftKey(clientId, assignmentId, seq));
  }, [finished, clientId, assignmentId, seq]);

  if (occurrence.isPending) return <p role="status">Loading…</p>;
  if (occurrence.error) {
    return (
      <section>
        <h1>{occurrence.error instanceof ApiError && occurrence.error.status === 404 ? 'This exercise is not available' : 'Something went wrong'}</h1>
        <p>{occurrence.error instanceof ApiError && occurrence.error.status === 404 ? 'It may not be open yet, or it was taken off your list.' : occurrence.error.message}</p>
        <PortalLink to="/portal">Back to your exercises</PortalLink>
      </section>
    );
  }
  return occurrence.data.status === 'done' || occurrence.data.status === 'cancelled' ? (
    <Finished data={occurrence.data} />
  ) : (
    <AnswerForm key={`${assignmentId}/${seq}`} data={occurrence.data} clientId={clientId} />
  );
}

function Heading({ data }: { data: PortalOccurrence }) {
  return (
    <>
      <PortalLink to="/portal">← Your exercises</PortalLink>
      <PageHeading>{data.title}</PageHeading>
      <p className="muted">
        About {data.minutes} minute{data.minutes === 1 ? '' : 's'} · due {formatDay(data.dueOn)}
      </p>
      {data.instructions && (
        <section aria-label="From your clinician">
          <p className="portal-instructions">
            <strong>From your clinician:</strong> {data.instructions}
          </p>
        </section>
      )}
    </>
  );
}

const sameAnswers = (a: Answers, b: Answers) => JSON.stringify(a) === JSON.stringify(b);

/** The step's first control, which the error summary's links and the submit check move focus to. */
function focusStep(stepId: string) {
  const box = document.getElementById(`step-${stepId}`);
  // A measure shows one question at a time: bring the question on screen first.
  if (!box) return void window.dispatchEvent(new CustomEvent(SHOW_STEP_EVENT, { detail: stepId }));
  const control = box?.querySelector<HTMLElement>('textarea, input, select');
  (control ?? box)?.focus({ preventScroll: true });
  // Centred: clear of the sticky submit bar at the bottom of a phone screen.
  box?.scrollIntoView({ block: 'center' });
}

const isStale = (error: unknown) => error instanceof ApiError && error.status === 409 && error.code === 'stale_version';

function AnswerForm({ data, clientId }: { data: PortalOccurrence; clientId: string }) {
  const queryClient = useQueryClient();
  const localKey = localDraftKey(clientId, data.assignmentId, data.seq);
  const auto = useAutosave<Answers>({
    initial: data.answers,
    version: data.version,
    delayMs: AUTOSAVE_DELAY_MS,
    send: async (answers, version, { keepalive }) => {
      const path = { assignmentId: data.assignmentId, seq: data.seq };
      try {
        return await api.put('/portal/assignments/{assignmentId}/occurrences/{seq}/draft', { path, body: { answers, version }, keepalive });
      } catch (error) {
        // The save sent as the previous page was hidden can land after this page read the draft: when the
        // server already holds exactly these answers, they are saved, not in conflict.
        if (!isStale(error)) throw error;
        const current = await api.get('/portal/assignments/{assignmentId}/occurrences/{seq}', { path }).catch(() => null);
        if (current && sameAnswers(current.answers, answers)) return { version: current.version };
        throw error;
      }
    },
    problem: (answers) => {
      const draftCheck = validateAnswers(data.steps, answers, { mode: 'draft' });
      return draftCheck.ok ? null : (Object.values(draftCheck.errors)[0] ?? 'an answer needs attention.');
    },
    isConflict: isStale,
    // A copy on this phone of what the server has not confirmed: a reload or the phone putting the page away loses nothing.
    backup: {
      read: () => {
        const local = readLocalDraft(localKey);
        return local && { value: local.answers, version: local.version };
      },
      write: ({ value, version }) => writeLocalDraft(localKey, { answers: value, version }),
      clear: () => clearLocalDraft(localKey),
    },
    same: sameAnswers,
    signOutRegistry: pendingSaves,
    // Leaving for another portal page: what is unsent goes now.
    sendOnUnmount: true,
  });
  const answers = auto.value;
  // Typing after a save still says "Draft saved" until the next save starts; a copy restored from this phone is not saved yet.
  const [restoredCopy] = useState(() => auto.state.kind === 'unsaved');
  const savedBefore = auto.version() > data.version || (data.version > 0 && !restoredCopy);
  const [attempted, setAttempted] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const submissionId = useRef<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const save: SaveState =
    auto.state.kind === 'saving'
      ? { kind: 'saving' }
      : auto.state.kind === 'conflict'
        ? { kind: 'conflict' }
        : auto.state.kind === 'blocked'
          ? { kind: 'error', message: `Not saved yet: ${auto.state.problem}` }
          : auto.state.kind === 'failed'
            ? {
                kind: 'error',
                message:
                  auto.state.error instanceof ApiError && auto.state.error.status !== 0
                    ? auto.state.error.message
                    : 'Not saved yet: we will keep trying. What you typed stays on this phone meanwhile.',
              }
            : auto.state.kind === 'saved' || savedBefore
              ? { kind: 'saved' }
              : { kind: 'idle' };

  const check = validateAnswers(data.steps, answers, { mode: attempted ? 'submit' : 'draft' });
  const errors = { ...check.errors, ...serverErrors(submitError) };
  const problems = data.steps.filter((step) => errors[step.id]);

  const change = (stepId: string, value: AnswerValue | undefined) => {
    const next = { ...auto.latest() };
    if (value === undefined) delete next[stepId];
    else next[stepId] = value;
    auto.change(next);
    setSubmitError(null);
  };

  const submit = async () => {
    setAttempted(true);
    const full = validateAnswers(data.steps, auto.latest(), { mode: 'submit' });
    if (!full.ok) {
      const first = data.steps.find((step) => full.errors[step.id]);
      // On a phone the messages are off-screen: take the person to the first one.
      requestAnimationFrame(() => (first ? focusStep(first.id) : summaryRef.current?.focus()));
      return;
    }
    auto.stop();
    // One id per submission: a retry after a lost answer is recognised by the server, never counted twice.
    submissionId.current ??= newSubmissionId();
    setSubmitting(true);
    setSubmitError(null);
    try {
      await api.post('/portal/assignments/{assignmentId}/occurrences/{seq}/submit', { path: { assignmentId: data.assignmentId, seq: data.seq }, body: { answers: auto.latest(), submissionId: submissionId.current } });
      clearLocalDraft(localKey);
      await queryClient.invalidateQueries({ queryKey: portalKeys.all() });
    } catch (error) {
      auto.resume();
      setSubmitError(error);
      if (error instanceof ApiError && error.code === 'already_submitted') {
        clearLocalDraft(localKey);
        await queryClient.invalidateQueries({ queryKey: portalKeys.all() });
      } else {
        const first = data.steps.find((step) => serverErrors(error)[step.id]);
        if (first) requestAnimationFrame(() => focusStep(first.id));
      }
    } finally {
      setSubmitting(false);
    }
  };

  const reload = async () => {
    clearLocalDraft(localKey);
    await queryClient.resetQueries({ queryKey: portalKeys.occurrence(data.assignmentId, data.seq) });
  };

  return (
    <>
      <Heading data={data} />
      <form
        aria-label={data.title}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {attempted && problems.length > 0 && (
          <div className="alert alert--error error-summary" role="alert" tabIndex={-1} ref={summaryRef} id="answer-problems" aria-labelledby="answer-problems-title">
            <h2 id="answer-problems-title">
              {problems.length === 1 ? 'One answer needs' : `${problems.length} answers need`} attention before you submit
            </h2>
            <ul>
              {problems.map((step) => (
                <li key={step.id}>
                  <a
                    href={`#step-${step.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      focusStep(step.id);
                    }}
                  >
                    {errors[step.id]}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )}
        {data.withPartner && (
          <p className="notice sharing-notice" data-sharing={data.sharing ?? 'private'}>
            <strong>Answer on your own.</strong> {SHARING_NOTICE[data.sharing ?? 'private']}
          </p>
        )}
        {data.measure ? (
          <MeasureSteps steps={data.steps} answers={answers} errors={errors} onChange={change} />
        ) : (
          data.steps.map((step) => <StepView key={step.id} step={step} value={answers[step.id]} onChange={(v) => change(step.id, v)} error={errors[step.id]} />)
        )}
        <div className="portal-save">
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? 'Submitting…' : 'Submit my answers'}
          </button>
          <SaveStatus state={save} onReload={reload} />
          {attempted && problems.length > 0 && (
            <p className="field__error portal-save__problem">
              <a href="#answer-problems" onClick={(e) => {
                e.preventDefault();
                summaryRef.current?.focus({ preventScroll: true });
                summaryRef.current?.scrollIntoView({ block: 'start' });
              }}>
                {problems.length === 1 ? 'One answer needs' : `${problems.length} answers need`} attention: see the list at the top
              </a>
            </p>
          )}
          {submitError !== null && Object.keys(serverErrors(submitError)).length === 0 && (
            <p role="alert" className="field__error portal-save__problem">
              {submitError instanceof ApiError && submitError.status === 0
                ? 'Your answers were not sent: check your connection and press Submit again. Nothing will be counted twice.'
                : submitError instanceof ApiError
                  ? describeError(submitError)
                  : 'Your answers were not sent. Please press Submit again.'}
            </p>
          )}
        </div>
      </form>
      <CrisisHelp />
    </>
  );
}

function SaveStatus({ state, onReload }: { state: SaveState; onReload: () => void }) {
  switch (state.kind) {
    case 'idle':
      return (
        <span className="muted" role="status">
          Your answers are saved as you type.
        </span>
      );
    case 'saving':
      return (
        <span className="muted" role="status">
          Saving…
        </span>
      );
    case 'saved':
      return (
        <span className="muted" role="status">
          Draft saved
        </span>
      );
    case 'error':
      return (
        <span className="field__error" role="status">
          {state.message}
        </span>
      );
    case 'conflict':
      return (
        <span role="alert">
          These answers were changed in another window.{' '}
          <button type="button" className="button button--quiet" onClick={onReload}>
            Load the latest
          </button>
        </span>
      );
  }
}

function Finished({ data }: { data: PortalOccurrence }) {
  return (
    <>
      <Heading data={data} />
      {data.status === 'cancelled' ? (
        <p role="status">Your clinician has taken this exercise off your list. There is nothing more to do here.</p>
      ) : (
        <p role="status" aria-live="polite" className="notice">
          Saved. Your clinician will see your answers{data.submittedAt ? ` (submitted ${formatDay(data.submittedAt.slice(0, 10))})` : ''}.
        </p>
      )}
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">Your answers</h2>
        <AnswerList steps={data.steps} answers={data.answers} label="Your answers" />
      </section>
      {data.partners.map((partner) => (
        <section key={partner.firstName} aria-labelledby={`partner-${partner.firstName}`}>
          <h2 id={`partner-${partner.firstName}`}>{partner.firstName}’s answers</h2>
          {partner.answers ? (
            <AnswerList steps={data.steps} answers={partner.answers} label={`${partner.firstName}’s answers`} />
          ) : data.sharing === 'reveal-when-both-done' ? (
            <p className="muted">
              {partner.done ? `${partner.firstName} has submitted.` : `${partner.firstName} has not submitted yet.`} Their answers will appear here once you have both
              submitted.
            </p>
          ) : (
            <p className="muted">{partner.done ? `${partner.firstName} has submitted. ` : ''}Your answers stay between each of you and your clinician.</p>
          )}
        </section>
      ))}
      <CrisisHelp />
      <PortalLink to="/portal">Back to your exercises</PortalLink>
    </>
  );
}
