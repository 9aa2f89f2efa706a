// RFC 3339 timestamps as Beads writes them: current `bd` emits UTC seconds
// (`2026-04-18T16:19:12Z`); SQLite-era files carry nanoseconds and local offsets
// (`2025-12-25T13:32:09.696723-08:00`). JavaScript's Date keeps milliseconds only, so
// conversion works on the text and carries the fraction through untouched.

interface Parts {
  /** Milliseconds since the epoch of the whole seconds, in UTC. */
  readonly epochMs: number;
  /** The fractional second's digits as written, without the dot ("" when none). */
  readonly fraction: string;
}

const ZERO = 48;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The number written by `width` digits at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, width: number): number {
  let value = 0;
  for (let i = at; i < at + width; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

// A hand-written scanner rather than a regular expression: a ledger holds several timestamps
// per bead, and loading 100k beads checks half a million of them.
function parse(text: string): Parts | undefined {
  if (text.length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 59 ||
    text[4] !== "-" || text[7] !== "-" || text[10] !== "T" || text[13] !== ":" ||
    text[16] !== ":"
  ) {
    return undefined;
  }
  const monthDays = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > monthDays) return undefined;
  let at = 19;
  let fraction = "";
  if (text[at] === ".") {
    let end = at + 1;
    while (end < text.length && digits(text, end, 1) >= 0) end++;
    if (end === at + 1 || end - at - 1 > 9) return undefined;
    fraction = text.slice(at + 1, end);
    at = end;
  }
  let offsetMinutes = 0;
  if (text[at] === "Z") {
    if (at + 1 !== text.length) return undefined;
  } else {
    const sign = text[at];
    const oh = digits(text, at + 1, 2);
    const om = digits(text, at + 4, 2);
    if (
      (sign !== "+" && sign !== "-") || text[at + 3] !== ":" || at + 6 !== text.length ||
      oh < 0 || oh > 23 || om < 0 || om > 59
    ) {
      return undefined;
    }
    offsetMinutes = (sign === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const minutes = (daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes;
  return { epochMs: (minutes * 60 + second) * 1000, fraction };
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
 * `days_from_civil`). Arithmetic rather than Date.UTC: several times faster, which counts
 * when a load reads half a million timestamps, and years 0..99 stay literal, as RFC 3339 has
 * them (Date.UTC maps them to 1900..1999).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function isTimestamp(text: string): boolean {
  return parse(text) !== undefined;
}

/**
 * The same instant written as `bd` writes it today: UTC with `Z`, the fraction kept to the
 * nanosecond with trailing zeros dropped (Go's RFC3339Nano). Text that is not a timestamp is
 * returned as it was.
 */
export function toUtc(text: string): string {
  if (text.endsWith("Z") && !text.includes(".")) return text;
  const parts = parse(text);
  if (!parts) return text;
  const iso = new Date(parts.epochMs).toISOString();
  // An offset can carry an instant past year 9999 or before 0000 in UTC, which RFC 3339 cannot
  // write (toISOString gives `+010000-…`): such a time is kept as written, still valid.
  if (iso.length !== "0000-00-00T00:00:00.000Z".length) return text;
  const seconds = iso.slice(0, 19);
  const fraction = parts.fraction.replace(/0+$/, "");
  return fraction ? `${seconds}.${fraction}Z` : `${seconds}Z`;
}

/**
 * `text` as toUtc writes it; undefined when it is not a timestamp, or when its instant falls
 * outside years 0000 to 9999 in UTC, where toUtc keeps it as written.
 */
export function utcTimestamp(text: string): string | undefined {
  if (!isTimestamp(text)) return undefined;
  const utc = toUtc(text);
  return utc.endsWith("Z") ? utc : undefined;
}

/**
 * A key that sorts as the instants do, whatever offset each was written with. Text that is
 * not a timestamp sorts before every timestamp.
 */
export function instantKey(text: string | undefined): string {
  if (text === undefined) return "";
  const parts = parse(text);
  if (!parts) return "";
  const seconds = new Date(parts.epochMs).toISOString().slice(0, 19);
  return `${seconds}.${parts.fraction.padEnd(9, "0")}`;
}

/** Negative when `a` is earlier than `b`, positive when later, 0 for the same instant. */
export function compareInstants(a: string | undefined, b: string | undefined): number {
  const ka = instantKey(a);
  const kb = instantKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Milliseconds since the epoch, for arithmetic such as "created in the last 48 hours". */
export function epochMillis(text: string): number | undefined {
  return instant(text)?.ms;
}

export interface Instant {
  /** Whole milliseconds since the epoch. */
  readonly ms: number;
  /** The nanoseconds past `ms` (0..999999) that a SQLite-era fraction carries and Date drops. */
  readonly nanos: number;
}

/** The instant to the nanosecond, as two exact numbers. */
export function instant(text: string): Instant | undefined {
  const parts = parse(text);
  if (!parts) return undefined;
  // Whole seconds, as `bd` writes today: nothing to split.
  if (parts.fraction === "") return { ms: parts.epochMs, nanos: 0 };
  const digits = parts.fraction.padEnd(9, "0");
  return { ms: parts.epochMs + Number(digits.slice(0, 3)), nanos: Number(digits.slice(3)) };
}
