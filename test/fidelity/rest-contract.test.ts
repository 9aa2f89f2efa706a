// Tests of the REST contract harness itself: it must pass what GitHub accepts and name the
// operation and the field for everything it does not.
import { afterEach, describe, expect, test } from "vitest";
import { checkRequest, checkResponse, findOperation, type Operation } from "./rest-contract.js";
import { cleanContractNock, contractNock, GITHUB_API } from "./nock-contract.js";

const LABELS_URL = `${GITHUB_API}/repos/octo/town/issues/7/labels`;
const ADD_LABELS = "issues/add-labels (POST /repos/{owner}/{repo}/issues/{issue_number}/labels)";

// A label as GitHub returns it (schema `label`); `description` is nullable in the description.
const LABEL = {
  id: 208_045_946,
  node_id: "MDU6TGFiZWwyMDgwNDU5NDY=",
  url: "https://api.github.com/repos/octo/town/labels/gt:ready",
  name: "gt:ready",
  description: null,
  color: "f29513",
  default: false,
};

// An account as GitHub renders it (`simple-user`).
const PERMISSION_USER = {
  login: "octo", id: 1, node_id: "MDQ6VXNlcjE=", avatar_url: "https://avatars.githubusercontent.com/u/1?v=4", gravatar_id: "",
  url: "https://api.github.com/users/octo", html_url: "https://github.com/octo", followers_url: "https://api.github.com/users/octo/followers",
  following_url: "https://api.github.com/users/octo/following{/other_user}", gists_url: "https://api.github.com/users/octo/gists{/gist_id}",
  starred_url: "https://api.github.com/users/octo/starred{/owner}{/repo}", subscriptions_url: "https://api.github.com/users/octo/subscriptions",
  organizations_url: "https://api.github.com/users/octo/orgs", repos_url: "https://api.github.com/users/octo/repos",
  events_url: "https://api.github.com/users/octo/events{/privacy}", received_events_url: "https://api.github.com/users/octo/received_events",
  type: "User", site_admin: false,
};

// `user` is a `$ref` to a schema marked `nullable: true`.
const PERMISSION = { permission: "write", role_name: "write", user: null };

function operation(method: string, url: string): Operation {
  const found = findOperation(method, url);
  if (!found) throw new Error(`test setup: no operation for ${method} ${url}`);
  return found;
}

afterEach(() => cleanContractNock());

describe("findOperation", () => {
  test("matches a path template, ignoring host and query string", () => {
    const found = operation("GET", `${GITHUB_API}/repos/octo/town/collaborators/mayor/permission?x=1`);
    expect([found.operationId, found.method, found.pathTemplate]).toEqual([
      "repos/get-collaborator-permission-level",
      "GET",
      "/repos/{owner}/{repo}/collaborators/{username}/permission",
    ]);
  });

  test("prefers literal segments over templated ones", () => {
    expect(operation("get", "/repos/octo/town/issues/comments").pathTemplate).toBe("/repos/{owner}/{repo}/issues/comments");
    expect(operation("get", "/repos/octo/town/issues/7").pathTemplate).toBe("/repos/{owner}/{repo}/issues/{issue_number}");
  });

  test("lets a trailing {path} parameter hold slashes", () => {
    expect(operation("GET", "/repos/octo/town/contents/docs/town/README.md").pathTemplate).toBe(
      "/repos/{owner}/{repo}/contents/{path}",
    );
  });

  test("returns undefined for an unknown method or path", () => {
    expect(findOperation("DELETE", "/repos/octo/town/issues/7")).toBeUndefined();
    expect(findOperation("GET", "/nowhere/at/all")).toBeUndefined();
  });
});

describe("checkRequest", () => {
  test("accepts a valid request and returns its operation", () => {
    expect(checkRequest({ method: "POST", url: LABELS_URL, body: { labels: ["x"] } }).operationId).toBe("issues/add-labels");
    expect(checkRequest({ method: "GET", url: "/repos/octo/town/issues?state=open&per_page=100" }).operationId).toBe(
      "issues/list-for-repo",
    );
  });

  test("rejects a body field of the wrong type", () => {
    expect(() => checkRequest({ method: "POST", url: LABELS_URL, body: { labels: [42] } })).toThrow(
      `${ADD_LABELS}: invalid request body: /labels/0 must be string`,
    );
  });

  test("rejects an unknown top-level body field", () => {
    expect(() => checkRequest({ method: "POST", url: LABELS_URL, body: { labels: ["x"], colour: "red" } })).toThrow(
      `${ADD_LABELS}: invalid request body: / must NOT have additional properties (colour)`,
    );
  });

  test("rejects an unknown top-level field beside anyOf variants that only constrain a field", () => {
    const url = "/repos/octo/town/check-runs/5";
    expect(checkRequest({ method: "PATCH", url, body: { status: "completed", conclusion: "success", output: { title: "t", summary: "s" } } })
      .operationId).toBe("checks/update");
    expect(() => checkRequest({ method: "PATCH", url, body: { status: "in_progress", heartbeat: "now" } })).toThrow(
      "checks/update (PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}): invalid request body: / must NOT have additional properties (heartbeat)",
    );
  });

  test("rejects an unknown endpoint", () => {
    expect(() => checkRequest({ method: "POST", url: `${GITHUB_API}/repos/octo/town/beads` })).toThrow(
      "no GitHub REST operation for POST /repos/octo/town/beads",
    );
  });

  test("rejects an unknown query parameter", () => {
    expect(() => checkRequest({ method: "GET", url: "/repos/octo/town/issues?status=open" })).toThrow(
      'issues/list-for-repo (GET /repos/{owner}/{repo}/issues): unknown query parameter "status"',
    );
  });
});

