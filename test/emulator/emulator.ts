// The emulator: a GitHub that keeps state, on 127.0.0.1, for end-to-end tests. It owns the
// effects — the HTTP server, the bare repositories, webhook deliveries, the clock and
// randomness — and keeps every decision in the pure transitions under ./state and ./actions.
//
//   const github = await startEmulator({ webhookUrl });
//   const repo = await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "hi\n" } });
//   const installationId = github.install({ account: "octo" });
//   … the code under test talks to github.urls.api, git to github.gitUrl(repo, token) …
//   await github.settled();                       // every webhook sent, every run started
//   expect(github.problems).toEqual([]);          // nothing unimplemented, no contract breach
//   await github.close();
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerDefaultBranchWorkflows, startTriggeredRuns, WORKFLOWS_PATH } from "./actions/engine.js";
import { bucketOf, charge, refund, DEFAULT_RATE_LIMITS, type RateBuckets, type RateLimits } from "./auth/rate-limit.js";
import type { Principal } from "./auth/principal.js";
import { countRequest, type Counters } from "./faults/counters.js";
import { addFault, deliveryFaultFor, lostRaceFor, requestFaultFor, takeFault, type Fault, type FaultPlan } from "./faults/plan.js";
import { BareRepo, ZERO_SHA } from "./git/bare-repo.js";
import { serveApi, type ApiHost } from "./http/api.js";
import { serveGit } from "./http/git-route.js";
import type { Core } from "./http/handler.js";
import { ALL_HANDLERS } from "./handlers/all.js";
import { serveInternal } from "./http/internal-route.js";
import type { Actor, DomainEvent } from "./state/events.js";
import { setBranchRules } from "./state/branch-rules.js";
import type { AccountType, AppPermissions, BranchRule, EmulatorState, Role, RunConclusion, WorkflowState } from "./state/model.js";
import type { Result } from "./state/result.js";
import { completeJob, startJob } from "./state/runs.js";
import { addAccount, addRepo, changeInstallationRepositories, initialState, install, setCollaborator, type InstallSetup, type RepoSetup } from "./state/setup.js";
import { addUserToken, mintInstallationToken } from "./state/tokens.js";
import { setWorkflowState } from "./state/workflow-states.js";
import type { ViewContext } from "./views/context.js";
import type { Urls } from "./views/urls.js";
import { followPulls } from "./git/follow-pulls.js";
import { pushEvent } from "./git/push-event.js";
import { DeliveryQueue, type Delivery } from "./webhooks/deliveries.js";
import type { DeliveryAttempt } from "./webhooks/delivery-attempts.js";
import { renderInstallationWebhook, renderWebhook, type RenderedWebhook } from "./webhooks/payloads.js";
import { validateWebhookPayload } from "../fidelity/webhook-payloads.js";

export type { BranchRule } from "./state/model.js";

export type EmulatorOptions = {
  app?: {
    id?: number;
    slug?: string;
    name?: string;
    owner?: string;
    permissions?: AppPermissions;
    events?: string[];
    webhookSecret?: string;
    /** PEM; one is generated when omitted (see `emulator.app.privateKey`). */
    privateKey?: string;
  };
  /** Where webhooks go; may be set later through `emulator.webhookUrl`. */
  webhookUrl?: string;
  /** The emulator's clock; timestamps in answers and payloads come from it. */
  clock?: () => Date;
  /** How injected latency waits; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Random hex for tokens; delivery ids come from `deliveryId`. */
  random?: () => string;
  deliveryId?: () => string;
  rateLimits?: Partial<RateLimits>;
};

/** What the App may do by default: everything the product needs, and no `workflows`. */
export const DEFAULT_APP_PERMISSIONS: AppPermissions = {
  actions: "write",
  checks: "write",
  contents: "write",
  issues: "write",
  metadata: "read",
  pull_requests: "write",
};

/** An HTTP request as it reached the emulator, before it was served. */
export type Arrival = { readonly method: string; readonly url: string; readonly body: Buffer };

export const DEFAULT_APP_EVENTS = [
  "check_run",
  "check_suite",
  "create",
  "delete",
  "issue_comment",
  "issues",
  "label",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "push",
  "repository_dispatch",
  "status",
  "workflow_job",
  "workflow_run",
];

