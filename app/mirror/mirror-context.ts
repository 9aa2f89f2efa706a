// What every GitHub → ledger change is applied with: the time, the repository's mirror settings,
// how new bead ids are made, and the App's own login (whose doings are never taken in).
import type { MirrorSettings } from "../config/config-schema.js";
import { ledgerPrefix } from "../ledger/id-prefix.js";
import type { Ledger } from "../ledger/ledger.js";

export interface MirrorContext {
  readonly now: Date;
  readonly mirror: MirrorSettings;
  /** `ledger.prefix` of the config, if it names one. */
  readonly configPrefix: string | undefined;
  /** The prefix of new ids when neither the config nor the ledger gives one. */
  readonly fallbackPrefix: string;
  /** The App's login (`<slug>[bot]`): its comments are its own answers, never the work's. */
  readonly botLogin: string;
  /** The ledger config's custom statuses, which a `status::` label may name; none unless given. */
  readonly customStatuses?: readonly string[];
}

/** The prefix of a bead made in `ledger`, as a sling makes one. */
export function newBeadPrefix(ledger: Ledger, context: MirrorContext): string {
  return ledgerPrefix(context.configPrefix, ledger.records.keys()) ?? context.fallbackPrefix;
}

/** A webhook payload's field as an object, or undefined. */
export function recordAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const field = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === "object" && field !== null && !Array.isArray(field) ? field as Record<string, unknown> : undefined;
}

/** A login of a payload's user object (`sender`, `user`), or undefined. */
export function loginOf(user: Record<string, unknown> | undefined): string | undefined {
  return typeof user?.login === "string" ? user.login : undefined;
}

/** Whether a payload's field is a time GitHub writes (ISO 8601): a bead's timestamps are made of it. */
export function isTime(value: unknown): value is string {
  return typeof value === "string" && !Number.isNaN(Date.parse(value));
}
