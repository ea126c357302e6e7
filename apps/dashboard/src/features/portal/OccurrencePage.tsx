import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { SHARING_NOTICE, validateAnswers, type AnswerValue, type Answers, type PortalOccurrence, type SavedResponse } from '@tandem/shared';
import { CrisisHelp } from './CrisisHelp';
import { ApiError, api } from '../../api/client';
import { PageHeading } from '../../ui/forms';
import { AnswerList } from '../exercises/AnswerList';
import { StepView } from '../exercises/StepView';
import { formatDay, portalKeys } from './portal-api';
import { PortalLink } from './portal-nav';

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; message: string } | { kind: 'conflict' };

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

export function OccurrencePage({ assignmentId, seq }: { assignmentId: string; seq: number }) {
  const occurrence = useQuery({
    queryKey: portalKeys.occurrence(assignmentId, seq),
    queryFn: () => api.get<PortalOccurrence>(`/portal/assignments/${assignmentId}/occurrences/${seq}`),
    // The page owns the answers while open: no background refetch may overwrite what is being typed.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  useEffect(() => {
    if (occurrence.data) document.title = `${occurrence.data.title} · Tandem`;
  }, [occurrence.data]);

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
    <AnswerForm key={`${assignmentId}/${seq}`} data={occurrence.data} />
  );
}

function Heading({ data }: { data: PortalOccurrence }) {
  return (
    <>
      <PortalLink to="/portal">← Your exercises</PortalLink>
      <PageHeading>{data.title}</PageHeading>
      <p className="muted">
        About {data.minutes} minutes · due {formatDay(data.dueOn)}
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

function AnswerForm({ data }: { data: PortalOccurrence }) {
  const queryClient = useQueryClient();
  const [answers, setAnswers] = useState<Answers>(data.answers);
  const [save, setSave] = useState<SaveState>(data.version > 0 ? { kind: 'saved', at: '' } : { kind: 'idle' });
  const [attempted, setAttempted] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const version = useRef(data.version);
  const latest = useRef(answers);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef(false);
  const dirty = useRef(false);
  const submissionId = useRef<string | null>(null);
  const stopped = useRef(false);
  const base = `/portal/assignments/${data.assignmentId}/occurrences/${data.seq}`;

  const check = validateAnswers(data.steps, answers, { mode: attempted ? 'submit' : 'draft' });
  const errors = { ...check.errors, ...serverErrors(submitError) };

  /** Saves the latest answers; one save at a time, and a change made meanwhile is saved right after. */
  const flush = useCallback(async () => {
    if (stopped.current) return;
    if (inFlight.current) {
      dirty.current = true;
      return;
    }
    if (!validateAnswers(data.steps, latest.current, { mode: 'draft' }).ok) {
      setSave({ kind: 'error', message: 'Fix the answer marked below and it will be saved.' });
      return;
    }
    inFlight.current = true;
    dirty.current = false;
    setSave({ kind: 'saving' });
    try {
      const saved = await api.put<SavedResponse>(`${base}/draft`, { answers: latest.current, version: version.current });
      version.current = saved.version;
      setSave({ kind: 'saved', at: saved.savedAt });
    } catch (error) {
      if (stopped.current) return;
      if (error instanceof ApiError && error.status === 409 && error.code === 'stale_version') setSave({ kind: 'conflict' });
      else setSave({ kind: 'error', message: error instanceof ApiError ? error.message : 'Not saved yet. We will keep trying.' });
    } finally {
      inFlight.current = false;
    }
    if (dirty.current) void flush();
  }, [base, data.steps]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const change = (stepId: string, value: AnswerValue | undefined) => {
    const next = { ...latest.current };
    if (value === undefined) delete next[stepId];
    else next[stepId] = value;
    latest.current = next;
    setAnswers(next);
    setSubmitError(null);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
  };

  const submit = async () => {
    setAttempted(true);
    if (!validateAnswers(data.steps, latest.current, { mode: 'submit' }).ok) return;
    clearTimeout(timer.current);
    stopped.current = true;
    // One id per submission: a retry after a lost answer is recognised by the server, never counted twice.
    submissionId.current ??= newSubmissionId();
    setSubmitting(true);
    setSubmitError(null);
    try {
      await api.post<SavedResponse>(`${base}/submit`, { answers: latest.current, submissionId: submissionId.current });
      await queryClient.invalidateQueries({ queryKey: ['portal'] });
    } catch (error) {
      stopped.current = false;
      setSubmitError(error);
      if (error instanceof ApiError && error.code === 'already_submitted') await queryClient.invalidateQueries({ queryKey: ['portal'] });
    } finally {
      setSubmitting(false);
    }
  };

  const reload = async () => {
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
        {data.withPartner && (
          <p className="notice sharing-notice" data-sharing={data.sharing ?? 'private'}>
            <strong>Answer on your own.</strong> {SHARING_NOTICE[data.sharing ?? 'private']}
          </p>
        )}
        {data.steps.map((step) => (
          <StepView key={step.id} step={step} value={answers[step.id]} onChange={(v) => change(step.id, v)} error={errors[step.id]} />
        ))}
        <div className="portal-save">
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? 'Submitting…' : 'Submit my answers'}
          </button>
          <SaveStatus state={save} onReload={reload} />
        </div>
        {attempted && !check.ok && (
          <p role="alert" className="field__error">
            Some answers need attention before you submit: see the messages above.
          </p>
        )}
        {submitError !== null && (
          <p role="alert" className="field__error">
            {submitError instanceof ApiError && submitError.status === 0
              ? 'Your answers were not sent: check your connection and press Submit again. Nothing will be counted twice.'
              : submitError instanceof ApiError
                ? submitError.message
                : 'Your answers were not sent. Please press Submit again.'}
          </p>
        )}
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
        <p role="status" className="notice">
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
