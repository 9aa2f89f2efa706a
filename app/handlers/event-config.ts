// One read of a repository's settings, and of its ledger, for the handlers of one event. Probot
// runs every handler of an event at once (an `issues.labeled` is both a possible sling and a
// mirror change; an `issues.closed` a mirror change and a convoy's wake), and each opens the town
// at its start; they share the read in flight rather than asking GitHub twice. Keyed by the
// event's payload, which Probot hands every handler of one delivery. Only the read in flight is
// shared: once answered it is let go, so a later look (or a redelivery) reads afresh.
import type { AppDependencies } from "./app-dependencies.js";

const reads = new WeakMap<object, Map<string, Promise<unknown>>>();

/** `deps` whose settings and ledger reads for this event's payload are shared by all its handlers. */
export function withEventConfig(deps: AppDependencies, payload: unknown): AppDependencies {
  if (typeof payload !== "object" || payload === null) return deps;
  return {
    ...deps,
    loadConfig: (github, owner, repo) => shared(payload, `settings ${owner}/${repo}`, () => deps.loadConfig(github, owner, repo)),
    shareLedgerRead: (key, read) => shared(payload, `ledger ${key}`, read),
  };
}

function shared<T>(payload: object, key: string, read: () => Promise<T>): Promise<T> {
  const inFlight = reads.get(payload) ?? new Map<string, Promise<unknown>>();
  reads.set(payload, inFlight);
  const known = inFlight.get(key) as Promise<T> | undefined;
  if (known !== undefined) return known;
  const started = read();
  inFlight.set(key, started);
  const forget = () => {
    if (inFlight.get(key) === started) inFlight.delete(key);
  };
  started.then(forget, forget);
  return started;
}
