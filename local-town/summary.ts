// The town's last words: what landed, the digests the ledger kept, and where to look. Pure.

export interface IssueOutcome {
  readonly number: number;
  readonly title: string;
  readonly state: string;
  readonly bead: string | undefined;
  readonly beadStatus: string | undefined;
}

export interface Digest {
  readonly kind?: string;
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
