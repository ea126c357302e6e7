import { useState } from 'react';
import { validateAnswers, type AnswerValue, type Exercise } from '@tandem/shared';
import { StepView } from './StepView';

/** The exercise exactly as a client will see it on a phone, answerable, checked by the shared validation. */
export function ExercisePreview({ exercise }: { exercise: Pick<Exercise, 'title' | 'minutes' | 'steps'> }) {
  const [answers, setAnswers] = useState<Record<string, AnswerValue>>({});
  const [submitted, setSubmitted] = useState(false);
  const check = validateAnswers(exercise.steps, answers, { mode: submitted ? 'submit' : 'draft' });
  const set = (stepId: string, value: AnswerValue | undefined) => {
    setAnswers((current) => {
      const next = { ...current };
      if (value === undefined) delete next[stepId];
      else next[stepId] = value;
      return next;
    });
  };
  return (
    <div className="phone" aria-label="Preview on a phone">
      <div className="phone__screen">
        <h3 className="phone__title">{exercise.title}</h3>
        <p className="muted">About {exercise.minutes} minutes</p>
        {exercise.steps.map((step) => (
          <StepView key={step.id} step={step} value={answers[step.id]} onChange={(v) => set(step.id, v)} error={check.errors[step.id]} />
        ))}
        <button type="button" className="button button--primary" onClick={() => setSubmitted(true)}>
          Check my answers
        </button>
        {submitted && check.ok && <p role="status">Everything is answered. (This is a preview: nothing is saved.)</p>}
      </div>
    </div>
  );
}
