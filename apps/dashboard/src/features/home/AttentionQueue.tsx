import { Link } from 'react-router-dom';
import type { AttentionItem, AttentionKind } from '@tandem/shared';
import { Badge, EmptyState, FormAlert, Loading } from '../../ui/forms';
import { formatDate } from '../homework/homework-api';
import { useAttention, useMarkReviewed } from './attention-api';

const KIND: Record<AttentionKind, { label: string; tone: 'neutral' | 'good' | 'warn' | 'bad' | 'info' }> = {
  'answers-submitted': { label: 'New answers', tone: 'info' },
  'homework-overdue': { label: 'Overdue', tone: 'bad' },
  'nothing-assigned': { label: 'Nothing assigned', tone: 'warn' },
  'draft-note': { label: 'Draft note', tone: 'neutral' },
  'emergency-access': { label: 'Emergency access', tone: 'warn' },
};

const subjectPath = (item: AttentionItem) => `/${item.subject.kind === 'client' ? 'clients' : 'couples'}/${item.subject.id}`;

/** Where one click on the row goes: the record that needs the clinician. */
function target(item: AttentionItem): string {
  switch (item.kind) {
    case 'answers-submitted':
    case 'homework-overdue':
      return `${subjectPath(item)}?assignment=${item.assignmentId}`;
    case 'nothing-assigned':
      return subjectPath(item);
    case 'draft-note':
      return `/notes/${item.noteId}`;
    case 'emergency-access':
      return '/emergency';
  }
}

function sentence(item: AttentionItem): string {
  switch (item.kind) {
    case 'answers-submitted':
      return item.subject.kind === 'couple'
        ? `${item.client.name} submitted “${item.exerciseTitle}” (${item.subject.name})`
        : `${item.client.name} submitted “${item.exerciseTitle}”`;
    case 'homework-overdue':
      return `${item.subject.name}: “${item.exerciseTitle}” was due ${formatDate(item.dueOn)}`;
    case 'nothing-assigned':
      return `${item.subject.name}: nothing assigned since the session on ${formatDate(item.sessionDate)}`;
    case 'draft-note':
      return `${item.subject.name}: your note for ${formatDate(item.sessionDate)} is still a draft`;
    case 'emergency-access':
      return `${item.clinician.name} opened ${item.subject.name}’s record in an emergency`;
  }
}

function Row({ item }: { item: AttentionItem }) {
  const review = useMarkReviewed();
  const { label, tone } = KIND[item.kind];
  return (
    <li className="attention__row">
      <Badge tone={tone}>{label}</Badge>
      <Link className="attention__link" to={target(item)}>
        {sentence(item)}
      </Link>
      <time className="muted attention__time" dateTime={item.at}>
        {new Date(item.at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}
      </time>
      {item.kind === 'answers-submitted' && (
        <button
          type="button"
          className="button button--quiet"
          aria-label={`Mark ${item.client.name}’s answers to “${item.exerciseTitle}” reviewed`}
          disabled={review.isPending}
          onClick={() => review.mutate(item.responseId)}
        >
          Mark reviewed
        </button>
      )}
      <FormAlert error={review.error ?? undefined} />
    </li>
  );
}

/** The clinician's home: what needs them, newest first, each row one click from the record. */
export function AttentionQueue() {
  const queue = useAttention();
  if (queue.isPending) return <Loading label="Loading what needs you…" />;
  if (queue.error) return <FormAlert error={queue.error} />;
  const items = queue.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <EmptyState title="Nothing needs you right now.">
        New answers, overdue homework, clients with nothing assigned since their last session and unsigned notes appear here.
      </EmptyState>
    );
  }
  return (
    <>
      <ul className="attention" aria-label="Needs your attention">
        {items.map((item) => (
          <Row key={item.key} item={item} />
        ))}
      </ul>
      {queue.hasNextPage && (
        <button type="button" className="button" onClick={() => queue.fetchNextPage()} disabled={queue.isFetchingNextPage}>
          Show more
        </button>
      )}
    </>
  );
}
