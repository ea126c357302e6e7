import { useCallback } from 'react';
import { SearchCombobox } from '../../ui/SearchCombobox';
import { useActiveClientSearch } from './caseload-api';

/** Search the practice's active clients as you type and pick one (admins); the box empties for the next one. */
export function ClientPicker({ label, exclude = [], onPick }: { label: string; exclude?: string[]; onPick: (id: string, name: string) => void }) {
  const excluded = exclude.join(',');
  const useSearch = useCallback(
    (q: string, enabled: boolean) => {
      const results = useActiveClientSearch(q, enabled);
      return { ...results, options: results.options.filter((o) => !excluded.split(',').includes(o.id)) };
    },
    [excluded],
  );
  return (
    <SearchCombobox
      label={label}
      placeholder="Type a name…"
      minChars={1}
      clearOnChoose
      useSearch={useSearch}
      value={null}
      onChange={(option) => option && onPick(option.id, option.label)}
    />
  );
}
