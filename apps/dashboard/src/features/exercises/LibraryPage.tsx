import { useState } from 'react';
import { Link } from 'react-router-dom';
import { AUDIENCES, EXERCISE_SOURCES, THEME_LABELS, THEMES, type LibraryItem } from '@tandem/shared';
import { Badge, EmptyState, Field, FormAlert, Loading, PageHeading, SelectField } from '../../ui/forms';
import { useMe } from '../auth/use-me';
import { useLibrary } from './library-api';

const AUDIENCE_LABEL = { individual: 'Individual', couple: 'Couple', either: 'Individual or couple' } as const;

export function ExerciseCard({ item }: { item: LibraryItem }) {
  return (
    <article className="card exercise-card">
      <h2>
        <Link to={`/library/${item.id}`}>{item.title}</Link>
      </h2>
      <p>{item.summary}</p>
      <p className="exercise-card__meta">
        <Badge>{AUDIENCE_LABEL[item.audience]}</Badge> <Badge>{item.minutes} min</Badge>{' '}
        {item.recurrence.some((r) => r !== 'once') && <Badge tone="info">{item.recurrence.filter((r) => r !== 'once').join(' or ')}</Badge>}{' '}
        {item.requiresScreening && <Badge tone="warn">Needs screening</Badge>} {item.origin === 'practice' && <Badge tone="good">Your practice</Badge>}
        {item.archived && <Badge>archived</Badge>}
      </p>
      {item.source && (
        <p className="muted exercise-card__source">
          From “{item.source.articleTitle}”, {item.source.author}
          {item.source.credential && `, ${item.source.credential}`}
        </p>
      )}
    </article>
  );
}

export default function LibraryPage() {
  const me = useMe().data!;
  const [filters, setFilters] = useState({ q: '', theme: '', audience: '', source: '', recurring: '', origin: '' });
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });
  const library = useLibrary({ ...filters, q: filters.q.trim() });
  const items = library.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <PageHeading>Exercise library</PageHeading>
      <p className="lead">
        Exercises built from published articles on emotional intimacy, and your practice’s own.{' '}
        {me.user.roles.includes('clinician') && <Link to="/library/new">Write a new exercise</Link>}
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the library">
        <Field label="Search" type="search" value={filters.q} onChange={set('q')} />
        <SelectField label="Theme" value={filters.theme} onChange={set('theme')}>
          <option value="">All themes</option>
          {THEMES.map((t) => (
            <option key={t} value={t}>
              {THEME_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <SelectField label="For" value={filters.audience} onChange={set('audience')}>
          <option value="">Anyone</option>
          {AUDIENCES.filter((a) => a !== 'either').map((a) => (
            <option key={a} value={a}>
              {AUDIENCE_LABEL[a]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Source article" value={filters.source} onChange={set('source')}>
          <option value="">All articles</option>
          {Object.values(EXERCISE_SOURCES).map((s) => (
            <option key={s.seedFile} value={s.seedFile}>
              {s.articleTitle}
            </option>
          ))}
        </SelectField>
        <SelectField label="Schedule" value={filters.recurring} onChange={set('recurring')}>
          <option value="">Any</option>
          <option value="true">Suits daily or weekly</option>
          <option value="false">One-off</option>
        </SelectField>
        <SelectField label="Made by" value={filters.origin} onChange={set('origin')}>
          <option value="">Built-in and ours</option>
          <option value="builtin">Built-in</option>
          <option value="practice">Our practice</option>
        </SelectField>
      </form>
      {library.isPending && <Loading />}
      <FormAlert error={library.error ?? undefined} />
      {library.isSuccess && items.length === 0 && <EmptyState title="No exercise matches these filters." />}
      <div className="cards">
        {items.map((item) => (
          <ExerciseCard key={item.id} item={item} />
        ))}
      </div>
      {library.hasNextPage && (
        <button type="button" className="button" onClick={() => library.fetchNextPage()}>
          Show more
        </button>
      )}
    </section>
  );
}
