// Which events wake the refinery (issue 17), read from the payload alone, so the many that are
// about other branches cost no request. The refinery never waits in a job for checks: an outcome
// on a staging commit, or a person's act on a refinery pull request, is what makes it look again.
//   - `check_suite` and `check_run` completed, `workflow_run` completed, on a staging branch
//     (`gastown/*` check runs are the product's own and say nothing of the tree under test)
//   - `status` other than pending on a commit a staging branch points at (external CI)
//   - `pull_request_review` submitted on a refinery pull request (one from a staging branch)
import { parseStagingBranch } from "./staging-branch.js";

interface Branch {
  readonly name?: string;
}

/** The webhook fields the wake is read from; every one optional, as other events lack them. */
export interface WakePayload {
  readonly action?: string;
  readonly check_suite?: { readonly head_branch?: string | null };
  readonly check_run?: { readonly name?: string; readonly check_suite?: { readonly head_branch?: string | null } | null };
  readonly workflow_run?: { readonly head_branch?: string | null };
  readonly state?: string;
  readonly branches?: readonly Branch[];
  readonly pull_request?: { readonly head?: { readonly ref?: string } };
}

/** The base branch whose queue the event wakes the refinery for, or undefined when it wakes nothing. */
export function refineryWakeOf(name: string, payload: WakePayload): string | undefined {
  switch (name) {
    case "check_suite":
      return payload.action === "completed" ? baseOf(payload.check_suite?.head_branch) : undefined;
    case "check_run":
      if (payload.action !== "completed" || (payload.check_run?.name ?? "").startsWith("gastown/")) return undefined;
      return baseOf(payload.check_run?.check_suite?.head_branch);
    case "workflow_run":
      return payload.action === "completed" ? baseOf(payload.workflow_run?.head_branch) : undefined;
    case "status":
      // A pending status says only that CI started.
      if (payload.state === "pending") return undefined;
      return (payload.branches ?? []).map((branch) => baseOf(branch.name)).find((base) => base !== undefined);
    case "pull_request_review":
      return payload.action === "submitted" ? baseOf(payload.pull_request?.head?.ref) : undefined;
    default:
      return undefined;
  }
}

function baseOf(branch: string | null | undefined): string | undefined {
  return branch ? parseStagingBranch(branch)?.base : undefined;
}
