// Whether a pull request may enter the merge queue (issue 17). The App holds no `workflows`
// permission, on purpose, and GitHub refuses an App's merge or push of a change to
// `.github/workflows/`: such a pull request is a person's to merge, and saying so at `/queue` is
// better than a refinery batch that fails at the end. Pure: the handler reads the pull request.
import type { PullRequestFacts } from "../github/pull-request-facts.js";

export type QueueRefusal =
  | { readonly kind: "closed" }
  | { readonly kind: "workflows"; readonly paths: readonly string[] }
  | { readonly kind: "too-big" };

const WORKFLOWS = /^\.github\/workflows\//;

/** Why the pull request may not be queued, or undefined when it may. */
export function queueRefusal(pull: PullRequestFacts, changes: { readonly paths: readonly string[]; readonly complete: boolean }): QueueRefusal | undefined {
  if (pull.state !== "open") return { kind: "closed" };
  const workflows = changes.paths.filter((path) => WORKFLOWS.test(path)).sort();
  if (workflows.length > 0) return { kind: "workflows", paths: workflows };
  // An unseen file could be a workflow: GitHub would refuse the merge at the very end.
  if (!changes.complete) return { kind: "too-big" };
  return undefined;
}

/** What the refusal says, to the person who asked. */
export function queueRefusalText(refusal: QueueRefusal, number: number): string {
  switch (refusal.kind) {
    case "closed":
      return `#${number} is closed, so it was not queued.`;
    case "workflows":
      return `#${number} changes ${refusal.paths.map((p) => `\`${p}\``).join(", ")}. GitHub lets no App merge a change to ` +
        "`.github/workflows/` without the `workflows` permission, which Gas Town does not hold on purpose, so it was not queued: " +
        "a person must merge it.";
    case "too-big":
      return `#${number} changes more files than GitHub lists in one comparison, so Gas Town cannot tell that none is under ` +
        "`.github/workflows/` (which it could not merge); it was not queued: a person must merge it, or split it.";
  }
}
