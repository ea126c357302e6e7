import { AUDIENCES, RECURRENCES, SHARING_MODES, STEP_KINDS, TEXT_MAX_LENGTH_LIMIT, THEMES, type Exercise } from './steps.js';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export const MAX_STEPS = 40;
export const MAX_OPTIONS = 20;

/**
 * What is wrong with an exercise definition, as path → message (empty when it
 * is sound). The exercise builder shows these inline; the API refuses with them.
 * Never throws, whatever arrives.
 */
export function validateExerciseDefinition(input: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!isObject(input)) return { exercise: 'must be an exercise definition' };
  const e = input as Partial<Record<keyof Exercise, unknown>>;
  if (!isText(e.title, 120)) problems.title = 'is required (up to 120 characters)';
  if (!isText(e.summary, 600)) problems.summary = 'is required (up to 600 characters)';
  if (typeof e.slug !== 'string' || !KEBAB.test(e.slug) || e.slug.length > 80) problems.slug = 'must be lowercase words joined by hyphens';
  if (!THEMES.includes(e.theme as never)) problems.theme = `must be one of: ${THEMES.join(', ')}`;
  if (!AUDIENCES.includes(e.audience as never)) problems.audience = 'must be individual, couple or either';
  if (!isInt(e.minutes) || e.minutes < 1 || e.minutes > 180) problems.minutes = 'must be a whole number of minutes from 1 to 180';
  if (!Array.isArray(e.recurrence) || e.recurrence.length === 0 || e.recurrence.some((r) => !RECURRENCES.includes(r as never))) {
    problems.recurrence = 'must list once, daily and/or weekly';
  }
  if (!isObject(e.safety) || typeof e.safety.requiresScreening !== 'boolean') {
    problems.safety = 'must say whether the exercise requires screening';
  } else if (e.safety.requiresScreening && !isText(e.safety.reason, 600)) {
    problems['safety.reason'] = 'must say why screening is required';
  }
  if (e.sharing !== undefined) {
    const rule = e.sharing;
    if (
      !isObject(rule) ||
      !Array.isArray(rule.allowed) ||
      rule.allowed.length === 0 ||
      rule.allowed.some((m) => !SHARING_MODES.includes(m as never)) ||
      new Set(rule.allowed).size !== rule.allowed.length ||
      !rule.allowed.includes(rule.recommended as never)
    ) {
      problems.sharing = 'must list the sharing modes allowed, and recommend one of them';
    }
  }
  if (e.source !== null && e.source !== undefined) {
    if (!isObject(e.source) || !isText(e.source.articleTitle, 300) || !isText(e.source.author, 200)) {
      problems.source = 'must name the article and its author';
    }
  }
  if (!Array.isArray(e.steps) || e.steps.length === 0) {
    problems.steps = 'needs at least one step';
    return problems;
  }
  if (e.steps.length > MAX_STEPS) problems.steps = `can have at most ${MAX_STEPS} steps`;
  const seen = new Set<string>();
  let answerable = 0;
  e.steps.forEach((raw, i) => {
    const at = `steps.${i}`;
    if (!isObject(raw)) {
      problems[at] = 'must be a step';
      return;
    }
    if (typeof raw.id !== 'string' || !KEBAB.test(raw.id) || raw.id.length > 60) problems[`${at}.id`] = 'must be lowercase words joined by hyphens';
    else if (seen.has(raw.id)) problems[`${at}.id`] = `is used by an earlier step`;
    else seen.add(raw.id);
    if (!isText(raw.prompt, 2000)) problems[`${at}.prompt`] = 'is required (up to 2000 characters)';
    if (raw.help !== undefined && !isText(raw.help, 1000)) problems[`${at}.help`] = 'must be text of up to 1000 characters';
    if (!STEP_KINDS.includes(raw.kind as never)) {
      problems[`${at}.kind`] = `must be one of: ${STEP_KINDS.join(', ')}`;
      return;
    }
    if (raw.kind === 'info') return;
    answerable += 1;
    if (typeof raw.required !== 'boolean') problems[`${at}.required`] = 'must say whether an answer is required';
    if (raw.kind === 'text') {
      if (!isInt(raw.maxLength) || raw.maxLength < 1 || raw.maxLength > TEXT_MAX_LENGTH_LIMIT) {
        problems[`${at}.maxLength`] = `must be a whole number from 1 to ${TEXT_MAX_LENGTH_LIMIT}`;
      }
    } else if (raw.kind === 'scale') {
      if (!isInt(raw.min) || !isInt(raw.max) || raw.min >= raw.max || raw.min < -100 || raw.max > 100) {
        problems[`${at}.range`] = 'needs whole numbers with the lowest below the highest (within -100 to 100)';
      }
      if (!isText(raw.minLabel, 80) || !isText(raw.maxLabel, 80)) problems[`${at}.labels`] = 'needs a label for each end';
      if (raw.risk !== undefined) {
        const risk = raw.risk;
        const inRange = (v: unknown) => v === undefined || (isInt(v) && isInt(raw.min) && isInt(raw.max) && v >= raw.min && v <= raw.max);
        if (!isObject(risk) || !isText(risk.reason, 300) || (risk.atOrBelow === undefined && risk.atOrAbove === undefined) || !inRange(risk.atOrBelow) || !inRange(risk.atOrAbove)) {
          problems[`${at}.risk`] = 'needs a threshold within the scale and a reason for the care team';
        }
      }
    } else {
      const options = raw.options;
      if (!Array.isArray(options) || options.length < (raw.kind === 'single' ? 2 : 1) || options.length > MAX_OPTIONS) {
        problems[`${at}.options`] = `needs ${raw.kind === 'single' ? 'two' : 'one'} to ${MAX_OPTIONS} choices`;
      } else {
        const ids = new Set<string>();
        const labels = new Map<string, number>();
        options.forEach((o, j) => {
          if (!isObject(o) || typeof o.id !== 'string' || !KEBAB.test(o.id) || ids.has(o.id)) problems[`${at}.options.${j}.id`] = 'needs its own id';
          else ids.add(o.id);
          if (!isObject(o) || !isText(o.label, 300)) problems[`${at}.options.${j}.label`] = 'needs a label';
          else {
            // Two choices a client cannot tell apart make the answer meaningless.
            const key = String(o.label).trim().toLocaleLowerCase();
            const earlier = labels.get(key);
            if (earlier !== undefined) problems[`${at}.options.${j}.label`] = `is the same as choice ${earlier + 1}`;
            else labels.set(key, j);
          }
          if (isObject(o) && o.risk !== undefined && !isText(o.risk, 300)) problems[`${at}.options.${j}.risk`] = 'needs a reason for the care team of up to 300 characters';
        });
        if (raw.kind === 'multi') {
          const min = raw.minSelected;
          const max = raw.maxSelected;
          if (min !== undefined && (!isInt(min) || min < 0 || min > options.length)) problems[`${at}.minSelected`] = 'must fit the number of choices';
          if (max !== undefined && (!isInt(max) || max < 1 || max > options.length || (isInt(min) && max < min))) {
            problems[`${at}.maxSelected`] = 'must fit the number of choices';
          }
        }
      }
    }
  });
  if (answerable === 0) problems.steps = 'needs at least one step the client answers';
  const recurring = Array.isArray(e.recurrence) && e.recurrence.some((r) => r === 'daily' || r === 'weekly');
  if (recurring && !e.steps.some((s) => isObject(s) && s.kind === 'scale')) {
    problems.recurrence = 'a daily or weekly exercise needs at least one scale step, so its answers make a trend';
  }
  return problems;
}
