import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repositoryConfig } from "../../app/config/repository-config.js";
import { fetchConfigTexts } from "../../app/github/config-files.js";
import type { Emulator } from "../emulator/emulator.js";
import { octokitFor, startFixedEmulator } from "../emulator/testing.js";

let github: Emulator;

beforeEach(async () => {
  github = await startFixedEmulator();
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

async function configOf(files: { town?: string; org?: string }) {
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ...(files.town !== undefined ? { ".github/gastown.yml": files.town } : {}) } });
  await github.addRepo({ owner: "octo", name: ".github", files: { "README.md": "# Org\n", ...(files.org !== undefined ? { ".github/gastown.yml": files.org } : {}) } });
  const token = github.installationToken(github.install({ account: "octo" }));
  const texts = await fetchConfigTexts(octokitFor(github, token), "octo", "town");
  return { texts, config: repositoryConfig(texts) };
}

describe("fetching .github/gastown.yml", () => {
  it("switches nothing on without the repository's own file, even with the organisation's", async () => {
    const { texts, config } = await configOf({ org: "limits: {max_polecats: 9}\n" });
    expect(texts).toEqual({ repository: undefined, organisation: undefined, organisationFile: "octo/.github:.github/gastown.yml" });
    expect(config.enabled).toBe(false);
    // Without a file of its own the organisation's is never asked for.
    expect(github.counters["repos/get-content"]?.requests).toBe(1);
  });

  it("reads an empty file as the defaults, without asking for the organisation's", async () => {
    const { texts, config } = await configOf({ town: "", org: "limits: {max_polecats: 9}\n" });
    expect(config).toMatchObject({ enabled: true, config: { limits: { max_polecats: 3 } } });
    expect(texts.organisation).toBeUndefined();
    expect(github.counters["repos/get-content"]?.requests).toBe(1);
  });

  it("merges the organisation's file under the repository's with _extends: .github", async () => {
    const { config } = await configOf({ town: "_extends: .github\nwitness: {max_attempts: 5}\n", org: "limits: {max_polecats: 9}\n" });
    expect(config).toMatchObject({ enabled: true, config: { limits: { max_polecats: 9 }, witness: { max_attempts: 5, stuck_minutes: 20 } } });
  });
});
