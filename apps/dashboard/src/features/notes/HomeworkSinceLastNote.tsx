import { HomeworkTimeline } from '../homework/HomeworkTimeline';
import { formatDate, useToBring } from '../homework/homework-api';
import { useNotes } from './notes-api';
import { MeasuresSince } from '../measures/MeasuresSince';
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
      <ToBring subject={subject} since={since} />
      <MeasuresSince subject={subject} since={since} />
      <HomeworkTimeline subject={subject} canChange={false} since={since} />
    </section>
  );
}

/** The closing answers of the homework: what each person wants to bring to this session, in their words. */
function ToBring({ subject, since }: { subject: { clientId: string } | { coupleId: string }; since?: string }) {
  const brought = useToBring(subject, since);
  if (!brought.data || brought.data.items.length === 0) return null;
  return (
    <section aria-labelledby="to-bring-heading">
      <h3 id="to-bring-heading">What they want to bring to this session</h3>
      <ul className="to-bring">
        {brought.data.items.map((item) => (
          <li key={`${item.assignmentId}-${item.person.id}-${item.submittedAt}`}>
            <blockquote>{item.text}</blockquote>
            <p className="muted">
              {item.person.name}, in “{item.exerciseTitle}”, {formatDate(item.submittedAt.slice(0, 10))}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
