/**
 * A file-name pattern as the engine's FileSpec setting: `*` any run of characters, `?` one
 * character, several patterns separated by `;` (e.g. `*.dcm;*.DCM`). Matching is on the name only.
 */
export function fileSpecMatcher(spec: string): (name: string) => boolean {
  const patterns = spec
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => patterns.some((re) => re.test(name));
}
