import { useCallback, useState, type FormEvent } from 'react';
import { SHARING_EXPLAINED, type ConjointSafety, type LibraryItem, type Recurrence, type SharingMode } from '@tandem/shared';
import { SearchCombobox, searchResults, type ComboOption } from '../../ui/SearchCombobox';
import { useLibrary } from '../exercises/library-api';
import { Field, FormAlert, Notice, SelectField, SuccessNotice, fieldError } from '../../ui/forms';
import { dayFromToday, useAssign, type HomeworkSubject } from './homework-api';
import { formatDate } from '../../ui/dates';

const RECURRENCE_LABEL: Record<Recurrence, string> = { once: 'Once', daily: 'Every day', weekly: 'Every week' };

/**
 * Assigning an exercise to a client or couple. For a couple not cleared for
 * conjoint work, exercises that need screening are listed but cannot be
 * chosen, and the form says why before anyone tries.
 */
export function AssignHomeworkForm({ subject, safety, onDone }: { subject: HomeworkSubject; safety?: ConjointSafety; onDone?: () => void }) {
  const isCouple = 'coupleId' in subject;
  const audience = isCouple ? 'couple' : 'individual';
  const gatedBlocked = isCouple && safety !== 'cleared';
  // The library for this audience, searched as the clinician types; exercises that need screening are listed but not choosable for an uncleared couple.
  const useExerciseSearch = useCallback(
    (q: string, enabled: boolean) =>
      searchResults(useLibrary({ audience, q }, enabled), (item) => ({
        id: item.id,
        label: `${item.title} (${item.minutes} min)${item.requiresScreening ? ' — needs screening' : ''}`,
        disabled: gatedBlocked && item.requiresScreening,
        item,
      })),
    [audience, gatedBlocked],
  );
  const assign = useAssign();
  const [choice, setChoice] = useState<ComboOption | null>(null);
  const chosen = choice?.item as LibraryItem | undefined;
  const exerciseId = choice?.id ?? '';
  const [instructions, setInstructions] = useState('');
  const [dueOn, setDueOn] = useState(dayFromToday(7));
  const [recurrence, setRecurrence] = useState<Recurrence>('once');
  const [ends, setEnds] = useState<'count' | 'date'>('count');
  const [count, setCount] = useState('4');
  const [endsOn, setEndsOn] = useState(dayFromToday(35));
  const [sharing, setSharing] = useState<SharingMode>('private');
  const [remind, setRemind] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const recurrences = chosen?.recurrence ?? (['once'] as Recurrence[]);

  // Answers are never shared between partners of a couple screened as a concern.
  const sharingModes = (chosen?.sharing.allowed ?? (['private', 'reveal-when-both-done'] as SharingMode[])).filter((m) => safety !== 'concern' || m === 'private');

  const pick = (option: ComboOption | null) => {
    setChoice(option);
    const item = option?.item as LibraryItem | undefined;
    if (item && !item.recurrence.includes(recurrence)) setRecurrence(item.recurrence[0]!);
    if (item) setSharing(safety === 'concern' ? 'private' : item.sharing.recommended);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    assign.mutate(
      {
        ...subject,
        exerciseId,
        instructions,
        dueOn,
        recurrence,
        ...(recurrence === 'once' ? {} : ends === 'count' ? { count: Number(count) } : { endsOn }),
        ...(isCouple ? { sharing } : {}),
        ...(remind ? { remind: true } : {}),
      },
      {
        onSuccess: (a) => {
          setDone(`Assigned “${a.exercise.title}”: ${a.occurrenceCount === 1 ? `due ${formatDate(a.firstDueOn)}` : `${a.occurrenceCount} times, first due ${formatDate(a.firstDueOn)}`}.`);
          // Back to a blank form: with no exercise chosen only "Once" is offered, so every schedule field starts over too.
          setChoice(null);
          setInstructions('');
          setRecurrence('once');
          setEnds('count');
          setCount('4');
          setDueOn(dayFromToday(7));
          setEndsOn(dayFromToday(35));
          setSharing('private');
          onDone?.();
        },
      },
    );
  };

  const error = assign.error;
  const assignLabels: Record<string, string> = {
    exerciseId: 'Exercise',
    instructions: 'Instructions in your words',
    dueOn: recurrence === 'once' ? 'Due' : 'First due',
    ...(recurrence !== 'once' && ends === 'count' ? { count: 'Number of times' } : {}),
    ...(recurrence !== 'once' && ends === 'date' ? { endsOn: 'Last date' } : {}),
  };
  return (
    <form onSubmit={submit} className="stacked-form" aria-label="Assign homework">
      {gatedBlocked && (
        <Notice>
          Exercises marked “needs screening” cannot be given to this couple until a clinician on the care team records a conjoint-safety screening of
          “cleared” (see Conjoint safety above).
        </Notice>
      )}
      <FormAlert error={error} fields={assignLabels} />
      <SuccessNotice>{done}</SuccessNotice>
      <SearchCombobox
        label="Exercise"
        placeholder="Type to search the library…"
        required
        useSearch={useExerciseSearch}
        value={choice}
        onChange={pick}
        error={fieldError(error, 'exerciseId', assignLabels.exerciseId)}
      />
      {chosen && <p className="field__hint">{chosen.summary}</p>}
      <div className="field">
        <label htmlFor="assign-instructions">Instructions in your words</label>
        <p className="field__hint">The client reads this as written, above the exercise.</p>
        <textarea id="assign-instructions" rows={3} value={instructions} maxLength={2000} onChange={(e) => setInstructions(e.target.value)} />
        {fieldError(error, 'instructions') && <p className="field__error">{fieldError(error, 'instructions', assignLabels.instructions)}</p>}
      </div>
      <SelectField label="How often" value={recurrence} onChange={(e) => setRecurrence(e.target.value as Recurrence)}>
        {recurrences.map((r) => (
          <option key={r} value={r}>
            {RECURRENCE_LABEL[r]}
          </option>
        ))}
      </SelectField>
      <Field label={recurrence === 'once' ? 'Due' : 'First due'} type="date" value={dueOn} min={dayFromToday(0)} required onChange={(e) => setDueOn(e.target.value)} error={fieldError(error, 'dueOn', assignLabels.dueOn)} />
      {recurrence !== 'once' && (
        <>
          <SelectField label="Ends" value={ends} onChange={(e) => setEnds(e.target.value as 'count' | 'date')}>
            <option value="count">After a number of times</option>
            <option value="date">On a date</option>
          </SelectField>
          {ends === 'count' ? (
            <Field label="Number of times" type="number" min={1} max={90} value={count} onChange={(e) => setCount(e.target.value)} error={fieldError(error, 'count', assignLabels.count)} />
          ) : (
            <Field label="Last date" type="date" value={endsOn} min={dueOn} onChange={(e) => setEndsOn(e.target.value)} error={fieldError(error, 'endsOn', assignLabels.endsOn)} />
          )}
        </>
      )}
      {isCouple && (
        <>
          <SelectField label="Partners’ answers" value={sharing} onChange={(e) => setSharing(e.target.value as SharingMode)} error={fieldError(error, 'sharing')}>
            {sharingModes.map((mode) => (
              <option key={mode} value={mode}>
                {mode === 'private' ? 'Private' : 'Shared when both are done'}: {SHARING_EXPLAINED[mode]}
                {chosen?.sharing.recommended === mode && sharingModes.length > 1 ? ' (recommended)' : ''}
              </option>
            ))}
          </SelectField>
          {safety === 'concern' && <p className="field__hint">This couple’s screening raised a concern, so each partner’s answers stay private.</p>}
          {safety !== 'concern' && chosen && chosen.sharing.allowed.length === 1 && <p className="field__hint">This exercise keeps each partner’s answers private.</p>}
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={remind} onChange={(e) => setRemind(e.target.checked)} /> Email reminders: now, on the morning it is due, and once if it is overdue
        {isCouple ? ' (each partner about their own part)' : ''}
      </label>
      <button type="submit" className="button button--primary" disabled={assign.isPending || !exerciseId}>
        {assign.isPending ? 'Assigning…' : 'Assign'}
      </button>
    </form>
  );
}
