import type { ExerciseStep, StepKind, StepOption } from '@tandem/shared';

const KIND_LABEL: Record<StepKind, string> = {
  info: 'Text to read',
  text: 'Written answer',
  scale: 'Scale',
  single: 'Pick one',
  multi: 'Pick several',
  checklist: 'Checklist',
};

export const STEP_KIND_OPTIONS = Object.entries(KIND_LABEL) as Array<[StepKind, string]>;

/** A new step of a kind, with sensible defaults the clinician then edits. */
export function blankStep(kind: StepKind, id: string): ExerciseStep {
  const base = { id, prompt: '' };
  switch (kind) {
    case 'info':
      return { ...base, kind };
    case 'text':
      return { ...base, kind, required: true, maxLength: 1000 };
    case 'scale':
      return { ...base, kind, required: true, min: 0, max: 10, minLabel: 'Not at all', maxLabel: 'Very much' };
    default:
      return { ...base, kind, required: true, options: [{ id: 'option-1', label: '' }, { id: 'option-2', label: '' }] };
  }
}

interface Props {
  step: ExerciseStep;
  index: number;
  count: number;
  problems: Record<string, string>;
  onChange: (step: ExerciseStep) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}

/** Edits one step; problems are the shared definition check's, keyed `steps.<index>.<field>`. */
export function StepEditor({ step, index, count, problems, onChange, onMove, onRemove }: Props) {
  const at = (field: string) => problems[`steps.${index}.${field}`];
  const label = `Step ${index + 1}`;
  const num = (v: string) => (v === '' ? Number.NaN : Number(v));
  const setOption = (i: number, patch: Partial<StepOption>) => {
    if (!('options' in step)) return;
    onChange({ ...step, options: step.options.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  };
  return (
    <fieldset className="step-editor">
      <legend>
        {label}: {KIND_LABEL[step.kind]}
      </legend>
      <div className="field">
        <label htmlFor={`step-${index}-prompt`}>{step.kind === 'info' ? `${label} text` : `${label} question`}</label>
        <textarea id={`step-${index}-prompt`} rows={step.kind === 'info' ? 4 : 2} value={step.prompt} onChange={(e) => onChange({ ...step, prompt: e.target.value })} />
        {at('prompt') && <p className="field__error">{`${step.kind === 'info' ? `${label} text` : `${label} question`} ${at('prompt')}`}</p>}
      </div>
      {step.kind !== 'info' && (
        <label className="check">
          <input type="checkbox" checked={step.required} onChange={(e) => onChange({ ...step, required: e.target.checked })} /> Answer required
        </label>
      )}
      {step.kind === 'text' && (
        <div className="field">
          <label htmlFor={`step-${index}-max`}>{label} longest answer (characters)</label>
          <input id={`step-${index}-max`} type="number" value={Number.isNaN(step.maxLength) ? '' : step.maxLength} onChange={(e) => onChange({ ...step, maxLength: num(e.target.value) })} />
          {at('maxLength') && <p className="field__error">{`${label}: longest answer ${at('maxLength')}`}</p>}
        </div>
      )}
      {step.kind === 'scale' && (
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`step-${index}-min`}>{label} lowest</label>
            <input id={`step-${index}-min`} type="number" value={Number.isNaN(step.min) ? '' : step.min} onChange={(e) => onChange({ ...step, min: num(e.target.value) })} />
          </div>
          <div className="field">
            <label htmlFor={`step-${index}-max`}>{label} highest</label>
            <input id={`step-${index}-max`} type="number" value={Number.isNaN(step.max) ? '' : step.max} onChange={(e) => onChange({ ...step, max: num(e.target.value) })} />
          </div>
          <div className="field">
            <label htmlFor={`step-${index}-minlabel`}>{label} label at the low end</label>
            <input id={`step-${index}-minlabel`} value={step.minLabel} onChange={(e) => onChange({ ...step, minLabel: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`step-${index}-maxlabel`}>{label} label at the high end</label>
            <input id={`step-${index}-maxlabel`} value={step.maxLabel} onChange={(e) => onChange({ ...step, maxLabel: e.target.value })} />
          </div>
          {(at('range') || at('labels')) && <p className="field__error">{`${label} (scale): ${[at('range'), at('labels')].filter(Boolean).join('; ')}`}</p>}
        </div>
      )}
      {'options' in step && (
        <div className="field">
          <span className="field__label">Choices</span>
          {step.options.map((option, i) => (
            <div key={i} className="option-row">
              <input aria-label={`${label} choice ${i + 1}`} value={option.label} onChange={(e) => setOption(i, { label: e.target.value })} />
              <button
                type="button"
                className="button button--quiet"
                onClick={() => onChange({ ...step, options: step.options.filter((_, j) => j !== i) })}
                aria-label={`Remove ${label.toLowerCase()} choice ${i + 1}`}
              >
                Remove
              </button>
              {at(`options.${i}.label`) && <p className="field__error">{`${label}, choice ${i + 1} ${at(`options.${i}.label`)}`}</p>}
            </div>
          ))}
          <button
            type="button"
            className="button"
            onClick={() => {
              const used = new Set(step.options.map((o) => o.id));
              let n = step.options.length + 1;
              while (used.has(`option-${n}`)) n += 1;
              onChange({ ...step, options: [...step.options, { id: `option-${n}`, label: '' }] });
            }}
          >
            Add a choice
          </button>
          {at('options') && <p className="field__error">{`${label} choices: ${at('options')}`}</p>}
        </div>
      )}
      <div className="actions">
        <button type="button" className="button button--quiet" disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move ${label.toLowerCase()} up`}>
          Move up
        </button>
        <button type="button" className="button button--quiet" disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move ${label.toLowerCase()} down`}>
          Move down
        </button>
        <button type="button" className="button button--danger" onClick={onRemove} aria-label={`Remove ${label.toLowerCase()}`}>
          Remove step
        </button>
      </div>
    </fieldset>
  );
}
