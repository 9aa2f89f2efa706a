// `npm run bench`, the mirror's drift repair: what importing a repository's existing issues and
// then looking again costs, in GitHub requests as the emulator counts them (README, "The
// mirror"). Importing reads the issues in pages of 100 and starts the comment watermark; a look
// when nothing changed reads each page of issues and the comments since the watermark
// conditionally, and GitHub answers every one 304, which costs no rate limit, and writes nothing;
// a look after one person's edit reads one page whole and writes one commit, and one after a
// person's comment whose webhook was lost reads the comments whole and writes one commit.
import { realDependencies } from "../../app/handlers/app-dependencies.js";
import { repairDrift, type DriftReport } from "../../app/handlers/mirror-drift.js";
import { openTown, type Town } from "../../app/handlers/repository-town.js";
import { memoryPageCache } from "../../app/github/issue-pages.js";
import { restClient } from "../../app/github/rest-client.js";
import { call, FIXED_NOW, startFixedEmulator } from "../emulator/testing.js";
import type { Emulator } from "../emulator/emulator.js";

const ISSUES = 250;
const PAGES = Math.ceil((ISSUES + 1) / 100);

async function seededTown(): Promise<{ github: Emulator; town: Town & { botLogin: string } }> {
  const github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ".github/gastown.yml": "" } });
  const installation = github.install({ account: "octo" });
  github.setCollaborator("octo/town", "ann", "write");
  const token = github.userToken("ann");
  for (let n = 1; n <= ISSUES; n++) {
    await call(github, "POST", "/repos/octo/town/issues", { token, body: { title: `Issue ${n}`, body: `What issue ${n} is about.`, labels: n % 3 === 0 ? ["bug"] : [] } });
  }
  const client = restClient({ token: github.installationToken(installation), baseUrl: github.urls.api, paced: false, retries: 0 });
  const opened = await openTown({ github: client, owner: "octo", repo: "town", defaultBranch: "main" }, {
    ...realDependencies, clock: () => FIXED_NOW, sleep: async () => undefined, random: () => 0.5,
  });
  if (opened.kind !== "on") throw new Error("the town is off");
  // The App's login: its comments are its own, so the drift looks at comments too.
  return { github, town: { ...opened.town, botLogin: "gastown[bot]" } };
}

/** Requests made, and those GitHub charged to the rate limit (all but the 304s). */
function costOf(github: Emulator): { requests: number; charged: number; writes: number } {
  const counts = Object.entries(github.counters);
  const requests = counts.reduce((sum, [, c]) => sum + c.requests, 0);
  const notModified = counts.reduce((sum, [, c]) => sum + (c.notModified ?? 0), 0);
  const writes = counts.filter(([id]) => /^(git\/create|git\/update|issues\/update|issues\/create|issues\/add-labels|issues\/remove-label)/.test(id)).reduce((sum, [, c]) => sum + c.requests, 0);
  return { requests, charged: requests - notModified, writes };
}

function imported(report: DriftReport): number {
  return report.kind === "repaired" ? report.plan.imported.length : 0;
}

const { github, town } = await seededTown();
const pages = memoryPageCache();
try {
  github.resetCounters();
  const first = await repairDrift(town, pages);
  const importing = costOf(github);
  // Listing pages, the newest comment (where the watermark starts) and the comments from it, the
  // ledger's look, and one commit of every imported bead and the watermark: the ledger's read for
  // the write (ref, commit, tree, blob) and its write (tree, commit, ref).
  const importMinimum = PAGES + 2 + 1 + 4 + 3;
  const importPass = imported(first) === ISSUES && importing.requests <= importMinimum;
  console.log(JSON.stringify({
    case: `import ${ISSUES} existing issues`, imported: imported(first), requests: importing.requests, at_most: importMinimum,
    target: "pages of 100, one commit", result: importPass ? "pass" : "fail",
  }));

  github.resetCounters();
  await repairDrift(town, pages);
  const idle = costOf(github);
  // The ledger's one read is the only request charged; every page, the comments' too, is a free 304; nothing is written.
  const idlePass = idle.charged === 1 && idle.writes === 0 && idle.requests === PAGES + 1 + 1;
  console.log(JSON.stringify({
    case: `drift pass, nothing changed, ${ISSUES} issues`, requests: idle.requests, charged_to_rate_limit: idle.charged, writes: idle.writes,
    target: "every page 304, only the ledger's read charged, no write", result: idlePass ? "pass" : "fail",
  }));

  await call(github, "PATCH", "/repos/octo/town/issues/120", { token: github.userToken("ann"), body: { title: "Issue 120, retitled" } });
  github.resetCounters();
  await repairDrift(town, pages);
  const edited = costOf(github);
  // One page read whole, the others and the comments 304; the ledger's look; one commit (read 4, write 3).
  const editMinimum = PAGES + 1 + 1 + 4 + 3;
  const editPass = edited.requests <= editMinimum && edited.charged <= 1 + 1 + 4 + 3;
  console.log(JSON.stringify({
    case: `drift pass after one edit on GitHub, ${ISSUES} issues`, requests: edited.requests, charged_to_rate_limit: edited.charged,
    at_most: editMinimum, target: "one page read whole, one commit", result: editPass ? "pass" : "fail",
  }));
  await call(github, "POST", "/repos/octo/town/issues/120/comments", { token: github.userToken("ann"), body: { body: "Seen again on Monday." } });
  github.resetCounters();
  const taking = await repairDrift(town, pages);
  const commented = costOf(github);
  // The comments read whole, and the page of the issue commented on (its `comments` count moved),
  // the other pages 304; the ledger's look; one commit (read 4, write 3).
  const commentMinimum = PAGES + 1 + 1 + 4 + 3;
  const commentPass = commented.requests <= commentMinimum && commented.charged <= 1 + 1 + 1 + 4 + 3 &&
    taking.kind === "repaired" && taking.plan.commented.length === 1;
  console.log(JSON.stringify({
    case: `drift pass after one comment on GitHub whose webhook was lost, ${ISSUES} issues`, requests: commented.requests,
    charged_to_rate_limit: commented.charged, at_most: commentMinimum, target: "the comments read whole, one commit", result: commentPass ? "pass" : "fail",
  }));

  github.resetCounters();
  await repairDrift(town, pages);
  const after = costOf(github);
  const afterPass = after.charged === 1 && after.writes === 0;
  console.log(JSON.stringify({
    case: `drift pass after the comment was taken in, ${ISSUES} issues`, requests: after.requests, charged_to_rate_limit: after.charged, writes: after.writes,
    target: "only the ledger's read charged, no write", result: afterPass ? "pass" : "fail",
  }));
  if (!importPass || !idlePass || !editPass || !commentPass || !afterPass) process.exitCode = 1;
} finally {
  await github.close();
}
