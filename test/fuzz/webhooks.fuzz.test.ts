// Fuzzing webhook deliveries: GitHub's own example payloads for every event the App handles,
// pointed at a town in the emulator, with their fields changed as GitHub might send them (any
// text in a title, body, branch or login; numbers, flags and optional fields changed) and kept
// only while they still match GitHub's webhook schema. The App handles each without throwing,
// and its ledger still reads clean.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { HANDLED_EVENTS } from "../../app/gastown-app.js";
import { REPO, type Town } from "../app/app-harness.js";
import { validateWebhookPayload, webhookPayload, type WebhookPayload } from "../fidelity/webhook-payloads.js";
import { slungTown } from "./fuzz-town.js";
import { FUZZ_TIMEOUT, fuzzRuns, hostileText } from "./fuzz-arbitraries.js";

/** Each handled event as `[event, action]`; an event handled whatever its action gets a few. */
const CASES: readonly (readonly [string, string | undefined])[] = HANDLED_EVENTS.flatMap((name): (readonly [string, string | undefined])[] => {
  const [event, action] = name.split(".") as [string, string | undefined];
  if (action !== undefined) return [[event, action]];
  if (event === "workflow_run") return [["workflow_run", "requested"], ["workflow_run", "in_progress"], ["workflow_run", "completed"]];
  if (event === "repository_dispatch") return [["repository_dispatch", "on-demand-test"]];
  if (event === "push") return [["push", undefined]];
  if (event === "status") return [["status", undefined]];
  return [];
});

/** The fields whose text people and tools choose: where hostile text arrives. */
const TEXT_FIELDS = new Set([
  "title", "body", "name", "login", "ref", "head_branch", "display_title", "message", "description", "context", "event",
  "conclusion", "status", "state", "type", "path", "head_sha", "sha", "after", "before", "base_ref", "label", "user_view_type",
]);

const text = fc.oneof(
  hostileText,
  fc.constantFrom("/sling", "/peek all", "/unsling --abandon", "gt:sling", "gt:queued", "gastown/ledger", "gastown/staging/1",
    "polecat/nux/gt-w1", "refs/heads/gastown/ledger", "gastown.mail", "mayor", "gastown[bot]", "Bot", "User", "success", "failure",
    "completed", "0000000000000000000000000000000000000000", ".github/workflows/gastown-polecat.yml"),
);

/** One change: a leaf (a text field's, or any, by index in walk order) set to a value of its own kind, or dropped. */
const change = fc.record({
  at: fc.nat(), anyLeaf: fc.boolean(), drop: fc.boolean(), text, number: fc.integer({ min: -2, max: 2 ** 31 }), flag: fc.boolean(),
});

/** The paths of the payload's leaves, outside what points the delivery at the town. */
function leaves(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, [...path, i], out));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (path.length === 0 && (key === "repository" || key === "installation" || key === "organization")) continue;
      leaves(item, [...path, key], out);
    }
  } else out.push(path);
  return out;
}

/** The object holding the leaf at `path`, if an earlier change left it there. */
function parentAt(root: WebhookPayload, path: readonly (string | number)[]): Record<string | number, unknown> | undefined {
  let node: unknown = root;
  for (const part of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return typeof node === "object" && node !== null ? node as Record<string | number, unknown> : undefined;
}

function matchesSchema(event: string, action: string | undefined, payload: unknown): boolean {
  try {
    validateWebhookPayload(event, action, payload);
    return true;
  } catch {
    return false;
  }
}

describe("webhook deliveries, fuzzed", { timeout: FUZZ_TIMEOUT }, () => {
  const townOf = slungTown();
  let town: Town;
  let target: { repository: unknown; installation: unknown };
  beforeAll(async () => {
    town = townOf();
    // Where the emulator's own deliveries point: the town's repository and the App's installation.
    await town.as("ann", "POST", `/repos/${REPO}/issues/1/comments`, { body: "Any news?" });
    const commented = (await town.newDeliveries()).find((d) => d.event === "issue_comment");
    const payload = commented?.payload as WebhookPayload;
    target = { repository: payload.repository, installation: payload.installation };
  });

  /** GitHub's example for the event, delivered to the town about its issue 1. */
  function example(event: string, action: string | undefined): WebhookPayload {
    const payload = webhookPayload(event, action, (p) => {
      // The example predates the schema's `verified_at`.
      const verification = (p.commit as { commit?: { verification?: Record<string, unknown> } } | undefined)?.commit?.verification;
      if (verification) verification.verified_at ??= null;
    });
    payload.repository = structuredClone(target.repository);
    payload.installation = structuredClone(target.installation);
    delete payload.organization;
    for (const key of ["issue", "pull_request"]) {
      const issue = payload[key] as { number?: number } | undefined;
      if (issue?.number !== undefined) issue.number = 1;
    }
    return payload;
  }

  it("are handled without throwing, and leave a ledger that reads", async () => {
    const deliveries = fc.tuple(fc.constantFrom(...CASES), fc.array(change, { minLength: 1, maxLength: 4 }));
    const runs = fuzzRuns(40);
    let id = 0;
    let changed = 0;
    await fc.assert(fc.asyncProperty(deliveries, async ([[event, action], changes]) => {
      let payload = example(event, action);
      const all = leaves(payload);
      const texts = all.filter((path) => TEXT_FIELDS.has(String(path[path.length - 1])) || path.includes("client_payload"));
      // Each change is kept only while the payload still matches GitHub's schema.
      for (const c of changes) {
        const paths = c.anyLeaf || texts.length === 0 ? all : texts;
        const path = paths[c.at % paths.length];
        if (path === undefined) continue;
        const parent = parentAt(payload, path);
        if (parent === undefined) continue;
        const before = structuredClone(payload);
        const key = path[path.length - 1] as string | number;
        const old = parent[key];
        if (c.drop && !Array.isArray(parent)) delete parent[key];
        else parent[key] = typeof old === "number" ? c.number : typeof old === "boolean" ? c.flag : c.text;
        if (matchesSchema(event, action, payload)) changed++;
        else payload = before;
      }
      await town.app(0).receive({ id: `fuzz-${++id}`, name: event as never, payload: payload as never });
      await town.deliver();
      await town.ledger();
    }), runs);
    // Most changes keep to the schema: the property is about deliveries GitHub could send.
    expect(changed).toBeGreaterThan((runs.numRuns ?? 0) / 2);
  });
});
