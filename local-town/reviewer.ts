// The town's scripted reviewer: a person with write access who approves each refinery pull
// request once the refinery has marked it green, at the head it was marked on. Pure: which pull
// requests want its approval now; start-local-town.ts submits the reviews.
import type { IssueRecord } from "../test/emulator/state/model.js";

/** The refinery's words on a batch whose gates passed (app/town/refinery-texts.ts). */
export const GREEN_MARK = "**Green: ready for review.**";

/** The open refinery pull requests that are green and that `reviewer` has not approved at their head. */
export function pullsToApprove(issues: readonly IssueRecord[], reviewer: string): number[] {
  return issues.filter((issue) => issue.state === "open" && issue.pull !== null
    && issue.pull.headRef.startsWith("gastown-refinery/")
    && (issue.body ?? "").includes(GREEN_MARK)
    && !issue.pull.reviews.some((review) => review.user === reviewer && review.state === "APPROVED" && review.commitId === issue.pull?.headSha))
    .map((issue) => issue.number);
}
