// `npm run bench`, the mirror's part: the GitHub requests one push to the ledger costs the
// ledger→GitHub mirror per changed bead, as the emulator counts them, set against the least the
// design needs (README, "The mirror"): opening a new bead's issue, sending one changed field
// group of a mirrored bead (its title; its priority, a label to put on and one to take off), a
// push whose beads are none of the mirror's. The bench fails when a case is off its minimum.
import { startMirrorTown, agentWrites, workBead } from "../app/mirror-harness.js";
import type { Town } from "../app/app-harness.js";
import { byOperation, commitWrites, CONFIG, LEDGER_READS, offMinimum, totalOf, type Needed } from "./request-minimums.js";

const LEDGER_AT: Needed = { operationId: "repos/get-content", count: 1, why: "the ledger as the push left it, its raw bytes, in one request" };
const OPEN: Needed = { operationId: "issues/create", count: 1, why: "the issue, with its labels and marker" };
const ISSUE: Needed = { operationId: "issues/get", count: 1, why: "the issue as it is, to merge against what was last synced" };
const EDIT: Needed = { operationId: "issues/update", count: 1, why: "the changed field group, in one edit" };
const ADD_LABELS: Needed = { operationId: "issues/add-labels", count: 1, why: "the labels the issue lacks, in one request (never the whole set, which would take off a gt: label put on meanwhile)" };
const REMOVE_LABEL: Needed = { operationId: "issues/remove-label", count: 1, why: "the label the bead no longer shows, taken off" };

const CASES: readonly { readonly name: string; readonly minimum: readonly Needed[]; readonly change: (town: Town) => Promise<void> }[] = [
  {
    name: "a new bead: its issue opened",
    minimum: [CONFIG, LEDGER_AT, ...LEDGER_READS, ...commitWrites("the intent"), OPEN, ...commitWrites("the issue recorded")],
    change: (town) => agentWrites(town, (ledger) => ledger.withBead(workBead("gt-n1", "Oil the pump"))),
  },
  {
    name: "a mirrored bead: one field group (its title) updated",
    minimum: [CONFIG, LEDGER_AT, ISSUE, EDIT, ...LEDGER_READS, ...commitWrites("what was synced")],
    change: (town) => agentWrites(town, (ledger) => ledger.update("gt-a1", (b) => ({ ...b, title: "Fix the east valve" })), "Polecat nux: retitled"),
  },
  {
    name: "a mirrored bead: its priority changed (one label on, one off)",
    minimum: [CONFIG, LEDGER_AT, ISSUE, ADD_LABELS, REMOVE_LABEL, ...LEDGER_READS, ...commitWrites("what was synced")],
    change: (town) => agentWrites(town, (ledger) => ledger.update("gt-a1", (b) => ({ ...b, priority: 0 })), "Polecat nux: made urgent"),
  },
  {
    name: "a bead the mirror does not take (a message)",
    minimum: [CONFIG, LEDGER_AT],
    change: (town) => agentWrites(town, (ledger) => ledger.withBead(workBead("gt-m1", "Mail", { issue_type: "message" })), "Mail to the witness"),
  },
];

const town = await startMirrorTown();
await agentWrites(town, (ledger) => ledger.withBead(workBead("gt-a1", "Fix the valve")));
await town.deliver();
await town.deliver();
for (const { name, minimum, change } of CASES) {
  await change(town);
  town.github.resetCounters();
  await town.deliver();
  const made: Record<string, number> = {};
  for (const [id, counted] of Object.entries(town.github.counters)) if (counted.requests > 0) made[id] = counted.requests;
  // The mirror's own commits that follow: nothing more.
  await town.deliver();
  const beyond = offMinimum(made, byOperation(minimum));
  const requests = Object.values(made).reduce((sum, n) => sum + n, 0);
  const pass = Object.keys(beyond).length === 0;
  if (!pass) process.exitCode = 1;
  console.log(JSON.stringify({
    case: `mirror, per changed bead: ${name}`, requests, minimum_requests: totalOf(minimum), target: "the minimum, no more",
    beyond_minimum: beyond, result: pass ? "pass" : "fail",
  }));
}
await town.close();
