// `.github/gastown.yml`: a repository's Gas Town settings (DESIGN §7). Every key is optional;
// what is left out takes the default written here, so an empty file is a complete config.
import { z } from "zod";
import { allowEntryProblem, DEFAULT_NETWORK_ALLOW } from "../polecat/sandbox/egress-policy.js";

const NAME_POOL = [
  "furiosa", "nux", "slit", "capable", "toast", "ace", "rictus", "dag", "cheedo", "angharad",
] as const;

/** The coding agents a polecat can run; `command` is any executable the team names. */
export const POLECAT_AGENTS = ["claude", "codex", "gemini", "command"] as const;

/** `polecat.sandbox`: whether the agent runs isolated (issue 15); off only when a team says so. */
export const SANDBOX_MODES = ["on", "off"] as const;

/**
 * `polecat.network`: `open` (any public host), or the hosts the egress proxy lets the agent reach,
 * each a host name or `*.` and a host name. The dispatched limits carry it as it is written here.
 */
export const networkSetting = z.union([
  z.literal("open"),
  z.strictObject({
    allow: z.array(z.string().superRefine((entry, context) => {
      const problem = allowEntryProblem(entry);
      if (problem !== undefined) context.addIssue({ code: "custom", message: `${JSON.stringify(entry)} ${problem}` });
    })),
  }),
], { error: "network is open, or { allow: [host, *.suffix, …] }" });

export type NetworkSetting = z.infer<typeof networkSetting>;

const sling = z.strictObject({
  // Gas Town's triggers are `gt:` labels (DESIGN §7), so any other label needs no config read.
  label: z.string().regex(/^gt:./, "a trigger label starts with gt: (for example gt:go)").default("gt:sling")
    .describe("The label that slings an issue to a polecat; it starts with gt:."),
  formula: z.string().min(1).default("mol-polecat-work").describe("The formula a sling pours when none is named."),
}).describe("How work is slung.");

const polecat = z.strictObject({
  workflow: z.string().min(1).default("gastown-polecat.yml").describe("The polecat workflow file in .github/workflows."),
  ref: z.string().min(1).nullable().default(null).describe("The ref the workflow runs from; null: the default branch."),
  agent: z.enum(POLECAT_AGENTS).default("claude")
    .describe("The coding agent the polecat runs: claude (Claude Code), codex (OpenAI Codex CLI), gemini (Gemini CLI), or command (polecat.command)."),
  model: z.string().min(1).nullable().default(null).describe("The agent's model; null: the agent's default."),
  max_turns: z.number().int().min(1).default(80).describe("Most agent turns per run."),
  timeout_minutes: z.number().int().min(1).max(360).default(60).describe("A run's time limit (GitHub stops jobs at 360)."),
  max_cost_usd: z.number().min(0).default(10).describe("Most model spend per run, in US dollars."),
  heartbeat_minutes: z.number().int().min(1).default(2).describe("How often a polecat reports its heartbeat."),
  name_pool: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a polecat name is lower-case letters, digits and '-'"))
    .min(1).default([...NAME_POOL]).describe("Names given to polecats; a bead keeps its polecat's name."),
  max_diff_lines: z.number().int().min(1).default(5000).describe("Most changed lines a polecat may push."),
  protected_paths: z.array(z.string().min(1)).default([".github/**", ".beads/formulas/**", "**/CODEOWNERS"])
    .describe("Paths a polecat may not change."),
  command: z.string().min(1).nullable().default(null)
    .describe("The agent when agent is command: an executable in the repository (read from its default branch, never from the agent's clone) or an absolute path on the runner; it gets the prompt on stdin."),
  // YAML 1.2 reads `on` and `off` as words, but a person may write true or false: both are taken.
  // A prefault, parsed like a written value, so the JSON schema still shows it (zod drops a
  // plain default before a transform from the input's schema).
  sandbox: z.union([z.enum(SANDBOX_MODES), z.boolean().transform((on) => (on ? "on" : "off"))], { error: "sandbox is on or off" })
    .prefault("on")
    .describe("on: the agent runs isolated, holding no credential, reaching only polecat.network. off: it runs with the model's key and the runner's network, and every status says so."),
  network: networkSetting.default({ allow: [...DEFAULT_NETWORK_ALLOW] })
    .describe("What the sandboxed agent may reach: { allow: [host or *.suffix, …] } (port 443, through the egress proxy), or open for any public host, which every status shows."),
}).superRefine((settings, context) => {
  if (settings.agent === "command" && settings.command === null) {
    context.addIssue({ code: "custom", path: ["command"], message: "agent is command, so command must name the executable to run" });
  }
}).describe("The polecat workflow and its limits.");

const limits = z.strictObject({
  max_polecats: z.number().int().min(1).default(3).describe("Most polecats running at once in the repository."),
}).describe("Town-wide limits.");

const witness = z.strictObject({
  stuck_minutes: z.number().int().min(1).default(20).describe("Minutes without a heartbeat before a polecat counts as stuck."),
  max_attempts: z.number().int().min(1).default(3).describe("Attempts on one bead since it was last slung (or retried) before the witness escalates instead."),
}).describe("How the witness watches polecats.");

const deacon = z.strictObject({
  escalation_reminder_hours: z.number().min(1).default(24)
    .describe("Hours an escalation may go without an answer from a person before the deacon mentions whoever slung the work again, and between reminders."),
}).describe("How the deacon, the patrol over every repository of the installation, looks after this one.");

