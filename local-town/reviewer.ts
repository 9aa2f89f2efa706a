// The town's scripted reviewer: a person with write access who approves each refinery pull
// request once the refinery has marked it green, at the head it was marked on. Pure: which pull
// requests want its approval now; start-local-town.ts submits the reviews.
import { GREEN_HEADLINE } from "../app/town/refinery-texts.js";
import type { IssueRecord } from "../test/emulator/state/model.js";

/** The open refinery pull requests that are green and that `reviewer` has not approved at their head. */
export function pullsToApprove(issues: readonly IssueRecord[], reviewer: string): number[] {
  return issues.filter((issue) => issue.state === "open" && issue.pull !== null
    && issue.pull.headRef.startsWith("gastown-refinery/")
    && (issue.body ?? "").includes(GREEN_HEADLINE)
    && !issue.pull.reviews.some((review) => review.user === reviewer && review.state === "APPROVED" && review.commitId === issue.pull?.headSha))
    .map((issue) => issue.number);
}