describe("checkResponse", () => {
  const addLabels = () => operation("POST", LABELS_URL);

  test("accepts a spec-valid response, nullable fields included", () => {
    expect(() => checkResponse(addLabels(), 200, [LABEL])).not.toThrow();
    const permission = operation("GET", "/repos/octo/town/collaborators/mayor/permission");
    expect(() => checkResponse(permission, 200, PERMISSION)).not.toThrow();
  });

  test("nullable allows null, not other types", () => {
    expect(() => checkResponse(addLabels(), 200, [{ ...LABEL, description: 5 }])).toThrow(
      `${ADD_LABELS}: invalid 200 response: /0/description must be string,null`,
    );
  });

  test("rejects an invalid response body", () => {
    const { color: _color, ...withoutColor } = LABEL;
    expect(() => checkResponse(addLabels(), 200, [withoutColor])).toThrow(
      `${ADD_LABELS}: invalid 200 response: /0 must have required property 'color'`,
    );
  });

  test("allows an undeclared generic error only with GitHub's error body", () => {
    const error = { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" };
    expect(() => checkResponse(addLabels(), 401, error)).not.toThrow();
    expect(() => checkResponse(addLabels(), 503, { error: "down" })).toThrow(
      `${ADD_LABELS}: status 503 needs GitHub's error body: / must have required property 'message'`,
    );
  });

  test("rejects an undeclared status that is not a generic error", () => {
    expect(() => checkResponse(addLabels(), 201, [LABEL])).toThrow(`${ADD_LABELS}: status 201 is not declared`);
  });

  test("takes an installation's account as a user, mending the description's allOf", () => {
    const account = { ...PERMISSION_USER, type: "Organization" };
    const installation = {
      id: 1, account, repository_selection: "all", access_tokens_url: "https://api.github.com/app/installations/1/access_tokens",
      repositories_url: "https://api.github.com/installation/repositories", html_url: "https://github.com/settings/installations/1",
      app_id: 1, app_slug: "gastown", target_id: 1, target_type: "Organization", permissions: {}, events: [],
      created_at: "2025-06-01T12:00:00Z", updated_at: "2025-06-01T12:00:00Z", single_file_name: null, suspended_by: null, suspended_at: null,
    };
    expect(() => checkResponse(operation("GET", "/app/installations"), 200, [installation])).not.toThrow();
  });
});

describe("contractNock", () => {
  test("records the exact requests sent and replies with the mock", async () => {
    const github = contractNock().mock("POST", "/repos/octo/town/issues/7/labels", 200, [LABEL]);

    const response = await fetch(LABELS_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ labels: ["gt:ready"] }),
    });

    expect([response.status, await response.json()]).toEqual([200, [LABEL]]);
    github.assertAllChecked();
    expect(github.requests).toEqual([
      { method: "POST", path: "/repos/octo/town/issues/7/labels", body: { labels: ["gt:ready"] } },
    ]);
  });

  test("fails the test when the request breaks the contract", async () => {
    const github = contractNock().mock("POST", "/repos/octo/town/issues/7/labels", 200, [LABEL]);

    const response = await fetch(LABELS_URL, { method: "POST", body: JSON.stringify({ label: "gt:ready" }) });

    expect(response.status).toBe(400);
    expect(() => github.assertAllChecked()).toThrow(`${ADD_LABELS}: invalid request body: / must NOT have additional properties (label)`);
  });

  test("fails when a query parameter is not declared", async () => {
    const github = contractNock().mock("GET", "/repos/octo/town/issues", 200, []);

    await fetch(`${GITHUB_API}/repos/octo/town/issues?labels=gt%3Aready&colour=red`);

    expect(github.requests).toEqual([{ method: "GET", path: "/repos/octo/town/issues?labels=gt%3Aready&colour=red" }]);
    expect(() => github.assertAllChecked()).toThrow('unknown query parameter "colour"');
  });

  test("rejects an invalid mocked reply when it is defined", () => {
    expect(() => contractNock().mock("POST", "/repos/octo/town/issues/7/labels", 200, [{ name: "x" }])).toThrow(
      `${ADD_LABELS}: invalid 200 response: /0 must have required property 'id'`,
    );
    expect(() => contractNock().mock("GET", "/repos/octo/town/labels/x", 404, { message: "Not Found" })).not.toThrow();
    expect(() => contractNock().mock("POST", "/repos/octo/town/issues/7/labels", 500, "oops")).toThrow(
      "status 500 needs GitHub's error body",
    );
  });

  test("reports mocks that were never requested, and never reaches the network", async () => {
    const github = contractNock().mock("GET", "/repos/octo/town/collaborators/mayor/permission", 200, PERMISSION);

    await expect(fetch(`${GITHUB_API}/repos/octo/town/issues/7`)).rejects.toThrow();

    expect(() => github.assertAllChecked()).toThrow("mocked requests never sent");
  });
});