const trust = z.strictObject({
  permission: z.enum(["read", "triage", "write", "maintain", "admin"]).default("write")
    .describe("The repository permission a person needs to drive the town."),
  allowed_bots: z.array(z.string().min(1)).default([]).describe("Bot accounts allowed to drive the town."),
}).describe("Who may drive the town.");

const ledger = z.strictObject({
  branch: z.string().min(1).default("gastown/ledger").describe("The branch the ledger lives on."),
  prefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, "a prefix is letters, digits and '-'").nullable().default(null)
    .describe("The bead id prefix; null: taken from the repository's name."),
}).describe("Where the ledger lives.");

const refinery = z.strictObject({
  mode: z.enum(["review", "direct"]).default("review")
    .describe("review: a refinery pull request from the staging branch, which people approve before it lands. direct: the base branch moved to the tested staging commit (needs the App to bypass \"require a pull request\"; see the README)."),
  gates: z.strictObject({
    commands: z.array(z.string().min(1)).default([])
      .describe("Commands run on the staging commit, with contents: read and no secrets; each must exit 0."),
    workflow: z.string().regex(/^[\w.-]+\.ya?ml$/, "must be a file name in .github/workflows, such as gastown-gates.yml").default("gastown-gates.yml")
      .describe("The workflow the commands run in, dispatched at the staging branch with contents: read (copy examples/workflows/gastown-gates.yml)."),
    checks: z.enum(["required", "none"]).default("required")
      .describe("required: wait for the base branch's required checks on the staging commit (the refinery pull request's in review mode). none: only the commands."),
  }).superRefine((gates, context) => {
    if (gates.commands.length === 0 && gates.checks === "none") {
      context.addIssue({ code: "custom", path: ["checks"], message: "with no commands, checks must be required: the refinery lands nothing untested" });
    }
  }).prefault({}).describe("What a batch must pass before it lands: commands, the required checks, or both."),
  batch: z.number().int().min(1).max(100).default(8).describe("Most pull requests tested and landed together; fewer when recent batches failed."),
  merge_method: z.enum(["merge", "squash", "rebase"]).default("merge")
    .describe("How a batch lands. merge keeps every batched pull request's commits, so GitHub marks each merged; squash and rebase close them with a link instead."),
  retries_for_flakes: z.number().int().min(0).max(5).default(1).describe("Runs of the same tree after a red one, before a failure is believed and the batch bisected."),
  timeout_minutes: z.number().int().min(5).max(1440).default(120)
    .describe("How long a batch waits for its gates, or a green refinery pull request for approval, before the refinery gives the wait up and says why."),
  max_fix_attempts: z.number().int().min(0).max(10).default(2)
    .describe("Times a polecat's failed or conflicting pull request goes back to a polecat to fix before a person is asked."),
}).describe("The merge queue: how queued pull requests are batched, tested and landed.");

/** Bead types that are Gas Town's machinery, never work a person tracks: no config mirrors them. */
export const NEVER_MIRRORED_TYPES = [
  "molecule", "message", "event", "agent", "role", "rig", "gate", "merge-request", "slot", "convoy",
] as const;

const mirror = z.strictObject({
  enabled: z.boolean().default(true).describe("Whether work beads and issues are mirrored both ways at all."),
  issues: z.enum(["all", "labelled"]).default("all")
    .describe("Which issues become beads: all, or labelled (only those carrying mirror.label)."),
  // A trigger like sling.label, so an issue's other labels need no config read.
  label: z.string().regex(/^gt:./, "a trigger label starts with gt: (for example gt:mirror)").default("gt:mirror")
    .describe("With issues: labelled, the label that brings an issue into the ledger; it starts with gt:."),
  types: z.array(z.string().min(1).superRefine((type, context) => {
    if ((NEVER_MIRRORED_TYPES as readonly string[]).includes(type)) {
      context.addIssue({ code: "custom", message: `${type} beads are Gas Town's own and never mirrored` });
    }
  }).meta({ not: { enum: [...NEVER_MIRRORED_TYPES] } })).default(["task", "bug", "feature", "epic", "chore"])
    .describe("The bead types mirrored to GitHub issues, built-in or the ledger's custom ones; never Gas Town's own (molecules, messages, convoys, …)."),
}).describe("The mirror: which work beads become GitHub issues, and which issues become beads.");

/** A missing section is parsed as an empty one, so it gets its defaults (zod 4 hands `.default` back unparsed). */
const section = <T extends z.ZodType>(schema: T) => schema.prefault({} as never);

export const configSchema = z.strictObject({
  _extends: z.string().min(1).optional().describe("Take another repository's file as defaults: `.github` for the organisation's."),
  sling: section(sling),
  polecat: section(polecat),
  limits: section(limits),
  witness: section(witness),
  deacon: section(deacon),
  trust: section(trust),
  ledger: section(ledger),
  refinery: section(refinery),
  mirror: section(mirror),
}).describe("Gas Town settings for one repository (.github/gastown.yml).");

export type GastownConfig = z.infer<typeof configSchema>;
export type MirrorSettings = GastownConfig["mirror"];

/** The settings of an empty file. */
export function defaultConfig(): GastownConfig {
  return configSchema.parse({});
}
