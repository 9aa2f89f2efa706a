// The App under test: the real app function in a real Probot, talking over HTTP to the
// emulator, which holds it to GitHub's contract. People act through the emulator's API as
// themselves; the webhooks that causes are handed to one or more App instances, so a test
// decides when (and how often, and how concurrently) each delivery is handled.
import { pino } from "pino";
import { Probot, ProbotOctokit, Server, type ApplicationFunction } from "probot";
import { gastownApp } from "../../app/gastown-app.js";
import { realDependencies, type AppDependencies } from "../../app/handlers/app-dependencies.js";
import { LEDGER_PATH } from "../../app/github/ledger-store.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import type { Ledger } from "../../app/ledger/ledger.js";
import { startEmulator, type Emulator } from "../emulator/emulator.js";
import type { Role } from "../emulator/state/model.js";
import { call, freePort, repoDeliveries, testAppKey } from "../emulator/testing.js";
import type { Delivery } from "../emulator/webhooks/deliveries.js";
import { permissionFor } from "../fidelity/app-permissions.js";
import { findOperation } from "../fidelity/rest-contract.js";

export const NOW = new Date("2026-11-24T12:00:00Z");

export const POLECAT_WORKFLOW = `name: Gas Town polecat
run-name: polecat \${{ inputs.polecat }} · \${{ inputs.bead }} · attempt \${{ inputs.attempt }}
on:
  workflow_dispatch:
    inputs:
      bead: { required: true }
      molecule: { required: true }
      polecat: { required: true }
      attempt: { required: true }
      limits: { required: true }
jobs:
  polecat:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;

export interface Sent {
  readonly method: string;
  /** Path and query, without the API's base. */
  readonly url: string;
  readonly body: unknown;
}

export interface Town {
  readonly github: Emulator;
  /** Requests the App instances sent, in order (the token requests of Probot's auth aside). */
  readonly sent: Sent[];
  readonly clock: { now: Date };
  /** An App instance; `app(1)` is a second replica. */
  app(index?: number): Probot;
  /**
   * The App as `npm start` runs it: Probot's HTTP server, to which the emulator now sends its
   * signed webhooks itself. Stopped by close(). `appFn` puts another app function in the same
   * server (a bench's bare app); the answer is the webhook URL.
   */
  serve(appFn?: ApplicationFunction): Promise<string>;
  /**
   * Stops the server serve() started, as a killed App: deliveries from now on go nowhere (GitHub
   * records them failed) until serve() is called again.
   */
  stopServing(): Promise<void>;
  /** Acts as `login` through the API. */
  as(login: string, method: string, path: string, body?: unknown): Promise<unknown>;
  /** The deliveries made since the last call. */
  newDeliveries(): Promise<Delivery[]>;
  /** Hands each new delivery to the first App instance, in order. */
  deliver(): Promise<Delivery[]>;
  ledger(): Promise<Ledger | undefined>;
  issue(number: number): NonNullable<Emulator["state"]["repos"][string]>["issues"][number];
  /**
   * Stops everything; throws if the App sent a request the permission table does not list, or
   * drew a picture Mermaid does not parse.
   */
  close(): Promise<void>;
}

export interface TownOptions {
  /** The repository's files besides README.md; `.github/gastown.yml` is "" (defaults) unless given. */
  readonly files?: Readonly<Record<string, string | undefined>>;
  readonly deps?: Partial<AppDependencies>;
  /** Logins and their roles on octo/town; mayor (maintain) and ann (write) unless given. */
  readonly people?: Readonly<Record<string, Role>>;
  /** The webhook events the installation subscribes to; the App's defaults (all) unless given. */
  readonly events?: readonly string[];
  /**
   * Whether deliver() hands the App `push` deliveries, which the mirror takes (issue 18). Off
   * unless asked: the other tests are about other things, and each of their ledger commits would
   * otherwise start a mirror pass whose requests are the mirror's tests' to count.
   */
  readonly pushes?: boolean;
  /**
   * Whether the mirror runs as the settings say; as `pushes` unless given. Off: the repository's
   * own `.github/gastown.yml` gets `mirror: { enabled: false }` added (when it names no `mirror:`),
   * so the tests of the other roles see their own ledger and requests, not the mirror's imports of
   * the issues they open.
   */
  readonly mirror?: boolean;
}

export const REPO = "octo/town";

/**
 * What the App does as itself, with its JWT, which needs no installation permission: read its
 * identity and its installations (the patrol clock's), list its webhook deliveries and ask for
 * the failed ones again.
 */
const APP_JWT_OPERATIONS: ReadonlySet<string> = new Set([
  "apps/get-authenticated",
  "apps/list-installations",
  "apps/list-webhook-deliveries",
  "apps/redeliver-webhook-delivery",
]);

/**
 * Mermaid's parser, to check the pictures in what the App wrote when a town closes. Loaded with
 * the harness, before any test's clock starts: it takes seconds on a busy machine, more than a
 * test's hooks may wait. Only under test: a bench that starts a town loads no Mermaid.
 */
const diagrams = process.env.VITEST === undefined ? undefined : await loadedParser();

async function loadedParser() {
  const parser = await import("../town/mermaid-parser.js");
  await parser.loadMermaid();
  return parser;
}

export async function startTown(options: TownOptions = {}): Promise<Town> {
  let secrets = 0;
  let deliveryIds = 0;
  // Probot signs its JWTs with the real clock, so the emulator keeps the real clock too; the
  // App's own clock is the test's.
  const github = await startEmulator({
    random: () => String(++secrets).padStart(8, "0"),
    deliveryId: () => `00000000-0000-4000-8000-${String(++deliveryIds).padStart(12, "0")}`,
    app: { privateKey: testAppKey(), webhookSecret: "town-secret" },
  });
  const files: Record<string, string> = { "README.md": "# Town\n", ".github/gastown.yml": "", ".github/workflows/gastown-polecat.yml": POLECAT_WORKFLOW };
  for (const [path, text] of Object.entries(options.files ?? {})) {
    if (text === undefined) delete files[path];
    else files[path] = text;
  }
  const config = files[".github/gastown.yml"];
  if ((options.mirror ?? options.pushes === true) !== true && config !== undefined && !/^mirror:/m.test(config)) {
    files[".github/gastown.yml"] = `${config}${config === "" || config.endsWith("\n") ? "" : "\n"}mirror:\n  enabled: false\n`;
  }
  await github.addRepo({ owner: "octo", name: "town", files });
  github.install({ account: "octo", ...(options.events === undefined ? {} : { events: [...options.events] }) });
  const people: Readonly<Record<string, Role>> = options.people ?? { mayor: "maintain", ann: "write" };
  for (const [login, role] of Object.entries(people)) github.setCollaborator(REPO, login, role);

  const sent: Sent[] = [];
  const base = github.urls.api;
  const Recording = ProbotOctokit.plugin((octokit) => {
    octokit.hook.before("request", (options) => {
      const parsed = octokit.request.endpoint.parse(options);
      const url = parsed.url.slice(base.length);
      // The installation token Probot's auth mints is the emulator's to count, not the App's.
      if (/^\/app\/installations\/\d+\/access_tokens$/.test(url)) return;
      sent.push({ method: parsed.method, url, body: parsed.body });
    });
  });
  // Probot puts its own throttle options over any defaults, and throttling paces writes a second
  // apart; the emulator needs no pacing, so it is switched off after Probot's options are in.
  class Unpaced extends Recording {
    constructor(options: ConstructorParameters<typeof Recording>[0] = {}) {
      super({ ...options, throttle: { ...options.throttle, enabled: false }, retry: { enabled: false } } as never);
    }
  }
  const clock = { now: NOW };
  const deps: AppDependencies = {
    ...realDependencies,
    // The refinery's steps are the refinery's tests' (refinery-harness.ts runs them): a wake elsewhere does nothing.
    refinery: async (ref) => ({ kind: "refined", rig: `${ref.owner}/${ref.repo}`, said: [] }),
    clock: () => clock.now,
    random: () => 0.5,
    sleep: async () => undefined,
    ...options.deps,
  };
  const log = pino({ level: "silent" });
  const apps: Probot[] = [];
  const app = (index = 0): Probot => {
    while (apps.length <= index) {
      const probot = new Probot({ appId: github.app.id, privateKey: github.app.privateKey, secret: "town-secret", baseUrl: base, log, Octokit: Unpaced as typeof ProbotOctokit });
      void probot.load(gastownApp(deps));
      apps.push(probot);
    }
    return apps[index] as Probot;
  };
  let server: Server | undefined;
  const serve = async (appFn: ApplicationFunction = gastownApp(deps)) => {
    const port = await freePort();
    server = new Server({
      port, host: "127.0.0.1", log, enableStaticFiles: false,
      Probot: Probot.defaults({ appId: github.app.id, privateKey: github.app.privateKey, secret: "town-secret", baseUrl: base, log, Octokit: Unpaced as typeof ProbotOctokit }),
    });
    await server.load(appFn);
    await server.start();
    github.webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
    github.webhookDown = false;
    return github.webhookUrl;
  };
  const stopServing = async () => {
    // GitHub goes on trying the App's URL while it is down, and records each attempt as failed.
    github.webhookDown = true;
    await server?.stop();
    server = undefined;
  };
  let seen = repoDeliveries(github).length;
  const newDeliveries = async () => {
    await github.settled();
    const all = repoDeliveries(github);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  return {
    github,
    sent,
    clock,
    app,
    serve,
    stopServing,
    async as(login, method, path, body) {
      const answer = await call(github, method, path, { token: github.userToken(login), ...(body === undefined ? {} : { body }) });
      if (answer.status >= 400) throw new Error(`${method} ${path} as ${login}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    newDeliveries,
    async deliver() {
      const fresh = await newDeliveries();
      for (const d of fresh) {
        if (d.event !== "push" || options.pushes === true) await app(0).receive({ id: d.id, name: d.event as never, payload: d.payload as never });
      }
      return fresh;
    },
    async ledger() {
      const git = github.git(REPO);
      const tip = await git.resolveRef("refs/heads/gastown/ledger");
      if (tip === undefined) return undefined;
      const file = await git.fileAt(tip, LEDGER_PATH);
      return loadLedger(file?.content.toString("utf8") ?? "", { file: LEDGER_PATH });
    },
    issue(number) {
      const found = github.state.repos[REPO]?.issues.find((i) => i.number === number);
      if (!found) throw new Error(`no issue ${number}`);
      return found;
    },
    async close() {
      await server?.stop();
      await github.close();
      // Every request the App made is in the permission table, so app.yml asks for what it needs.
      for (const { method, url } of sent) {
        const operation = findOperation(method, url.replace(/\?.*$/, ""))?.operationId ?? `${method} ${url}`;
        // What the App does with its JWT is in no installation's permissions.
        if (!APP_JWT_OPERATIONS.has(operation)) permissionFor(operation);
      }
      // Every picture the App drew, in an issue, a pull request or a comment, parses as Mermaid.
      if (diagrams === undefined) return;
      for (const repo of Object.values(github.state.repos)) {
        for (const issue of repo?.issues ?? []) {
          for (const text of [issue.body ?? "", ...issue.comments.map((comment) => comment.body)]) await diagrams.parseDiagrams(text);
        }
      }
    },
  };
}

