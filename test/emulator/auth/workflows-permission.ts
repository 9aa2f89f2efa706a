// Who may change files under .github/workflows/ (../git/workflow-guard.ts): a person's token
// (taken to carry the `workflow` scope), or an App installation's token granted
// `workflows: write`. A workflow's GITHUB_TOKEN never may, whatever its `permissions:`.
// https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app#choosing-permissions-for-git-access
import type { WorkflowCredential } from "../git/workflow-guard.js";
import type { Principal } from "./principal.js";

export function workflowCredential(principal: Principal): WorkflowCredential {
  if (principal.kind !== "token") return { mayWrite: false, kind: "app" };
  const token = principal.token;
  if (token.kind === "user") return { mayWrite: true, kind: "token" };
  return { mayWrite: token.kind === "installation" && token.permissions["workflows"] === "write", kind: "app" };
}
