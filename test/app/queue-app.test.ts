// `/queue` and `/dequeue` through the real App against the emulator: a pull request queued as a
// merge-request bead, answered with its place; a change to `.github/workflows/` refused, since
// the App could never merge it; taken out again; only on pull requests, only by the trusted.
import { afterEach, describe, expect, it } from "vitest";
import { queueRef } from "../../app/town/merge-queue.js";
import { REPO, startTown, type Town } from "./app-harness.js";
import { commentsOn } from "./publish-harness.js";
import { pullRequest as openPullRequest } from "./queue-harness.js";

let town: Town;
const pullRequest = (branch: string, path: string) => openPullRequest(town, branch, path);
afterEach(async () => {
  await town.close();
  expect(town.github.problems).toEqual([]);
});

const command = async (body: string, number: number, as = "mayor") => {
  await town.as(as, "POST", `/repos/${REPO}/issues/${number}/comments`, { body });
  await town.deliver();
};
const lastComment = (number: number) => commentsOn(town, number).at(-1)?.body ?? "";
const mergeRequests = async () => (await town.ledger())?.beads().filter((b) => b.issue_type === "merge-request") ?? [];

describe("/queue", () => {
  it("queues a pull request as a merge-request bead, labels it, and says where it stands; again, it says so", async () => {
    town = await startTown();
    const first = await pullRequest("fix/pumps", "pumps.txt");
    const second = await pullRequest("fix/tanks", "tanks.txt");
    await command("/queue", first);
    await command("/queue", second);
    expect(lastComment(first)).toBe(`@mayor: #${first} is queued. It is number 1 of 1 in the queue into \`main\`.`);
    expect(lastComment(second)).toContain(`#${second} is queued. It is number 2 of 2 in the queue into \`main\`.`);
    expect(town.issue(first).labels).toEqual(["gt:queue"]);
    const bead = (await mergeRequests()).find((b) => b.external_ref === queueRef(REPO, first));
    expect(bead).toMatchObject({
      title: `Merge #${first}: Change pumps.txt`, status: "open", issue_type: "merge-request", created_by: "mayor",
      external_ref: queueRef(REPO, first), metadata: { gastown: { pr: first, repo: REPO, head: "fix/pumps", base: "main", tries: 0, queued_by: "mayor" } },
    });
    await command("/queue", first);
    expect(lastComment(first)).toContain(`#${first} was queued already, at this head. It is number 1 of 2`);
    // /peek on it says where it stands, though no polecat made it.
    await command("/peek", second, "ann");
    expect(lastComment(second).split("\n\n").at(-1)?.trim()).toBe(`**Merge queue:** number 2 of 2 into \`main\`, at \`${town.issue(second).pull?.headSha?.slice(0, 12)}\`.`);
    expect(await mergeRequests()).toHaveLength(2);
  });

  it("takes a pull request the merge queue sent back as fixed when a person queues it again", async () => {
    town = await startTown();
    const number = await pullRequest("fix/pumps", "pumps.txt");
    await town.as("mayor", "POST", `/repos/${REPO}/issues/${number}/labels`, { labels: ["gt:fix-needed"] });
    await town.deliver();
    await command("/queue", number);
    expect(town.issue(number).labels).toEqual(["gt:queue"]);
  });

  it("refuses a change to .github/workflows/, which GitHub lets no App merge, and queues nothing", async () => {
    town = await startTown();
    const number = await pullRequest("ci/faster", ".github/workflows/ci.yml");
    await command("/queue", number);
    expect(lastComment(number)).toBe(
      `@mayor: #${number} changes \`.github/workflows/ci.yml\`. GitHub lets no App merge a change to \`.github/workflows/\` without the ` +
        "`workflows` permission, which Gas Town does not hold on purpose, so it was not queued: a person must merge it.",
    );
    expect(await mergeRequests()).toEqual([]);
    expect(town.issue(number).labels).toEqual([]);
  });

  it("works on pull requests only, and only for those who may drive the town", async () => {
    town = await startTown({ people: { mayor: "maintain", ann: "write", bob: "read" } });
    const number = await pullRequest("fix/pumps", "pumps.txt");
    await command("/queue", number, "bob");
    expect(lastComment(number)).toContain("so nothing was done.");
    await town.as("ann", "POST", `/repos/${REPO}/issues`, { title: "An issue", body: "" });
    await town.deliver();
    const issue = number + 1;
    await command("/queue", issue);
    expect(lastComment(issue)).toBe("@mayor: `/queue` works on pull requests; this is an issue.");
    expect(await mergeRequests()).toEqual([]);
  });
});

describe("/dequeue", () => {
  it("takes a queued pull request out, its label off and its bead closed with why; a second time, there is nothing to take", async () => {
    town = await startTown();
    const number = await pullRequest("fix/pumps", "pumps.txt");
    await command("/queue", number);
    await command("/dequeue", number, "ann");
    expect(lastComment(number)).toBe(`@ann: #${number} is out of the merge queue. \`/queue\` puts it back.`);
    expect(town.issue(number).labels).toEqual([]);
    expect(await mergeRequests()).toMatchObject([{ status: "closed", close_reason: "dequeued", metadata: { gastown: { left_why: "taken out by @ann" } } }]);
    await command("/dequeue", number);
    expect(lastComment(number)).toBe(`@mayor: #${number} was not in the merge queue, so there was nothing to take out.`);
  });
});
