import { describe, expect, it } from "vitest";
import { TEST_INSTALLATION, validateWebhookPayload, webhookPayload } from "./webhook-payloads.js";

// Every event/action the App handles (Design §2–§3). `undefined` marks events without actions.
const REQUIRED: readonly (readonly [event: string, action: string | undefined])[] = [
  ["issues", "opened"],
  ["issues", "edited"],
  ["issues", "labeled"],
  ["issues", "unlabeled"],
  ["issues", "closed"],
  ["issues", "reopened"],
  ["issues", "assigned"],
  ["issue_comment", "created"],
  ["pull_request", "opened"],
  ["pull_request", "synchronize"],
  ["pull_request", "labeled"],
  ["pull_request", "closed"],
  ["pull_request_review", "submitted"],
  ["check_run", "created"],
  ["check_run", "completed"],
  ["check_suite", "completed"],
  ["workflow_run", "requested"],
  ["workflow_run", "in_progress"],
  ["workflow_run", "completed"],
  ["workflow_job", "queued"],
  ["workflow_job", "in_progress"],
  ["workflow_job", "completed"],
  ["push", undefined],
  ["repository_dispatch", "on-demand-test"],
  ["installation", "created"],
  ["installation_repositories", "added"],
];

// Test names read `issues.opened`, or just `push` for events without actions.
const CASES = REQUIRED.map(([event, action]) => [action === undefined ? event : `${event}.${action}`, event, action] as const);

describe("webhookPayload", () => {
  it.each(CASES)("%s validates against GitHub's webhook schema", (_name, event, action) => {
    const payload = webhookPayload(event, action);

    expect(payload["action"]).toBe(action);
    expect(() => validateWebhookPayload(event, action, payload)).not.toThrow();
  });

  it.each(CASES)("%s carries the installation an App delivery has", (_name, event, action) => {
    const installation = webhookPayload(event, action)["installation"] as Record<string, unknown> | undefined;

    expect(installation).toEqual(expect.objectContaining({ id: expect.any(Number) }));
  });

  it("adds the test installation where the recording has none", () => {
    expect(webhookPayload("issues", "opened")["installation"]).toEqual(TEST_INSTALLATION);
  });

  it("returns a deep copy, so one test's edits never leak into another's", () => {
    const first = webhookPayload("issues", "opened");
    (first["issue"] as Record<string, unknown>)["title"] = "changed";

    expect((webhookPayload("issues", "opened")["issue"] as Record<string, unknown>)["title"]).not.toBe("changed");
  });

  it("applies overrides to the copy", () => {
    const payload = webhookPayload("issues", "labeled", (draft) => {
      (draft["label"] as Record<string, unknown>)["name"] = "gt:sling";
    });

    expect((payload["label"] as Record<string, unknown>)["name"]).toBe("gt:sling");
    expect(() => validateWebhookPayload("issues", "labeled", payload)).not.toThrow();
  });

  it("builds issues.closed as a closed issue, not a relabelled reopened one", () => {
    const issue = webhookPayload("issues", "closed")["issue"] as Record<string, unknown>;

    expect(issue["state"]).toBe("closed");
    expect(issue["closed_at"]).toEqual(expect.any(String));
  });

  it("names an event that has neither a recording nor a builder", () => {
    expect(() => webhookPayload("issues", "no_such_action")).toThrow(
      "no webhook example for issues.no_such_action: add one to BUILDERS in test/fidelity/webhook-payloads.ts",
    );
  });
});

describe("validateWebhookPayload", () => {
  it("rejects a payload missing a required field, naming the event and the path", () => {
    const payload = webhookPayload("issues", "opened", (draft) => {
      delete (draft["issue"] as Record<string, unknown>)["number"];
    });

    expect(() => validateWebhookPayload("issues", "opened", payload)).toThrow(
      "webhook issues.opened does not match schema issues-opened: /issue must have required property 'number'",
    );
  });

  it("rejects a field of the wrong type, naming the event and the path", () => {
    const payload = webhookPayload("workflow_run", "completed", (draft) => {
      (draft["workflow_run"] as Record<string, unknown>)["run_attempt"] = "1";
    });

    expect(() => validateWebhookPayload("workflow_run", "completed", payload)).toThrow(
      /^webhook workflow_run\.completed does not match schema workflow-run-completed: \/workflow_run\/run_attempt must be integer/,
    );
  });

  it("rejects a payload of another action (issues.reopened is not a valid issues.closed)", () => {
    expect(() => validateWebhookPayload("issues", "closed", webhookPayload("issues", "reopened"))).toThrow(
      /^webhook issues\.closed does not match schema issues-closed: /,
    );
  });

  it("names an event the schemas do not know", () => {
    expect(() => validateWebhookPayload("no_such_event", undefined, {})).toThrow(
      "no webhook schema for no_such_event (tried no-such-event)",
    );
  });
});
