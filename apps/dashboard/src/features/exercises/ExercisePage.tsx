import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { THEME_LABELS } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { Badge, FormAlert, Loading, Notice, PageHeading } from '../../ui/forms';
import NotFoundPage from '../../app/NotFoundPage';
import { useMe } from '../auth/use-me';
import { ExercisePreview } from './ExercisePreview';
import { useLibraryItem, useSetArchived } from './library-api';
import { formatDate } from '../../ui/dates';

export default function ExercisePage() {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const version = search.get('version') ? Number(search.get('version')) : undefined;
  const me = useMe().data!;
  const navigate = useNavigate();
  const detail = useLibraryItem(id, version);
  const archive = useSetArchived(id);
  if (detail.isPending) return <Loading />;
  if (detail.error instanceof ApiError && detail.error.status === 404) return <NotFoundPage />;
  if (detail.error) return <FormAlert error={detail.error} />;
  const d = detail.data;
  const isClinician = me.user.roles.includes('clinician');
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/library">Exercise library</Link>
      </p>
      <PageHeading>{d.title}</PageHeading>
      <p className="lead">
        {d.summary} <Badge>{THEME_LABELS[d.theme]}</Badge> <Badge>{d.minutes} min</Badge> <Badge tone="info">version {d.exercise.version}</Badge>
      </p>
      {d.requiresScreening && (
        <Notice>
          <strong>Needs conjoint-safety screening.</strong> {d.screeningReason} It can be assigned to a couple only once a clinician on their care team has
          marked them cleared.
        </Notice>
      )}
      {d.source && (
        <p className="muted">
          Source: “{d.source.articleTitle}”, {d.source.author}
          {d.source.credential && `, ${d.source.credential}`}
          {d.source.credential.endsWith('.') ? '' : '.'}
        </p>
      )}
      <div className="actions">
        {isClinician && (
          <button type="button" className="button" onClick={() => navigate(`/library/new?from=${encodeURIComponent(d.id)}`)}>
            Make a copy to adapt
          </button>
        )}
        {d.canEdit && !version && (
          <button type="button" className="button button--primary" onClick={() => navigate(`/library/${d.id}/edit`)}>
            Edit (saves a new version)
          </button>
        )}
        {d.origin === 'practice' && (d.canEdit || d.archived) && !version && (
          <button type="button" className="button" onClick={() => archive.mutate(!d.archived)}>
            {d.archived ? 'Restore to the library' : 'Archive'}
          </button>
        )}
      </div>
      <FormAlert error={archive.error ?? undefined} />
      <div className="two-columns">
        <ExercisePreview key={`${d.id}-${d.exercise.version}`} exercise={d.exercise} />
        {d.versions.length > 0 && (
          <section className="panel" aria-labelledby="versions-heading">
            <h2 id="versions-heading">Versions</h2>
            <ul className="plain-list">
              {d.versions.map((v) => (
                <li key={v.version}>
                  <Link to={v.version === d.versions[0]!.version ? `/library/${d.id}` : `/library/${d.id}?version=${v.version}`}>Version {v.version}</Link>{' '}
                  <span className="muted">
                    by {v.createdBy.name}, {formatDate(v.createdAt)}
                  </span>
                </li>
              ))}
            </ul>
            <p className="muted">Assignments keep the version they were given; editing never changes homework already assigned.</p>
          </section>
        )}
      </div>
    </section>
  );
}
