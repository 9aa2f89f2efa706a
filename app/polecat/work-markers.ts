// The action's marker that a step is done (DESIGN §7): an empty commit on top of the accepted
// work, by the action's identity, with the trailers `Gastown-Bead: <bead>` and
// `Gastown-Closed: <step id>`. Its body can carry a JSON payload the caller gives (the step's
// notes and the outbox's validated intents), so a ledger write lost after the push can be
// repaired from the work ref alone. A later attempt reads the markers back and closes those
// steps instead of doing them again.
//
// Only the action's commits can carry the marker on the pushed ref: take-work refuses agent
// commits with a `Gastown-Closed` line or the action's identity before anything is pushed. The
// reader still believes a marker only when its commit is empty (the same tree as its one
// parent) and made by the action's identity, and names this bead.
import { STEP_ID } from "../molecules/formula-schema.js";
import { ACTION_IDENTITY, type GitPerson } from "./action-identity.js";
import { makeActionCommit, treeOf } from "./action-commit.js";
import type { ActionGit } from "./action-git.js";
import { parseCommitObject, trailersOf, trailerValues, type CommitObject } from "./commit-object.js";
import { readObjects } from "./git-objects.js";

export const CLOSED_TRAILER = "Gastown-Closed";
export const BEAD_TRAILER = "Gastown-Bead";

export interface WorkMarker {
  readonly step: string;
  readonly commit: string;
  /** The JSON the marker's body carries; undefined when it carries none. */
  readonly payload: unknown;
}

/** The marker's message; the payload is one line of JSON, so no line of it can pass for a trailer. */
export function markerMessage(bead: string, step: string, payload?: unknown): string {
  if (!STEP_ID.test(step)) throw new Error(`step id ${JSON.stringify(step)} cannot be written in a marker`);
  const body = payload === undefined ? [] : [JSON.stringify(payload), ""];
  return [`Gastown: step ${step} done`, "", ...body, `${BEAD_TRAILER}: ${bead}`, `${CLOSED_TRAILER}: ${step}`, ""].join("\n");
}

export interface MarkerInput {
  /** The accepted tip the marker goes on. */
  readonly tip: string;
  readonly bead: string;
  readonly step: string;
  readonly payload?: unknown;
  readonly at: Date;
}

/** Makes the marker commit in the action's repository and returns it; the caller pushes it. */
export async function addMarker(git: ActionGit, input: MarkerInput): Promise<string> {
  return makeActionCommit(git, {
    tree: await treeOf(git, input.tip),
    parents: [input.tip],
    message: markerMessage(input.bead, input.step, input.payload),
    at: input.at,
  });
}

/**
 * The markers among commits, in the order given. `treeOfCommit` holds the tree of every
 * commit's parent, so an empty commit can be told from one that changes something.
 */
export function findMarkers(commits: readonly CommitObject[], treeOfCommit: ReadonlyMap<string, string>, bead: string, identity: GitPerson = ACTION_IDENTITY): WorkMarker[] {
  const markers: WorkMarker[] = [];
  for (const commit of commits) {
    const trailers = trailersOf(commit.message);
    const steps = trailerValues(trailers, CLOSED_TRAILER);
    if (steps.length !== 1) continue;
    const [parent] = commit.parents;
    const empty = commit.parents.length === 1 && parent !== undefined && treeOfCommit.get(parent) === commit.tree;
    const byAction = samePerson(commit.author, identity) && samePerson(commit.committer, identity);
    const forBead = trailerValues(trailers, BEAD_TRAILER).length === 1 && trailerValues(trailers, BEAD_TRAILER)[0] === bead;
    if (!empty || !byAction || !forBead) continue;
    const payload = markerPayload(commit.message);
    if (payload === INVALID) continue;
    markers.push({ step: steps[0] as string, commit: commit.sha, payload });
  }
  return markers;
}

const INVALID = Symbol("invalid payload");

/** The JSON paragraph between the subject and the trailers, if there is one. */
function markerPayload(message: string): unknown {
  const paragraphs = message.replace(/\s+$/, "").split(/\n[ \t]*\n/);
  if (paragraphs.length < 3) return undefined;
  try {
    return JSON.parse(paragraphs.slice(1, -1).join("\n\n")) as unknown;
  } catch {
    return INVALID;
  }
}

function samePerson(a: GitPerson, b: GitPerson): boolean {
  return a.name === b.name && a.email === b.email;
}

/** The markers on the pushed work ref since the base, oldest first. */
export async function readMarkers(git: ActionGit, input: { workTip: string; baseTip: string; bead: string }): Promise<WorkMarker[]> {
  const listed = await git.text(["rev-list", "--topo-order", "--reverse", input.workTip, "--not", input.baseTip]);
  const shas = listed.split("\n").filter((sha) => sha !== "");
  const commits = (await readObjects(git, shas)).map((object) => parseCommitObject(object.sha, object.content.toString("utf8")));
  const known = new Set(shas);
  const outside = [...new Set(commits.flatMap((commit) => commit.parents))].filter((sha) => !known.has(sha));
  const parents = (await readObjects(git, outside)).map((object) => parseCommitObject(object.sha, object.content.toString("utf8")));
  const trees = new Map([...commits, ...parents].map((commit) => [commit.sha, commit.tree]));
  return findMarkers(commits, trees, input.bead);
}
