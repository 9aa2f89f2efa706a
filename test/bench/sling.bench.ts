// `npm run bench`, after the ledger's: what one sling costs in GitHub requests and bytes, as the
// emulator counts them, set against the least this design needs (README, "Requests per sling").
// Each case starts a fresh town and a fresh App instance, so its installation token is asked
// for and counted, as it is after a restart, on another replica, or once the token expires; the
// counters are reset just before the person's label is handed to the App, so each figure is one
// sling. Bytes are the bodies only, request and response (no headers, no HTTP framing).
import { LEDGER_CONFIG_PATH, LEDGER_PATH } from "../../app/github/ledger-store.js";
import { renderLedgerConfig } from "../../app/ledger/ledger-config.js";
import { REPO, startTown, type Town } from "../app/app-harness.js";
import type { Counters } from "../emulator/faults/counters.js";
import { ZERO_SHA } from "../emulator/git/bare-repo.js";
import { byOperation, DUPLICATE_SLING, FIRST_SLING, offMinimum, SLING, TOKEN, totalOf, type Needed } from "./request-minimums.js";
import { QUICK } from "./bench-scale.js";
import { syntheticBeads } from "./synthetic-ledger.js";

const LEDGER_REF = "refs/heads/gastown/ledger";
const TARGET_RATIO = 1.5;
/** A long-running App asks `GET /app` for its login once a process; no sling pays for it. */
const BOT_LOGIN = "gastown[bot]";

/** Each case starts a fresh App, so each asks for its installation token. */
const TYPICAL: readonly Needed[] = [TOKEN, ...SLING];
const FIRST: readonly Needed[] = [TOKEN, ...FIRST_SLING];
const DUPLICATE: readonly Needed[] = [TOKEN, ...DUPLICATE_SLING];

interface Ledgers {
  /** The ledger file the sling read, in bytes; undefined when there was no branch. */
  readonly read: number | undefined;
  /** The files each of its commits uploaded, in bytes. */
  readonly written: readonly number[];
}

function report(name: string, beads: number, { counters, error }: Counted, needed: readonly Needed[], ledgers: Ledgers): void {
  // A sling that failed is a finding, not a figure: the line says how, and the bench fails.
  if (error !== undefined) process.exitCode = 1;
  const minimum = byOperation(needed);
  const minimumRequests = totalOf(needed);
  const operations = Object.entries(counters).sort(([a], [b]) => a.localeCompare(b));
  const requests = operations.reduce((sum, [, c]) => sum + c.requests, 0);
  const requestBytes = operations.reduce((sum, [, c]) => sum + c.requestBytes, 0);
  const responseBytes = operations.reduce((sum, [, c]) => sum + c.responseBytes, 0);
  // The least a sling can move: the ledger it read, once, down; each commit's files, up.
  const minimumBytes = (ledgers.read ?? 0) + ledgers.written.reduce((sum, n) => sum + n, 0);
  const beyond = offMinimum(Object.fromEntries(operations.map(([id, c]) => [id, c.requests])), minimum);
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  // What a failed sling sent is shown, but it is not set against a whole sling's minimum.
  const done = error === undefined;
  console.log(JSON.stringify({
    case: name,
    ...(done ? {} : { error }),
    beads,
    ledger_bytes: ledgers.read ?? null,
    requests,
    minimum_requests: minimumRequests,
    ratio: done ? ratio(requests, minimumRequests) : null,
    target: `<= ${TARGET_RATIO}x minimum`,
    result: done && requests / minimumRequests <= TARGET_RATIO ? "pass" : "fail",
    ...(done ? { beyond_minimum: beyond } : {}),
    request_bytes: requestBytes,
    response_bytes: responseBytes,
    bytes: requestBytes + responseBytes,
    minimum_bytes: done ? minimumBytes : null,
    bytes_ratio: done && minimumBytes > 0 ? ratio(requestBytes + responseBytes, minimumBytes) : null,
    by_operation: Object.fromEntries(operations.map(([id, c]) => [id, {
      requests: c.requests, minimum: minimum[id] ?? 0, request_bytes: c.requestBytes, response_bytes: c.responseBytes,
    }])),
  }));
}

/** The ledger branch as a town that has been at it a while: `count` beads, none hooked. */
async function writeLedgerBranch(town: Town, count: number): Promise<void> {
  // The generator's beads include hooked ones; a real town has at most limits.max_polecats
  // hooked, and at the cap the sling would wait instead of dispatching.
  const beads = syntheticBeads(count).map((bead) => (bead.status === "hooked" ? { ...bead, status: "open" } : bead));
  const text = beads.map((bead) => JSON.stringify(bead) + "\n").join("");
  const git = town.github.git(REPO);
  const files = { [LEDGER_PATH]: text, [LEDGER_CONFIG_PATH]: renderLedgerConfig("gt") };
  const changes = await Promise.all(Object.entries(files).map(async ([path, content]) => (
    { path, mode: "100644", type: "blob" as const, sha: await git.writeBlob(Buffer.from(content)) }
  )));
  const tree = await git.writeTree(undefined, changes);
  const person = { name: "mayor", email: "mayor@users.noreply.localhost", date: "2026-11-24T00:00:00Z" };
  const commit = await git.writeCommit({ tree, parents: [], message: `A ledger of ${count} beads\n`, author: person, committer: person });
  if (!(await git.compareAndSwapRef(LEDGER_REF, commit, ZERO_SHA))) throw new Error("the ledger branch was there already");
}

