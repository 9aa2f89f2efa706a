import { describe, expect, it } from "vitest";
import { failureMessage, gatesSummary, type GateResult } from "../../action/gates/gates-summary.js";

const ok = (command: string): GateResult => ({ command, exitCode: 0, signal: null, tail: "fine" });

describe("the gates' summary", () => {
  it("lists every command that passed", () => {
    expect(gatesSummary(["npm ci", "npm test"], [ok("npm ci"), ok("npm test")])).toBe("### Gates passed: 2 commands\n\n- ✅ `npm ci`\n- ✅ `npm test`\n");
  });

  it("shows a killed command, one with backticks or lines in it, and one that printed nothing", () => {
    const killed: GateResult = { command: "echo `date`\nsleep 99", exitCode: null, signal: "SIGKILL", tail: "" };
    expect(gatesSummary([killed.command, "npm test"], [killed])).toBe([
      "### Gates failed", "",
      "- ❌ ``echo `date` ⏎ sleep 99``: killed by SIGKILL",
      "- ⏭️ `npm test`: not run", "",
      "``echo `date` ⏎ sleep 99`` printed nothing.", "",
    ].join("\n"));
    expect(failureMessage(killed)).toBe("The gate `echo `date` ⏎ sleep 99` failed: killed by SIGKILL.");
  });

  it("fences the failing output so it reads as no Markdown and mentions no one", () => {
    const failed: GateResult = { command: "npm test", exitCode: 2, signal: null, tail: "```\n# not a heading\ncc @octocat" };
    expect(gatesSummary(["npm test"], [failed])).toBe([
      "### Gates failed", "",
      "- ❌ `npm test`: exit code 2", "",
      "The end of `npm test`'s output:", "",
      "````text", "```", "# not a heading", "cc @\u200boctocat", "````", "",
    ].join("\n"));
  });
});
