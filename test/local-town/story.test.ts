// The local town's story (local-town/story.ts): which webhooks and job lines it tells, and how.
import { describe, expect, it } from "vitest";
import { gist, marked, progressLine, statusHeadline, Story } from "../../local-town/story.js";
import { parseTownArgs } from "../../local-town/town-args.js";
import { pullsToApprove } from "../../local-town/reviewer.js";
import type { IssueRecord } from "../emulator/state/model.js";

const delivery = (event: string, action: string, payload: Record<string, unknown>) => ({ event, action, payload });
const STATUS = (headline: string) => `<!-- gastown:bead town-a1b -->\n### Gas Town · 🪝 Hooked\n\n${headline}\n\n| Bead | x |\n\n<sub>Updated now</sub>\n`;

describe("the story", () => {
  it("names the polecat of a heartbeat by the run GitHub queued for its bead", () => {
    const story = new Story();
    expect(story.fromDelivery(delivery("workflow_run", "requested", { workflow_run: { display_title: "polecat nux · town-a1b · attempt 2" } })))
      .toEqual(["GitHub queued the run “polecat nux · town-a1b · attempt 2”"]);
    expect(story.fromDelivery(delivery("check_run", "created", { check_run: { name: "gastown/polecat", external_id: "town-a1b@2", output: { title: "working · step 1/5" } } })))
      .toEqual(["  nux's heartbeat: working · step 1/5"]);
    expect(story.fromDelivery(delivery("check_run", "created", { check_run: { name: "gastown/queue", external_id: "x" } }))).toEqual([]);
  });

  it("tells a status comment when its headline changes, and the App's other comments by their gist", () => {
    const story = new Story();
    const comment = (action: string, body: string) => delivery("issue_comment", action, { sender: { login: "gastown[bot]" }, issue: { number: 3 }, comment: { id: 9, body } });
    expect(story.fromDelivery(comment("created", STATUS("Slung by @mayor to polecat **nux**.")))).toEqual(["the App on #3: 🪝 Hooked: Slung by @mayor to polecat nux."]);
    expect(story.fromDelivery(comment("edited", STATUS("Slung by @mayor to polecat **nux**.")))).toEqual([]);
    expect(story.fromDelivery(comment("edited", STATUS("Step 2 of 6.")))).toEqual(["the App on #3: 🪝 Hooked: Step 2 of 6."]);
    const refinery = delivery("issue_comment", "created", { sender: { login: "gastown[bot]" }, issue: { number: 7 }, comment: { id: 10, body: "Red.\n\n```text\n✗ x\n```\n\nIt goes back to polecat **nux**." } });
    expect(story.fromDelivery(refinery)).toEqual(["the App on #7: It goes back to polecat nux."]);
  });

  it("tells people's acts and the pull requests' fate", () => {
    const story = new Story();
    expect(story.fromDelivery(delivery("issues", "labeled", { sender: { login: "mayor" }, label: { name: "gt:sling" }, issue: { number: 1 } }))).toEqual(["mayor slung #1 (label gt:sling)"]);
    expect(story.fromDelivery(delivery("issues", "labeled", { sender: { login: "gastown[bot]" }, label: { name: "gt:sling" }, issue: { number: 1 } }))).toEqual([]);
    expect(story.fromDelivery(delivery("pull_request_review", "submitted", { sender: { login: "mayor" }, review: { state: "approved" }, pull_request: { number: 6 } }))).toEqual(["mayor approved pull request #6"]);
    expect(story.fromDelivery(delivery("pull_request", "closed", { pull_request: { number: 6, merged: true } }))).toEqual(["pull request #6 merged"]);
    expect(story.fromDelivery(delivery("push", "", {}))).toEqual([]);
  });

  it("tells a job's steps, its agent's end and its gates, and nothing else of its log", () => {
    const story = new Story();
    const title = "polecat nux · town-a1b · attempt 1";
    expect(story.fromJobLine(title, "Step 2 of 6, implement: polecat.command /tmp/x/hasty.sh.")).toEqual(["  nux: step 2 of 6, implement"]);
    expect(story.fromJobLine(title, "The agent ended (exit 0); 0 turns, $0.00 by its stream so far.")).toEqual(["  nux: The agent ended (exit 0)."]);
    expect(story.fromJobLine(title, "The agent ended (exit 0); 5 turns, $0.06 by the model proxy so far. The end of its output:\n▸ Bash: x"))
      .toEqual(["  nux: The agent ended (exit 0); 5 turns, $0.06 by the model proxy so far."]);
    expect(story.fromJobLine("gates · main · attempt 2", "✗ harbor/foghorn.txt: expected ready, got redy")).toEqual(["gates · main · attempt 2: ✗ harbor/foghorn.txt: expected ready, got redy"]);
    expect(story.fromJobLine(title, "Fetched the base")).toEqual([]);
  });

  it("marks every line of a town without the sandbox, and says what runs in a long wait", () => {
    expect(marked("x", true)).toBe("x");
    expect(marked("x", false)).toBe("[no sandbox] x");
    expect(progressLine(["gates · main · attempt 1"], 12)).toBe("… running: gates · main · attempt 1 (nothing new for 12 s)");
    expect(statusHeadline("no heading")).toBeUndefined();
    expect(gist("<!-- m -->\n**Landed** in #6.\n\n<sub>x</sub>")).toBe("Landed in #6.");
  });
});

describe("the scripted reviewer", () => {
  const pull = (number: number, headRef: string, body: string, reviews: { user: string; state: string; commitId: string }[] = []) =>
    ({ number, state: "open", body, pull: { headRef, headSha: "abc", reviews } }) as unknown as IssueRecord;

  it("approves a green refinery pull request once at its head", () => {
    const green = "**Green: ready for review.** Approve this pull request to land the batch.";
    expect(pullsToApprove([
      pull(6, "gastown-refinery/main/1", green),
      pull(7, "gastown-refinery/main/2", "**Testing.**"),
      pull(8, "polecat/nux/town-a1b", green),
      pull(9, "gastown-refinery/main/3", green, [{ user: "mayor", state: "APPROVED", commitId: "abc" }]),
      pull(10, "gastown-refinery/main/4", green, [{ user: "mayor", state: "APPROVED", commitId: "old" }]),
    ], "mayor")).toEqual([6, 10]);
  });
});

describe("npm run town's arguments", () => {
  it("are read, and a mistake is named", () => {
    expect(parseTownArgs([])).toEqual({ keep: false, noSandbox: false, quick: false, agent: "claude", timeoutSeconds: 600, agentCache: undefined });
    expect(parseTownArgs(["--keep", "--quick", "--no-sandbox", "--agent", "command", "--timeout", "90", "--agent-cache", "/c"]))
      .toEqual({ keep: true, noSandbox: true, quick: true, agent: "command", timeoutSeconds: 90, agentCache: "/c" });
    expect(parseTownArgs(["--agent", "gemini"])).toMatchObject({ agent: "gemini" });
    expect(parseTownArgs(["--agent", "aider"])).toEqual({ error: "--agent takes claude, codex, gemini, command (got aider)" });
    expect(parseTownArgs(["--fast"])).toEqual({ error: "unknown argument --fast" });
    expect(parseTownArgs(["--quick", "--help"])).toEqual({ help: true });
  });
});
