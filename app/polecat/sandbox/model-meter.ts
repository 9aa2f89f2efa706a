// The run's model spend and turns, as the proxy meters them: before a call is forwarded its worst
// case is reserved, and it is refused if that could take the run past `max_cost_usd` with what is
// spent and what the calls under way hold; when the call ends its reservation is settled at what
// the API's usage says it cost. So the budget is never overshot by a whole call: at most by the
// part of one call's prompt the estimate below misses. Pure: the proxy feeds it.
import { toMicroDollars } from "../agents/agent-output.js";
import type { ModelVendor } from "./model-vendors.js";

/**
 * Request body bytes per prompt token, for a call's worst case. English prose and code run three
 * to four bytes a token, and a JSON body adds quotes and escapes; two bytes a token reserves about
 * twice what a typical body uses, so only a body built to tokenise badly can pass its reservation.
 */
export const BODY_BYTES_PER_TOKEN = 2;

/**
 * The output limit assumed when a request sets none: the most any of the vendor's current models
 * writes in one answer (Claude: 128K, and the Messages API requires `max_tokens` anyway; GPT-5:
 * 128K; Gemini 2.5/3 Pro: 64K).
 */
export const OUTPUT_CAP: Readonly<Record<ModelVendor, number>> = { anthropic: 128_000, openai: 128_000, gemini: 65_536 };

/** The prompt tokens a body of `bodyBytes` bytes may hold, at most (see BODY_BYTES_PER_TOKEN). */
export function estimatePromptTokens(bodyBytes: number): number {
  return Math.ceil(bodyBytes / BODY_BYTES_PER_TOKEN);
}

/** The output tokens to reserve: the request's own limit, or the vendor's cap when it sets none. */
export function reservedOutputTokens(vendor: ModelVendor, maxOutputTokens: number | null): number {
  return maxOutputTokens ?? OUTPUT_CAP[vendor];
}

export interface MeterLimits {
  readonly maxTurns: number;
  readonly maxCostUsd: number;
}

export interface ModelUsage {
  /** Generation calls the API answered (each is a turn). */
  readonly turns: number;
  readonly costUsd: number;
  /** Calls forwarded and ended, counting calls included. */
  readonly calls: number;
  /** Requests the proxy answered itself, refusing them. */
  readonly refused: number;
}

export interface Reservation {
  readonly id: number;
  readonly usd: number;
  readonly turn: boolean;
}

export type ReserveResult = { readonly ok: true; readonly reservation: Reservation } | { readonly ok: false; readonly message: string };

export class ModelMeter {
  readonly #limits: MeterLimits;
  readonly #held = new Map<number, Reservation>();
  #next = 1;
  #spentUsd = 0;
  #turns = 0;
  #calls = 0;
  #refused = 0;

  constructor(limits: MeterLimits) {
    this.#limits = limits;
  }

  /**
   * Holds `usd` (and a turn, for a generation call) for a call about to be forwarded, or says why
   * it may not be. Calls under way hold their turns too, so parallel calls cannot pass `max_turns`.
   */
  reserve(usd: number, turn: boolean): ReserveResult {
    const held = [...this.#held.values()];
    const turnsHeld = held.filter((each) => each.turn).length;
    if (turn && this.#turns + turnsHeld >= this.#limits.maxTurns) {
      this.#refused++;
      const underWay = turnsHeld > 0 ? ` (${turnsHeld} under way)` : "";
      return {
        ok: false,
        message: `Gas Town: the run has taken ${this.#turns} model turns${underWay} of its ${this.#limits.maxTurns} and spent ${dollars(this.#spentUsd)}; raise polecat.max_turns in .github/gastown.yml for more.`,
      };
    }
    const heldUsd = held.reduce((sum, each) => sum + each.usd, 0);
    // A free call (counting tokens) is never refused for the budget.
    if (usd > 0 && this.#spentUsd + heldUsd + usd > this.#limits.maxCostUsd) {
      this.#refused++;
      const underWay = heldUsd > 0 ? `, with ${dollars(heldUsd)} held for calls under way,` : "";
      return {
        ok: false,
        message: `Gas Town: this call could cost up to ${dollars(usd)}, and the run has spent ${dollars(this.#spentUsd)}${underWay} of its budget of ${dollars(this.#limits.maxCostUsd)}; raise polecat.max_cost_usd in .github/gastown.yml for more.`,
      };
    }
    const reservation: Reservation = { id: this.#next++, usd, turn };
    this.#held.set(reservation.id, reservation);
    return { ok: true, reservation };
  }

  /** The call ended: it cost `costUsd`, and was a turn if it reserved one and the API answered it. */
  settle(reservation: Reservation, costUsd: number, answered: boolean): void {
    if (!this.#held.delete(reservation.id)) return;
    this.#spentUsd += costUsd;
    this.#calls++;
    if (reservation.turn && answered) this.#turns++;
  }

  /** The call was never made (the upstream could not be reached): its hold goes back. */
  release(reservation: Reservation): void {
    this.#held.delete(reservation.id);
  }

  /** A request the proxy refused before any reservation (its key, endpoint, tools or model). */
  refuse(): void {
    this.#refused++;
  }

  usage(): ModelUsage {
    return { turns: this.#turns, costUsd: toMicroDollars(this.#spentUsd), calls: this.#calls, refused: this.#refused };
  }
}

/** Cents, or four places under a dollar, where a call's cost is. */
function dollars(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}
