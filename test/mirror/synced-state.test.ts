import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MirroredFields } from "../../app/mirror/mirrored-fields.js";
import { readSynced, syncedState, withSynced } from "../../app/mirror/synced-state.js";
import { bead } from "../ledger/ledger-builders.js";

const FIELDS: MirroredFields = {
  title: "Fix the login",
  body: "Steps:\n1. open /login\n2. it fails",
  state: "in_progress",
  priority: 1,
  type: "bug",
  labels: ["ui", "bug", "ui"],
  assignees: ["bob", "alice"],
};

function hash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value), "utf8").digest("hex").slice(0, 16);
}

describe("syncedState", () => {
  it("keeps a short hash of every field, and the value of each but the body; sets sorted, each element once", () => {
    expect(syncedState(FIELDS)).toEqual({
      title: { hash: hash("Fix the login"), value: "Fix the login" },
      body: { hash: hash(FIELDS.body) },
      state: { hash: hash("in_progress"), value: "in_progress" },
      priority: { hash: hash(1), value: 1 },
      type: { hash: hash("bug"), value: "bug" },
      labels: { hash: hash(["bug", "ui"]), value: ["bug", "ui"] },
      assignees: { hash: hash(["alice", "bob"]), value: ["alice", "bob"] },
    });
  });

  it("keeps a title's value up to 256 characters, and only its hash past that", () => {
    expect(syncedState({ ...FIELDS, title: "t".repeat(256) }).title).toEqual({ hash: hash("t".repeat(256)), value: "t".repeat(256) });
    expect(syncedState({ ...FIELDS, title: "t".repeat(257) }).title).toEqual({ hash: hash("t".repeat(257)) });
  });
});

describe("withSynced and readSynced", () => {
  it("keep the state in metadata.gastown.synced beside the bead's other metadata, and read it back", () => {
    const original = bead("gt-1", { metadata: { team: "web", gastown: { polecat: "nux" } } });
    const synced = syncedState(FIELDS);
    const written = withSynced(original, synced);
    expect(written.metadata).toEqual({ team: "web", gastown: { polecat: "nux", synced } });
    expect(readSynced(written)).toEqual(synced);
    expect(readSynced(JSON.parse(JSON.stringify(written)))).toEqual(synced);
  });

  it("leave the very same bead when it records the state already, so nothing is written", () => {
    const written = withSynced(bead("gt-1"), syncedState(FIELDS));
    expect(withSynced(written, syncedState(FIELDS))).toBe(written);
    expect(withSynced(written, syncedState({ ...FIELDS, priority: 0 }))).not.toBe(written);
  });

  it("read nothing from a bead never mirrored", () => {
    expect(readSynced(bead("gt-1"))).toEqual({});
    expect(readSynced(bead("gt-1", { metadata: { gastown: { synced: "yes" } } }))).toEqual({});
  });

  it("drop a record they did not write: a bad hash, a value of the wrong type, a value its hash does not match", () => {
    const synced = syncedState(FIELDS);
    const tampered = bead("gt-1", {
      metadata: {
        gastown: {
          synced: {
            ...synced,
            title: { hash: "not a hash", value: "Fix the login" },
            priority: { hash: hash("1"), value: "1" },
            state: { hash: synced.state?.hash, value: "closed" },
            constructor: { hash: hash("x") },
          },
        },
      },
    });
    const { title: _title, priority: _priority, state: _state, ...kept } = synced;
    expect(readSynced(tampered)).toEqual(kept);
  });
});
