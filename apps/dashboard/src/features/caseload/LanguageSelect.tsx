import { COMMON_LANGUAGES } from '@tandem/shared';
import { SelectField } from '../../ui/forms';
import { practiceLocale } from '../../ui/dates';

/** A language tag in words (es-MX → Spanish (Mexico)), in the reader's language. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([practiceLocale()], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Preferred language from a list of names; a tag already on record that the list lacks stays choosable. */
export function LanguageSelect({ value, onChange, error }: { value: string; onChange: (e: { target: { value: string } }) => void; error?: string }) {
  const tags: string[] = [...COMMON_LANGUAGES];
  if (value && !tags.includes(value)) tags.unshift(value);
  const options = tags.map((tag) => ({ tag, name: languageName(tag) })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <SelectField label="Preferred language" value={value} onChange={onChange} error={error}>
      {options.map((o) => (
        <option key={o.tag} value={o.tag}>
          {o.name}
        </option>
      ))}
    </SelectField>
  );
}
