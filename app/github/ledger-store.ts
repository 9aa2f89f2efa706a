// The ledger on its branch (DESIGN §7), read and written through the Git Data API with
// compare-and-swap (invariant 3): read the ref, apply a pure mutation, write the tree (the
// ledger inline) and the commit on that parent, and move the ref without force. A lost race
// re-reads and applies the mutation again after a jittered wait; nothing is ever forced, so no
// writer's update is lost.
import { randomUUID } from "node:crypto";
import { Ledger } from "../ledger/ledger.js";
import { EMPTY_LEDGER_CONFIG, parseLedgerConfig, renderLedgerConfig, type LedgerConfig } from "../ledger/ledger-config.js";
import { LedgerReadError, loadLedger, readLedger } from "../ledger/read-ledger.js";
import { serializeLedger } from "../ledger/write-ledger.js";
import { changedBeadIds, formatChangedBeads } from "../mirror/changed-beads-trailer.js";
import { statusOf, unlessAbsent, type GitHubClient } from "./github-client.js";
import type { LedgerLanes } from "./ledger-lanes.js";

export const LEDGER_PATH = ".beads/issues.jsonl";
export const LEDGER_CONFIG_PATH = ".beads/config.yaml";
/** The fields whose values `.beads/config.yaml` may add to Beads' own: custom statuses and types. */
const CONFIGURABLE_FIELDS: ReadonlySet<string> = new Set(["status", "issue_type"]);
/** GitHub refuses blobs over 100 MB; warn well before, refuse with room to spare. */
export const SIZE_WARNING_BYTES = 25_000_000;
export const SIZE_LIMIT_BYTES = 90_000_000;

export interface LedgerStoreOptions {
  readonly owner: string;
  readonly repo: string;
  /** `gastown/ledger` unless configured. */
  readonly branch: string;
  /** The id prefix written into `.beads/config.yaml` when the branch is made. */
  readonly prefix: string;
  readonly maxAttempts?: number;
  /** Waits between attempts; tests pass one that does not really wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Told when the ledger passes the warning size. */
  readonly warn?: (message: string) => void;
  /** A fresh id for each write's commit (see tryWrite); random UUIDs unless given. */
  readonly writeId?: () => string;
  /** This process's writes to the branch, one after another (ledger-lanes.ts); none: each races. */
  readonly lanes?: LedgerLanes;
  /** The sizes that warn and refuse; SIZE_WARNING_BYTES and SIZE_LIMIT_BYTES unless given. */
  readonly sizes?: { readonly warning: number; readonly limit: number };
  /**
   * Shares a read of the branch with other readers of the same event while it is in flight
   * (handlers/event-config.ts), under `key`; none: each read is its own.
   */
  readonly sharedRead?: (key: string, read: () => Promise<LedgerState>) => Promise<LedgerState>;
}

export interface LedgerState {
  readonly ledger: Ledger;
  /** The branch's commit; undefined when the branch does not exist yet. */
  readonly commit: string | undefined;
  readonly tree: string | undefined;
}

export interface Written {
  readonly state: LedgerState;
  /** False when the mutation changed nothing, so nothing was written. */
  readonly changed: boolean;
  readonly attempts: number;
}

export interface UpdateOptions {
  /**
   * The state to apply the mutation to first, when the caller has just read or written it: saves
   * reading it again. If the branch has moved since, the write loses the race and the next
   * attempt reads afresh, so a stale state costs a retry, never an update.
   */
  readonly from?: LedgerState;
  /**
   * Other files of the branch the same commit writes (a digest appended, say), made from the
   * state the mutation was applied to: on a lost race they are made again from the new state.
   */
  readonly files?: (state: LedgerState, next: Ledger) => Promise<readonly LedgerFile[]>;
}

/** A file of the ledger branch, whole. */
export interface LedgerFile {
  readonly path: string;
  readonly content: string;
}

export class LedgerStoreError extends Error {
  override name = "LedgerStoreError";
}

export class LedgerStore {
  constructor(private readonly github: GitHubClient, private readonly options: LedgerStoreOptions) {}

