import { describe, expect, it } from "vitest";
import { runnerPolicy } from "../../app/polecat/runner-environment.js";

describe("runnerPolicy", () => {
  it("runs on a GitHub-hosted runner, which is thrown away after the job, without cleaning up", () => {
    expect(runnerPolicy("github-hosted", false)).toEqual({ kind: "run", cleanUpAtEnd: false });
    expect(runnerPolicy("github-hosted", true)).toEqual({ kind: "run", cleanUpAtEnd: false });
  });

  it("runs on any other runner only when allowed, and then cleans up at the end", () => {
    expect(runnerPolicy("self-hosted", true)).toEqual({ kind: "run", cleanUpAtEnd: true });
    expect(runnerPolicy(undefined, true)).toEqual({ kind: "run", cleanUpAtEnd: true });
  });

  it("refuses any other runner unless allowed, saying what it saw and what to do", () => {
    expect(runnerPolicy("self-hosted", false)).toEqual({
      kind: "refuse",
      message: 'RUNNER_ENVIRONMENT is "self-hosted": this runner may be kept after the job, and the polecat action runs an agent as a user of its own on it. Use a GitHub-hosted runner, or set the action\'s allow-persistent-runner input to true to run here and have the agent\'s user and files removed at the end.',
    });
    expect(runnerPolicy(undefined, false)).toMatchObject({ kind: "refuse", message: expect.stringMatching(/^RUNNER_ENVIRONMENT is unset: /) });
    expect(runnerPolicy("", false)).toMatchObject({ kind: "refuse", message: expect.stringMatching(/^RUNNER_ENVIRONMENT is unset: /) });
  });
});
