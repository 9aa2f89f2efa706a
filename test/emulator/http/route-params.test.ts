import { describe, expect, it } from "vitest";
import { routeParams } from "./route-params.js";

describe("routeParams", () => {
  it("decodes each templated segment", () => {
    expect(routeParams("/repos/{owner}/{repo}/labels/{name}", "/repos/octo/town/labels/gt%3Asling")).toEqual({ owner: "octo", repo: "town", name: "gt:sling" });
  });

  it("lets a trailing path or ref take the rest of the path", () => {
    expect(routeParams("/repos/{owner}/{repo}/git/ref/{ref}", "/repos/o/r/git/ref/heads/gastown/ledger")).toEqual({ owner: "o", repo: "r", ref: "heads/gastown/ledger" });
  });

  it("splits base...head", () => {
    expect(routeParams("/repos/{owner}/{repo}/compare/{base}...{head}", "/repos/o/r/compare/main...polecat/nux")).toEqual({ owner: "o", repo: "r", base: "main", head: "polecat/nux" });
  });
});
