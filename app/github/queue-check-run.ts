// The merge queue's state on a pull request: this App's `gastown/queue` check run on the pull
// request's head commit, found and edited in place, else made (app/town/queue-display.ts says
// what it shows). A check run belongs to its commit, so a new head gets a new one; its
// `external_id` is the pull request's merge-request ref, so two pull requests at one commit each
// keep their own.
import type { GitHubClient } from "./github-client.js";
import { createCheckRun, findCheckRun, updateCheckRun } from "./heartbeat-check-runs.js";
import type { RepoRef } from "./issue-comments.js";
import { queueRef } from "../town/merge-queue.js";
import { QUEUE_CHECK_NAME, queueCheck, type QueueDisplay } from "../town/queue-display.js";

export interface QueueStateTarget extends RepoRef {
  readonly number: number;
  readonly headSha: string;
  readonly display: QueueDisplay;
  /** The login the App acts as (`<slug>[bot]`): only its own check run can be edited. */
  readonly botLogin: string;
  /**
   * The ledger write just queued this head (a new merge request, or one moved to a new head), so
   * no check run of the queue's can be on it in progress yet: it is made without looking first.
   */
  readonly queuedNow?: boolean;
}

/** Shows `display` on the pull request: its check run's id. */
export async function showQueueState(github: GitHubClient, target: QueueStateTarget): Promise<number> {
  const { owner, repo, headSha } = target;
  const check = queueCheck(target.display);
  const output = { title: check.title, summary: check.summary };
  const externalId = queueRef(`${owner}/${repo}`, target.number);
  const found = target.queuedNow === true ? undefined : await findCheckRun(github, {
    owner, repo, ref: headSha, checkName: QUEUE_CHECK_NAME, externalId, appSlug: target.botLogin.replace(/\[bot\]$/, ""),
  });
  // A completed check run is not put back in progress: a pull request queued again gets a new
  // one, and GitHub shows the newest of a name.
  if (found === undefined || (found.status === "completed" && check.conclusion === undefined)) {
    return createCheckRun(github, {
      owner, repo, name: QUEUE_CHECK_NAME, headSha, externalId, output, ...(check.conclusion ? { conclusion: check.conclusion } : {}),
    });
  }
  await updateCheckRun(github, { owner, repo, id: found.id, output, ...(check.conclusion ? { conclusion: check.conclusion } : {}) });
  return found.id;
}
