import { useId } from 'react';
import type { AnswerValue, ExerciseStep } from '@tandem/shared';

interface Props {
  step: ExerciseStep;
  value: AnswerValue | undefined;
  onChange: (value: AnswerValue | undefined) => void;
  error?: string;
}

/**
 * One step as a client sees and answers it. The portal and the library
 * preview render exercises with this same component.
 */
export function StepView({ step, value, onChange, error }: Props) {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  const helpId = step.help ? `${id}-help` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const help = step.help && (
    <p className="step__help" id={helpId}>
      {step.help}
    </p>
  );
  const problem = error && (
    <p className="field__error" id={errorId}>
      {error}
    </p>
  );
  const optional = step.kind !== 'info' && !step.required && <span className="muted"> (optional)</span>;

  if (step.kind === 'info') return <p className="step step--info">{step.prompt}</p>;

  if (step.kind === 'text') {
    const text = typeof value === 'string' ? value : '';
    return (
      <div className="step">
        <label htmlFor={id} className="step__prompt">
          {step.prompt}
          {optional}
        </label>
        {help}
        <textarea
          id={id}
          rows={4}
          value={text}
          placeholder={step.placeholder}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
        <p className="step__count muted" aria-live="polite">
          {text.length} / {step.maxLength}
        </p>
        {problem}
      </div>
    );
  }

  if (step.kind === 'scale') {
    const points = Array.from({ length: step.max - step.min + 1 }, (_, i) => step.min + i);
    return (
      <fieldset className="step" aria-describedby={describedBy}>
        <legend className="step__prompt">
          {step.prompt}
          {optional}
        </legend>
        {help}
        <div className="scale" role="radiogroup" aria-label={step.prompt}>
          {points.map((point) => (
            <label key={point} className={`scale__point${value === point ? ' scale__point--on' : ''}`}>
              <input type="radio" name={id} value={point} checked={value === point} onChange={() => onChange(point)} />
              <span>{point}</span>
            </label>
          ))}
        </div>
        <div className="scale__labels muted">
          <span>{step.minLabel}</span>
          <span>{step.maxLabel}</span>
        </div>
        {problem}
      </fieldset>
    );
  }

  const many = step.kind !== 'single';
  const chosen = Array.isArray(value) ? value : [];
  return (
    <fieldset className="step" aria-describedby={describedBy}>
      <legend className="step__prompt">
        {step.prompt}
        {optional}
      </legend>
      {help}
      {step.options.map((option) => (
        <label key={option.id} className="choice">
          <input
            type={many ? 'checkbox' : 'radio'}
            name={id}
            checked={many ? chosen.includes(option.id) : value === option.id}
            onChange={() => {
              if (!many) return onChange(option.id);
              const next = chosen.includes(option.id) ? chosen.filter((c) => c !== option.id) : [...chosen, option.id];
              onChange(next.length ? next : undefined);
            }}
          />
          {option.label}
        </label>
      ))}
      {problem}
    </fieldset>
  );
}
