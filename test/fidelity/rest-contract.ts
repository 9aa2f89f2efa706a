// The REST contract check: every request the App sends, and every reply a test mocks, must fit
// GitHub's official REST description from @octokit/openapi. Design §4.9: no hand-invented API
// shapes. Test-only; never shipped.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = Record<string, unknown>;
type Parameter = { name: string; in: string };
type MediaTypes = Record<string, { schema?: unknown }>;
type ResponseObject = { content?: MediaTypes };
type OperationObject = {
  operationId: string;
  parameters?: unknown[];
  requestBody?: { required?: boolean; content?: MediaTypes };
  responses?: Record<string, unknown>;
};
type PathItem = Record<string, unknown> & { parameters?: unknown[] };
type RestDocument = { paths: Record<string, PathItem>; components: Json };

/** One operation of GitHub's REST description, as matched from a request. */
export type Operation = {
  operationId: string;
  method: string; // upper case, e.g. "POST"
  pathTemplate: string; // e.g. "/repos/{owner}/{repo}/issues/{issue_number}"
  definition: OperationObject;
  pathParameters: unknown[];
};

export type RestRequest = { method: string; url: string; body?: unknown };

/** Thrown for every contract violation; the message names the operation and the schema error. */
export class ContractError extends Error {
  override name = "ContractError";
}

const require = createRequire(import.meta.url);

// ajv-formats is CommonJS; under nodenext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// GitHub may answer these on any endpoint, declared or not (auth, permissions, rate limits,
// conflicts, validation, outages), always with its generic error body.
const GENERIC_ERROR_STATUSES = new Set([401, 403, 404, 409, 422]);

// The ajv schema id under which the (nullable-converted) components live; `$ref`s are rewritten
// from "#/components/…" to "<id>#/…" so each operation schema can be compiled on its own.
const COMPONENTS_ID = "github-components";

// ---------------------------------------------------------------------------------------------
// Loading: the description is 13 MB, so read and convert it once per worker, when first needed.

let documentCache: RestDocument | undefined;
let ajvCache: Ajv | undefined;
let templatesCache: PathTemplate[] | undefined;
const validatorCache = new Map<string, ValidateFunction>();

function loadDocument(): RestDocument {
  if (documentCache) return documentCache;
  const document = JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8")) as RestDocument;
  for (const fix of DESCRIPTION_FIXES) fix.apply(document);
  documentCache = document;
  return document;
}

// Known mistakes in GitHub's description, each fixed as narrowly as possible and saying why.
// Keep this list short; every entry is a place where the description and GitHub disagree.
const DESCRIPTION_FIXES: readonly { where: string; why: string; apply: (document: RestDocument) => void }[] = [
  {
    where: "GET /app/installations 200: items.account",
    why:
      "inlines the account as allOf [simple-user, enterprise], which no account satisfies; the " +
      "`installation` schema GET /app/installations/{id} uses says anyOf, as GitHub answers",
    apply: (document) => {
      const response = (document.paths["/app/installations"]?.["get"] as OperationObject | undefined)?.responses?.["200"] as ResponseObject | undefined;
      const items = (response?.content?.["application/json"]?.schema as Json | undefined)?.["items"] as Json | undefined;
      const account = (items?.["properties"] as Json | undefined)?.["account"] as Json | undefined;
      if (account && Array.isArray(account["allOf"])) {
        account["anyOf"] = account["allOf"];
        delete account["allOf"];
      }
    },
  },
  {
    where: "POST /repos/{owner}/{repo}/merges 404 and 409",
    why:
      "declares them with a description only, but GitHub answers its error body there " +
      '("Base does not exist", "Head does not exist", "Merge conflict")',
    apply: (document) => {
      const responses = (document.paths["/repos/{owner}/{repo}/merges"]?.["post"] as OperationObject | undefined)?.responses;
      for (const status of ["404", "409"]) {
        const response = responses?.[status] as ResponseObject | undefined;
        if (response && response.content === undefined) response.content = { "application/json": { schema: { $ref: "#/components/schemas/basic-error" } } };
      }
    },
  },
  {
    where: "PUT /repos/{owner}/{repo}/contents/{path} 409",
    why:
      "says oneOf [basic-error, repository-rule-violation-error], two schemas with no required " +
      "field that every error body matches both of, so no body can pass; anyOf is what it means",
    apply: (document) => {
      const response = (document.paths["/repos/{owner}/{repo}/contents/{path}"]?.["put"] as OperationObject | undefined)?.responses?.["409"] as ResponseObject | undefined;
      const schema = response?.content?.["application/json"]?.schema as Json | undefined;
      if (schema && Array.isArray(schema["oneOf"])) {
        schema["anyOf"] = schema["oneOf"];
        delete schema["oneOf"];
      }
    },
  },
];

