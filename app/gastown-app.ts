// The App function: which events go to which handler, with the dependencies passed in (STYLE
// §3). Probot calls it in a server; anything else that can hand it a Probot-shaped `app` (the
// Actions-only adapter, tests) runs the very same handlers.
import type { Probot } from "probot";
import type { GitHubClient } from "./github/github-client.js";
import { LedgerLanes } from "./github/ledger-lanes.js";
import { realDependencies, type AppDependencies } from "./handlers/app-dependencies.js";
import { CONVOY_WAKE_EVENTS, wakeConvoysOnEvent } from "./handlers/convoy-wake.js";
import { withEventConfig } from "./handlers/event-config.js";
import { handleIssueEvent } from "./handlers/issue-events.js";
import { handleLedgerPush } from "./handlers/ledger-push.js";
import { MirrorBatches } from "./handlers/mirror-batch.js";
import { describeMirror } from "./handlers/mirror-beads.js";
import { handleMirrorEvent } from "./handlers/mirror-issue-events.js";
import { startPatrolClock } from "./handlers/patrol-clock.js";
import { handleMail } from "./handlers/polecat-mail.js";
import { handleRunEvent } from "./handlers/polecat-run-events.js";
import { handlePullRequestEvent } from "./handlers/pull-request-events.js";
import { wakeRefinery } from "./handlers/refinery-wake.js";

/** The issue events the App takes: requests from people, and its own answers, which it ignores. */
const ISSUE_EVENTS = ["issues.labeled", "issues.unlabeled", "issue_comment.created"] as const;
/**
 * The mirror, GitHub → ledger: issues, their comments, sub-issues and blocked-by links changing.
 * Probot's `app.on` knows `sub_issues` and `issue_dependencies` (@octokit/webhooks 14 lists them);
 * the handler reads every payload as `unknown` and checks each field it uses, so nothing rests on
 * the event types being complete.
 */
const MIRROR_EVENTS = [
  "issues.opened", "issues.edited", "issues.closed", "issues.reopened", "issues.labeled", "issues.unlabeled",
  "issues.assigned", "issues.unassigned", "issue_comment.created", "issue_comment.edited", "issue_comment.deleted",
  "sub_issues", "issue_dependencies",
] as const;
/** Mail from polecat runs (`gastown.mail`): the doorbell of the publisher. */
const MAIL_EVENTS = ["repository_dispatch"] as const;

/** Polecat runs starting and ending: the witness's events; a run on a staging branch ending wakes the refinery. */
const RUN_EVENTS = ["workflow_run", "workflow_job.completed"] as const;
/** Queued pull requests closed or pushed to, and whatever people do to refinery pull requests. */
const PULL_REQUEST_EVENTS = ["pull_request.closed", "pull_request.synchronize", "pull_request.reopened"] as const;
/** Outcomes on staging commits, and reviews of refinery pull requests: they wake the refinery. */
const REFINERY_EVENTS = ["pull_request_review.submitted", "check_suite.completed", "check_run.completed", "status"] as const;

/** Pushes: one to the ledger branch is mirrored to GitHub issues (handlers/ledger-push.ts). */
const LEDGER_EVENTS = ["push"] as const;

/** The webhook events the App handles; app.yml subscribes to exactly these (a test holds it). */
export const HANDLED_EVENTS = [
  ...ISSUE_EVENTS, ...MIRROR_EVENTS, ...CONVOY_WAKE_EVENTS, ...MAIL_EVENTS, ...RUN_EVENTS, ...PULL_REQUEST_EVENTS, ...REFINERY_EVENTS, ...LEDGER_EVENTS,
] as const;

export interface AppOptions {
  /** Run the patrol clock (a server's): the average milliseconds between ticks. Off unless given. */
  readonly patrolEveryMs?: number;
  /** Stops the patrol clock when it aborts: the server stopped, as when the App is killed. */
  readonly stopped?: AbortSignal;
}

export function gastownApp(given: AppDependencies = realDependencies, options: AppOptions = {}) {
  return (app: Probot): void => {
    // The events this App handles at once write each ledger one after another.
    const deps: AppDependencies = {
      ...given, ledgerLanes: given.ledgerLanes ?? new LedgerLanes(), mirrorBatches: given.mirrorBatches ?? new MirrorBatches(),
    };
    // The App's own login (`<slug>[bot]`), asked once: events it caused are its answers.
    let login: Promise<string> | undefined;
    const botLogin = (): Promise<string> => {
      if (deps.botLogin !== undefined) return Promise.resolve(deps.botLogin);
      login ??= app.auth().then(async (octokit) => {
        const { data } = await octokit.request("GET /app");
        return `${(data as { slug: string }).slug}[bot]`;
      });
      login.catch(() => { login = undefined; });
      return login;
    };
    app.on([...ISSUE_EVENTS], async (context) => {
      const event = { name: context.name, payload: context.payload, github: context.octokit };
      await handleIssueEvent(event, withEventConfig(deps, context.payload), await botLogin());
    });
    // Beside the requests above: a gt: label is never a bead's, and a command never a bead comment.
    app.on([...MIRROR_EVENTS], async (context) => {
      const event = { name: context.name, payload: context.payload, github: context.octokit };
      await handleMirrorEvent(event, withEventConfig(deps, context.payload), await botLogin());
    });
    // Beside the mirror, sharing its reads: a tracked issue closed or a sub-issue added wakes its convoy (convoy-wake.ts).
    app.on([...CONVOY_WAKE_EVENTS], async (context) => {
      const event = { name: context.name, payload: context.payload, github: context.octokit };
      await wakeConvoysOnEvent(event, withEventConfig(deps, context.payload), await botLogin());
    });
    app.on([...MAIL_EVENTS], async (context) => {
      await handleMail({ name: context.name, payload: context.payload, github: context.octokit }, deps, botLogin);
    });
    app.on([...RUN_EVENTS], async (context) => {
      const event = { name: context.name, payload: context.payload, github: context.octokit };
      // A staging branch's run is the refinery's; any other is looked at as a polecat's.
      if (!(await wakeRefinery(event, deps, botLogin))) await handleRunEvent(event, deps, botLogin);
    });
    app.on([...PULL_REQUEST_EVENTS], async (context) => {
      await handlePullRequestEvent({ name: context.name, payload: context.payload, github: context.octokit }, deps, botLogin);
    });
    app.on([...REFINERY_EVENTS], async (context) => {
      await wakeRefinery({ name: context.name, payload: context.payload, github: context.octokit }, deps, botLogin);
    });
    app.on([...LEDGER_EVENTS], async (context) => {
      const mirrored = await handleLedgerPush({ payload: context.payload, github: context.octokit }, deps, botLogin);
      const said = mirrored === undefined ? undefined : describeMirror(mirrored);
      if (said !== undefined) context.log.info(said);
    });
    if (options.patrolEveryMs !== undefined) {
      const stopClock = startPatrolClock({
        botLogin,
        installations: async () => {
          const octokit = await app.auth();
          const all = await octokit.paginate("GET /app/installations", { per_page: 100 });
          return all.map((installation) => installation.id);
        },
        installationClient: async (id) => await app.auth(id) as unknown as GitHubClient,
        appClient: async () => await app.auth() as unknown as GitHubClient,
      }, deps, { everyMs: options.patrolEveryMs, log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) } });
      options.stopped?.addEventListener("abort", stopClock);
    }
  };
}
