import type { AnswerValue, Answers, ExerciseStep } from '@tandem/shared';

function formatAnswer(step: ExerciseStep, value: AnswerValue | undefined): string {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '—';
  switch (step.kind) {
    case 'scale':
      return `${value} (${step.min} ${step.minLabel} … ${step.max} ${step.maxLabel})`;
    case 'single':
      return step.options.find((o) => o.id === value)?.label ?? String(value);
    case 'multi':
    case 'checklist':
      return (value as string[]).map((id) => step.options.find((o) => o.id === id)?.label ?? id).join('; ');
    default:
      return String(value);
  }
}

/** Someone's answers, read-only, in the order of the exercise's steps (used by the portal and by the care team's review). */
export function AnswerList({ steps, answers, label }: { steps: ExerciseStep[]; answers: Answers; label?: string }) {
  return (
    <dl className="answers" aria-label={label}>
      {steps
        .filter((s) => s.kind !== 'info')
        .map((step) => (
          <div key={step.id} className="answers__item">
            <dt>{step.prompt}</dt>
            <dd>{formatAnswer(step, answers[step.id])}</dd>
          </div>
        ))}
    </dl>
  );
}
