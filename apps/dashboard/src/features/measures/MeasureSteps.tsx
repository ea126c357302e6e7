import { useEffect, useRef, useState } from 'react';
import type { AnswerValue, Answers, ExerciseStep } from '@tandem/shared';
import { StepView } from '../exercises/StepView';

/** Asks the measure's stepper to show a question (the error summary's links use it). */
export const SHOW_STEP_EVENT = 'tandem:show-step';

/**
 * A standard measure in the portal, one question at a time as on a phone
 * form: the published instruction above each question, the published answer
 * labels as the choices, and where one is in the questionnaire.
 */
export function MeasureSteps({
  steps,
  answers,
  errors,
  onChange,
}: {
  steps: ExerciseStep[];
  answers: Answers;
  errors: Record<string, string>;
  onChange: (stepId: string, value: AnswerValue | undefined) => void;
}) {
  const stem = steps.find((s) => s.kind === 'info');
  const questions = steps.filter((s) => s.kind !== 'info');
  const firstOpen = questions.findIndex((q) => answers[q.id] === undefined);
  const [index, setIndex] = useState(firstOpen === -1 ? 0 : firstOpen);
  const moved = useRef(false);
  const current = questions[index]!;

  useEffect(() => {
    const show = (event: Event) => {
      const at = questions.findIndex((q) => q.id === (event as CustomEvent<string>).detail);
      if (at !== -1) {
        moved.current = true;
        setIndex(at);
      }
    };
    window.addEventListener(SHOW_STEP_EVENT, show);
    return () => window.removeEventListener(SHOW_STEP_EVENT, show);
  }, [questions]);

  // After moving between questions, the new question takes focus so a screen reader reads it.
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    const box = document.getElementById(`step-${current.id}`);
    const control = box?.querySelector<HTMLElement>('input:checked, input');
    (control ?? box)?.focus({ preventScroll: true });
    box?.scrollIntoView({ block: 'center' });
  }, [current.id]);

  const go = (to: number) => {
    moved.current = true;
    setIndex(Math.max(0, Math.min(questions.length - 1, to)));
  };

  return (
    <div className="measure-steps">
      <p className="measure-steps__progress" aria-live="polite">
        Question {index + 1} of {questions.length}
      </p>
      {stem && <p className="measure-steps__stem">{stem.prompt}</p>}
      <StepView key={current.id} step={current} value={answers[current.id]} onChange={(v) => onChange(current.id, v)} error={errors[current.id]} />
      <div className="measure-steps__nav">
        <button type="button" className="button" onClick={() => go(index - 1)} disabled={index === 0}>
          Previous question
        </button>
        {index < questions.length - 1 && (
          <button type="button" className="button button--primary" onClick={() => go(index + 1)}>
            Next question
          </button>
        )}
      </div>
    </div>
  );
}
