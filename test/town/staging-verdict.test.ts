// The verdict on a staging commit from what GitHub reports of it.
import { describe, expect, it } from "vitest";
import { stagingVerdict, type StagingFacts } from "../../app/town/staging-verdict.js";

const facts = (given: Partial<StagingFacts>): StagingFacts => ({ checkRuns: [], statuses: [], required: [], checks: true, commands: false, ...given });
const run = (id: number, name: string, status: string, conclusion: string | null = null) => ({ id, name, status, conclusion });

describe("the staging verdict", () => {
  it("waits for every required check, by check run or status, and is green once each passed", () => {
    expect(stagingVerdict(facts({ required: ["test", "lint"], checkRuns: [run(1, "test", "completed", "success")] })))
      .toEqual({ kind: "pending", waiting: "the required check `lint` has not reported" });
    expect(stagingVerdict(facts({ required: ["test", "lint"], checkRuns: [run(1, "test", "completed", "success")], statuses: [{ context: "lint", state: "success" }] })))
      .toEqual({ kind: "green" });
  });

  it("is red at once on a failure, whatever is still running, and takes the newest run of a name", () => {
    expect(stagingVerdict(facts({ checkRuns: [run(1, "test", "completed", "failure"), run(2, "build", "in_progress")] })))
      .toEqual({ kind: "red", red: [{ name: "test" }] });
    expect(stagingVerdict(facts({ checkRuns: [run(1, "test", "completed", "failure"), run(2, "test", "completed", "success")] })))
      .toEqual({ kind: "green" });
  });

  it("ignores Gas Town's own check runs, and with none required waits for at least one check", () => {
    expect(stagingVerdict(facts({ checkRuns: [run(1, "gastown/queue", "in_progress")] })))
      .toEqual({ kind: "pending", waiting: "no check has reported on the staging commit yet" });
  });

  it("says a run waiting for approval waits on a person, not red", () => {
    expect(stagingVerdict(facts({ checkRuns: [run(1, "ci", "completed", "action_required")] })))
      .toEqual({ kind: "person", waiting: "`ci` waits for a person to approve its run" });
  });

  it("takes the command gates' run as a gate of its own", () => {
    expect(stagingVerdict(facts({ checks: false, commands: true }))).toEqual({ kind: "pending", waiting: "the gates workflow has not started" });
    expect(stagingVerdict(facts({ checks: false, commands: true, gatesRun: { id: 5, status: "completed", conclusion: "failure", url: "https://x/5" } })))
      .toEqual({ kind: "red", red: [{ name: "gates", url: "https://x/5", gatesRunId: 5 }] });
    expect(stagingVerdict(facts({ checks: false, commands: true, gatesRun: { id: 5, status: "completed", conclusion: "success", url: "https://x/5" } })))
      .toEqual({ kind: "green" });
  });

  it("reads a failed or errored status as red", () => {
    expect(stagingVerdict(facts({ statuses: [{ context: "ext", state: "error", description: "boom" }] })))
      .toEqual({ kind: "red", red: [{ name: "ext", summary: "boom" }] });
  });
});