function loadAjv(): Ajv {
  if (ajvCache) return ajvCache;
  // strict: false because OpenAPI carries keywords ajv does not know (example, x-github, …).
  // validateSchema: false because the 13 MB document is GitHub's, not ours to lint, and the
  // meta-check trips over OpenAPI's own `examples` map.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ schemas: toJsonSchema(loadDocument().components["schemas"]) }, COMPONENTS_ID);
  ajvCache = ajv;
  return ajv;
}

/**
 * OpenAPI 3.0 → JSON Schema, deep copy: `nullable: true` becomes a type union with "null" (or,
 * where there is no single type, e.g. beside `$ref`/`allOf`, an `anyOf` with `{type: "null"}`),
 * and local `$ref`s point at the components schema registered in ajv.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/")) {
      out[key] = `${COMPONENTS_ID}#/${value.slice("#/components/".length)}`;
    } else if (key !== "nullable") {
      out[key] = toJsonSchema(value);
    }
  }
  return (node as Json)["nullable"] === true ? allowNull(out) : out;
}

function allowNull(schema: Json): Json {
  if (typeof schema["type"] === "string" && schema["$ref"] === undefined) {
    const withNull: Json = { ...schema, type: [schema["type"], "null"] };
    if (Array.isArray(schema["enum"])) withNull["enum"] = [...(schema["enum"] as unknown[]), null];
    return withNull;
  }
  return { anyOf: [schema, { type: "null" }] };
}

/** Follows a "#/components/…" reference in the raw description (parameters, responses, schemas). */
function resolveLocal<T>(node: unknown): T {
  let current = node;
  while (current !== null && typeof current === "object" && typeof (current as Json)["$ref"] === "string") {
    const pointer = ((current as Json)["$ref"] as string).replace(/^#\//, "").split("/");
    current = pointer.reduce<unknown>((at, key) => (at as Json | undefined)?.[key], loadDocument());
  }
  return current as T;
}

// ---------------------------------------------------------------------------------------------
// Matching a request to an operation.

type PathTemplate = { template: string; segments: string[] };

function loadTemplates(): PathTemplate[] {
  templatesCache ??= Object.keys(loadDocument().paths).map((template) => ({
    template,
    segments: template.split("/").slice(1),
  }));
  return templatesCache;
}

function isTemplated(segment: string): boolean {
  return segment.startsWith("{") && segment.endsWith("}");
}

/** Splits "https://api.github.com/repos/o/r?x=1" into its path and query parameters. */
export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const parsed = new URL(url, "https://api.github.com");
  return { path: parsed.pathname, query: parsed.searchParams };
}

function matches(template: PathTemplate, segments: string[]): boolean {
  if (template.segments.length !== segments.length) return false;
  return template.segments.every((part, i) => isTemplated(part) || part === segments[i]);
}

// Parameters whose values hold slashes (a file path, a git ref, a branch, "base...head").
const SLASHED_PARAMETERS = new Set(["{path}", "{ref}", "{branch}", "{basehead}"]);

