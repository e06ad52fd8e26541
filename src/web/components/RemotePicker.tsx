import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { toApiError } from '../api.ts';

export type PickerOption = { value: string; label: string };

/**
 * A searchable select whose options come from the server as the user types (a name, not an id):
 * the search runs a moment after typing stops, and the chosen option stays listed while the
 * next search runs. The server filters; the list shows what it answered.
 */
export function RemotePicker({
  label,
  description,
  placeholder,
  value,
  onChange,
  find,
  error,
  required,
}: {
  label: string;
  description?: string;
  placeholder: string;
  value: PickerOption | null;
  onChange: (option: PickerOption | null) => void;
  find: (q: string) => Promise<PickerOption[]>;
  error?: string | null | undefined;
  required?: boolean;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [found, setFound] = useState<PickerOption[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // Choosing an option puts its label in the box: that is not a new search.
    if (value && debounced === value.label) return;
    find(debounced.trim())
      .then((options) => {
        if (!live) return;
        setFound(options);
        setProblem(null);
      })
      .catch((e: unknown) => {
        if (live) setProblem(toApiError(e).detail);
      });
    return () => {
      live = false;
    };
  }, [debounced, find, value]);

  const data = useMemo(() => (value && !found.some((o) => o.value === value.value) ? [value, ...found] : found), [found, value]);

  return (
    <Select
      label={label}
      description={description}
      placeholder={placeholder}
      required={required}
      data={data}
      value={value?.value ?? null}
      onChange={(v) => onChange(data.find((o) => o.value === v) ?? null)}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={debounced === search ? 'Nothing matches' : 'Searching…'}
      error={problem ?? error}
    />
  );
}
