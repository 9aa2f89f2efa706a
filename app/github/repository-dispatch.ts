// Ringing the App: a `repository_dispatch` event, which any token with contents write may send,
// a workflow's GITHUB_TOKEN included (it is one of the two events such a token may start
// workflows with, so Actions-only mode hears it too).
// https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event
import type { GitHubClient } from "./github-client.js";
import type { RepoRef } from "./issue-comments.js";
import { MAIL_EVENT_TYPE, type PolecatMail } from "../town/polecat-mail.js";

export async function ringMail(github: GitHubClient, repo: RepoRef & { payload: PolecatMail }): Promise<void> {
  await github.request("POST /repos/{owner}/{repo}/dispatches", {
    owner: repo.owner, repo: repo.repo, event_type: MAIL_EVENT_TYPE, client_payload: { ...repo.payload },
  });
}
