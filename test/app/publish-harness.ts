// The publisher's side of a polecat run in the emulator: the mail the run rang, handed to the App,
// and what people then see on GitHub. A test that ends a real polecat run (startPolecatTown's
// runPolecat, with a stand-in agent or the real one) calls deliverMail(town) to have the App
// publish its exit.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { run, type Outcome } from "../../action/town/runner.js";
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { restClient } from "../../app/github/rest-client.js";
import { LedgerStore } from "../../app/github/ledger-store.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { REPO, type Town } from "./app-harness.js";

/**
 * Hands the App (its first instance, as the server would) every `repository_dispatch` delivery
 * made since the town's deliveries were last taken, in order; the other new deliveries are
 * passed over. The mail deliveries, for the test to look at.
 */
export async function deliverMail(town: Town): Promise<Delivery[]> {
  const mail = (await town.newDeliveries()).filter((d) => d.event === "repository_dispatch");
  for (const d of mail) await town.app(0).receive({ id: d.id, name: d.event as never, payload: d.payload as never });
  return mail;
}

/** Rings the doorbell for `bead` as `login` would (anyone who can write to the repository can). */
export async function ringAs(town: Town, login: string, payload: Record<string, unknown>): Promise<void> {
  await town.as(login, "POST", `/repos/${REPO}/dispatches`, { event_type: "gastown.mail", client_payload: payload });
}

/** Changes the ledger as a person with write access would: a compare-and-swap commit of their own. */
export async function editLedger(town: Town, login: string, message: string, mutate: (ledger: Ledger) => Ledger): Promise<void> {
  const github = restClient({ token: town.github.userToken(login), baseUrl: town.github.urls.api, paced: false });
  const [owner, repo] = REPO.split("/") as [string, string];
  const store = new LedgerStore(github, { owner, repo, branch: "gastown/ledger", prefix: "town", sleep: async () => undefined, random: () => 0.5 });
  await store.update(message, mutate);
}

/** The pull requests of the town: number, head, base, title, state and labels. */
export function pullRequests(town: Town) {
  return (town.github.state.repos[REPO]?.issues ?? []).filter((i) => i.pull).map((i) => ({
    number: i.number, head: i.pull?.headRef, base: i.pull?.baseRef, title: i.title, state: i.state, labels: [...i.labels],
  }));
}

/** The runs of a workflow file of the town: event, branch, commit, status and conclusion. */
export function workflowRuns(town: Town, path: string) {
  const repo = town.github.state.repos[REPO];
  const id = repo?.workflows.find((w) => w.path === path)?.id;
  return (repo?.runs ?? []).filter((r) => r.workflowId === id).map((r) => ({ event: r.event, branch: r.headBranch, sha: r.headSha, status: r.status, conclusion: r.conclusion }));
}

/** The comments on an issue, by author and body. */
export function commentsOn(town: Town, number: number) {
  return town.issue(number).comments.map((c) => ({ user: c.user, body: c.body }));
}

/**
 * Actions-only mode: the copied `gastown-app.yml` run that `mail` started runs the town action, as
 * the runner would, with that run's GITHUB_TOKEN, or with `app` (the App's installation token and
 * slug, as actions/create-github-app-token gives them). Its Octokit does not pace writes (the
 * emulator needs no pacing).
 */
export async function publishInActions(
  town: Town, mail: Delivery, options: { run: { id: number; token: string }; app?: { token: string; slug: string }; dir: string },
): Promise<Outcome> {
  const { installation: _installation, ...payload } = mail.payload;
  const path = join(options.dir, `event-${mail.id}.json`);
  await writeFile(path, JSON.stringify(payload));
  const Unpaced = class extends ProbotOctokit {
    constructor(given: ConstructorParameters<typeof ProbotOctokit>[0] = {}) {
      super({ ...given, throttle: { ...given.throttle, enabled: false }, retry: { enabled: false } } as never);
    }
  } as typeof ProbotOctokit;
  return run({
    env: {
      GITHUB_EVENT_NAME: mail.event, GITHUB_EVENT_PATH: path, GITHUB_API_URL: town.github.urls.api,
      GITHUB_RUN_ID: String(options.run.id), GITHUB_RUN_ATTEMPT: "1",
    },
    inputs: {
      token: options.app?.token ?? options.run.token, "github-token": options.run.token,
      ...(options.app === undefined ? {} : { "app-slug": options.app.slug }),
    },
  }, {
    app: {
      ...realDependencies, clock: () => town.clock.now, random: () => 0.5, sleep: async () => undefined,
      // As the town's App instances: the refinery's steps are the refinery's tests'.
      refinery: async (ref) => ({ kind: "refined", rig: `${ref.owner}/${ref.repo}`, said: [] }),
    },
    log: pino({ level: "silent" }), Octokit: Unpaced, info: () => undefined, fail: () => undefined,
  });
}
