/**
 * Dates and times as fixed-width strings that compare in time order: DA `YYYYMMDD`, TM
 * `HHMMSS.ffffff`, DT `YYYYMMDDHHMMSS.ffffff` (PS3.5 Table 6.2-1). A value given to a coarser
 * precision stands for an interval: as a low bound it is its first instant, as a high bound its last.
 */
export interface Bounds {
  low?: string;
  high?: string;
}

const DA = /^\d{8}$/;
const TM = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?$/;
const DT = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,6}))?(?:[+-]\d{4})?$/;

/** PS3.4 C.2.2.2.5: `A`, `A-B`, `A-` or `-B`; undefined when malformed. */
function parseRange(value: string, bound: (text: string, high: boolean) => string | undefined): Bounds | undefined {
  const parts = value.split('-');
  if (parts.length === 1) {
    const low = bound(parts[0], false);
    const high = bound(parts[0], true);
    return low && high ? { low, high } : undefined;
  }
  if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) return undefined;
  const low = parts[0] === '' ? undefined : bound(parts[0], false);
  const high = parts[1] === '' ? undefined : bound(parts[1], true);
  if ((parts[0] !== '' && !low) || (parts[1] !== '' && !high)) return undefined;
  return { low, high };
}

export function parseDateRange(value: string): Bounds | undefined {
  return parseRange(value, (text) => (DA.test(text) ? text : undefined));
}

export function parseTimeRange(value: string): Bounds | undefined {
  return parseRange(value, timeBound);
}

export function parseDateTimeRange(value: string): Bounds | undefined {
  // A DT with a UTC offset contains a hyphen itself: `A-B` splits on the hyphen that separates two DTs.
  const match = /^([^-+]*(?:[+-]\d{4})?)-([^-+]*(?:[+-]\d{4})?)$/.exec(value);
  if (!value.includes('-') || !match) return parseRange(value, dateTimeBound);
  const low = match[1] === '' ? undefined : dateTimeBound(match[1], false);
  const high = match[2] === '' ? undefined : dateTimeBound(match[2], true);
  if ((match[1] !== '' && !low) || (match[2] !== '' && !high) || (!low && !high)) return parseRange(value, dateTimeBound);
  return { low, high };
}

export function timeBound(text: string, high: boolean): string | undefined {
  const m = TM.exec(text);
  if (!m) return undefined;
  const [, hh, mm, ss, frac] = m;
  if (Number(hh) > 23 || Number(mm ?? 0) > 59 || Number(ss ?? 0) > 60) return undefined;
  const fill = (part: string | undefined, max: string) => part ?? (high ? max : '00');
  const fraction = frac !== undefined ? frac.padEnd(6, high ? '9' : '0') : high ? '999999' : '000000';
  return `${hh}${fill(mm, '59')}${fill(ss, '59')}.${fraction}`;
}

export function dateTimeBound(text: string, high: boolean): string | undefined {
  const m = DT.exec(text);
  if (!m) return undefined;
  const [, yyyy, mo, dd, hh, mi, ss, frac] = m;
  const fill = (part: string | undefined, low: string, max: string) => part ?? (high ? max : low);
  const fraction = frac !== undefined ? frac.padEnd(6, high ? '9' : '0') : high ? '999999' : '000000';
  return `${yyyy}${fill(mo, '01', '12')}${fill(dd, '01', '31')}${fill(hh, '00', '23')}${fill(mi, '00', '59')}${fill(ss, '00', '59')}.${fraction}`;
}

/** A stored value as the interval it denotes: [first instant, last instant]. */
export function storedInterval(vr: 'DA' | 'TM' | 'DT', value: string): Bounds | undefined {
  if (vr === 'DA') return DA.test(value) ? { low: value, high: value } : undefined;
  const bound = vr === 'TM' ? timeBound : dateTimeBound;
  const low = bound(value, false);
  const high = bound(value, true);
  return low && high ? { low, high } : undefined;
}

/** True when the stored interval and the query bounds share an instant. */
export function overlaps(stored: Bounds, query: Bounds): boolean {
  return (query.low === undefined || stored.high! >= query.low) && (query.high === undefined || stored.low! <= query.high);
}
