// Digests appended to their months' files in the same commit as the ledger change that ended
// what they record (a witness's pass, a landed batch), read as they are at that commit's parent,
// so a lost race makes them again from the new state.
import type { LedgerFile, LedgerState, LedgerStore } from "../github/ledger-store.js";
import type { Digest } from "../molecules/digest.js";
import { appendDigest, digestFileFor } from "../molecules/digest-file.js";

export async function appendDigests(store: LedgerStore, state: LedgerState, digests: readonly Digest[]): Promise<LedgerFile[]> {
  const files = new Map<string, string>();
  for (const digest of digests) {
    const path = digestFileFor(digest.finished_at);
    const before = files.get(path) ?? (await store.readFile(state, path)) ?? "";
    files.set(path, appendDigest(before, digest));
  }
  return [...files].map(([path, content]) => ({ path, content }));
}
