// Which deliveries may wake a convoy, read from GitHub's payloads (issues.closed as
// test/fidelity/webhook-payloads.ts gives it; sub_issues made of recorded parts and checked against
// @octokit/openapi-webhooks): the App's own events, pull requests, parents that are no convoy and
// the child's copy of a sub-issue change stop before any read; an issue no convoy tracks costs the
// settings alone, the read every handler of the delivery shares. The wakes that step a convoy run
// against the emulator in convoy-app.test.ts.
import { describe, expect, it } from "vitest";
import { realDependencies, type AppDependencies } from "../../app/handlers/app-dependencies.js";
import { wakeConvoysOnEvent } from "../../app/handlers/convoy-wake.js";
import type { GitHubClient } from "../../app/github/github-client.js";
import { recordedIssue, subIssuesPayload } from "../fidelity/sub-issue-payloads.js";
import { validateWebhookPayload, webhookPayload, type WebhookPayload } from "../fidelity/webhook-payloads.js";

const BOT = "gastown[bot]";
const MIRROR_OFF = "mirror:\n  enabled: false\n";

interface Seen {
  readonly settings: string[];
  readonly requests: string[];
}

/** Wakes on one delivery, with the repository's settings as given, recording every read. */
async function wake(name: string, payload: WebhookPayload, settings: string | undefined = MIRROR_OFF): Promise<Seen> {
  const seen: Seen = { settings: [], requests: [] };
  const github: GitHubClient = {
    request: (route) => {
      seen.requests.push(route);
      return Promise.reject(new Error(`no request expected: ${route}`));
    },
  };
  const deps: AppDependencies = {
    ...realDependencies,
    loadConfig: (_github, owner, repo) => {
      seen.settings.push(`${owner}/${repo}`);
      return Promise.resolve({ repository: settings, organisation: undefined });
    },
  };
  expect(await wakeConvoysOnEvent({ name, payload, github }, deps, BOT)).toEqual([]);
  return seen;
}

function closed(patch: (payload: WebhookPayload) => void = () => undefined): WebhookPayload {
  const payload = webhookPayload("issues", "closed", patch);
  validateWebhookPayload("issues", "closed", payload);
  return payload;
}
const byTheApp = (payload: WebhookPayload) => {
  payload["sender"] = { ...(payload["sender"] as WebhookPayload), login: BOT, type: "Bot" };
};
const convoyParent = recordedIssue(1, { labels: [{ id: 1, node_id: "LA_1", url: "https://api.github.com/repos/Codertocat/Hello-World/labels/gt:convoy", name: "gt:convoy", color: "ededed", default: false, description: null }] });

describe("an issue closed", () => {
  it("with no sling label, the mirror off: the settings the delivery reads anyway, and no request", async () => {
    expect(await wake("issues", closed())).toEqual({ settings: ["Codertocat/Hello-World"], requests: [] });
  });

  it("with the mirror on: the ledger through the store's read, the one the mirror's handler of the delivery shares", async () => {
    await expect(wake("issues", closed(), "")).rejects.toThrow("no request expected: GET /repos/{owner}/{repo}/git/ref/{ref}");
  });

  it("reopened, in a repository Gas Town is off in: the settings, and no request", async () => {
    const reopened = webhookPayload("issues", "reopened");
    validateWebhookPayload("issues", "reopened", reopened);
    expect(await wake("issues", reopened, undefined)).toEqual({ settings: ["Codertocat/Hello-World"], requests: [] });
  });

  it("by the App itself, or a pull request's: nothing read at all", async () => {
    expect(await wake("issues", closed(byTheApp))).toEqual({ settings: [], requests: [] });
    const pull = closed((p) => {
      (p["issue"] as WebhookPayload)["pull_request"] = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
    });
    expect(await wake("issues", pull)).toEqual({ settings: [], requests: [] });
  });

  it("labelled, or anything but closed and reopened: nothing read", async () => {
    expect(await wake("issues", webhookPayload("issues", "labeled"))).toEqual({ settings: [], requests: [] });
  });
});

describe("a sub-issue change", () => {
  it("under a parent that is no convoy issue: nothing read", async () => {
    expect(await wake("sub_issues", subIssuesPayload("sub_issue_added", 1, 2))).toEqual({ settings: [], requests: [] });
    expect(await wake("sub_issues", subIssuesPayload("sub_issue_removed", 1, 2))).toEqual({ settings: [], requests: [] });
  });

  it("as the child's repository sees it, or made by the App: nothing read, the parent's copy steps the convoy", async () => {
    expect(await wake("sub_issues", subIssuesPayload("parent_issue_added", convoyParent, 2))).toEqual({ settings: [], requests: [] });
    expect(await wake("sub_issues", subIssuesPayload("parent_issue_removed", convoyParent, 2))).toEqual({ settings: [], requests: [] });
    const own = subIssuesPayload("sub_issue_added", convoyParent, 2);
    byTheApp(own);
    expect(await wake("sub_issues", own)).toEqual({ settings: [], requests: [] });
  });

  it("under a convoy issue: the settings, then its ledger, where the convoy would be", async () => {
    await expect(wake("sub_issues", subIssuesPayload("sub_issue_added", convoyParent, 2))).rejects.toThrow(
      "no request expected: GET /repos/{owner}/{repo}/contents/{path}",
    );
  });
});
