import { useEffect, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router-dom';
import { NOTE_SECTION_MAX_LENGTH, NOTE_TEMPLATES, type NoteDetail } from '@tandem/shared';
import { ApiError, api } from '../../api/client';
import { HomeworkSinceLastNote } from './HomeworkSinceLastNote';
import { Badge, FormAlert, Loading, Notice, PageHeading, fieldError } from '../../ui/forms';
import NotFoundPage from '../../app/NotFoundPage';
import { useAddAddendum, useNote, useSaveNote, useSignNote } from './notes-api';
import { ago, useAutosave, useNow } from '../../ui/use-autosave';
import { isSigningOut, pendingWork } from '../../app/pending-work';
import { formatDate, formatDateTime } from '../../ui/dates';
import { AddendumView, DiscardDraft, SessionDateField, sessionDateProblem } from './DraftParts';

function SubjectLink({ note }: { note: NoteDetail }) {
  return <Link to={`/${note.subject.kind === 'client' ? 'clients' : 'couples'}/${note.subject.id}`}>{note.subject.name}</Link>;
}

const LIMIT_WORDS = NOTE_SECTION_MAX_LENGTH.toLocaleString('en');
/** From this length on, a section shows how much room is left. */
const COUNTER_FROM = NOTE_SECTION_MAX_LENGTH * 0.9;

/**
 * A draft the author is writing: autosaved, with conflicts explained and the
 * typed text kept. Leaving the note inside the dashboard first saves what is
 * typed (the navigation waits for it); leaving the page (reload, closing the
 * tab) with unsaved text asks first, and saves it on the way out.
 */
type Draft = { sections: Record<string, string>; sessionDate: string };

function DraftEditor({ note }: { note: NoteDetail }) {
  const navigate = useNavigate();
  const save = useSaveNote(note.id);
  const sign = useSignNote(note.id);
  const now = useNow();
  const sections = NOTE_TEMPLATES[note.format];
  const tooLongIn = (draft: Draft) => sections.filter((section) => (draft.sections[section.key] ?? '').length > NOTE_SECTION_MAX_LENGTH);
  const auto = useAutosave<Draft>({
    initial: { sections: note.sections ?? {}, sessionDate: note.sessionDate },
    version: note.version,
    delayMs: 1_000,
    send: ({ sections: text, sessionDate: date }, version, { keepalive }) => {
      // A date out of bounds stays on screen with its message and is not sent; the text still saves.
      const body = { sections: text, ...(sessionDateProblem(date) ? {} : { sessionDate: date }), version };
      if (!keepalive) return save.mutateAsync(body);
      // The page is going away: a request that outlives it.
      return fetch(`/api/notes/${note.id}`, {
        method: 'PATCH',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => (r.ok ? ((await r.json()) as NoteDetail) : Promise.reject(new ApiError(r.status, 'error', 'Not saved'))));
    },
    problem: (draft) => {
      const over = tooLongIn(draft)[0];
      return over ? `“${over.label}” is too long` : null;
    },
    signOutRegistry: pendingWork,
    askBeforeUnload: true,
  });
  const text = auto.value.sections;
  const sessionDate = auto.value.sessionDate;
  const dateProblem = sessionDateProblem(sessionDate);
  const [confirming, setConfirming] = useState(false);
  const conflict = auto.state.kind === 'conflict';
  const saveError = auto.state.kind === 'failed' ? auto.state.error : auto.state.kind === 'conflict' ? auto.state.error : undefined;
  const refused = auto.state.kind === 'failed' && auto.state.error instanceof ApiError && auto.state.error.status === 400;
  const tooLong = tooLongIn(auto.value);
  const sectionLabels = Object.fromEntries(sections.map((section) => [`sections.${section.key}`, section.label]));

  // Inside the dashboard: hold the navigation until what is typed is saved; ask only if it cannot be.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => !isSigningOut() && currentLocation.pathname !== nextLocation.pathname && auto.hasUnsaved());
  const [leaving, setLeaving] = useState(false);
  const blocked = blocker.state === 'blocked';
  useEffect(() => {
    if (!blocked) return;
    let current = true;
    void auto.flush().then((ok) => {
      if (!current) return;
      if (ok) blocker.proceed?.();
      else setLeaving(true);
    });
    return () => {
      current = false;
    };
  }, [blocked]);

  const edit = (change: Partial<Draft>) => {
    auto.change({ ...auto.latest(), ...change });
    // An old refusal (an empty note, a field the server refused) no longer describes what is on screen.
    if (sign.error) sign.reset();
  };
  /** Takes the other tab's version number and keeps this tab's text; the next save overwrites theirs. */
  const keepMine = () => {
    void api.get('/notes/{id}', { path: { id: note.id } }).then((latestNote) => auto.adoptVersion(latestNote.version));
  };
  const discardMine = () => {
    auto.stop();
    void navigate(0);
  };
  const doSign = async () => {
    if (!(await auto.flush())) return;
    sign.mutate(auto.version(), { onSuccess: () => setConfirming(false) });
  };

  const status =
    auto.state.kind === 'saving'
      ? 'Saving…'
      : conflict
        ? 'Not saved'
        : tooLong.length > 0
          ? `Not saved: “${tooLong[0]!.label}” is longer than ${LIMIT_WORDS} characters`
          : refused
            ? 'Not saved'
            : auto.hasUnsaved()
              ? 'Unsaved changes'
              : auto.state.kind === 'saved'
                ? `Saved ${ago(auto.state.at, now)}`
                : 'All changes saved';
  return (
    <>
      <p className="autosave" role="status" aria-live="polite">
        {status}
      </p>
      {leaving && blocked && (
        <div className="alert alert--error confirm" role="alertdialog" aria-label="Unsaved changes">
          <span>
            {conflict
              ? 'Your latest changes are not saved: this note was changed in another tab or window.'
              : tooLong.length > 0
                ? `Your latest changes are not saved: “${tooLong[0]!.label}” is too long.`
                : 'Your latest changes could not be saved.'}{' '}
            Leave this note anyway?
          </span>
          <button
            type="button"
            className="button"
            onClick={() => {
              setLeaving(false);
              blocker.reset?.();
            }}
          >
            Stay and keep editing
          </button>
          <button type="button" className="button button--danger" onClick={() => blocker.proceed?.()}>
            Leave without saving them
          </button>
        </div>
      )}
      {conflict && (
        <FormAlert>
          This note was changed in another tab or window. Your text is still here and has not been lost.
          <button type="button" className="button" onClick={keepMine}>
            Keep my text and save over it
          </button>
          <button type="button" className="button button--quiet" onClick={discardMine}>
            Discard mine and load theirs
          </button>
        </FormAlert>
      )}
      {saveError !== undefined && !conflict && <FormAlert error={saveError} fields={{ ...sectionLabels, sessionDate: 'Session date' }} />}
      {!note.addendumOf && (
        <SessionDateField
          value={sessionDate}
          problem={dateProblem ?? fieldError(saveError, 'sessionDate', 'Session date')}
          onChange={(date) => edit({ sessionDate: date })}
        />
      )}
      {sections.map((section) => {
        const value = text[section.key] ?? '';
        const over = value.length > NOTE_SECTION_MAX_LENGTH;
        const problem = over
          ? `“${section.label}” is ${value.length.toLocaleString('en')} characters long; a section can hold ${LIMIT_WORDS}. Shorten it by ${(value.length - NOTE_SECTION_MAX_LENGTH).toLocaleString('en')} characters (or move some text to another section) to save it.`
          : fieldError(saveError, `sections.${section.key}`, section.label);
        const id = `section-${section.key}`;
        return (
          <div className={`field${problem ? ' field--invalid' : ''}`} key={section.key}>
            <label htmlFor={id}>{section.label}</label>
            <p className="field__hint" id={`${id}-hint`}>
              {section.hint}
            </p>
            <textarea
              id={id}
              aria-describedby={[`${id}-hint`, value.length >= COUNTER_FROM ? `${id}-count` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ')}
              aria-invalid={problem ? true : undefined}
              rows={note.format === 'free' ? 10 : 5}
              value={value}
              onChange={(e) => edit({ sections: { ...auto.latest().sections, [section.key]: e.target.value } })}
            />
            {value.length >= COUNTER_FROM && (
              <p className="step__count muted" id={`${id}-count`}>
                {value.length.toLocaleString('en')} / {LIMIT_WORDS} characters
              </p>
            )}
            {problem && (
              <p className="field__error" id={`${id}-error`}>
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <FormAlert error={sign.error ?? undefined} />
      {confirming ? (
        <div className="confirm" role="group" aria-label="Confirm signing">
          <span>Sign this note? Once signed it can no longer change; corrections become addenda.</span>
          <button type="button" className="button button--primary" onClick={doSign} disabled={sign.isPending}>
            Yes, sign it
          </button>
          <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
            Not yet
          </button>
        </div>
      ) : (
        <div className="button-row">
          <button type="button" className="button button--primary" onClick={() => setConfirming(true)} disabled={conflict || tooLong.length > 0 || dateProblem !== null}>
            Sign note
          </button>
          <DiscardDraft
            note={note}
            onDiscarding={auto.stop}
            onKept={auto.resume}
          />
        </div>
      )}
    </>
  );
}

function ReadOnlyNote({ note }: { note: NoteDetail }) {
  return (
    <div className="note-readonly">
      {NOTE_TEMPLATES[note.format].map((section) => (
        <section key={section.key} aria-label={section.label}>
          <h2>{section.label}</h2>
          <p className="note-text">{note.sections?.[section.key] || <span className="muted">(empty)</span>}</p>
        </section>
      ))}
    </div>
  );
}

export default function NoteEditorPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const note = useNote(id);
  const addendum = useAddAddendum(id);
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [id]);
  if (note.isPending) return <Loading />;
  if (note.error instanceof ApiError && note.error.status === 404) return <NotFoundPage />;
  if (note.error) return <FormAlert error={note.error} />;
  const n = note.data;
  return (
    <section>
      <p className="breadcrumb">
        <SubjectLink note={n} />
        {n.addendumOf && (
          <>
            {' · '}
            <Link to={`/notes/${n.addendumOf}`}>original note</Link>
          </>
        )}
      </p>
      <PageHeading>
        {n.addendumOf ? 'Addendum' : `Session note, ${formatDate(n.sessionDate)}`}{' '}
        <Badge tone={n.status === 'signed' ? 'good' : 'warn'}>{n.status}</Badge>
      </PageHeading>
      <p className="muted">
        {n.format === 'free' ? 'Free text' : n.format} · {n.kind === 'psychotherapy' ? 'psychotherapy note (only its author reads it)' : 'progress note'} ·
        written by {n.author.name}
        {n.signedBy && ` · signed by ${n.signedBy.name} on ${formatDateTime(n.signedAt!)}`}
      </p>
      {n.sections === null ? (
        <Notice>As an admin you see that this note exists, who wrote it and whether it is signed. Its content is for the clinicians who wrote it.</Notice>
      ) : n.canEdit ? (
        <DraftEditor key={n.id} note={n} />
      ) : (
        <ReadOnlyNote note={n} />
      )}
      {!n.addendumOf && n.sections !== null && <HomeworkSinceLastNote note={n} />}
      {n.status === 'signed' && !n.addendumOf && n.sections !== null && (
        <section className="panel" aria-labelledby="addenda-heading">
          <h2 id="addenda-heading">Addenda</h2>
          {n.addenda.length === 0 && <p className="muted">No addenda.</p>}
          {n.addenda.map((a) => (
            <AddendumView key={a.id} summary={a} />
          ))}
          <FormAlert error={addendum.error ?? undefined} />
          <button type="button" className="button" onClick={() => addendum.mutate(undefined, { onSuccess: (a) => navigate(`/notes/${a.id}`) })}>
            Add an addendum
          </button>
        </section>
      )}
    </section>
  );
}
