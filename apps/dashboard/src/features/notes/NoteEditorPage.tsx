import { useEffect, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router-dom';
import { NOTE_SECTION_MAX_LENGTH, NOTE_TEMPLATES, type NoteDetail } from '@tandem/shared';
import { ApiError, api } from '../../api/client';
import { HomeworkSinceLastNote } from './HomeworkSinceLastNote';
import { Badge, FormAlert, Loading, Notice, PageHeading, fieldError } from '../../ui/forms';
import NotFoundPage from '../../app/NotFoundPage';
import { useAddAddendum, useNote, useSaveNote, useSignNote } from './notes-api';
import { ago, useDebouncedSave, useNow } from './use-autosave';
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
function DraftEditor({ note }: { note: NoteDetail }) {
  const navigate = useNavigate();
  const save = useSaveNote(note.id);
  const sign = useSignNote(note.id);
  const now = useNow();
  const sections = NOTE_TEMPLATES[note.format];
  const [text, setText] = useState<Record<string, string>>(note.sections ?? {});
  const latest = useRef(text);
  const [sessionDate, setSessionDate] = useState(note.sessionDate);
  const latestDate = useRef(sessionDate);
  const dateProblem = sessionDateProblem(sessionDate);
  const baseVersion = useRef(note.version);
  const [dirty, setDirtyState] = useState(false);
  const dirtyRef = useRef(false);
  const conflictRef = useRef(false);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const discarding = useRef(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const refused = save.error instanceof ApiError && save.error.status === 400;
  const tooLong = sections.filter((section) => (text[section.key] ?? '').length > NOTE_SECTION_MAX_LENGTH);
  const sectionLabels = Object.fromEntries(sections.map((section) => [`sections.${section.key}`, section.label]));

  const setDirty = (value: boolean) => {
    dirtyRef.current = value;
    setDirtyState(value);
  };
  const cannotSave = () =>
    conflictRef.current || sections.some((section) => (latest.current[section.key] ?? '').length > NOTE_SECTION_MAX_LENGTH);

  /** A date out of bounds stays on screen with its message and is not sent; the text still saves. */
  const datePart = () => (sessionDateProblem(latestDate.current) ? {} : { sessionDate: latestDate.current });

  /** Saves what is typed now, after any save already on its way; false when it could not be saved. */
  const persist = async (): Promise<boolean> => {
    while (inFlight.current) await inFlight.current;
    if (discarding.current || !dirtyRef.current) return true;
    if (cannotSave()) return false;
    const sent = latest.current;
    const attempt = save
      .mutateAsync({ sections: sent, ...datePart(), version: baseVersion.current })
      .then((saved) => {
        baseVersion.current = saved.version;
        setSavedAt(Date.now());
        if (latest.current === sent) setDirty(false);
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 409) conflictRef.current = true;
        return false;
      });
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
    }
  };
  useDebouncedSave(dirty && !save.isPending && !conflict && !refused && tooLong.length === 0, persist);

  // Inside the dashboard: hold the navigation until what is typed is saved; ask only if it cannot be.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => !isSigningOut() && currentLocation.pathname !== nextLocation.pathname && (dirtyRef.current || inFlight.current !== null),
  );
  // Signing out saves first too.
  const persistRef = useRef(persist);
  persistRef.current = persist;
  useEffect(() => {
    const saveBeforeSignOut = () => persistRef.current();
    pendingWork.add(saveBeforeSignOut);
    return () => void pendingWork.delete(saveBeforeSignOut);
  }, []);
  const [leaving, setLeaving] = useState(false);
  const blocked = blocker.state === 'blocked';
  useEffect(() => {
    if (!blocked) return;
    let current = true;
    void persist().then((ok) => {
      if (!current) return;
      if (ok) blocker.proceed?.();
      else setLeaving(true);
    });
    return () => {
      current = false;
    };
  }, [blocked]);

  // Leaving the page: the browser asks first; if the person leaves anyway, what is typed is sent on the way out.
  useEffect(() => {
    if (!dirty) return;
    const ask = (event: BeforeUnloadEvent) => {
      if (discarding.current) return;
      event.preventDefault();
      event.returnValue = '';
    };
    const sendOnTheWayOut = () => {
      if (discarding.current || !dirtyRef.current || cannotSave()) return;
      void api
        .patch('/notes/{id}', { path: { id: note.id }, body: { sections: latest.current, ...datePart(), version: baseVersion.current }, keepalive: true, quiet401: true })
        .catch(() => undefined);
    };
    window.addEventListener('beforeunload', ask);
    window.addEventListener('pagehide', sendOnTheWayOut);
    return () => {
      window.removeEventListener('beforeunload', ask);
      window.removeEventListener('pagehide', sendOnTheWayOut);
    };
  }, [dirty, note.id]);

  const edit = (key: string, value: string) => {
    const next = { ...latest.current, [key]: value };
    latest.current = next;
    setText(next);
    setDirty(true);
    // An old refusal (an empty note, a field the server refused) no longer describes what is on screen.
    if (sign.error) sign.reset();
    if (refused) save.reset();
  };
  /** Takes the other tab's version number and keeps this tab's text; the next save overwrites theirs. */
  const keepMine = () => {
    void api
      .get('/notes/{id}', { path: { id: note.id } })
      .then((latestNote) => {
        baseVersion.current = latestNote.version;
        conflictRef.current = false;
        save.reset();
        setDirty(true);
      });
  };
  const discardMine = () => {
    discarding.current = true;
    void navigate(0);
  };
  const doSign = async () => {
    if (!(await persist())) return;
    sign.mutate(baseVersion.current, { onSuccess: () => setConfirming(false) });
  };

  const status = save.isPending
    ? 'Saving…'
    : conflict
      ? 'Not saved'
      : tooLong.length > 0
        ? `Not saved: “${tooLong[0]!.label}” is longer than ${LIMIT_WORDS} characters`
        : refused
          ? 'Not saved'
          : dirty
            ? 'Unsaved changes'
            : savedAt
              ? `Saved ${ago(savedAt, now)}`
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
      {save.error && !conflict && <FormAlert error={save.error} fields={{ ...sectionLabels, sessionDate: 'Session date' }} />}
      {!note.addendumOf && (
        <SessionDateField
          value={sessionDate}
          problem={dateProblem ?? fieldError(save.error, 'sessionDate', 'Session date')}
          onChange={(date) => {
            latestDate.current = date;
            setSessionDate(date);
            setDirty(true);
          }}
        />
      )}
      {sections.map((section) => {
        const value = text[section.key] ?? '';
        const over = value.length > NOTE_SECTION_MAX_LENGTH;
        const problem = over
          ? `“${section.label}” is ${value.length.toLocaleString('en')} characters long; a section can hold ${LIMIT_WORDS}. Shorten it by ${(value.length - NOTE_SECTION_MAX_LENGTH).toLocaleString('en')} characters (or move some text to another section) to save it.`
          : fieldError(save.error, `sections.${section.key}`, section.label);
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
              onChange={(e) => edit(section.key, e.target.value)}
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
            onDiscarding={() => {
              discarding.current = true;
              setDirty(false);
            }}
            onKept={() => {
              discarding.current = false;
            }}
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
