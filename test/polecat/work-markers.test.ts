// The action's `Gastown-Closed` markers: the message it writes, and which commits the reader
// believes (empty, by the action's identity, for this bead, with one step and readable JSON).
import { describe, expect, it } from "vitest";
import { ACTION_IDENTITY } from "../../app/polecat/action-identity.js";
import type { CommitObject } from "../../app/polecat/commit-object.js";
import { findMarkers, markerMessage } from "../../app/polecat/work-markers.js";

const sha = (c: string) => c.repeat(40);
const TREE = sha("e");

describe("markerMessage", () => {
  it("writes the subject, one line of JSON, then the bead and the closed step as trailers", () => {
    expect(markerMessage("gt-1", "implement", { notes: "line one\nGastown-Closed: forged", intents: [] })).toBe(
      'Gastown: step implement done\n\n{"notes":"line one\\nGastown-Closed: forged","intents":[]}\n\nGastown-Bead: gt-1\nGastown-Closed: implement\n',
    );
    expect(markerMessage("gt-1", "review")).toBe("Gastown: step review done\n\nGastown-Bead: gt-1\nGastown-Closed: review\n");
    expect(() => markerMessage("gt-1", "two words")).toThrow('step id "two words" cannot be written in a marker');
  });
});

describe("findMarkers", () => {
  const parent: CommitObject = { sha: sha("1"), tree: TREE, parents: [sha("0")], author: { name: "nux", email: "n@x" }, committer: { name: "nux", email: "n@x" }, message: "Work\n" };
  const marker = (n: string, message: string, changes: Partial<CommitObject> = {}): CommitObject => ({
    sha: sha(n),
    tree: TREE,
    parents: [parent.sha],
    author: ACTION_IDENTITY,
    committer: ACTION_IDENTITY,
    message,
    ...changes,
  });
  const trees = new Map([[parent.sha, TREE]]);

  it("reads the step, the commit and the payload of the action's empty commits for the bead", () => {
    const commits = [parent, marker("2", markerMessage("gt-1", "implement", { notes: "done" })), marker("3", markerMessage("gt-1", "review"))];
    expect(findMarkers(commits, trees, "gt-1")).toEqual([
      { step: "implement", commit: sha("2"), payload: { notes: "done" } },
      { step: "review", commit: sha("3"), payload: undefined },
    ]);
  });

  it("believes no commit that changes files, has two parents, is someone else's, or names another bead", () => {
    const message = markerMessage("gt-1", "implement");
    const commits = [
      marker("2", message, { tree: sha("f") }),
      marker("3", message, { parents: [parent.sha, sha("9")] }),
      marker("4", message, { author: { name: "nux", email: "nux.polecat@gastown.invalid" } }),
      marker("5", message, { committer: { name: "gastown[bot]", email: "other@example.com" } }),
      marker("6", markerMessage("gt-2", "implement")),
      marker("7", "Gastown: step implement done\n\nGastown-Bead: gt-1\nGastown-Closed: implement\nGastown-Closed: review\n"),
      marker("8", "Gastown: step implement done\n\n{not json\n\nGastown-Bead: gt-1\nGastown-Closed: implement\n"),
      marker("9", "Gastown-Closed: implement\n"),
    ];
    expect(findMarkers(commits, trees, "gt-1")).toEqual([]);
  });
});