/** The files the last `commits` commits on the ledger branch uploaded, oldest first, in bytes. */
async function uploaded(town: Town, commits: number): Promise<number[]> {
  const git = town.github.git(REPO);
  const sizes: number[] = [];
  let sha = await git.resolveRef(LEDGER_REF);
  for (let i = 0; i < commits && sha !== undefined; i++) {
    const commit = await git.readCommit(sha);
    const ledger = (await git.fileAt(sha, LEDGER_PATH))?.content.length ?? 0;
    // The first commit of the branch carries the ledger's config too.
    const config = commit.parents.length === 0 ? ((await git.fileAt(sha, LEDGER_CONFIG_PATH))?.content.length ?? 0) : 0;
    sizes.unshift(ledger + config);
    sha = commit.parents[0];
  }
  return sizes;
}

async function ledgerSize(town: Town): Promise<number | undefined> {
  const git = town.github.git(REPO);
  const tip = await git.resolveRef(LEDGER_REF);
  return tip === undefined ? undefined : (await git.fileAt(tip, LEDGER_PATH))?.content.length;
}

/** A town with one issue, labelled gt:sling by mayor; the App has seen nothing yet. */
async function labelledTown(beads: number | undefined): Promise<{ town: Town; label: LabelEvent }> {
  const town = await startTown({ deps: { botLogin: BOT_LOGIN } });
  if (beads !== undefined) await writeLedgerBranch(town, beads);
  await town.as("ann", "POST", "/repos/octo/town/issues", { title: "Fix the pumps", body: "They leak." });
  await town.newDeliveries();
  await town.as("mayor", "POST", "/repos/octo/town/issues/1/labels", { labels: ["gt:sling"] });
  return { town, label: await labelEvent(town) };
}

type LabelEvent = { readonly id: string; readonly name: never; readonly payload: never };

/** The person's one delivery, as Probot receives it (a redelivery keeps its id and payload). */
async function labelEvent(town: Town): Promise<LabelEvent> {
  const mine = (await town.newDeliveries()).filter((d) => (d.payload as { sender?: { login?: string } }).sender?.login === "mayor");
  const [delivery] = mine;
  if (mine.length !== 1 || delivery === undefined) throw new Error(`${mine.length} deliveries from mayor`);
  return { id: delivery.id, name: delivery.event as never, payload: delivery.payload as never };
}

/** What one sling sent, and how it failed if it did. */
interface Counted {
  readonly counters: Counters;
  readonly error?: string;
}

/** Hands the label to App instance `instance` (fresh unless it has run before) and counts what it sent. */
async function countedSling(town: Town, label: LabelEvent, instance = 0): Promise<Counted> {
  await town.github.settled();
  town.github.resetCounters();
  let error: string | undefined;
  try {
    await town.app(instance).receive(label);
  } catch (thrown) {
    // Probot gathers the handlers' errors in an AggregateError; the first is the App's.
    const cause = thrown instanceof AggregateError ? (thrown.errors[0] as unknown) : thrown;
    error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  }
  await town.github.settled();
  return { counters: town.github.counters, ...(error === undefined ? {} : { error }) };
}

async function finish(town: Town): Promise<void> {
  await town.close();
  if (town.github.problems.length > 0) throw new Error(`the emulator reported problems:\n${town.github.problems.join("\n")}`);
}

// (a) The first sling in a repository: no ledger branch yet.
{
  const { town, label } = await labelledTown(undefined);
  const counted = await countedSling(town, label);
  report("first sling (no ledger branch)", 0, counted, FIRST, { read: undefined, written: await uploaded(town, 1) });
  await finish(town);
}

// (b) A sling when the ledger branch holds N beads.
for (const beads of QUICK ? [0, 1_000] : [0, 1_000, 10_000]) {
  const { town, label } = await labelledTown(beads);
  const read = await ledgerSize(town);
  const counted = await countedSling(town, label);
  const written = counted.error === undefined ? await uploaded(town, 1) : [];
  report(`sling, ledger of ${beads.toLocaleString("en")} beads`, beads, counted, TYPICAL, { read, written });
  await finish(town);
}

// (c) The same label delivered again, to another App instance (as a redelivery may reach
// another replica): what the second costs.
{
  const beads = 1_000;
  const { town, label } = await labelledTown(beads);
  await town.app(0).receive(label);
  const read = await ledgerSize(town);
  const counted = await countedSling(town, label, 1);
  report(`duplicated delivery, ledger of ${beads.toLocaleString("en")} beads`, beads, counted, DUPLICATE, { read, written: [] });
  await finish(town);
}
