// The refinery action's inputs and the runner's environment, read and checked once: the patrol's
// (../patrol/patrol-options.ts: the repository, the token and whom it acts as), and the base
// branch whose queue to carry on.
import { readPatrolOptions, type PatrolOptions } from "../patrol/patrol-options.js";
import { nonEmpty, TOWN_INPUTS, type TownInput } from "../town/town-options.js";

export type RefineryInput = TownInput | "base";
export const REFINERY_INPUTS: readonly RefineryInput[] = [...TOWN_INPUTS, "base"];

/** What the runner hands the step: its environment, and the action's inputs by name. */
export interface RefinerySource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly inputs: Readonly<Partial<Record<RefineryInput, string>>>;
}

export interface RefineryOptions extends PatrolOptions {
  /** The base branch whose queue to carry on; every base with queued pull requests when undefined. */
  readonly base: string | undefined;
}

/** The options, or an Error that says which input or variable is wrong and what to do. */
export async function readRefineryOptions(source: RefinerySource): Promise<RefineryOptions> {
  return { ...(await readPatrolOptions(source, "the Gas Town refinery")), base: nonEmpty(source.inputs.base) };
}
