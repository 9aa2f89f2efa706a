// The App's comments and reactions on an issue, against the emulator: what GitHub holds after
// each call, and how many requests it took.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../app/github/github-client.js";
import { replyToIssue, STATUS_MARKER, upsertStatusComment, type IssueRef } from "../../app/github/issue-comments.js";
import { react } from "../../app/github/reactions.js";
import type { Emulator } from "../emulator/emulator.js";
import { call, octokitFor, startFixedEmulator } from "../emulator/testing.js";

const ISSUE: IssueRef = { owner: "octo", repo: "town", issue_number: 1 };
const BOT = "gastown[bot]";

let github: Emulator;
let app: GitHubClient;
let appToken: string;
let mayor: string;

beforeEach(async () => {
  github = await startFixedEmulator();
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
  github.setCollaborator("octo/town", "mayor", "maintain");
  appToken = github.installationToken(github.install({ account: "octo" }));
  app = octokitFor(github, appToken);
  mayor = github.userToken("mayor");
  await call(github, "POST", "/repos/octo/town/issues", { token: mayor, body: { title: "Fix the pumps" } });
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

const comments = () => (github.state.repos["octo/town"]?.issues[0]?.comments ?? []).map((c) => ({ id: c.id, user: c.user, body: c.body }));
const requests = (operationId: string) => github.counters[operationId]?.requests ?? 0;

async function comment(token: string, body: string): Promise<number> {
  const answer = await call(github, "POST", "/repos/octo/town/issues/1/comments", { token, body: { body } });
  expect(answer.status).toBe(201);
  return (answer.body as { id: number }).id;
}

describe("the status comment", () => {
  it("is made once with the marker, then edited in place, and left alone when nothing changed", async () => {
    const first = await upsertStatusComment(app, ISSUE, "Hooked by nux.", { botLogin: BOT });
    const second = await upsertStatusComment(app, ISSUE, "Running: attempt 1.", { botLogin: BOT });
    github.resetCounters();
    const third = await upsertStatusComment(app, ISSUE, "Running: attempt 1.", { botLogin: BOT });

    expect([first, second, third]).toEqual([
      { id: first.id, created: true, changed: true },
      { id: first.id, created: false, changed: true },
      { id: first.id, created: false, changed: false },
    ]);
    expect(comments()).toEqual([{ id: first.id, user: BOT, body: `${STATUS_MARKER}\nRunning: attempt 1.` }]);
    expect(github.counters).toEqual({ "issues/list-comments": expect.objectContaining({ requests: 1 }) });
  });

  it("keeps the oldest when two events each made one, and removes the other", async () => {
    const oldest = await comment(appToken, `${STATUS_MARKER}\nHooked by nux.`);
    await comment(appToken, `${STATUS_MARKER}\nHooked by nux.`);
    const person = await comment(mayor, "Thanks!");
    const upserted = await upsertStatusComment(app, ISSUE, "Running: attempt 1.", { botLogin: BOT });
    expect(upserted).toEqual({ id: oldest, created: false, changed: true });
    expect(comments()).toEqual([
      { id: oldest, user: BOT, body: `${STATUS_MARKER}\nRunning: attempt 1.` },
      { id: person, user: "mayor", body: "Thanks!" },
    ]);
  });

  it("keeps a body that already starts with the marker as it is", async () => {
    await upsertStatusComment(app, ISSUE, `${STATUS_MARKER}\n**Hooked**`, {});

    expect(comments().map((c) => c.body)).toEqual([`${STATUS_MARKER}\n**Hooked**`]);
  });

  it("ignores a person's comment that carries the marker, and another bot's when the App's login is given", async () => {
    const forged = await comment(mayor, `${STATUS_MARKER}\nApproved by the App, honest.`);
    github.addUser("other[bot]", "Bot");
    github.setCollaborator("octo/town", "other[bot]", "write");
    const otherBot = await comment(github.userToken("other[bot]"), `${STATUS_MARKER}\nAnother App's status.`);

    const mine = await upsertStatusComment(app, ISSUE, "Hooked by nux.", { botLogin: BOT });

    expect(mine).toEqual({ id: mine.id, created: true, changed: true });
    expect(comments()).toEqual([
      { id: forged, user: "mayor", body: `${STATUS_MARKER}\nApproved by the App, honest.` },
      { id: otherBot, user: "other[bot]", body: `${STATUS_MARKER}\nAnother App's status.` },
      { id: mine.id, user: BOT, body: `${STATUS_MARKER}\nHooked by nux.` },
    ]);
  });

  it("takes any bot's marked comment when the App's login is not given", async () => {
    github.addUser("other[bot]", "Bot");
    github.setCollaborator("octo/town", "other[bot]", "write");
    const otherBot = await comment(github.userToken("other[bot]"), `${STATUS_MARKER}\nAnother App's status.`);

    expect(await upsertStatusComment(app, ISSUE, "Hooked by nux.", {})).toEqual({ id: otherBot, created: false, changed: true });
  });

  it("finds the comment past the first 100, reading only the pages it needs", async () => {
    for (let i = 1; i <= 150; i++) await comment(mayor, `Comment ${i}`);
    const status = await comment(appToken, `${STATUS_MARKER}\nHooked by nux.`);
    for (let i = 151; i <= 250; i++) await comment(mayor, `Comment ${i}`);
    github.resetCounters();

    const result = await upsertStatusComment(app, ISSUE, "Running: attempt 1.", { botLogin: BOT });

    expect(result).toEqual({ id: status, created: false, changed: true });
    expect(comments().filter((c) => c.user === BOT)).toEqual([{ id: status, user: BOT, body: `${STATUS_MARKER}\nRunning: attempt 1.` }]);
    expect([requests("issues/list-comments"), requests("issues/update-comment"), requests("issues/create-comment")]).toEqual([2, 1, 0]);
  });

  it("reads every page before making a new one when there is none", async () => {
    for (let i = 1; i <= 120; i++) await comment(mayor, `Comment ${i}`);
    github.resetCounters();

    const result = await upsertStatusComment(app, ISSUE, "Hooked by nux.", { botLogin: BOT });

    expect(result.created).toBe(true);
    expect(comments()).toHaveLength(121);
    expect([requests("issues/list-comments"), requests("issues/create-comment")]).toEqual([2, 1]);
  });

  it("makes a new one when the old one is deleted between listing and editing", async () => {
    const old = await comment(appToken, `${STATUS_MARKER}\nHooked by nux.`);
    // A client that deletes the comment (as a maintainer might) right after the App lists it.
    const racing: GitHubClient = {
      async request(route, parameters) {
        const answer = await app.request(route, parameters);
        if (route.startsWith("GET ")) expect((await call(github, "DELETE", `/repos/octo/town/issues/comments/${old}`, { token: mayor })).status).toBe(204);
        return answer;
      },
    };

    const result = await upsertStatusComment(racing, ISSUE, "Running: attempt 1.", { botLogin: BOT });

    expect(result).toEqual({ id: result.id, created: true, changed: true });
    expect(result.id).not.toBe(old);
    expect(comments()).toEqual([{ id: result.id, user: BOT, body: `${STATUS_MARKER}\nRunning: attempt 1.` }]);
    expect([requests("issues/update-comment"), requests("issues/create-comment")]).toEqual([1, 2]);
  });
});

describe("a reply", () => {
  it("is one new comment each time, the body as given", async () => {
    const first = await replyToIssue(app, ISSUE, "Slung to nux.");
    const second = await replyToIssue(app, ISSUE, "Slung to nux.");

    expect(comments()).toEqual([
      { id: first.id, user: BOT, body: "Slung to nux." },
      { id: second.id, user: BOT, body: "Slung to nux." },
    ]);
  });
});

describe("a reaction", () => {
  const reactions = () => {
    const issue = github.state.repos["octo/town"]?.issues[0];
    return {
      issue: issue?.reactions.map((r) => [r.user, r.content]),
      comments: issue?.comments.map((c) => c.reactions.map((r) => [r.user, r.content])),
    };
  };

  it("goes on the issue or on a comment, once however often it is sent", async () => {
    await comment(mayor, "/sling");
    const commentId = comments()[0]?.id ?? 0;

    const onIssue = await react(app, ISSUE, "eyes");
    const again = await react(app, ISSUE, "eyes");
    await react(app, ISSUE, "rocket");
    await react(app, { owner: "octo", repo: "town", comment_id: commentId }, "+1");
    await react(app, { owner: "octo", repo: "town", comment_id: commentId }, "confused");

    expect(again).toEqual(onIssue);
    expect(reactions()).toEqual({
      issue: [[BOT, "eyes"], [BOT, "rocket"]],
      comments: [[[BOT, "+1"], [BOT, "confused"]]],
    });
  });
});
