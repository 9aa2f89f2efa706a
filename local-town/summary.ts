// The town's last words: what landed, the digests the ledger kept, and where to look; and the
// same as a Markdown page with the fleet drawn as `/peek all` draws it. Pure.
import { fleetDiagram, type FleetMember } from "../app/town/fleet-diagram.js";

export interface IssueOutcome {
  readonly number: number;
  readonly title: string;
  readonly state: string;
  readonly bead: string | undefined;
  readonly beadStatus: string | undefined;
}

export interface Digest {
  readonly kind?: string;
  readonly pr?: number | null;
  readonly bead?: string | null;
  readonly agent?: string | null;
  readonly exit?: string;
  readonly summary?: string;
}

export function summaryLines(issues: readonly IssueOutcome[], digests: readonly Digest[], seconds: number): string[] {
  return [
    `Done in ${seconds} s.`,
    "Issues:",
    ...issues.map((i) => `  #${i.number} ${i.title}: ${i.state}${i.bead === undefined ? "" : `, bead ${i.bead} ${i.beadStatus}`}`),
    "Digests (.beads/digests/ on gastown/ledger):",
    ...digests.map((d) => `  ${d.kind} ${d.bead ?? "-"}${d.agent ? ` by ${d.agent}` : ""}: ${d.exit} · ${d.summary ?? ""}`),
  ];
}

export function whereToLook(clone: string, ledger: string): string[] {
  return [
    `The repository, cloned with every branch: ${clone}`,
    `  git -C ${clone} log --oneline --graph origin/main`,
    `The ledger (gastown/ledger's .beads/): ${ledger}`,
    `  npx gt ledger stats ${ledger}/issues.jsonl`,
    `  npx gt ledger validate ${ledger}/issues.jsonl`,
  ];
}

/**
 * The polecats as the town leaves them: each with the bead it worked, how many molecules it ran
 * on it (a fix is a second), and whether its work landed. From the digests, which outlive the beads.
 */
export function fleetOf(digests: readonly Digest[]): FleetMember[] {
  const runs = new Map<string, { polecat: string; bead: string; molecules: number; exit: string }>();
  for (const digest of digests) {
    if (digest.kind !== "work" || !digest.agent || !digest.bead) continue;
    const key = `${digest.agent} ${digest.bead}`;
    const seen = runs.get(key);
    runs.set(key, { polecat: digest.agent, bead: digest.bead, molecules: (seen?.molecules ?? 0) + 1, exit: digest.exit ?? "?" });
  }
  const merged = new Set(digests.filter((d) => d.kind === "merge" && d.bead).map((d) => d.bead));
  return [...runs.values()].map((run) => ({
    polecat: run.polecat, bead: run.bead,
    state: merged.has(run.bead) || run.exit === "COMPLETED" ? "done" : "stuck",
    detail: `${run.molecules} molecule${run.molecules === 1 ? "" : "s"}, ${merged.has(run.bead) ? "merged" : run.exit}`,
  }));
}

/** The summary as a Markdown page: the issues, the fleet (a picture, and in words), the digests. */
export function summaryMarkdown(issues: readonly IssueOutcome[], digests: readonly Digest[], seconds: number): string {
  const fleet = fleetOf(digests);
  const picture = fleetDiagram(fleet, 0);
  return [
    "# The local town", "", `Done in ${seconds} s.`, "",
    "## Issues", "", "| Issue | Title | State | Bead |", "|---|---|---|---|",
    ...issues.map((i) => `| #${i.number} | ${cell(i.title)} | ${i.state} | ${i.bead === undefined ? "" : `\`${i.bead}\` ${i.beadStatus ?? ""}`} |`), "",
    "## The fleet", "",
    ...(picture === undefined ? ["No polecat finished a molecule."] : [picture, "", ...fleet.map((m) => `- **${m.polecat}** on \`${m.bead}\`: ${m.detail ?? m.state}`)]), "",
    "## Digests (`.beads/digests/` on `gastown/ledger`)", "", "| Kind | Bead | Polecat | Exit | Summary |", "|---|---|---|---|---|",
    ...digests.map((d) => `| ${d.kind ?? ""} | ${d.bead ? `\`${d.bead}\`` : ""} | ${d.agent ?? ""} | ${d.exit ?? ""} | ${cell(d.summary ?? "")} |`), "",
  ].join("\n");
}

/** Text in a table cell: on one line, its pipes kept from ending the cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}
