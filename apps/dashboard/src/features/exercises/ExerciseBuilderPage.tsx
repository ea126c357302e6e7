import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { AUDIENCES, RECURRENCES, THEME_LABELS, THEMES, validateExerciseDefinition, type Exercise, type ExerciseStep, type StepKind } from '@tandem/shared';
import { ApiError } from '../../api/client';
import { Field, FormAlert, Loading, PageHeading, SelectField } from '../../ui/forms';
import { ExercisePreview } from './ExercisePreview';
import { useCreateExercise, useLibraryItem, useUpdateExercise } from './library-api';
import { blankStep, STEP_KIND_OPTIONS, StepEditor } from './StepEditor';

type Draft = Omit<Exercise, 'version'>;

const EMPTY: Draft = {
  slug: '',
  title: '',
  summary: '',
  theme: 'connection',
  audience: 'either',
  minutes: 10,
  source: null,
  safety: { requiresScreening: false },
  recurrence: ['once'],
  steps: [
    { id: 'intro', kind: 'info', prompt: '' },
    { id: 'reflection', kind: 'text', prompt: '', required: true, maxLength: 1000 },
  ],
};

/** Step numbers (from 1) that have a problem, so the summary says where to look. */
const stepsWithProblems = (problems: Record<string, string>) =>
  [...new Set(Object.keys(problems).map((key) => /^steps\.(\d+)\./.exec(key)?.[1]).filter((n): n is string => n !== undefined))].map((n) => Number(n) + 1).sort((a, b) => a - b);

const slugify = (title: string) =>
  title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

