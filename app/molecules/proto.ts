// A proto: a formula cooked into a flat list of steps, its vars bound and substituted. It is
// held in memory only; pouring it writes beads.
import type { FormulaType } from "./formula-schema.js";

export interface ProtoStep {
  readonly id: string;
  readonly title: string;
  /** "" when the formula gives none; likewise `acceptance`. */
  readonly description: string;
  readonly acceptance: string;
  /** Ids of the steps that must be closed before this one can start, in the formula's order. */
  readonly needs: readonly string[];
  readonly parallel: boolean;
  /** Upstream's conditional gate (`{type: conditional, condition}`), kept as written. */
  readonly gate?: Readonly<Record<string, unknown>>;
}

export interface Proto {
  readonly formula: string;
  readonly version: number;
  /** The file the formula was read from, as `source_formula` records it. */
  readonly file: string;
  readonly description: string;
  readonly type: FormulaType;
  /** Every declared var with the value it was cooked with, in declaration order. */
  readonly vars: Readonly<Record<string, string>>;
  /** In the formula's order: parents' steps first, expansions in place of their target. */
  readonly steps: readonly ProtoStep[];
}

/** `<formula>@<version>`: how a molecule root's `bonded_from` names its formula. */
export function formulaRef(proto: Pick<Proto, "formula" | "version">): string {
  return `${proto.formula}@${proto.version}`;
}
