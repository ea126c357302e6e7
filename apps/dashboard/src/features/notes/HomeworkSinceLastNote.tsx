import { HomeworkTimeline } from '../homework/HomeworkTimeline';
import { formatDate } from '../homework/homework-api';
import { useNotes } from './notes-api';
import type { NoteDetail } from '@tandem/shared';

/**
 * Beside a session note: the homework of its client or couple since their
 * previous note (all of it, for a first note), with the answers one click away.
 */
export function HomeworkSinceLastNote({ note }: { note: NoteDetail }) {
  const subject = note.subject.kind === 'client' ? { clientId: note.subject.id } : { coupleId: note.subject.id };
  const notes = useNotes(subject);
  if (notes.isPending) return null;
  const previous = notes.data?.pages
    .flatMap((p) => p.items)
    .find((other) => other.id !== note.id && other.sessionDate < note.sessionDate);
  const since = previous?.sessionDate;
  return (
    <section className="panel" aria-labelledby="homework-since-heading">
      <h2 id="homework-since-heading">Homework since the last session</h2>
      <p className="muted">{since ? `Given or due since the previous note (${formatDate(since)}).` : 'All homework so far: this is the first note.'}</p>
      <HomeworkTimeline subject={subject} canChange={false} since={since} />
    </section>
  );
}