export type AddRepoOptions = RepoSetup & {
  /** Files for a first commit on the default branch; without them the repository is empty. */
  files?: Readonly<Record<string, string>>;
};

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class Emulator implements Core {
  /** Contract breaches, unimplemented endpoints, undeliverable or invalid webhooks. */
  readonly problems: string[] = [];
  /** Where webhooks are sent; undefined keeps them recorded only. */
  webhookUrl: string | undefined;
  /** The App behind `webhookUrl` is down (killed, restarting): each delivery is attempted and fails to connect, as GitHub records it. */
  webhookDown = false;
  readonly app: { id: number; slug: string; privateKey: string; webhookSecret: string };

  private current: EmulatorState;
  private faults: FaultPlan = [];
  private counted: Counters = {};
  private buckets: RateBuckets = {};
  private effects: Promise<void> = Promise.resolve();
  private readonly repos = new Map<string, BareRepo>();
  private readonly arrivalListeners = new Set<(arrival: Arrival) => void>();
  private readonly queue: DeliveryQueue;
  private readonly rateLimits: RateLimits;
  private urlsValue: Urls = { api: "", web: "" };

  private constructor(
    private readonly root: string,
    private readonly server: Server,
    private readonly options: EmulatorOptions,
    privateKey: string,
    publicKeyPem: string,
  ) {
    const app = options.app ?? {};
    const webhookSecret = app.webhookSecret ?? "emulator-webhook-secret";
    this.app = { id: app.id ?? 4242, slug: app.slug ?? "gastown", privateKey, webhookSecret };
    this.current = initialState(
      {
        id: this.app.id,
        slug: this.app.slug,
        name: app.name ?? "Gas Town",
        owner: app.owner ?? "gastown-dev",
        clientId: `Iv1.${this.app.id.toString(16).padStart(16, "0")}`,
        publicKeyPem,
        webhookSecret,
        permissions: app.permissions ?? DEFAULT_APP_PERMISSIONS,
        events: app.events ?? DEFAULT_APP_EVENTS,
      },
      this.timestamp(),
    );
    this.webhookUrl = options.webhookUrl;
    this.rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.queue = new DeliveryQueue({
      secret: webhookSecret,
      appId: this.app.id,
      hookId: 1,
      url: () => this.webhookUrl,
      down: () => this.webhookDown,
      clock: () => this.now(),
      takeFault: (event) => this.take(deliveryFaultFor(event)),
      report: (problem) => this.problems.push(problem),
    });
  }

  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const keys = options.app?.privateKey === undefined ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : undefined;
    const privateKey = options.app?.privateKey ?? keys?.privateKey.export({ type: "pkcs8", format: "pem" }).toString() ?? "";
    const publicKeyPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
    const root = await mkdtemp(join(tmpdir(), "github-emulator-"));
    const server = createServer();
    const emulator = new Emulator(root, server, options, privateKey, publicKeyPem);
    server.on("request", (request, response) => void emulator.serve(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the emulator's server has no port");
    const origin = `http://127.0.0.1:${address.port}`;
    emulator.urlsValue = { api: origin, web: origin };
    return emulator;
  }

  get urls(): Urls {
    return this.urlsValue;
  }

  get state(): EmulatorState {
    return this.current;
  }

  /** Every webhook the emulator made, in order, whatever became of it. */
  get deliveries(): readonly Delivery[] {
    return this.queue.deliveries;
  }

  /**
   * GitHub's record of every attempt at the webhook URL, oldest first, as the App lists it
   * (`GET /app/hook/deliveries`): a dropped delivery is a failed attempt, a duplicate two.
   */
  get deliveryAttempts(): readonly DeliveryAttempt[] {
    return this.queue.attempts;
  }

  /** Sends a delivery again, as `POST /app/hook/deliveries/{id}/attempts` asks; false for an unknown attempt. */
  redeliver(attemptId: number): boolean {
    return this.queue.redeliver(attemptId);
  }

  // -------------------------------------------------------------------------------------------
  // Furnishing: the test's own moves, no webhooks.

  addUser(login: string, type: AccountType = "User"): void {
    this.current = addAccount(this.current, login, type);
  }

  async addRepo(options: AddRepoOptions): Promise<string> {
    this.current = addRepo(this.current, options, this.timestamp());
    const fullName = `${options.owner}/${options.name}`;
    const dir = join(this.root, options.owner, `${options.name}.git`);
    await mkdir(join(this.root, options.owner), { recursive: true });
    const repo = await BareRepo.create(dir, this.current.repos[fullName]?.defaultBranch ?? "main");
    this.repos.set(fullName, repo);
    if (options.files !== undefined) {
      const changes = await Promise.all(
        Object.entries(options.files).map(async ([path, content]) => ({ path, mode: "100644", type: "blob" as const, sha: await repo.writeBlob(Buffer.from(content)) })),
      );
      const tree = await repo.writeTree(undefined, changes);
      const person = { name: options.owner, email: `${options.owner}@users.noreply.localhost`, date: this.timestamp() };
      const commit = await repo.writeCommit({ tree, parents: [], message: "Initial commit\n", author: person, committer: person });
      await repo.compareAndSwapRef(`refs/heads/${this.current.repos[fullName]?.defaultBranch ?? "main"}`, commit, ZERO_SHA);
    }
    return fullName;
  }

  setCollaborator(repo: string, login: string, role: Role | null): void {
    this.current = setCollaborator(this.current, repo, login, role);
  }

  /**
   * Puts rules on `branch`, as a repository ruleset would, replacing any it had (an empty list
   * removes them), in GitHub's REST shapes:
   * `{ type: "pull_request", parameters: { required_approving_review_count: 1 } }`,
   * `{ type: "required_status_checks", parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: "ci" }] } }`,
   * `{ type: "required_linear_history" }`, `{ type: "non_fast_forward" }`. `bypass` lists App
   * slugs and user logins the rules do not hold. See state/branch-rules.ts for what they refuse.
   * https://docs.github.com/en/rest/repos/rules
   */
  setBranchRules(repo: string, branch: string, rules: readonly BranchRule[], options: { bypass?: readonly string[] } = {}): void {
    this.current = setBranchRules(this.current, repo, branch, rules, options.bypass ?? []);
  }

  /**
   * Installs the App and sends `installation` created; returns the installation id. `by` is
   * who installed it (the webhook's sender), the account itself unless given.
   * https://docs.github.com/en/webhooks/webhook-events-and-payloads#installation
   */
  install(setup: InstallSetup & { by?: string }): number {
    const { state, installation } = install(this.current, setup, this.timestamp());
    this.current = state;
    this.send(renderInstallationWebhook(this.view(), { event: "installation", action: "created", installationId: installation.id, sender: setup.by ?? setup.account }));
    return installation.id;
  }

  /**
   * Adds repositories (names without owner) to a "selected" installation, or removes them,
   * and sends `installation_repositories` added or removed.
   * https://docs.github.com/en/webhooks/webhook-events-and-payloads#installation_repositories
   */
  changeInstallationRepositories(installationId: number, change: { add?: string[]; remove?: string[]; by?: string }): void {
    const result = changeInstallationRepositories(this.current, installationId, change.add ?? [], change.remove ?? [], this.timestamp());
    this.current = result.state;
    const installation = this.current.installations.find((i) => i.id === installationId);
    const sender = change.by ?? installation?.account ?? "";
    if (result.added.length > 0) {
      this.send(renderInstallationWebhook(this.view(), { event: "installation_repositories", action: "added", installationId, sender, added: result.added, removed: [] }));
    }
    if (result.removed.length > 0) {
      this.send(renderInstallationWebhook(this.view(), { event: "installation_repositories", action: "removed", installationId, sender, added: [], removed: result.removed }));
    }
  }

  /** An installation token minted directly, as if the App had asked for one. */
  installationToken(installationId: number, narrowing: { repositories?: string[]; permissions?: AppPermissions } = {}): string {
    const result = mintInstallationToken(this.current, {
      installationId,
      token: this.secret("ghs_"),
      expiresAt: isoSeconds(new Date(this.now().getTime() + 3_600_000)),
      ...narrowing,
    });
    if (!result.ok) throw new Error(`cannot mint a token for installation ${installationId}: ${result.message}`);
    this.current = result.state;
    return result.value.token;
  }

  /** A person's token (as a personal access token acts), for acting as `login`. */
  userToken(login: string): string {
    if (!this.current.accounts[login]) this.addUser(login);
    const token = this.secret("ghp_");
    this.current = addUserToken(this.current, login, token);
    return token;
  }

  /** The clone URL of a repository, with a token as git's password when given. */
  gitUrl(repo: string, token?: string): string {
    const url = new URL(`${this.urls.web}/${repo}.git`);
    if (token !== undefined) {
      url.username = "x-access-token";
      url.password = token;
    }
    return url.toString();
  }

  /** The bare repository behind `repo`, for tests that look at git directly. */
  git(repo: string): BareRepo {
    const bare = this.repos.get(repo);
    if (!bare) throw new Error(`no repository ${repo}`);
    return bare;
  }

  // -------------------------------------------------------------------------------------------
  // Faults and counting.

  inject(fault: Fault): void {
    this.faults = addFault(this.faults, fault);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests and bytes per operationId since the start (or the last reset). */
  get counters(): Counters {
    return this.counted;
  }

  resetCounters(): void {
    this.counted = {};
  }

  /**
   * Tells `listener` of each request the moment it has arrived whole, before it is served: when
   * the App's request reached GitHub, for a bench that times the App by it. Returns the way to stop.
   */
  onArrival(listener: (arrival: Arrival) => void): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  // -------------------------------------------------------------------------------------------
  // Actions: the test plays the runner.

  startJob(repo: string, runId: number, jobKey: string): void {
    this.applyOrThrow((state) => startJob(state, repo, runId, jobKey, this.timestamp()));
  }

  completeJob(repo: string, runId: number, jobKey: string, conclusion: RunConclusion, log = ""): void {
    this.applyOrThrow((state) => completeJob(state, repo, runId, jobKey, conclusion, log, this.timestamp()));
  }

  /**
   * Puts `.github/workflows/<file>` of the default branch in `state`, as a person on the Actions
   * page would, or GitHub itself (`disabled_inactivity`: a scheduled workflow in a public
   * repository after 60 days without activity).
   */
  async setWorkflowState(repo: string, file: string, state: WorkflowState): Promise<void> {
    await registerDefaultBranchWorkflows(this, repo);
    this.applyOrThrow((current) => setWorkflowState(current, repo, `${WORKFLOWS_PATH}/${file}`, state, this.timestamp()));
  }

  /** Resolves once every started effect is done: workflow runs made, webhooks sent. */
  async settled(): Promise<void> {
    for (;;) {
      const [effects, deliveries] = [this.effects, this.queue.settled()];
      await effects;
      await deliveries;
      if (effects === this.effects && deliveries === this.queue.settled()) return;
    }
  }

  async close(): Promise<void> {
    await this.settled();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const repo of this.repos.values()) repo.close();
    await rm(this.root, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------
  // The core the handlers and the Actions engine work through (see ./http/handler.ts).

  now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  timestamp(): string {
    return isoSeconds(this.now());
  }

  secret(prefix: string): string {
    return `${prefix}${this.options.random?.() ?? randomBytes(18).toString("hex")}`;
  }

  view(): ViewContext {
    return { state: this.current, urls: this.urls };
  }

  private take<F extends Fault>(matches: (fault: Fault) => fault is F): F | undefined {
    const taken = takeFault(this.faults, matches);
    this.faults = taken.plan;
    return taken.fault;
  }

  apply<T>(transition: (state: EmulatorState) => Result<T>): Result<T> {
    const result = transition(this.current);
    if (result.ok) {
      this.current = result.state;
      this.emit(result.events);
    }
    return result;
  }

  private applyOrThrow<T>(transition: (state: EmulatorState) => Result<T>): T {
    const result = this.apply(transition);
    if (!result.ok) throw new Error(`${result.status} ${result.message}`);
    return result.value;
  }

  /**
   * Sends each event's webhook (rendered now, from the state it left) to the App when the
   * installation subscribes to it, and queues the workflow runs it starts.
   */
  private emit(events: readonly DomainEvent[]): void {
    for (const event of events) {
      const installation = this.current.installations.find((i) => i.repositories.includes(event.repo));
      if (installation !== undefined && installation.events.includes(event.event)) this.send(renderWebhook(this.view(), event, installation));
      this.effects = this.effects.then(() => startTriggeredRuns(this, event)).catch((error: unknown) => {
        this.problems.push(`starting workflow runs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      });
    }
  }

  /** Validates a webhook against GitHub's schemas (a breach is a problem) and queues it. */
  private send(rendered: RenderedWebhook): void {
    try {
      validateWebhookPayload(rendered.event, rendered.action, rendered.payload);
    } catch (error) {
      this.problems.push(`webhook breaks the contract: ${(error as Error).message}`);
    }
    this.queue.enqueue(this.options.deliveryId?.() ?? randomUUID(), rendered.event, rendered.action, rendered.payload);
  }

  report(problem: string): void {
    this.problems.push(problem);
  }

  takeLostRace(ref: string): boolean {
    return this.take(lostRaceFor(ref)) !== undefined;
  }

  /** Moves a ref in git (compare-and-swap) and, when it moved, reports the push. */
  async moveRef(repo: string, ref: string, sha: string, expected: string, actor: Actor): Promise<boolean> {
    const bare = this.git(repo);
    if (!(await bare.compareAndSwapRef(ref, sha, expected))) return false;
    // A ref moved to the commit it already has: GitHub answers, and sends no event.
    if (sha !== expected) await this.pushed(repo, [{ ref, before: expected, after: sha }], actor);
    return true;
  }

  /**
   * Records pushes (from the API or from git) as `push` events, with `create` for a new branch
   * or tag and `delete` for a removed one.
   */
  async pushed(repo: string, updates: readonly { ref: string; before: string; after: string }[], actor: Actor): Promise<void> {
    const tagsCreated = updates.filter((u) => u.ref.startsWith("refs/tags/") && u.before === ZERO_SHA).length;
    for (const update of updates) {
      const event = await pushEvent(this.git(repo), repo, update, actor);
      const refEvents = refLifecycleEvents(repo, update, actor, tagsCreated);
      this.apply((state) => {
        const record = state.repos[repo];
        if (!record) return { ok: true, state, value: undefined, events: [] };
        const next = { ...state, repos: { ...state.repos, [repo]: { ...record, pushedAt: this.timestamp() } } };
        return { ok: true, state: next, value: undefined, events: [event, ...refEvents] };
      });
      await followPulls(this, repo, update, actor);
    }
  }

  // -------------------------------------------------------------------------------------------
  // HTTP.

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const body = await readBody(request);
      const url = request.url ?? "/";
      for (const listener of this.arrivalListeners) listener({ method: request.method ?? "GET", url, body });
      const headers = request.headers as Record<string, string | undefined>;
      const answer =
        (await serveGit(this.gitHost, { method: request.method ?? "GET", url, headers, body })) ??
        (await serveInternal(this.view(), (repo) => this.git(repo), url)) ??
        (await serveApi(this.apiHost, { method: request.method ?? "GET", url, headers, body }));
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    } catch (error) {
      this.problems.push(`the emulator failed on ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      response.writeHead(500, { "content-type": "text/plain" });
      response.end("emulator error\n");
    }
  }

  private get apiHost(): ApiHost {
    return {
      core: this,
      handlers: ALL_HANDLERS,
      report: (problem) => this.problems.push(problem),
      takeRequestFault: (operationId) => this.take(requestFaultFor(operationId)),
      sleep: (ms) => (this.options.sleep ?? ((wait: number) => new Promise((resolve) => setTimeout(resolve, wait))))(ms),
      chargeRateLimit: (principal: Principal) => {
        const bucket = bucketOf(principal, this.rateLimits);
        const charged = charge(this.buckets, bucket.key, bucket.limit, Math.floor(this.now().getTime() / 1000));
        this.buckets = charged.buckets;
        return { headers: charged.headers, exceeded: charged.exceeded, owner: bucket.owner };
      },
      refundRateLimit: (principal: Principal) => {
        this.buckets = refund(this.buckets, bucketOf(principal, this.rateLimits).key);
      },
      count: (operationId, requestBytes, responseBytes, status) => {
        this.counted = countRequest(this.counted, operationId, requestBytes, responseBytes, status);
      },
      requestId: () => randomUUID().toUpperCase().slice(0, 23),
    };
  }

  private get gitHost() {
    return {
      core: this,
      projectRoot: this.root,
      pushed: (repo: string, updates: readonly { ref: string; before: string; after: string }[], actor: Actor) => this.pushed(repo, updates, actor),
      report: (problem: string) => this.problems.push(problem),
    };
  }
}

// `create` is sent for a new branch or tag (not when more than three tags are pushed at once),
// `delete` for a removed one.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#create
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#delete
function refLifecycleEvents(repo: string, update: { ref: string; before: string; after: string }, actor: Actor, tagsCreated: number): DomainEvent[] {
  const refType = update.ref.startsWith("refs/heads/") ? "branch" : update.ref.startsWith("refs/tags/") ? "tag" : undefined;
  if (refType === undefined) return [];
  if (update.before === ZERO_SHA && update.after !== ZERO_SHA && !(refType === "tag" && tagsCreated > 3)) return [{ event: "create", repo, actor, ref: update.ref, refType }];
  if (update.after === ZERO_SHA && update.before !== ZERO_SHA) return [{ event: "delete", repo, actor, ref: update.ref, refType }];
  return [];
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return Emulator.start(options);
}
