import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repositoryRole } from "../../app/github/permissions.js";
import type { Emulator } from "../emulator/emulator.js";
import { octokitFor, startFixedEmulator } from "../emulator/testing.js";
import { cleanContractNock, contractNock, GITHUB_API } from "../fidelity/nock-contract.js";

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

describe("a custom repository role", () => {
  afterEach(() => cleanContractNock());

  // The emulator knows only the five standard roles; GitHub's answer for a custom one names the
  // role in role_name and its base in permission.
  it("counts as the permission it is based on", async () => {
    const user = (login: string) => {
      const url = `https://api.github.com/users/${login}`;
      return {
        login, id: 7, node_id: "MDQ6VXNlcjc=", avatar_url: "https://avatars.githubusercontent.com/u/7", gravatar_id: "",
        url, html_url: `https://github.com/${login}`, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
        gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
        organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`,
        received_events_url: `${url}/received_events`, type: "User", site_admin: false, role_name: "deployer",
      };
    };
    const github = contractNock().mock("GET", "/repos/octo/town/collaborators/dee/permission", 200, {
      permission: "write", role_name: "deployer", user: user("dee"),
    });
    expect(await repositoryRole(new ProbotOctokit({ baseUrl: GITHUB_API, throttle: { enabled: false }, retry: { enabled: false } }), "octo", "town", "dee")).toBe("write");
    github.assertAllChecked();
  });
});
