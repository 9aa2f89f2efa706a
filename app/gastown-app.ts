// The App function: which events go to which handler, with the dependencies passed in (STYLE
// §3). Probot calls it in a server; anything else that can hand it a Probot-shaped `app` (the
// Actions-only adapter, tests) runs the very same handlers.
import type { Probot } from "probot";
import { LedgerLanes } from "./github/ledger-lanes.js";
import { realDependencies, type AppDependencies } from "./handlers/app-dependencies.js";
import { handleIssueEvent } from "./handlers/issue-events.js";

/** The webhook events the App handles; app.yml subscribes to exactly these (a test holds it). */
export const HANDLED_EVENTS = ["issues.labeled", "issues.unlabeled", "issue_comment.created"] as const;

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
    app.on([...HANDLED_EVENTS], async (context) => {
      await handleIssueEvent({ name: context.name, payload: context.payload, github: context.octokit }, deps, await botLogin());
    });
  };
}
