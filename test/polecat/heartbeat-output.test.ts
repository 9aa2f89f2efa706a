// What the heartbeat shows of a sandboxed run: the model proxy's spend and the egress proxy's
// refusals, exactly as a person reads them on the check run.
import { describe, expect, it } from "vitest";
import { heartbeatOutput, type HeartbeatView } from "../../app/polecat/heartbeat-output.js";

const VIEW: HeartbeatView = {
  state: "working", polecat: "furiosa", bead: "gt-1", attempt: 1, step: { id: "plan", index: 1, of: 2 },
  at: new Date("2026-12-03T07:00:00Z"), progressAt: new Date("2026-12-03T06:59:00Z"), tail: "", notes: ["Took the work."],
};

describe("heartbeatOutput with a sandbox", () => {
  it("lists the spend, then each refused connection with the proxy's reason, and how many more", () => {
    const output = heartbeatOutput({
      ...VIEW,
      sandbox: {
        turns: 3, costUsd: 0.4216,
        refusals: [
          { at: "2026-12-03T06:58:00Z", host: "evil.example", port: 443, reason: "evil.example is not in polecat.network.allow" },
          { at: "2026-12-03T06:58:30Z", host: "a`b\nc", port: 80, reason: "only port 443 is allowed" },
        ],
        moreRefusals: 4,
      },
    });
    expect(output.summary.split("\n").slice(2)).toEqual([
      "Polecat **furiosa** is working on `gt-1`, attempt 1: step 1 of 2, `plan`.",
      "",
      "Last heartbeat 2026-12-03T07:00:00.000Z; the agent's last progress 2026-12-03T06:59:00.000Z.",
      "- Took the work.",
      "",
      "Spent so far, by the model proxy: 3 turns, $0.42.",
      "",
      "The network proxy refused 6 connections (`polecat.network` in `.github/gastown.yml` says what may be reached):",
      "* 2026-12-03T06:58:00Z `evil.example:443`: evil.example is not in polecat.network.allow",
      "* 2026-12-03T06:58:30Z `` a`b c:80 ``: only port 443 is allowed",
      "* and 4 more",
      "",
    ]);
  });

  it("shows the spend alone when nothing was refused, and nothing of a sandbox for a run without one", () => {
    expect(heartbeatOutput({ ...VIEW, sandbox: { turns: 1, costUsd: 0, refusals: [], moreRefusals: 0 } }).summary).toContain(
      "- Took the work.\n\nSpent so far, by the model proxy: 1 turn, $0.00.\n",
    );
    expect(heartbeatOutput(VIEW).summary).not.toContain("Spent so far");
  });
});
