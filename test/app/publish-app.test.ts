// The publisher (DESIGN §7, "After a polecat exits", "Mail", "Branches and credentials"): a real
// polecat run ends in the emulator and rings its mail; the App, handed the mail, publishes what
// the run recorded on its bead and its work ref, and nothing twice when it looks again.
import { afterEach, describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { gastownMetadata, withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { AGENTS, startPolecatTown, type PolecatTown } from "../polecat/polecat-harness.js";
import { REPO } from "./app-harness.js";
import { commentsOn, deliverMail, editLedger, pullRequests, ringAs, workflowRuns } from "./publish-harness.js";

const CI = `name: CI
on:
  push:
    branches-ignore: ['gastown/**']
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{ run: "true" }]
`;
const CI_PATH = ".github/workflows/ci.yml";
const ZWSP = "\u200b";

let polecat: PolecatTown | undefined;
afterEach(async () => {
  await polecat?.close();
  expect(polecat?.town.github.problems ?? []).toEqual([]);
  polecat = undefined;
});

async function completed(): Promise<{ polecat: PolecatTown; bead: Bead; tip: string }> {
  const town = await startPolecatTown({ command: `${AGENTS}/diligent.sh`, files: { [CI_PATH]: CI } });
  polecat = town;
  await town.runPolecat();
  const bead = await town.bead();
  return { polecat: town, bead, tip: gastownMetadata(bead).work_tip as string };
}

/** What the App sent since `from`, as `METHOD path`. */
function sentSince(town: PolecatTown, from: number): string[] {
  return town.town.sent.slice(from).map((s) => `${s.method} ${s.url.replace(/\?.*$/, "").replace(/\b[0-9a-f]{40}\b/, "x")}`);
}

describe("publishing COMPLETED", () => {
  it("moves the PR branch to the work ref's tip with the App's token, opens the pull request and queues it", async () => {
    const { polecat: town, bead, tip } = await completed();
    const molecule = gastownMetadata(bead).molecule as string;
    const runId = gastownMetadata(bead).run_id as number;
    const from = town.town.sent.length;
    const mail = await deliverMail(town.town);

    expect(mail.map((d) => (d.payload as { client_payload: { type: string } }).client_payload.type)).toEqual(["MERGE_READY"]);
    const branch = `polecat/furiosa/${bead.id}`;
    expect(await town.town.github.git(REPO).resolveRef(`refs/heads/${branch}`)).toBe(tip);
    expect(pullRequests(town.town)).toEqual([{ number: 2, head: branch, base: "main", title: "Fix the pumps", state: "open", labels: ["gt:queue"] }]);
    expect(town.town.issue(2).body).toBe([
      `Polecat **furiosa** finished \`${bead.id}\` (attempt 1).`,
      "",
      "**Summary**",
      "",
      "```text",
      `Every step of ${molecule} is done (2).`,
      "```",
      "",
      "**Steps**",
      "",
      `- [x] Plan ${bead.id}`,
      "",
      "  ```text",
      "  Did plan: steps/plan.txt",
      "  ```",
      "",
      `- [x] Build ${bead.id}`,
      "",
      "  ```text",
      "  Did build: steps/build.txt",
      "  ```",
      "",
      "",
      "Closes #1",
      "",
      `Run: ${town.town.github.urls.web}/octo/town/actions/runs/${runId}`,
      `<!-- gastown:exit ${bead.id}@1 -->`,
      "",
    ].join("\n"));
    const after = await town.bead();
    expect(gastownMetadata(after)).toMatchObject({ pr: 2, published_attempt: 1, exit: "COMPLETED" });
    // The sling label stays while the pull request is open; the status follows the bead.
    expect([...town.town.issue(1).labels].sort()).toEqual(["gt:sling/two-steps", "status::in_progress"]);
    expect(sentSince(town, from)).toEqual([
      "GET /repos/octo/town/contents/.github%2Fgastown.yml",
      ...LEDGER_READ,
      `GET /repos/octo/town/git/ref/heads%2Fgastown%2Fwork%2Ffuriosa%2F${bead.id}`,
      `GET /repos/octo/town/git/ref/heads%2Fpolecat%2Ffuriosa%2F${bead.id}`,
      "POST /repos/octo/town/git/refs",
      "POST /repos/octo/town/pulls",
      "POST /repos/octo/town/issues/2/labels",
      "GET /repos/octo/town/issues/1",
      "GET /repos/octo/town/issues/1/comments",
      `PATCH /repos/octo/town/issues/comments/${town.town.issue(1).comments[0]?.id}`,
      "POST /repos/octo/town/issues/1/labels",
      "DELETE /repos/octo/town/issues/1/labels/status%3A%3Ahooked",
      ...LEDGER_WRITE,
    ]);
    // The team's CI ran on the published commit: the App's push of the branch, and the pull request.
    expect(workflowRuns(town.town, CI_PATH)).toEqual([
      { event: "push", branch, sha: tip, status: "queued", conclusion: null },
      { event: "pull_request", branch, sha: tip, status: "queued", conclusion: null },
    ]);
  });
});

const LEDGER_READ = [
  "GET /repos/octo/town/git/ref/heads%2Fgastown%2Fledger",
  "GET /repos/octo/town/git/commits/x",
  "GET /repos/octo/town/git/trees/x",
  "GET /repos/octo/town/git/blobs/x",
];
const LEDGER_WRITE = ["POST /repos/octo/town/git/trees", "POST /repos/octo/town/git/commits", "PATCH /repos/octo/town/git/refs/heads%2Fgastown%2Fledger"];
void withGastownMetadata;
void commentsOn;
void ringAs;
void editLedger;
void ZWSP;
