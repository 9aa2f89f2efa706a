// A repository's labels: create, rename/recolour, delete. Names are unique ignoring case.
// https://docs.github.com/en/rest/issues/labels
import type { Actor } from "./events.js";
import type { EmulatorState, LabelRecord, RepoRecord } from "./model.js";
import { allocateId, nodeId, notFound, ok, produce, validationFailed, type Result } from "./result.js";

// The colour GitHub gives a label created without one (and one created by adding it to an issue).
export const DEFAULT_LABEL_COLOR = "ededed";
const HEX_COLOR = /^[0-9a-fA-F]{6}$/;

export function findLabel(repo: RepoRecord, name: string): LabelRecord | undefined {
  const wanted = name.toLowerCase();
  return repo.labels.find((label) => label.name.toLowerCase() === wanted);
}

/** Adds a label to a draft repository (no event: the callers decide which one GitHub sends). */
export function addLabel(draft: EmulatorState, repo: RepoRecord, name: string, color = DEFAULT_LABEL_COLOR, description: string | null = null): LabelRecord {
  const id = allocateId(draft);
  const label: LabelRecord = { id, nodeId: nodeId("Label", id), name, color: color.toLowerCase(), description, default: false };
  repo.labels.push(label);
  return label;
}

export type LabelInput = { name: string; color?: string; description?: string };

export function createLabel(state: EmulatorState, fullName: string, input: LabelInput, actor: Actor): Result<LabelRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    if (!repo) return notFound();
    if (findLabel(repo, input.name)) return validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
    const color = (input.color ?? DEFAULT_LABEL_COLOR).replace(/^#/, "");
    if (!HEX_COLOR.test(color)) return validationFailed([{ resource: "Label", code: "invalid", field: "color" }]);
    const label = addLabel(draft, repo, input.name, color, input.description ?? null);
    return ok(draft, label, [{ event: "label", action: "created", repo: fullName, actor, label: structuredClone(label) }]);
  });
}

export type LabelUpdate = { new_name?: string; color?: string; description?: string };

export function updateLabel(state: EmulatorState, fullName: string, name: string, update: LabelUpdate, actor: Actor): Result<LabelRecord> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const label = repo && findLabel(repo, name);
    if (!repo || !label) return notFound();
    if (update.new_name !== undefined) {
      const clash = findLabel(repo, update.new_name);
      if (clash && clash !== label) return validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
      for (const issue of repo.issues) issue.labels = issue.labels.map((l) => (l === label.name ? (update.new_name as string) : l));
      label.name = update.new_name;
    }
    if (update.color !== undefined) {
      const color = update.color.replace(/^#/, "");
      if (!HEX_COLOR.test(color)) return validationFailed([{ resource: "Label", code: "invalid", field: "color" }]);
      label.color = color.toLowerCase();
    }
    if (update.description !== undefined) label.description = update.description;
    return ok(draft, label, [{ event: "label", action: "edited", repo: fullName, actor, label: structuredClone(label) }]);
  });
}

export function deleteLabel(state: EmulatorState, fullName: string, name: string, actor: Actor): Result<undefined> {
  return produce(state, (draft) => {
    const repo = draft.repos[fullName];
    const label = repo && findLabel(repo, name);
    if (!repo || !label) return notFound();
    repo.labels = repo.labels.filter((l) => l !== label);
    for (const issue of repo.issues) issue.labels = issue.labels.filter((l) => l !== label.name);
    return ok(draft, undefined, [{ event: "label", action: "deleted", repo: fullName, actor, label: structuredClone(label) }]);
  });
}