// Such a trailing parameter may span several segments ("/contents/{path}" for "docs/a.md");
// only tried when no template matches segment for segment.
function matchesWithTrailingRest(template: PathTemplate, segments: string[]): boolean {
  const last = template.segments[template.segments.length - 1] ?? "";
  if (!SLASHED_PARAMETERS.has(last) || template.segments.length >= segments.length) return false;
  return matches(template, [...segments.slice(0, template.segments.length - 1), last]);
}

// Literal segments win over templated ones, left to right: "/repos/{o}/{r}/issues/comments"
// beats "/repos/{o}/{r}/issues/{issue_number}" for ".../issues/comments".
function moreLiteralFirst(a: PathTemplate, b: PathTemplate): number {
  for (let i = 0; i < a.segments.length; i++) {
    const diff = Number(isTemplated(a.segments[i] ?? "")) - Number(isTemplated(b.segments[i] ?? ""));
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The operation for a request, or undefined when GitHub's REST API has none. */
export function findOperation(method: string, url: string): Operation | undefined {
  const verb = method.toLowerCase();
  const segments = splitUrl(url).path.split("/").slice(1).map(decodeURIComponent);
  const paths = loadDocument().paths;
  const hasMethod = (t: PathTemplate) => paths[t.template]?.[verb] !== undefined;
  const exact = loadTemplates().filter((t) => matches(t, segments) && hasMethod(t));
  const candidates = exact.length > 0 ? exact : loadTemplates().filter((t) => matchesWithTrailingRest(t, segments) && hasMethod(t));
  const best = candidates.sort(moreLiteralFirst)[0];
  if (!best || !HTTP_METHODS.includes(verb)) return undefined;
  const item = paths[best.template] as PathItem;
  const definition = item[verb] as OperationObject;
  return {
    operationId: definition.operationId,
    method: verb.toUpperCase(),
    pathTemplate: best.template,
    definition,
    pathParameters: item.parameters ?? [],
  };
}

// ---------------------------------------------------------------------------------------------
// Validation.

function describe(operation: Operation): string {
  return `${operation.operationId} (${operation.method} ${operation.pathTemplate})`;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5) // oneOf failures repeat per branch; the first few say enough
    .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}${extraDetail(e)}`)
    .join("; ");
}

function extraDetail(error: ErrorObject): string {
  const params = error.params as Json;
  if (typeof params["additionalProperty"] === "string") return ` (${params["additionalProperty"]})`;
  if (Array.isArray(params["allowedValues"])) return ` (${JSON.stringify(params["allowedValues"])})`;
  return "";
}

function jsonSchemaOf(content: MediaTypes | undefined): unknown {
  if (!content) return undefined;
  const json = content["application/json"] ?? Object.values(content)[0];
  return json?.schema;
}

/** Compiles once per operation and purpose, since compiling a large schema takes milliseconds. */
function validatorFor(key: string, schema: () => unknown): ValidateFunction {
  let validate = validatorCache.get(key);
  if (!validate) {
    validate = loadAjv().compile(toJsonSchema(schema()) as Json);
    validatorCache.set(key, validate);
  }
  return validate;
}

// Unknown top-level fields are a typo or an invented field: GitHub ignores them silently, so
// forbid them here. Only the top level, because nested objects are often open on purpose.
// An object that lists its properties is closed itself, even with oneOf/anyOf beside them
// (`checks/update`: the variants only constrain `status`); one whose fields are listed only in
// its variants (`issues/add-labels`) has each variant closed.
function closeTopLevel(schema: unknown): unknown {
  const resolved = resolveLocal<Json | undefined>(schema);
  if (!resolved || typeof resolved !== "object") return schema;
  const open = resolved["additionalProperties"] === undefined && resolved["allOf"] === undefined;
  if (resolved["properties"] !== undefined) return open ? { ...resolved, additionalProperties: false } : resolved;
  for (const key of ["oneOf", "anyOf"]) {
    const variants = resolved[key];
    if (Array.isArray(variants)) return { ...resolved, [key]: variants.map(closeTopLevel) };
  }
  return resolved["type"] === "object" && open ? { ...resolved, additionalProperties: false } : resolved;
}

function queryParameterNames(operation: Operation): Set<string> {
  const all = [...operation.pathParameters, ...(operation.definition.parameters ?? [])];
  return new Set(all.map((p) => resolveLocal<Parameter>(p)).filter((p) => p.in === "query").map((p) => p.name));
}

/**
 * Checks a request against GitHub's REST description and returns its operation. Throws a
 * ContractError for an unknown endpoint, an undeclared query parameter, or a body that does not
 * validate (unknown top-level fields included).
 */
export function checkRequest(request: RestRequest): Operation {
  const method = request.method.toUpperCase();
  const { path, query } = splitUrl(request.url);
  const operation = findOperation(method, request.url);
  if (!operation) throw new ContractError(`no GitHub REST operation for ${method} ${path}`);
  checkQuery(operation, query);
  checkBody(operation, request.body);
  return operation;
}

function checkQuery(operation: Operation, query: URLSearchParams): void {
  const declared = queryParameterNames(operation);
  for (const name of new Set(query.keys())) {
    if (!declared.has(name)) {
      const known = [...declared].join(", ") || "none";
      throw new ContractError(`${describe(operation)}: unknown query parameter "${name}" (declared: ${known})`);
    }
  }
}

function checkBody(operation: Operation, body: unknown): void {
  const requestBody = resolveLocal<OperationObject["requestBody"]>(operation.definition.requestBody);
  const schema = jsonSchemaOf(requestBody?.content);
  if (body === undefined) {
    if (requestBody?.required) throw new ContractError(`${describe(operation)}: request body is required`);
    return;
  }
  if (schema === undefined) throw new ContractError(`${describe(operation)}: takes no request body`);
  const validate = validatorFor(`${operation.method} ${operation.pathTemplate} request`, () => closeTopLevel(schema));
  if (!validate(body)) {
    throw new ContractError(`${describe(operation)}: invalid request body: ${formatErrors(validate.errors)}`);
  }
}

function isGenericError(status: number): boolean {
  return GENERIC_ERROR_STATUSES.has(status) || (status >= 500 && status <= 599);
}

// GitHub's error body on every endpoint; `basic-error` in the description leaves both optional,
// but real errors always carry them, so a mocked one must too.
const GITHUB_ERROR_SCHEMA = {
  type: "object",
  required: ["message", "documentation_url"],
  properties: { message: { type: "string" }, documentation_url: { type: "string" } },
};

/**
 * Checks a (mocked) response body against the operation's declared response for `status`.
 * Undeclared statuses are allowed only for GitHub's generic errors, with GitHub's error body.
 * An empty body (undefined, null or "") is required when the response declares no content.
 */
export function checkResponse(operation: Operation, status: number, body: unknown): void {
  const declared = operation.definition.responses?.[String(status)];
  if (declared === undefined) {
    if (!isGenericError(status)) {
      const known = Object.keys(operation.definition.responses ?? {}).join(", ");
      throw new ContractError(`${describe(operation)}: status ${status} is not declared (declared: ${known})`);
    }
    const validate = validatorFor("github-error", () => GITHUB_ERROR_SCHEMA);
    if (!validate(body)) {
      throw new ContractError(
        `${describe(operation)}: status ${status} needs GitHub's error body: ${formatErrors(validate.errors)}`,
      );
    }
    return;
  }
  const schema = jsonSchemaOf(resolveLocal<ResponseObject>(declared).content);
  if (schema === undefined) {
    if (body !== undefined && body !== null && body !== "") {
      throw new ContractError(`${describe(operation)}: status ${status} declares no response body`);
    }
    return;
  }
  const validate = validatorFor(`${operation.method} ${operation.pathTemplate} ${status}`, () => schema);
  if (!validate(body)) {
    throw new ContractError(
      `${describe(operation)}: invalid ${status} response: ${formatErrors(validate.errors)}`,
    );
  }
}
