import { describe, expect, it } from "vitest";
import { isMirrorCommit, readLedgerPush, ZERO_SHA, type PushedCommit } from "../../app/mirror/ledger-push.js";

const PATH = ".beads/issues.jsonl";
const A = "a".repeat(40);
const B = "b".repeat(40);
const appCommit = (subject: string, beads: string): PushedCommit => ({
  message: `${subject}\n\nGastown-Beads: ${beads}\nGastown-Write: 3f2c1a9e-7d44-4c5e-9a0b-1c2d3e4f5a6b`, added: [], removed: [], modified: [PATH],
});
const push = (commits: PushedCommit[], extra: Record<string, unknown> = {}) => ({ ref: "refs/heads/gastown/ledger", before: A, after: B, forced: false, commits, ...extra });

describe("the beads a push to the ledger changed", () => {
  it("are those its commits' trailers name", () => {
    expect(readLedgerPush(push([appCommit("Sling #1", "gt-a gt-b"), appCommit("Polecat nux: done", "gt-b gt-c")]), PATH)).toEqual({ kind: "named", ids: ["gt-a", "gt-b", "gt-c"] });
  });

  it("are none when no commit touches the ledger, or only the mirror's own do", () => {
    expect(readLedgerPush(push([{ message: "Docs", added: ["README.md"], removed: [], modified: [] }]), PATH).kind).toBe("none");
    expect(readLedgerPush(push([appCommit("Mirror: opened #3", "gt-a")]), PATH).kind).toBe("none");
    expect(readLedgerPush(push([appCommit("Sling #1", "gt-a")], { deleted: true, after: ZERO_SHA }), PATH).kind).toBe("none");
  });

  it("are diffed for a person's push, a forced one, or one GitHub lists in part", () => {
    expect(readLedgerPush(push([appCommit("Sling #1", "gt-a"), { message: "Fix a typo by hand", modified: [PATH] }]), PATH))
      .toEqual({ kind: "diff", why: "a commit names no beads it changed (a person's push)" });
    expect(readLedgerPush(push([appCommit("Sling #1", "gt-a")], { forced: true }), PATH).kind).toBe("diff");
    expect(readLedgerPush(push(Array.from({ length: 20 }, () => appCommit("Sling #1", "gt-a"))), PATH).kind).toBe("diff");
    // Listed without its files: it may touch the ledger.
    expect(readLedgerPush(push([{ message: "Unknown" }]), PATH).kind).toBe("diff");
  });

  it("knows the mirror's commits by their subject and the store's trailer, not by the subject alone", () => {
    expect(isMirrorCommit(appCommit("Mirror: opened #3", "gt-a").message)).toBe(true);
    expect(isMirrorCommit("Mirror: my own edit\n\nnothing else")).toBe(false);
  });
});
