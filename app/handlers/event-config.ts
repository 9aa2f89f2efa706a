// One read of a repository's settings for the handlers of one event. Probot runs every handler of
// an event at once (an `issues.labeled` is both a possible sling and a mirror change), and each
// opens the town at its start; they share the read in flight rather than asking GitHub twice.
// Keyed by the event's payload, which Probot hands every handler of one delivery. Only the read in
// flight is shared: once answered it is let go, so a later look (or a redelivery) reads afresh.
import type { ConfigTexts } from "../config/repository-config.js";
import type { AppDependencies } from "./app-dependencies.js";

const reads = new WeakMap<object, Map<string, Promise<ConfigTexts>>>();

/** `deps` whose settings reads for this event's payload are shared by all its handlers. */
export function withEventConfig(deps: AppDependencies, payload: unknown): AppDependencies {
  if (typeof payload !== "object" || payload === null) return deps;
  return {
    ...deps,
    loadConfig: (github, owner, repo) => {
      const byRepository = reads.get(payload) ?? new Map<string, Promise<ConfigTexts>>();
      reads.set(payload, byRepository);
      const key = `${owner}/${repo}`;
      let read = byRepository.get(key);
      if (read === undefined) {
        read = deps.loadConfig(github, owner, repo);
        byRepository.set(key, read);
        const settled = read;
        const forget = () => {
          if (byRepository.get(key) === settled) byRepository.delete(key);
        };
        read.then(forget, forget);
      }
      return read;
    },
  };
}
