// The App function: which events go to which handler, with the dependencies passed in (STYLE
// §3). Probot calls it in a server; anything else that can hand it a Probot-shaped `app` (the
// Actions-only adapter, tests) runs the very same handlers.
import type { Probot } from "probot";
import { LedgerLanes } from "./github/ledger-lanes.js";
import { realDependencies, type AppDependencies } from "./handlers/app-dependencies.js";
import { handleIssueEvent } from "./handlers/issue-events.js";
import { handleMail } from "./handlers/polecat-mail.js";
import { handleRunEvent } from "./handlers/polecat-run-events.js";

/** The issue events the App takes: requests from people, and its own answers, which it ignores. */
const ISSUE_EVENTS = ["issues.labeled", "issues.unlabeled", "issue_comment.created"] as const;
/** Mail from polecat runs (`gastown.mail`): the doorbell of the publisher. */
const MAIL_EVENTS = ["repository_dispatch"] as const;

/** Polecat runs starting and ending: the witness's events. */
const RUN_EVENTS = ["workflow_run", "workflow_job.completed"] as const;

/** The webhook events the App handles; app.yml subscribes to exactly these (a test holds it). */
export const HANDLED_EVENTS = [...ISSUE_EVENTS, ...MAIL_EVENTS, ...RUN_EVENTS] as const;

export function gastownApp(given: AppDependencies = realDependencies) {
  return (app: Probot): void => {
    // The events this App handles at once write each ledger one after another.
    const deps: AppDependencies = { ...given, ledgerLanes: given.ledgerLanes ?? new LedgerLanes() };
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
      await handleIssueEvent({ name: context.name, payload: context.payload, github: context.octokit }, deps, await botLogin());
    });
    app.on([...MAIL_EVENTS], async (context) => {
      await handleMail({ name: context.name, payload: context.payload, github: context.octokit }, deps, botLogin);
    });
    app.on([...RUN_EVENTS], async (context) => {
      await handleRunEvent({ name: context.name, payload: context.payload, github: context.octokit }, deps, botLogin);
    });
  };
}
