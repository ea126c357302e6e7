import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { EARLIEST_SESSION_DATE, type NoteDetail, type NoteSummary } from '@tandem/shared';
import { Badge, Field, FormAlert, Loading } from '../../ui/forms';
import { formatDate, formatDateTime, practiceToday } from '../../ui/dates';
import { useDiscardNote, useNote } from './notes-api';

/** A session date from 2000 up to today (the API holds the same bounds). */
export function sessionDateProblem(date: string): string | null {
  if (!date) return 'Session date is required';
  if (date < EARLIEST_SESSION_DATE) return `Session date must be on or after ${formatDate(EARLIEST_SESSION_DATE)}`;
  if (date > practiceToday()) return 'Session date cannot be in the future';
  return null;
}

/** A mis-clicked "Start note" or "Add an addendum" need not leave a draft forever. */
export function DiscardDraft({ note, onDiscarding, onKept }: { note: NoteDetail; onDiscarding: () => void; onKept: () => void }) {
  const navigate = useNavigate();
  const discard = useDiscardNote(note);
  const [asking, setAsking] = useState(false);
  const back = note.addendumOf ? `/notes/${note.addendumOf}` : `/${note.subject.kind === 'client' ? 'clients' : 'couples'}/${note.subject.id}`;
  if (!asking) {
    return (
      <button type="button" className="button button--quiet" onClick={() => setAsking(true)}>
        {note.addendumOf ? 'Discard this addendum' : 'Discard draft'}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label="Confirm discarding">
      <span>Discard this draft and everything in it? This cannot be undone.</span>
      <button
        type="button"
        className="button button--danger"
        disabled={discard.isPending}
        onClick={() => {
          onDiscarding();
          discard.mutate(undefined, { onSuccess: () => navigate(back, { replace: true }), onError: onKept });
        }}
      >
        Yes, discard it
      </button>
      <button type="button" className="button button--quiet" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <FormAlert error={discard.error ?? undefined} />
    </div>
  );
}

/** An addendum in full, under the note it corrects. */
export function AddendumView({ summary }: { summary: NoteSummary }) {
  const addendum = useNote(summary.id);
  return (
    <article className="addendum" aria-label={`Addendum by ${summary.author.name}`}>
      <p>
        <strong>Addendum by {summary.author.name}</strong> <Badge tone={summary.status === 'signed' ? 'good' : 'warn'}>{summary.status}</Badge>{' '}
        <span className="muted">{summary.signedAt ? `signed ${formatDateTime(summary.signedAt)}` : `started ${formatDateTime(summary.createdAt)}`}</span>
      </p>
      {addendum.isPending && <Loading label="Loading addendum…" />}
      {addendum.data?.sections && <p className="note-text">{addendum.data.sections.note || <span className="muted">(empty)</span>}</p>}
      {addendum.data?.canEdit && <Link to={`/notes/${summary.id}`}>Continue writing this addendum</Link>}
    </article>
  );
}

/** A draft note's session date, editable while it is a draft; a date out of bounds is said beside it. */
export function SessionDateField({ value, problem, onChange }: { value: string; problem: string | undefined; onChange: (date: string) => void }) {
  return <Field label="Session date" type="date" min={EARLIEST_SESSION_DATE} max={practiceToday()} value={value} onChange={(e) => onChange(e.target.value)} error={problem} />;
}
