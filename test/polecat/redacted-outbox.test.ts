import { describe, expect, it } from "vitest";
import { outboxLine, type IntentFields } from "../../app/polecat/outbox-schema.js";
import { parseOutbox } from "../../app/polecat/outbox.js";
import { REDACTED, Redactor } from "../../app/polecat/redact.js";
import { redactOutbox } from "../../app/polecat/redacted-outbox.js";

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const KEY = "sk-ant-api03-Zx9/+ab==cd";
const AT = "2026-11-24T12:30:00Z";

describe("redactOutbox", () => {
  it("takes the run's secrets out of every text an intent carries, in any form, and leaves ids and the rest as they are", () => {
    const leak = `${KEY} ${encodeURIComponent(TOKEN)} ${Buffer.from(KEY).toString("base64")}`;
    const intents: IntentFields[] = [
      { kind: "step", at: AT, step: "design", notes: `notes: ${leak}` },
      { kind: "step", at: AT, step: "design" },
      { kind: "bead", at: AT, id: "gt-abc", title: `title: ${TOKEN}`, type: "task", description: `description: ${leak}`, parent: "gt-w1" },
      { kind: "bead", at: AT, id: "gt-abd", title: "Nothing secret", type: "bug" },
      { kind: "mail", at: AT, id: "gt-m01", to: "overseer", subject: `subject: ${KEY}`, body: `body: ${leak}` },
      { kind: "exit", at: AT, exit: "ESCALATE", reason: `reason: ${leak}` },
    ];
    const parsed = parseOutbox(intents.map(outboxLine).join("") + "oops\n", "outbox.jsonl");
    const redacted = redactOutbox(parsed, new Redactor([TOKEN, KEY]));
    const hidden = `${REDACTED} ${REDACTED} ${REDACTED}`;
    expect(redacted.entries).toEqual([
      { line: 1, intent: { v: 1, kind: "step", at: AT, step: "design", notes: `notes: ${hidden}` } },
      { line: 2, intent: { v: 1, kind: "step", at: AT, step: "design" } },
      {
        line: 3,
        intent: { v: 1, kind: "bead", at: AT, id: "gt-abc", title: `title: ${REDACTED}`, type: "task", description: `description: ${hidden}`, parent: "gt-w1" },
      },
      { line: 4, intent: { v: 1, kind: "bead", at: AT, id: "gt-abd", title: "Nothing secret", type: "bug" } },
      { line: 5, intent: { v: 1, kind: "mail", at: AT, id: "gt-m01", to: "overseer", subject: `subject: ${REDACTED}`, body: `body: ${hidden}` } },
      { line: 6, intent: { v: 1, kind: "exit", at: AT, exit: "ESCALATE", reason: `reason: ${hidden}` } },
    ]);
    expect(redacted.problems).toEqual(parsed.problems);
    expect(redacted.file).toBe("outbox.jsonl");
  });
});
