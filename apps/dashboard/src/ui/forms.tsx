import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ApiError } from '../api/client';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled input whose hint and error are announced with it. */
export function Field({ label, error, hint, id, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined} {...input} />
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  error?: string;
  children: ReactNode;
}

export function SelectField({ label, error, id, children, ...select }: SelectFieldProps) {
  const generated = useId();
  const selectId = id ?? generated;
  const errorId = error ? `${selectId}-error` : undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} aria-invalid={error ? true : undefined} aria-describedby={errorId} {...select}>
        {children}
      </select>
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Words for fields a form may not show, so that an error about one still reads as a sentence. */
const HIDDEN_FIELD_WORDS: Record<string, string> = {
  memberIds: 'The people in the couple',
  clientId: 'The client',
  coupleId: 'The couple',
  primaryClinicianId: 'The primary clinician',
  otherClinicianIds: 'The other clinicians',
  clinicianId: 'The clinician',
  exerciseId: 'The exercise',
  roles: 'Roles',
  sections: 'The note',
};

/**
 * The server's field errors of one form, in the words of the page: `shown`
 * maps each field the form displays to its visible label (the message under
 * that field uses it too); any other field is named in a sentence here.
 */
export function formProblems(error: unknown, shown: Record<string, string> = {}): { onFields: string[]; elsewhere: string[] } {
  if (!(error instanceof ApiError) || error.status !== 400) return { onFields: [], elsewhere: [] };
  const onFields: string[] = [];
  const elsewhere: string[] = [];
  for (const [field, message] of Object.entries(error.fields)) {
    if (field in shown) onFields.push(shown[field]!);
    else if (field === 'version') elsewhere.push('This page is out of date: reload it, then make your change again.');
    else if (field === 'body') elsewhere.push('The form could not be read. Please try again.');
    else elsewhere.push(`${HIDDEN_FIELD_WORDS[field] ?? humanise(field)} ${message}${/[.!?]$/.test(message) ? '' : '.'}`);
  }
  return { onFields, elsewhere };
}

/**
 * A form-level message, read out as soon as it appears and scrolled into view
 * if it is off-screen. For a 400 it says which of the fields in `fields`
 * (field → visible label) need attention, and says in words what is wrong
 * with any field the form does not show.
 */
export function FormAlert({ error, fields, children }: { error?: unknown; fields?: Record<string, string>; children?: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  let message: ReactNode = children ?? null;
  if (!message && error) {
    const { onFields, elsewhere } = formProblems(error, fields);
    if (onFields.length === 0 && elsewhere.length === 0) message = describeError(error);
    else
      message = (
        <>
          {onFields.length > 0 && (
            <p className="alert__line">
              Please check {listWords(onFields)}: the message{onFields.length === 1 ? ' is' : 's are'} beside {onFields.length === 1 ? 'it' : 'each'}.
            </p>
          )}
          {elsewhere.map((line) => (
            <p className="alert__line" key={line}>
              {line}
            </p>
          ))}
        </>
      );
  }
  // Only a new error (or a new sentence) scrolls: never a re-render while the person reads elsewhere.
  const key = error ?? (typeof children === 'string' ? children : undefined);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const { top, bottom } = box.getBoundingClientRect();
    if (top < 0 || bottom > window.innerHeight) box.scrollIntoView({ block: 'center' });
  }, [key]);
  if (!message) return null;
  return (
    <div className="alert alert--error" role="alert" ref={ref}>
      {message}
    </div>
  );
}

function listWords(words: string[]): string {
  const quoted = words.map((w) => `“${w}”`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="alert alert--info" role="status" aria-live="polite">
      {children}
    </div>
  );
}

/**
 * A success message ("Assigned…", "Saved."): the live region is always on the
 * page, so screen readers announce the text when it appears.
 */
export function SuccessNotice({ children }: { children?: ReactNode }) {
  return (
    <div role="status" aria-live="polite" className="live-region">
      {children ? <p className="alert alert--success">{children}</p> : null}
    </div>
  );
}

/** Words for a person, never a status code. */
export function describeError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const minutes = error.retryAfterSeconds ? Math.ceil(error.retryAfterSeconds / 60) : undefined;
      return `Too many attempts. Please try again${minutes ? ` in ${minutes} minute${minutes === 1 ? '' : 's'}` : ' later'}.`;
    }
    if (error.status === 400 && Object.keys(error.fields).length > 0) {
      return formProblems(error).elsewhere.join(' ');
    }
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

/** The server's message for one field, led by the label the person sees next to it. */
export function fieldError(error: unknown, field: string, label?: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const message = error.fields[field];
  return message ? `${label ?? humanise(field)} ${message}` : undefined;
}

function humanise(field: string): string {
  const words = field.replace(/([A-Z])/g, ' $1').replace(/\./g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The page's main heading; focused on arrival so screen readers announce the new page. */
export function PageHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  // Each tab says which page it is: the heading's words, then Tandem.
  useEffect(() => {
    const words = ref.current?.textContent?.replace(/\s+/g, ' ').trim();
    document.title = words ? `${words} · Tandem` : 'Tandem';
  });
  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      {children && <div className="empty__body">{children}</div>}
    </div>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}
