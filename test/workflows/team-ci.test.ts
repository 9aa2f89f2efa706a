// The CI example a team copies runs a polecat's code safely: read-only everywhere, and no job that
// names a secret runs a polecat's branch without a person's approval.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Job {
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly steps: readonly Record<string, unknown>[];
}

const ci = parse(readFileSync(new URL("../../examples/workflows/ci.yml", import.meta.url), "utf8")) as {
  on: { push: { "branches-ignore": string[] }; pull_request: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};

const namesSecret = (job: Job) => /\$\{\{\s*secrets\./.test(JSON.stringify(job.steps));
const POLECAT_ENVIRONMENT = "${{ startsWith(github.head_ref || github.ref_name, 'polecat/') && 'agent-code' || 'integration' }}";

describe("the CI example for a repository with polecats", () => {
  it("reads and nothing more, and ignores Gas Town's own branches", () => {
    expect(ci.permissions).toEqual({ contents: "read" });
    expect(Object.values(ci.jobs).filter((job) => job.permissions !== undefined)).toEqual([]);
    expect(ci.on.push["branches-ignore"]).toEqual(["gastown/**"]);
    for (const job of Object.values(ci.jobs)) {
      for (const step of job.steps.filter((s) => String(s["uses"]).startsWith("actions/checkout@"))) {
        expect(step["with"]).toEqual({ "persist-credentials": false });
      }
    }
  });

  it("runs its jobs without secrets at once, and those with one behind the reviewed environment on a polecat's branch", () => {
    const jobs = Object.entries(ci.jobs);
    expect(jobs.filter(([, job]) => !namesSecret(job)).map(([name, job]) => [name, job.environment])).toEqual([["test", undefined]]);
    expect(jobs.filter(([, job]) => namesSecret(job)).map(([name, job]) => [name, job.environment])).toEqual([["integration", POLECAT_ENVIRONMENT]]);
  });
});
