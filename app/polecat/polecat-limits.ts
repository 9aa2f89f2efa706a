// The `limits` input a polecat run is dispatched with (DESIGN §7, "Polecat workflow inputs"):
// every `polecat.*` setting the run needs, as the App wrote it from the repository's config. The
// run never reads settings from the checkout its agent edits, and the hook records a hash of
// this exact text, so the run trusts it only once the claim has checked that hash.
import { z } from "zod";
import { networkSetting, POLECAT_AGENTS, SANDBOX_MODES } from "../config/config-schema.js";
import { DEFAULT_NETWORK_ALLOW } from "./sandbox/egress-policy.js";

const limitsSchema = z.object({
  agent: z.enum(POLECAT_AGENTS),
  model: z.string().min(1).nullable(),
  max_turns: z.number().int().min(1),
  timeout_minutes: z.number().int().min(1).max(360),
  max_cost_usd: z.number().min(0),
  heartbeat_minutes: z.number().int().min(1),
  max_diff_lines: z.number().int().min(1),
  protected_paths: z.array(z.string().min(1)),
  command: z.string().min(1).nullable(),
  // An App from before the sandbox sends neither: its runs get the defaults, never less isolation.
  sandbox: z.enum(SANDBOX_MODES).default("on"),
  network: networkSetting.default({ allow: [...DEFAULT_NETWORK_ALLOW] }),
  job_timeout_minutes: z.number().int().min(1).max(360),
}).superRefine((limits, context) => {
  if (limits.agent === "command" && limits.command === null) {
    context.addIssue({ code: "custom", path: ["command"], message: "agent is command, so command must name the executable" });
  }
});

/** Fields a newer App may add are kept out of the typed limits, but stay in the hashed text. */
export type PolecatLimits = z.infer<typeof limitsSchema>;

export class LimitsError extends Error {
  override name = "LimitsError";
}

export function parseLimits(text: string): PolecatLimits {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LimitsError(`the limits input is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = limitsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `limits.${issue.path.join(".") || "(top)"}: ${issue.message}`);
  throw new LimitsError(`the limits input is not what the App dispatches: ${problems.join("; ")}`);
}

/**
 * How long the agent may work in all, in milliseconds: its own limit, but never past the job's,
 * less the time the job needs after the agent stops (taking the work, pushing, the ledger).
 */
export function agentWallTimeMs(limits: PolecatLimits, exitReserveMinutes: number): number {
  const minutes = Math.min(limits.timeout_minutes, limits.job_timeout_minutes - exitReserveMinutes);
  return Math.max(1, minutes) * 60_000;
}
