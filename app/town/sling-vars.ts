// The vars the App offers every formula it pours for a sling (DESIGN §7): who and where the
// work is, never what it says. An issue's title and body are written by anyone who can open an
// issue, so they stay out of step text; the agent reads them fenced, through `gt prime`.
// A formula takes the ones it declares and ignores the rest.
import type { Bead } from "../ledger/bead-schema.js";
import { gastownMetadata } from "../molecules/gastown-metadata.js";
import { polecatBranch } from "./polecat-names.js";

export interface SlingVarsInput {
  /** The issue's number. */
  readonly issue: number;
  readonly bead: Bead;
  readonly polecat: string;
  readonly baseBranch: string;
  /** `--var` values a trusted person gave with `/sling`. */
  readonly given: Readonly<Record<string, string>>;
}

/**
 * `issue`, `bead`, `branch`, `base_branch`, `polecat`, `pr` when the bead has one, and
 * `feature`. A person's `--var feature=…` names the feature in their own words; the identity
 * vars are the App's alone, since the run's branch and trailers rest on them.
 */
export function slingVars(input: SlingVarsInput): Record<string, string> {
  const pr = gastownMetadata(input.bead).pr;
  return {
    ...input.given,
    feature: input.given.feature ?? `issue #${input.issue}`,
    issue: String(input.issue),
    bead: input.bead.id,
    polecat: input.polecat,
    branch: polecatBranch(input.polecat, input.bead.id),
    base_branch: input.baseBranch,
    ...(typeof pr === "number" && Number.isSafeInteger(pr) && pr > 0 ? { pr: String(pr) } : {}),
  };
}
