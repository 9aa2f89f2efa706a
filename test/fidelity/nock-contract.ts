// nock for api.github.com with the REST contract check built in: each mocked reply is checked
// against GitHub's description when it is defined, and each intercepted request when it arrives,
// so a test can neither send nor mock an API shape GitHub does not have (Design §4.9).
//
//   afterEach(() => cleanContractNock());
//   const github = contractNock();
//   github.mock("POST", "/repos/o/r/issues/1/labels", 200, [label]);
//   await fetch(...);                         // or the code under test
//   github.assertAllChecked();                // every mock used, every request valid
//   expect(github.requests).toEqual([{ method: "POST", path: "/repos/o/r/issues/1/labels", body: { labels: ["x"] } }]);
import nock from "nock";
import { permissionFor } from "./app-permissions.js";
import { checkRequest, checkResponse, ContractError, findOperation } from "./rest-contract.js";

export const GITHUB_API = "https://api.github.com";

/** A request as it reached the mock: path includes the query string; body parsed from JSON. */
export type RecordedRequest = { method: string; path: string; body?: unknown };

export type ContractNock = {
  /** Mocks one reply to `method path` (path without query matches any query string). */
  mock(method: string, path: string, status: number, body?: unknown): ContractNock;
  /** Every intercepted request, in order. */
  readonly requests: RecordedRequest[];
  /** Throws the first contract failure, or if some mock was never requested. */
  assertAllChecked(): void;
};

// The status a request that breaks the contract gets, so the code under test sees a failure
// too; the test learns why from assertAllChecked().
const CONTRACT_VIOLATION_STATUS = 400;

/**
 * Starts a fresh api.github.com mock. Clears earlier interceptors and forbids real network
 * connections: a request with no mock fails instead of reaching GitHub.
 */
export function contractNock(): ContractNock {
  cleanContractNock();
  nock.disableNetConnect();
  const scope = nock(GITHUB_API);
  const requests: RecordedRequest[] = [];
  const failures: ContractError[] = [];

  const github: ContractNock = {
    requests,
    mock(method, path, status, body) {
      checkMockedReply(method, path, status, body);
      const [pathname, search] = path.split("?", 2);
      const interceptor = scope.intercept(pathname ?? path, method.toUpperCase());
      (search === undefined ? interceptor.query(true) : interceptor.query(search)).reply((uri, rawBody) => {
        const request = record(method, uri, rawBody);
        requests.push(request);
        const failure = tryCheckRequest(request);
        if (failure) {
          failures.push(failure);
          return [CONTRACT_VIOLATION_STATUS, { message: failure.message }];
        }
        return body === undefined ? [status] : [status, body as nock.Body];
      });
      return github;
    },
    assertAllChecked() {
      if (failures[0]) throw failures[0];
      if (!scope.isDone()) throw new Error(`mocked requests never sent: ${scope.pendingMocks().join(", ")}`);
    },
  };
  return github;
}

/** Removes every interceptor and lets the network back in; call from afterEach. */
export function cleanContractNock(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

// Checked at definition time so the stack trace points at the test's bad mock.
function checkMockedReply(method: string, path: string, status: number, body: unknown): void {
  const operation = findOperation(method, path);
  if (!operation) throw new ContractError(`no GitHub REST operation for ${method.toUpperCase()} ${path.split("?")[0]}`);
  checkResponse(operation, status, body);
}

function record(method: string, uri: string, rawBody: nock.Body): RecordedRequest {
  const body = parseBody(rawBody);
  const request: RecordedRequest = { method: method.toUpperCase(), path: uri };
  if (body !== undefined) request.body = body;
  return request;
}

// nock hands over JSON bodies as a string (or already parsed, depending on the client).
function parseBody(rawBody: nock.Body): unknown {
  if (rawBody === "" || rawBody === undefined) return undefined;
  if (typeof rawBody !== "string") return rawBody;
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return rawBody;
  }
}

function tryCheckRequest(request: RecordedRequest): ContractError | undefined {
  try {
    const operation = checkRequest({ method: request.method, url: request.path, body: request.body });
    permissionFor(operation.operationId);
    return undefined;
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
}
