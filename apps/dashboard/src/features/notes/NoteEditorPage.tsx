import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { NOTE_TEMPLATES, type NoteDetail } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { HomeworkSinceLastNote } from './HomeworkSinceLastNote';
import { Badge, FormAlert, Loading, Notice, PageHeading, fieldError } from '../../ui/forms';
import NotFoundPage from '../../app/NotFoundPage';
import { useAddAddendum, useNote, useSaveNote, useSignNote } from './notes-api';
import { ago, useDebouncedSave, useNow } from './use-autosave';
import { formatDate, formatDateTime } from '../../ui/dates';
import { AddendumView, DiscardDraft, SessionDateField, sessionDateProblem } from './DraftParts';

function SubjectLink({ note }: { note: NoteDetail }) {
  return <Link to={`/${note.subject.kind === 'client' ? 'clients' : 'couples'}/${note.subject.id}`}>{note.subject.name}</Link>;
}

/** A draft the author is writing: autosaved, with conflicts explained and the typed text kept. */
function DraftEditor({ note }: { note: NoteDetail }) {
  const navigate = useNavigate();
  const save = useSaveNote(note.id);
  const sign = useSignNote(note.id);
  const now = useNow();
  const [text, setText] = useState<Record<string, string>>(note.sections ?? {});
  const [sessionDate, setSessionDate] = useState(note.sessionDate);
  const dateProblem = sessionDateProblem(sessionDate);
  const discarded = useRef(false);
  const [baseVersion, setBaseVersion] = useState(note.version);
  const [dirty, setDirty] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  const persist = async () => {
    if (conflict || discarded.current) return;
    const sent = text;
    // A date out of bounds stays on screen with its message and is not sent; the text still saves.
    const saved = await save.mutateAsync({ sections: sent, ...(dateProblem ? {} : { sessionDate }), version: baseVersion }).catch(() => null);
    if (!saved) return;
    setBaseVersion(saved.version);
    setSavedAt(Date.now());
    setDirty((stillDirty) => stillDirty && JSON.stringify(sent) !== JSON.stringify(text));
  };
  useDebouncedSave(dirty && !save.isPending, persist);

  const edit = (key: string, value: string) => {
    setText((t) => ({ ...t, [key]: value }));
    setDirty(true);
  };
  /** Takes the other tab's version number and keeps this tab's text; the next save overwrites theirs. */
  const keepMine = () => {
    void save.reset();
    void fetch(`/api/notes/${note.id}`, { credentials: 'same-origin' })
      .then((r) => r.json())
      .then((latest: NoteDetail) => {
        setBaseVersion(latest.version);
        setDirty(true);
      });
  };
  const doSign = async () => {
    if (dirty) await persist();
    sign.mutate(baseVersion, { onSuccess: () => setConfirming(false) });
  };

  const status = save.isPending ? 'Saving…' : conflict ? 'Not saved' : dirty ? 'Unsaved changes' : savedAt ? `Saved ${ago(savedAt, now)}` : 'All changes saved';
  return (
    <>
      <p className="autosave" role="status" aria-live="polite">
        {status}
      </p>
      {conflict && (
        <FormAlert>
          This note was changed in another tab or window. Your text is still here and has not been lost.
          <button type="button" className="button" onClick={keepMine}>
            Keep my text and save over it
          </button>
          <button type="button" className="button button--quiet" onClick={() => navigate(0)}>
            Discard mine and load theirs
          </button>
        </FormAlert>
      )}
      {save.error && !conflict && <FormAlert error={save.error} />}
      {!note.addendumOf && (
        <SessionDateField
          value={sessionDate}
          problem={dateProblem ?? fieldError(save.error, 'sessionDate')}
          onChange={(date) => {
            setSessionDate(date);
            setDirty(true);
          }}
        />
      )}
      {NOTE_TEMPLATES[note.format].map((section) => (
        <div className="field" key={section.key}>
          <label htmlFor={`section-${section.key}`}>{section.label}</label>
          <p className="field__hint" id={`section-${section.key}-hint`}>
            {section.hint}
          </p>
          <textarea
            id={`section-${section.key}`}
            aria-describedby={`section-${section.key}-hint`}
            rows={note.format === 'free' ? 10 : 5}
            value={text[section.key] ?? ''}
            onChange={(e) => edit(section.key, e.target.value)}
          />
        </div>
      ))}
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
          <button type="button" className="button button--primary" onClick={() => setConfirming(true)} disabled={conflict || dateProblem !== null}>
            Sign note
          </button>
          <DiscardDraft
            note={note}
            onDiscarding={() => {
              discarded.current = true;
              setDirty(false);
            }}
            onKept={() => {
              discarded.current = false;
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