  private get repoParams() {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  /**
   * The ledger on the branch now. With `known`, a state this store read or wrote before, the
   * branch's ref alone is asked for when it has not moved since: one request rather than four.
   */
  async read(known?: LedgerState): Promise<LedgerState> {
    const { sharedRead } = this.options;
    if (known !== undefined || sharedRead === undefined) return await this.readNow(known);
    return await sharedRead(`${this.options.owner}/${this.options.repo}:${this.options.branch}`, () => this.readNow());
  }

  private async readNow(known?: LedgerState): Promise<LedgerState> {
    const commit = await this.branchCommit();
    if (known !== undefined && commit !== undefined && commit === known.commit) return known;
    if (commit === undefined) return { ledger: Ledger.empty(), commit: undefined, tree: undefined };
    const { data } = await this.github.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...this.repoParams, commit_sha: commit });
    const tree = (data as { tree: { sha: string } }).tree.sha;
    const listing = await this.github.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...this.repoParams, tree_sha: tree, recursive: "1" });
    const entries = (listing.data as { tree: { path: string; sha: string }[] }).tree;
    const entry = entries.find((e) => e.path === LEDGER_PATH);
    if (!entry) return { ledger: Ledger.empty(), commit, tree };
    const config = entries.find((e) => e.path === LEDGER_CONFIG_PATH);
    // The raw media type: the bytes, not JSON. A ledger is one long JSON string in a blob's
    // JSON answer, and Octokit's JSON parsing on Node 20 overflows its stack on strings of a few
    // megabytes; raw also saves base64's third.
    const blob = await this.github.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", {
      ...this.repoParams, file_sha: entry.sha, headers: { accept: "application/vnd.github.raw+json" },
    });
    const text = rawText(blob.data);
    const ledger = await this.load(text, `${this.options.branch}:${LEDGER_PATH}`, async () => config === undefined ? undefined : rawText((await this.github.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", {
      ...this.repoParams, file_sha: config.sha, headers: { accept: "application/vnd.github.raw+json" },
    })).data));
    return { ledger, commit, tree };
  }

  /**
   * Applies `mutate` to the ledger as it is on the branch and commits the result; on a lost
   * race, reads again and applies it again. `mutate` must be pure: it may run more than once.
   * `message` may be a function, called after `mutate`, to describe what it did.
   */
  async update(message: string | (() => string), mutate: (ledger: Ledger) => Ledger, options: UpdateOptions = {}): Promise<Written> {
    const lanes = this.options.lanes;
    if (!lanes) return this.write(message, mutate, options);
    const key = `${this.options.owner}/${this.options.repo}:${this.options.branch}`;
    // In a lane, the state the write before left is newer than any this caller read before queueing.
    return lanes.run(key, (last) => this.write(message, mutate, last ? { ...options, from: last } : options));
  }

  /**
   * The ledger on the branch now, in one request (the raw contents of the file serve it up to
   * 100 MB), without the commit a write needs: for a look that usually writes nothing, such as
   * a patrol pass. One that does write reads again through `update`.
   */
  async peek(): Promise<Ledger> {
    const text = await this.branchFile(LEDGER_PATH);
    return text === undefined ? Ledger.empty() : await this.load(text, `${this.options.branch}:${LEDGER_PATH}`, () => this.branchFile(LEDGER_CONFIG_PATH));
  }

  /**
   * `.beads/config.yaml` as it is on the branch now, in one request: the custom statuses and
   * types the ledger allows. The empty config when the branch has none.
   */
  async readConfig(): Promise<LedgerConfig> {
    const text = await this.branchFile(LEDGER_CONFIG_PATH);
    return text === undefined ? EMPTY_LEDGER_CONFIG : parseLedgerConfig(text, `${this.options.branch}:${LEDGER_CONFIG_PATH}`);
  }

  /** A file of the branch as it is now (its raw contents), or undefined when there is none. */
  private async branchFile(path: string): Promise<string | undefined> {
    const answer = await unlessAbsent(() => this.github.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...this.repoParams, path, ref: `refs/heads/${this.options.branch}`, headers: { accept: "application/vnd.github.raw+json" },
    }), undefined);
    return answer === undefined ? undefined : rawText(answer.data);
  }

  /**
   * The ledger as it was at `commit` (any commit of the branch, in one request): what a push
   * changed is read from the ledgers at its `before` and `after`.
   */
  async readAt(commit: string): Promise<Ledger> {
    const at: LedgerState = { ledger: Ledger.empty(), commit, tree: undefined };
    const text = await this.readFile(at, LEDGER_PATH);
    return text === undefined ? Ledger.empty() : await this.load(text, `${commit.slice(0, 12)}:${LEDGER_PATH}`, () => this.readFile(at, LEDGER_CONFIG_PATH));
  }

  /**
   * The ledger in `text`. Its beads may use the statuses and types `.beads/config.yaml` adds to
   * Beads' own, which only the config says are allowed: a ledger that does not read without it is
   * read again with it (`config`, one more request), so the many that use none cost nothing more,
   * and so does a ledger broken in a way no config allows.
   */
  private async load(text: string, file: string, config: () => Promise<string | undefined>): Promise<Ledger> {
    const plain = readLedger(text, { file });
    if (plain.ok) return plain.ledger;
    const configMayAllow = plain.problems.every((problem) => problem.severity !== "error" || CONFIGURABLE_FIELDS.has(problem.field));
    if (!configMayAllow) throw new LedgerReadError(plain.problems);
    const configText = await config();
    if (configText === undefined) throw new LedgerReadError(plain.problems);
    return loadLedger(text, { file, config: parseLedgerConfig(configText, file.replace(LEDGER_PATH, LEDGER_CONFIG_PATH)) });
  }

  /** A file of the branch as it is at `state`'s commit, or undefined when there is none. */
  async readFile(state: LedgerState, path: string): Promise<string | undefined> {
    if (state.commit === undefined) return undefined;
    const answer = await unlessAbsent(() => this.github.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...this.repoParams, path, ref: state.commit, headers: { accept: "application/vnd.github.raw+json" },
    }), undefined);
    return answer === undefined ? undefined : rawText(answer.data);
  }

  private async write(message: string | (() => string), mutate: (ledger: Ledger) => Ledger, options: UpdateOptions): Promise<Written> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      // After a lost race the branch is read afresh, never shared with a read that began before it.
      const state = attempt === 1 ? options.from ?? await this.read() : await this.readNow();
      const next = mutate(state.ledger);
      if (next === state.ledger) return { state, changed: false, attempts: attempt };
      const files = options.files ? await options.files(state, next) : [];
      const written = await this.tryWrite(state, next, typeof message === "string" ? message : message(), files, changedBeadIds(state.ledger, next));
      if (written) return { state: written, changed: true, attempts: attempt };
      if (attempt >= maxAttempts) {
        throw new LedgerStoreError(`${this.options.branch}: gave up after ${attempt} attempts: other writers kept moving the branch`);
      }
      await this.backoff(attempt);
    }
  }

  /** The new state, or undefined when another writer moved the branch first. */
  private async tryWrite(state: LedgerState, next: Ledger, message: string, extra: readonly LedgerFile[], changed: readonly string[]): Promise<LedgerState | undefined> {
    const text = serializeLedger(next);
    this.checkSize(Buffer.byteLength(text));
    const files: LedgerFile[] = [{ path: LEDGER_PATH, content: text }, ...extra];
    // A new branch starts with the config that makes `bd import` accept Gas Town's types.
    if (state.commit === undefined) files.push({ path: LEDGER_CONFIG_PATH, content: renderLedgerConfig(this.options.prefix) });
    // The files go inline in the tree: GitHub makes their blobs, a request saved per file.
    const entries = files.map((file) => ({ path: file.path, mode: "100644", type: "blob", content: file.content }));
    const tree = await this.github.request("POST /repos/{owner}/{repo}/git/trees", {
      ...this.repoParams, tree: entries, ...(state.tree ? { base_tree: state.tree } : {}),
    });
    const treeSha = (tree.data as { sha: string }).sha;
    // Two writers applying the same mutation to the same parent at the same second would make
    // byte-identical commits, and moving a ref to the commit it already points at succeeds: both
    // would think they won, and both would dispatch. A trailer only this write has keeps each
    // writer's commit its own, so exactly one of them moves the ref. The beads it changed are named
    // too, so the mirror reads what changed from the commit instead of diffing two whole ledgers.
    const commit = await this.github.request("POST /repos/{owner}/{repo}/git/commits", {
      ...this.repoParams, message: `${message}\n\n${formatChangedBeads(changed)}\nGastown-Write: ${(this.options.writeId ?? randomUUID)()}\n`, tree: treeSha,
      parents: state.commit ? [state.commit] : [],
    });
    const commitSha = (commit.data as { sha: string }).sha;
    try {
      if (state.commit === undefined) {
        await this.github.request("POST /repos/{owner}/{repo}/git/refs", { ...this.repoParams, ref: `refs/heads/${this.options.branch}`, sha: commitSha });
      } else {
        await this.github.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...this.repoParams, ref: `heads/${this.options.branch}`, sha: commitSha, force: false });
      }
    } catch (error) {
      // 422: not a fast forward, or the branch was made meanwhile. Either way, someone else won.
      if (statusOf(error) === 422) return undefined;
      throw error;
    }
    return { ledger: next, commit: commitSha, tree: treeSha };
  }

  private async branchCommit(): Promise<string | undefined> {
    const answer = await unlessAbsent(
      () => this.github.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...this.repoParams, ref: `heads/${this.options.branch}` }), undefined,
    );
    return (answer?.data as { object: { sha: string } } | undefined)?.object.sha;
  }

  private checkSize(bytes: number): void {
    const { warning, limit } = this.options.sizes ?? { warning: SIZE_WARNING_BYTES, limit: SIZE_LIMIT_BYTES };
    const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${n} bytes`);
    if (bytes > limit) {
      throw new LedgerStoreError(
        `${LEDGER_PATH} would be ${mb(bytes)}, over the ${mb(limit)} limit (GitHub refuses files over 100 MB): ` +
          "nothing was written",
      );
    }
    if (bytes > warning) this.options.warn?.(`${LEDGER_PATH} is ${mb(bytes)}; it cannot grow past ${mb(limit)}`);
  }

  /** Jittered exponential backoff: 100 ms, 200 ms, … up to 5 s, each a random part of that. */
  private async backoff(attempt: number): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const random = this.options.random ?? Math.random;
    const cap = Math.min(5000, 100 * 2 ** (attempt - 1));
    await sleep(Math.round(cap / 2 + random() * (cap / 2)));
  }
}

/** A raw answer's text: Octokit gives a string for a text content type, else an ArrayBuffer. */
function rawText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  throw new LedgerStoreError(`${LEDGER_PATH}: GitHub answered the raw blob with ${typeof data}, not its bytes`);
}
