import { useId } from 'react';
import type { AnswerValue, ExerciseStep } from '@tandem/shared';

/** From this share of an answer's limit on, the counter says how much room is left. */
const NEAR_LIMIT = 0.8;

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
    const left = step.maxLength - text.length;
    const near = text.length >= step.maxLength * NEAR_LIMIT;
    const countId = `${id}-count`;
    return (
      <div className="step" id={`step-${step.id}`}>
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
          maxLength={step.maxLength}
          aria-describedby={[describedBy, near ? countId : ''].filter(Boolean).join(' ') || undefined}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value.slice(0, step.maxLength))}
        />
        <p className={`step__count${near ? ' step__count--near' : ' muted'}`} id={countId} aria-live={near ? 'polite' : 'off'}>
          {text.length} / {step.maxLength}
          {near && (left > 0 ? ` · ${left} character${left === 1 ? '' : 's'} left` : ' · that is the limit')}
        </p>
        {problem}
      </div>
    );
  }

  if (step.kind === 'scale') {
    const points = Array.from({ length: step.max - step.min + 1 }, (_, i) => step.min + i);
    return (
      <fieldset className="step" id={`step-${step.id}`} aria-describedby={describedBy}>
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
    <fieldset className="step" id={`step-${step.id}`} aria-describedby={describedBy}>
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
