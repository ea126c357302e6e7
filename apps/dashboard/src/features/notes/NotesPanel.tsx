import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { EARLIEST_SESSION_DATE, NOTE_FORMATS, type NoteFormat, type NoteKind } from '@tandem/shared';
import { Badge, EmptyState, Field, FormAlert, Loading, SelectField, fieldError } from '../../ui/forms';
import { useCreateNote, useNotes, type NoteSubject } from './notes-api';
import { formatDate, practiceToday } from '../../ui/dates';


/** Session notes of a client or couple, and a new note for the care team's clinicians. */
export function NotesPanel({ subject, canWrite }: { subject: NoteSubject; canWrite: boolean }) {
  const notes = useNotes(subject);
  const create = useCreateNote();
  const navigate = useNavigate();
  const [sessionDate, setSessionDate] = useState(practiceToday);
  const [format, setFormat] = useState<NoteFormat>('SOAP');
  const [kind, setKind] = useState<NoteKind>('progress');
  const items = notes.data?.pages.flatMap((p) => p.items) ?? [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ ...subject, sessionDate, format, kind }, { onSuccess: (note) => navigate(`/notes/${note.id}`) });
  };
  return (
    <section className="panel" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Session notes</h2>
      {canWrite && (
        <form onSubmit={submit} noValidate className="form-grid" aria-label="Start a session note">
          <FormAlert error={create.error} fields={{ sessionDate: 'Session date' }} />
          <Field
            label="Session date"
            type="date"
            min={EARLIEST_SESSION_DATE}
            max={practiceToday()}
            value={sessionDate}
            onChange={(e) => setSessionDate(e.target.value)}
            error={fieldError(create.error, 'sessionDate', 'Session date')}
          />
          <SelectField label="Format" value={format} onChange={(e) => setFormat(e.target.value as NoteFormat)}>
            {NOTE_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f === 'free' ? 'Free text' : f}
              </option>
            ))}
          </SelectField>
          <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as NoteKind)}>
            <option value="progress">Progress note (care team reads it)</option>
            <option value="psychotherapy">Psychotherapy note (only you read it)</option>
          </SelectField>
          <div>
            <button type="submit" className="button button--primary" disabled={create.isPending}>
              Start note
            </button>
          </div>
        </form>
      )}
      {notes.isPending && <Loading />}
      <FormAlert error={notes.error ?? undefined} />
      {notes.isSuccess && items.length === 0 && <EmptyState title="No session notes yet." />}
      <ul className="record-list">
        {items.map((n) => (
          <li key={n.id}>
            <Link to={`/notes/${n.id}`}>
              {formatDate(n.sessionDate)} · {n.format === 'free' ? 'note' : n.format}
            </Link>
            <Badge tone={n.status === 'signed' ? 'good' : 'warn'}>{n.status}</Badge>
            {n.kind === 'psychotherapy' && <Badge tone="info">psychotherapy</Badge>}
            <span className="muted">
              {n.author.name}
              {n.addendaCount > 0 && ` · ${n.addendaCount} addend${n.addendaCount === 1 ? 'um' : 'a'}`}
            </span>
          </li>
        ))}
      </ul>
      {notes.hasNextPage && (
        <button type="button" className="button" onClick={() => notes.fetchNextPage()}>
          Load older notes
        </button>
      )}
    </section>
  );
}
