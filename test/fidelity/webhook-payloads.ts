// Real webhook payloads for fidelity tests: examples recorded by @octokit/webhooks-examples,
// checked against GitHub's official webhook schemas from @octokit/openapi-webhooks.
// Design §4.9: tests use real payloads, never hand-invented shapes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

export type WebhookPayload = Record<string, unknown>;

type ExampleSet = { name: string; examples: WebhookPayload[] };
type WebhookEntry = { post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } } };
type OpenApiDocument = { openapi: string; webhooks: Record<string, WebhookEntry>; components: unknown };

const require = createRequire(import.meta.url);

// ajv-formats is CommonJS; under nodenext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The installation GitHub adds to every delivery sent to an App (schema `simple-installation`). */
export const TEST_INSTALLATION = Object.freeze({ id: 12_345_678, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMTIzNDU2Nzg=" });

// ---------------------------------------------------------------------------------------------
// Loading: both files are several MB, so read them once per worker and only when first needed.

let examplesCache: ExampleSet[] | undefined;
let documentCache: OpenApiDocument | undefined;

function readJson(packagePath: string): unknown {
  return JSON.parse(readFileSync(require.resolve(packagePath), "utf8"));
}

function loadExamples(): ExampleSet[] {
  examplesCache ??= readJson("@octokit/webhooks-examples/api.github.com/index.json") as ExampleSet[];
  return examplesCache;
}

function loadDocument(): OpenApiDocument {
  documentCache ??= readJson("@octokit/openapi-webhooks/generated/api.github.com.json") as OpenApiDocument;
  return documentCache;
}

// ---------------------------------------------------------------------------------------------
// Recordings that today's schema rejects. First choice: a later recording of the same
// event/action that already validates; otherwise a patch with the smallest change, each entry
// saying which field it adds and why. Keep these tables short and honest.

// Some event/actions have several recordings; the first is often an older one that lacks
// fields GitHub has since added. Prefer a later recording that already matches the schema.
const PREFERRED_EXAMPLE: Readonly<Record<string, number>> = {
  "issues.edited": 1, // #0 lacks issue.active_lock_reason, issue.reactions, label.description
  "issue_comment.created": 1, // #0 lacks comment.performed_via_github_app and reactions
  "pull_request.opened": 1, // #0 lacks pull_request.auto_merge
  "pull_request_review.submitted": 1, // #0 lacks draft, auto_merge, repo topics/visibility
  "workflow_run.completed": 1, // #0 lacks workflow_run.actor, path, triggering_actor
  "workflow_job.in_progress": 1, // #0 lacks run_attempt, workflow_name, head_branch, created_at
  "push": 1, // #0 lacks repository.topics and visibility as well as has_discussions
  "repository_dispatch.on-demand-test": 1, // #0 has a homepage that is not a URI
  "installation_repositories.added": 1, // #0 lacks the top-level requester
};

type Patch = { event: string; action?: string; why: string; apply: (payload: WebhookPayload) => void };

function objectAt(payload: WebhookPayload, ...path: string[]): WebhookPayload | undefined {
  let value: unknown = payload;
  for (const step of path) value = (value as WebhookPayload | null | undefined)?.[step];
  return typeof value === "object" && value !== null ? (value as WebhookPayload) : undefined;
}

// Repositories recorded before 2022 lack `has_discussions`; GitHub now always sends it.
function addHasDiscussions(repository: WebhookPayload | undefined): void {
  if (repository !== undefined) repository["has_discussions"] ??= false;
}

function addHasDiscussionsToPullRequestRepos(payload: WebhookPayload): void {
  addHasDiscussions(objectAt(payload, "pull_request", "base", "repo"));
  addHasDiscussions(objectAt(payload, "pull_request", "head", "repo"));
}

// The installation recordings carry epoch-second timestamps and no `app_slug`; the schema (and
// today's deliveries) use RFC 3339 strings and always name the App's slug.
function modernizeInstallation(payload: WebhookPayload): void {
  const installation = objectAt(payload, "installation");
  if (installation === undefined) return;
  installation["app_slug"] ??= "octo-app";
  for (const field of ["created_at", "updated_at"]) {
    const value = installation[field];
    if (typeof value === "number") installation[field] = new Date(value * 1000).toISOString();
  }
}

const PATCHES: readonly Patch[] = [
  { event: "pull_request", action: "synchronize", why: "repo.has_discussions added", apply: addHasDiscussionsToPullRequestRepos },
  { event: "pull_request", action: "labeled", why: "repo.has_discussions added", apply: addHasDiscussionsToPullRequestRepos },
  { event: "pull_request_review", action: "submitted", why: "repo.has_discussions added", apply: addHasDiscussionsToPullRequestRepos },
  { event: "push", why: "repository.has_discussions added", apply: (payload) => addHasDiscussions(objectAt(payload, "repository")) },
  {
    event: "repository_dispatch",
    // `disabled` is required by the schema and always sent today; the recording predates it.
    why: "repository.disabled added",
    apply: (payload) => {
      const repository = objectAt(payload, "repository");
      if (repository !== undefined) repository["disabled"] ??= false;
    },
  },
  { event: "installation", why: "installation.app_slug added, timestamps as strings", apply: modernizeInstallation },
  { event: "installation_repositories", why: "installation.app_slug added, timestamps as strings", apply: modernizeInstallation },
];

// Builders: required event/actions with no recorded example, derived from the nearest real one
// (the source is patched first, then changed only where the action differs).

type Builder = { from: { event: string; action: string }; why: string; apply: (payload: WebhookPayload) => void };

const BUILDERS: Readonly<Record<string, Builder>> = {
  "issues.closed": {
    from: { event: "issues", action: "reopened" },
    why: "no recording; a closed issue is the reopened one with state closed and closed_at set",
    apply: (payload) => {
      payload["action"] = "closed";
      const issue = objectAt(payload, "issue");
      if (issue === undefined) return;
      issue["state"] = "closed";
      issue["state_reason"] = "completed";
      issue["closed_at"] = issue["updated_at"];
    },
  },
  "workflow_run.in_progress": {
    from: { event: "workflow_run", action: "requested" },
    why: "no recording; a run in progress is the requested one with status in_progress",
    apply: (payload) => {
      payload["action"] = "in_progress";
      const run = objectAt(payload, "workflow_run");
      if (run === undefined) return;
      run["status"] = "in_progress";
      run["conclusion"] = null;
    },
  },
};

// ---------------------------------------------------------------------------------------------
// The loader.

function key(event: string, action: string | undefined): string {
  return action === undefined ? event : `${event}.${action}`;
}

function findExample(event: string, action: string | undefined): WebhookPayload | undefined {
  const set = loadExamples().find((candidate) => candidate.name === event);
  const matching = set?.examples.filter((example) => action === undefined || example["action"] === action) ?? [];
  return matching[PREFERRED_EXAMPLE[key(event, action)] ?? 0];
}

function applyPatches(event: string, action: string | undefined, payload: WebhookPayload): void {
  for (const patch of PATCHES) {
    if (patch.event === event && (patch.action === undefined || patch.action === action)) patch.apply(payload);
  }
}

function recordedOrBuilt(event: string, action: string | undefined): WebhookPayload {
  const recorded = findExample(event, action);
  if (recorded !== undefined) return structuredClone(recorded);
  const builder = BUILDERS[key(event, action)];
  if (builder === undefined) {
    throw new Error(`no webhook example for ${key(event, action)}: add one to BUILDERS in test/fidelity/webhook-payloads.ts`);
  }
  const base = recordedOrBuilt(builder.from.event, builder.from.action);
  applyPatches(builder.from.event, builder.from.action, base);
  builder.apply(base);
  return base;
}

/**
 * A deep copy of a real example payload for `event` (and `action`), patched to today's schema
 * and carrying `installation` as App deliveries do. `overrides` edits the copy before return.
 */
export function webhookPayload(
  event: string,
  action?: string,
  overrides?: (payload: WebhookPayload) => void,
): WebhookPayload {
  const payload = recordedOrBuilt(event, action);
  applyPatches(event, action, payload);
  payload["installation"] ??= { ...TEST_INSTALLATION };
  overrides?.(payload);
  return payload;
}

// ---------------------------------------------------------------------------------------------
// The validator.

// The document names webhooks `<event>-<action>` with hyphens (`check-run-completed`).
// repository_dispatch has one schema, named after a sample event_type; its `action` is free-form.
const SCHEMA_ALIASES: Readonly<Record<string, string>> = {
  repository_dispatch: "repository-dispatch-sample.collected",
};

const DOCUMENT_ID = "https://github.com/octokit/openapi-webhooks/api.github.com.json";

let ajvCache: Ajv2020 | undefined;
const validatorCache = new Map<string, ValidateFunction>();

function createAjv(): Ajv2020 {
  const document = loadDocument();
  // OpenAPI 3.1 schemas are JSON Schema 2020-12, so no `nullable` handling is needed.
  if (!document.openapi.startsWith("3.1")) {
    throw new Error(`@octokit/openapi-webhooks is OpenAPI ${document.openapi}; the validator expects 3.1`);
  }
  // strict: false because the schemas carry OpenAPI keywords (discriminator, externalDocs…).
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv);
  // Only the parts $refs point into; `#/components/...` refs resolve against this $id.
  ajv.addSchema({ $id: DOCUMENT_ID, webhooks: document.webhooks, components: document.components });
  return ajv;
}

function webhookName(event: string, action: string | undefined): string {
  const webhooks = loadDocument().webhooks;
  const alias = SCHEMA_ALIASES[event];
  const candidates = [
    ...(action === undefined ? [] : [`${event}-${action}`.replaceAll("_", "-")]),
    event.replaceAll("_", "-"),
    ...(alias === undefined ? [] : [alias]),
  ];
  const name = candidates.find((candidate) => webhooks[candidate] !== undefined);
  if (name === undefined) throw new Error(`no webhook schema for ${key(event, action)} (tried ${candidates.join(", ")})`);
  return name;
}

function validatorFor(name: string): ValidateFunction {
  const cached = validatorCache.get(name);
  if (cached !== undefined) return cached;
  ajvCache ??= createAjv();
  const pointer = `#/webhooks/${name}/post/requestBody/content/application~1json/schema`;
  const validate = ajvCache.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
  validatorCache.set(name, validate);
  return validate;
}

/** Throws when `payload` does not match GitHub's schema for `event`/`action`; the error names both and the path. */
export function validateWebhookPayload(event: string, action: string | undefined, payload: unknown): void {
  const name = webhookName(event, action);
  const validate = validatorFor(name);
  if (validate(payload)) return;
  const problems = (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`);
  throw new Error(`webhook ${key(event, action)} does not match schema ${name}: ${problems.join("; ")}`);
}
