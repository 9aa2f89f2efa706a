// A workflow file, read as far as the emulator needs: its name, the events it runs on (with
// their filters), workflow_dispatch inputs, run-name, jobs and GITHUB_TOKEN permissions.
// https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions
import { parse } from "yaml";
import type { Access, AppPermissions } from "../state/model.js";
import { DEFAULT_GITHUB_TOKEN_PERMISSIONS } from "../state/runs.js";

export type DispatchInput = { type: string; required: boolean; default: string | undefined; options: string[] | undefined };

export type Trigger = {
  types: string[] | undefined;
  branches: string[] | undefined;
  branchesIgnore: string[] | undefined;
  tags: string[] | undefined;
};

export type WorkflowFile = {
  path: string;
  name: string;
  on: ReadonlyMap<string, Trigger>;
  inputs: ReadonlyMap<string, DispatchInput>;
  runName: string | undefined;
  jobs: { key: string; name: string }[];
  permissions: AppPermissions;
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

function triggerOf(config: unknown): Trigger {
  const c = isObject(config) ? config : {};
  return {
    types: stringList(c["types"]),
    branches: stringList(c["branches"]),
    branchesIgnore: stringList(c["branches-ignore"]),
    tags: stringList(c["tags"]),
  };
}

function triggersOf(on: unknown): Map<string, Trigger> {
  if (typeof on === "string") return new Map([[on, triggerOf(undefined)]]);
  if (Array.isArray(on)) return new Map(on.map((event) => [String(event), triggerOf(undefined)]));
  if (isObject(on)) return new Map(Object.entries(on).map(([event, config]) => [event, triggerOf(config)]));
  return new Map();
}

function inputsOf(dispatch: unknown): Map<string, DispatchInput> {
  const inputs = isObject(dispatch) && isObject(dispatch["inputs"]) ? dispatch["inputs"] : {};
  return new Map(
    Object.entries(inputs).map(([name, raw]) => {
      const spec = isObject(raw) ? raw : {};
      const fallback = spec["default"];
      return [
        name,
        {
          type: typeof spec["type"] === "string" ? spec["type"] : "string",
          required: spec["required"] === true,
          default: fallback === undefined || fallback === null ? undefined : String(fallback),
          options: stringList(spec["options"]),
        },
      ];
    }),
  );
}

const ALL_SCOPES = Object.keys(DEFAULT_GITHUB_TOKEN_PERMISSIONS);

/** `permissions:` at the top of the workflow; without it, GitHub's permissive default. */
function permissionsOf(value: unknown): AppPermissions {
  if (value === undefined || value === null) return DEFAULT_GITHUB_TOKEN_PERMISSIONS;
  if (value === "read-all") return Object.fromEntries(ALL_SCOPES.map((scope) => [scope, "read" as Access]));
  if (value === "write-all") return Object.fromEntries(ALL_SCOPES.map((scope) => [scope, scope === "metadata" ? "read" : ("write" as Access)]));
  const granted: Record<string, Access> = { metadata: "read" };
  if (isObject(value)) {
    for (const [scope, access] of Object.entries(value)) {
      // The workflow file says `pull-requests`; the API's permission is `pull_requests`.
      if (access === "read" || access === "write") granted[scope.replaceAll("-", "_")] = access;
    }
  }
  return granted;
}

/** Parses a workflow file; a file that is not a workflow (no `on` or no `jobs`) is an Error. */
export function parseWorkflow(path: string, text: string): WorkflowFile {
  const document = parse(text) as unknown;
  if (!isObject(document)) throw new Error(`${path}: not a workflow`);
  // YAML 1.1 reads a bare `on` key as true; the yaml package reads YAML 1.2, where it stays "on".
  const on = document["on"] ?? document["true"];
  const jobs = document["jobs"];
  if (on === undefined || !isObject(jobs)) throw new Error(`${path}: a workflow needs \`on\` and \`jobs\``);
  const triggers = triggersOf(on);
  return {
    path,
    name: typeof document["name"] === "string" ? document["name"] : path,
    on: triggers,
    inputs: inputsOf(isObject(on) ? on["workflow_dispatch"] : undefined),
    runName: typeof document["run-name"] === "string" ? document["run-name"] : undefined,
    jobs: Object.entries(jobs).map(([key, job]) => ({ key, name: isObject(job) && typeof job["name"] === "string" ? job["name"] : key })),
    permissions: permissionsOf(document["permissions"]),
  };
}
