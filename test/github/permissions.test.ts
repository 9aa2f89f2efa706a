import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repositoryRole } from "../../app/github/permissions.js";
import type { Emulator } from "../emulator/emulator.js";
import { octokitFor, startFixedEmulator } from "../emulator/testing.js";

describe("the sender's role, from GitHub", () => {
  let github: Emulator;
  beforeEach(async () => {
    github = await startFixedEmulator();
  });
  afterEach(async () => {
    await github.close();
    expect(github.problems).toEqual([]);
  });

  it("is the role name, maintain and triage told apart; undefined for no collaborator", async () => {
    await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n" } });
    github.setCollaborator("octo/town", "mae", "maintain");
    github.setCollaborator("octo/town", "tia", "triage");
    const client = octokitFor(github, github.installationToken(github.install({ account: "octo" })));
    expect(await repositoryRole(client, "octo", "town", "mae")).toBe("maintain");
    expect(await repositoryRole(client, "octo", "town", "tia")).toBe("triage");
    expect(await repositoryRole(client, "octo", "town", "stranger")).toBeUndefined();
  });
});
