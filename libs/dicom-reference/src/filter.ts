/**
 * Rows with any column containing `text`, ignoring case; blank text keeps every row.
 * A true flag matches its column name, so "retired" lists the rows PS3.6 marks retired.
 */
export function filterRows<T extends object>(rows: readonly T[], text: string): T[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...rows];
  return rows.filter((row) =>
    Object.entries(row).some(([column, value]) => {
      if (typeof value === 'string') return value.toLowerCase().includes(needle);
      if (typeof value === 'number') return String(value).includes(needle);
      if (value === true) return column.toLowerCase().includes(needle);
      return false;
    }),
  );
}
