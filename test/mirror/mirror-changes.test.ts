import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { applyMirrorChanges, mirrorChangeOf, type MirrorChange } from "../../app/mirror/mirror-changes.js";
import type { MirrorContext } from "../../app/mirror/mirror-context.js";
import { webhookPayload } from "../fidelity/webhook-payloads.js";

const CONTEXT: MirrorContext = {
  now: new Date("2026-12-03T10:00:00Z"), mirror: defaultConfig().mirror, configPrefix: undefined, fallbackPrefix: "hw", botLogin: "gastown[bot]",
};

function changeOf(event: string, action: string): MirrorChange {
  const change = mirrorChangeOf(event, webhookPayload(event, action), CONTEXT.botLogin);
  if (!change) throw new Error(`no change for ${event}.${action}`);
  return change;
}

describe("mirrorChangeOf", () => {
  it("ignores whatever the App itself did: its own mirror writes and answers", () => {
    const payload = webhookPayload("issues", "edited", (p) => {
      (p["sender"] as Record<string, unknown>)["login"] = "gastown[bot]";
    });
    expect(mirrorChangeOf("issues", payload, "gastown[bot]")).toBeUndefined();
    expect(mirrorChangeOf("issues", payload, "other[bot]")?.kind).toBe("issue");
  });

  it("is no change for a malformed payload or an event the mirror does not take", () => {
    expect(mirrorChangeOf("issues", { action: "opened", sender: { login: "ann" } }, "gastown[bot]")).toBeUndefined();
    expect(mirrorChangeOf("issues", null, "gastown[bot]")).toBeUndefined();
    expect(mirrorChangeOf("issues", "opened", "gastown[bot]")).toBeUndefined();
    expect(mirrorChangeOf("push", webhookPayload("push"), "gastown[bot]")).toBeUndefined();
    // A time that is no time would make no bead timestamp: the event is left, nothing stored touched.
    const badTime = webhookPayload("issue_comment", "created", (p) => {
      (p["comment"] as Record<string, unknown>)["created_at"] = "yesterday";
    });
    expect(mirrorChangeOf("issue_comment", badTime, "gastown[bot]")).toBeUndefined();
    const noTitle = webhookPayload("issues", "opened", (p) => {
      delete (p["issue"] as Record<string, unknown>)["title"];
    });
    expect(mirrorChangeOf("issues", noTitle, "gastown[bot]")).toBeUndefined();
  });
});

describe("applyMirrorChanges", () => {
  it("applies a batch in one ledger: the issue opened first, then the comment on it", () => {
    const changes = [changeOf("issue_comment", "created"), changeOf("issues", "opened")];
    const applied = applyMirrorChanges(Ledger.empty(), changes, CONTEXT);
    const [bead, ...others] = applied.ledger.beads();
    expect(others).toEqual([]);
    expect(bead?.comments?.map((c) => c.text)).toEqual(["You are totally right! I'll get this fixed right away."]);
    expect(applied.summary).toBe("1 issue event, 1 comment");
    expect(applied.edits).toEqual([]);
  });

  it("changes nothing with the mirror off", () => {
    const ledger = Ledger.empty();
    const off = { ...CONTEXT, mirror: { ...CONTEXT.mirror, enabled: false } };
    expect(applyMirrorChanges(ledger, [changeOf("issues", "opened")], off).ledger).toBe(ledger);
  });
});
