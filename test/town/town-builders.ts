// Builders for the town's decision tests: an issue as a webhook shows it, a two-step formula,
// and a sling input with every field a test does not care about filled in.
import { defaultConfig, type GastownConfig } from "../../app/config/config-schema.js";
import { cook } from "../../app/molecules/cook.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import type { IssueSnapshot } from "../../app/town/import-issue.js";
import { claimBead } from "../../app/town/polecat-claim.js";
import { polecatLimits, type PolecatAssignment } from "../../app/town/polecat-dispatch.js";
import type { SlingInput } from "../../app/town/sling.js";
import { memoryLibrary } from "../molecules/molecule-builders.js";

export const NOW = new Date("2026-11-24T12:00:00Z");

export function issue(number: number, fields: Partial<IssueSnapshot> = {}): IssueSnapshot {
  return {
    url: `https://github.com/octo/town/issues/${number}`,
    number,
    title: `Issue ${number}`,
    body: `Body of ${number}`,
    labels: ["gt:sling"],
    state: "open",
    createdAt: "2026-11-20T09:30:00Z",
    author: "ann",
    ...fields,
  };
}

export const WORK_FORMULA = `formula: work
description: Do the work.
version: 2
vars:
  bead: { description: The bead, required: true }
  polecat: { description: The polecat, required: true }
  branch: { description: The branch, required: true }
  base_branch: { description: The base, default: main }
steps:
  - id: load
    title: Load {{bead}} on {{branch}}
  - id: implement
    title: Implement
    needs: [load]
`;

export const library = memoryLibrary({ work: WORK_FORMULA });

export function config(patch: (config: GastownConfig) => GastownConfig = (c) => c): GastownConfig {
  return patch(defaultConfig());
}

export function slingInput(fields: Partial<SlingInput> = {}): SlingInput {
  return {
    issue: issue(7),
    formula: "work",
    vars: {},
    baseBranch: "main",
    slungBy: "mayor",
    now: NOW,
    config: config(),
    fallbackPrefix: "town",
    cook: (name, vars) => cook(name, library, vars),
    ...fields,
  };
}

export const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/** The ledger once the dispatched run `runId` has claimed the assignment, with the default limits. */
export function claimedBy(ledger: Ledger, assignment: PolecatAssignment, runId: number, now = NOW): Ledger {
  const claimed = claimBead(ledger, {
    bead: assignment.bead, polecat: assignment.polecat, attempt: assignment.attempt, limits: polecatLimits(config().polecat),
    runId, runUrl: `https://github.com/octo/town/actions/runs/${runId}`,
  }, now);
  if (!claimed.ok) throw new Error(claimed.refusal);
  return claimed.ledger;
}
