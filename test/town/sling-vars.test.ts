import { describe, expect, it } from "vitest";
import { withGastownMetadata } from "../../app/molecules/gastown-metadata.js";
import { slingVars } from "../../app/town/sling-vars.js";
import { bead } from "../ledger/ledger-builders.js";

const work = bead("town-a1b");

describe("the vars a sling offers every formula", () => {
  it("are the issue's number, the bead, the branch, the base, the polecat and the feature", () => {
    expect(slingVars({ issue: 7, bead: work, polecat: "nux", baseBranch: "trunk", given: {} })).toEqual({
      issue: "7", bead: "town-a1b", polecat: "nux", branch: "polecat/nux/town-a1b", base_branch: "trunk", feature: "issue #7",
    });
  });

  it("add pr once the bead has one", () => {
    const withPr = withGastownMetadata(work, { pr: 42 });
    expect(slingVars({ issue: 7, bead: withPr, polecat: "nux", baseBranch: "main", given: {} }).pr).toBe("42");
  });

  it("keep a person's --var values, and their feature, but never let them rename the work", () => {
    const vars = slingVars({
      issue: 7, bead: work, polecat: "nux", baseBranch: "main",
      given: { test_command: "make check", feature: "dark mode", bead: "town-zzz", branch: "main", issue: "1" },
    });
    expect(vars).toEqual({
      issue: "7", bead: "town-a1b", polecat: "nux", branch: "polecat/nux/town-a1b", base_branch: "main",
      feature: "dark mode", test_command: "make check",
    });
  });
});
