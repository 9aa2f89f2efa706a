// A job's log as real GitHub serves it: a 302 to storage on another host, which Octokit's fetch
// follows; storage answers bytes, which are read as UTF-8 (a byte-order mark dropped).
import { Octokit } from "@octokit/core";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { jobLog } from "../../app/github/job-logs.js";
import { cleanContractNock, contractNock, GITHUB_API } from "../fidelity/nock-contract.js";

afterEach(() => cleanContractNock());

const STORAGE = "https://productionresultssa0.blob.core.windows.net";

describe("a job's log", () => {
  it("follows GitHub's redirect to storage and reads the bytes it answers", async () => {
    // Plain nock: the contract mock answers no headers, and storage is not GitHub's API. The
    // request itself is contract-checked against the emulator (test/app/peek-app.test.ts).
    nock.disableNetConnect();
    const api = nock(GITHUB_API).get("/repos/octo/town/actions/jobs/7/logs").reply(302, "", { location: `${STORAGE}/logs/7.txt?sig=x` });
    const storage = nock(STORAGE).get("/logs/7.txt").query({ sig: "x" })
      .reply(200, Buffer.from("\ufeff2026-11-24T12:00:00Z ünïcödé ok\n"), { "content-type": "application/octet-stream" });

    expect(await jobLog(new Octokit({ baseUrl: GITHUB_API }), { owner: "octo", repo: "town", jobId: 7 })).toBe("2026-11-24T12:00:00Z ünïcödé ok\n");
    expect([api.isDone(), storage.isDone()]).toEqual([true, true]);
  });

  it("is none while the job runs or after the log has expired", async () => {
    const github = contractNock().mock("GET", "/repos/octo/town/actions/jobs/7/logs", 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    expect(await jobLog(new Octokit({ baseUrl: GITHUB_API }), { owner: "octo", repo: "town", jobId: 7 })).toBeUndefined();
    github.assertAllChecked();
  });
});