/** Writes a new exercise, a copy, or a new version of one of the practice's own. */
export default function ExerciseBuilderPage() {
  const { id: editingId = '' } = useParams();
  const [search] = useSearchParams();
  const copyFrom = search.get('from') ?? '';
  const navigate = useNavigate();
  const base = useLibraryItem(editingId || copyFrom);
  const create = useCreateExercise();
  const update = useUpdateExercise(editingId);
  const [draft, setDraft] = useState<Draft | null>(editingId || copyFrom ? null : EMPTY);
  const [touched, setTouched] = useState(false);
  const [nextStepId, setNextStepId] = useState(1);

  useEffect(() => {
    if (draft || !base.data) return;
    const { version: _version, ...rest } = base.data.exercise;
    setDraft(editingId ? rest : { ...rest, slug: `${rest.slug}-ours`, title: `${rest.title} (our version)` });
  }, [base.data, draft, editingId]);

  const problems = useMemo(() => (draft ? validateExerciseDefinition({ ...draft, version: 1 }) : {}), [draft]);
  if (!draft) return base.error ? <FormAlert error={base.error} /> : <Loading />;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft({ ...draft, [key]: value });
  const setStep = (i: number, step: ExerciseStep) => set('steps', draft.steps.map((s, j) => (j === i ? step : s)));
  const moveStep = (i: number, delta: -1 | 1) => {
    const steps = [...draft.steps];
    [steps[i], steps[i + delta]] = [steps[i + delta]!, steps[i]!];
    set('steps', steps);
  };
  const addStep = (kind: StepKind) => {
    let n = nextStepId;
    while (draft.steps.some((s) => s.id === `step-${n}`)) n += 1;
    setNextStepId(n + 1);
    set('steps', [...draft.steps, blankStep(kind, `step-${n}`)]);
  };
  const saving = create.isPending || update.isPending;
  const serverError = create.error ?? update.error;
  const serverProblems = serverError instanceof ApiError ? Object.fromEntries(Object.entries(serverError.fields).map(([k, v]) => [k.replace(/^definition\./, ''), v])) : {};
  const shown = touched ? { ...serverProblems, ...problems } : serverProblems;
  const err = (key: string) => shown[key];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length > 0) return;
    const onSuccess = (saved: { id: string }) => navigate(`/library/${saved.id}`);
    if (editingId) update.mutate({ definition: draft, baseVersion: base.data!.exercise.version }, { onSuccess });
    else create.mutate({ definition: draft, ...(copyFrom ? { copiedFrom: copyFrom } : {}) }, { onSuccess });
  };

  return (
    <section>
      <p className="breadcrumb">
        <Link to="/library">Exercise library</Link>
      </p>
      <PageHeading>{editingId ? `Edit “${base.data?.title}”` : copyFrom ? 'Adapt a copy' : 'New exercise'}</PageHeading>
      {editingId && <p className="lead">Saving makes version {(base.data?.exercise.version ?? 0) + 1}; homework already assigned keeps its version.</p>}
      <div className="builder">
        <form onSubmit={submit} noValidate className="builder__form" aria-label="Exercise">
          {touched && Object.keys(shown).length > 0 && (
            <FormAlert>
              Some parts need attention before saving
              {stepsWithProblems(shown).length > 0 ? `: ${stepsWithProblems(shown).map((n) => `step ${n}`).join(', ')} (see below).` : ' (see below).'}
            </FormAlert>
          )}
          {serverError && !(serverError instanceof ApiError && serverError.status === 400) && <FormAlert error={serverError} />}
          <Field
            label="Title"
            value={draft.title}
            onChange={(e) => setDraft({ ...draft, title: e.target.value, slug: editingId || draft.slug !== slugify(draft.title) ? draft.slug : slugify(e.target.value) })}
            error={err('title') && `Title ${err('title')}`}
          />
          <div className="field">
            <label htmlFor="summary">Summary</label>
            <textarea id="summary" rows={2} value={draft.summary} onChange={(e) => set('summary', e.target.value)} />
            {err('summary') && <p className="field__error">Summary {err('summary')}</p>}
          </div>
          <div className="form-grid">
            <Field label="Short name (in links)" value={draft.slug} disabled={Boolean(editingId)} onChange={(e) => set('slug', e.target.value)} error={err('slug') && `Short name ${err('slug')}`} />
            <SelectField label="Theme" value={draft.theme} onChange={(e) => set('theme', e.target.value as Draft['theme'])}>
              {THEMES.map((t) => (
                <option key={t} value={t}>
                  {THEME_LABELS[t]}
                </option>
              ))}
            </SelectField>
            <SelectField label="For" value={draft.audience} onChange={(e) => set('audience', e.target.value as Draft['audience'])}>
              {AUDIENCES.map((a) => (
                <option key={a} value={a}>
                  {a === 'either' ? 'Individuals or couples' : a === 'couple' ? 'Couples' : 'Individuals'}
                </option>
              ))}
            </SelectField>
            <Field label="Minutes" type="number" value={Number.isNaN(draft.minutes) ? '' : draft.minutes} onChange={(e) => set('minutes', Number(e.target.value))} error={err('minutes') && `Minutes ${err('minutes')}`} />
          </div>
          <fieldset className="field">
            <legend>Suits</legend>
            {RECURRENCES.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  checked={draft.recurrence.includes(r)}
                  onChange={() => set('recurrence', draft.recurrence.includes(r) ? draft.recurrence.filter((x) => x !== r) : [...draft.recurrence, r])}
                />
                {r === 'once' ? 'Once' : r === 'daily' ? 'Daily' : 'Weekly'}
              </label>
            ))}
            {err('recurrence') && <p className="field__error">Schedule: {err('recurrence')}</p>}
          </fieldset>
          <fieldset className="field">
            <legend>Safety</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.safety.requiresScreening}
                onChange={(e) => set('safety', e.target.checked ? { requiresScreening: true, reason: draft.safety.reason ?? '' } : { requiresScreening: false })}
              />
              Couples must be screened and cleared before this is assigned
            </label>
            {draft.safety.requiresScreening && (
              <Field label="Why screening is needed" value={draft.safety.reason ?? ''} onChange={(e) => set('safety', { requiresScreening: true, reason: e.target.value })} error={err('safety.reason') && `Reason ${err('safety.reason')}`} />
            )}
          </fieldset>
          <h2>Steps</h2>
          {err('steps') && <p className="field__error">Steps: {err('steps')}</p>}
          {draft.steps.map((step, i) => (
            <StepEditor
              key={step.id}
              step={step}
              index={i}
              count={draft.steps.length}
              problems={shown}
              onChange={(s) => setStep(i, s)}
              onMove={(delta) => moveStep(i, delta)}
              onRemove={() => set('steps', draft.steps.filter((_, j) => j !== i))}
            />
          ))}
          <div className="actions" aria-label="Add a step">
            {STEP_KIND_OPTIONS.map(([kind, label]) => (
              <button key={kind} type="button" className="button" onClick={() => addStep(kind)}>
                Add: {label}
              </button>
            ))}
          </div>
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? 'Saving…' : editingId ? 'Save new version' : 'Save to our library'}
          </button>
        </form>
        <div className="builder__preview">
          <h2>Preview</h2>
          <ExercisePreview exercise={{ title: draft.title || 'Untitled exercise', minutes: draft.minutes, steps: draft.steps }} />
        </div>
      </div>
    </section>
  );
}
