// A repository's formulas from `.beads/formulas/` over the shipped ones, fetched through the
// contents API against the emulator: which files are read, and what cook then sees.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../app/github/github-client.js";
import { repositoryFormulaLibrary } from "../../app/github/repository-formulas.js";
import { cook } from "../../app/molecules/cook.js";
import { FormulaError, formatFormulaProblem } from "../../app/molecules/formula-problems.js";
import { totalRequests } from "../emulator/faults/counters.js";
import type { Emulator } from "../emulator/emulator.js";
import { octokitFor, startFixedEmulator } from "../emulator/testing.js";

const TOWN = { owner: "octo", repo: "town" };

// The repository's own shiny: two steps instead of five.
const OWN_SHINY = `formula: shiny
vars:
  feature: { required: true }
steps:
  - id: implement
    title: Build {{feature}}
  - id: ship
    title: Ship {{feature}}
    needs: [implement]
`;

const TEAM_ROOT = `formula: team-root
steps:
  - id: triage
    title: Triage
`;
const TEAM_BASE = `formula: team-base
extends: team-root
steps:
  - id: work
    title: Work
    needs: [triage]
`;
const TEAM_REVIEW = `formula: team-review
type: expansion
template:
  - id: "{target}.draft"
    title: Draft {target.title}
  - id: "{target}.check"
    title: Check {target.title}
    needs: ["{target}.draft"]
`;
const TEAM_WORK = `formula: team-work
extends: [team-base]
steps:
  - id: land
    title: Land
    needs: [work]
compose:
  expand:
    - target: work
      with: team-review
`;

let github: Emulator;
let app: GitHubClient;

beforeEach(async () => {
  github = await startFixedEmulator();
  app = octokitFor(github, github.installationToken(github.install({ account: "octo" })));
});

afterEach(async () => {
  await github.close();
  expect(github.problems).toEqual([]);
});

async function townWith(formulas: Record<string, string>): Promise<void> {
  const files = Object.fromEntries(Object.entries(formulas).map(([name, text]) => [`.beads/formulas/${name}.formula.yaml`, text]));
  await github.addRepo({ owner: "octo", name: "town", files: { "README.md": "# Town\n", ...files } });
  github.resetCounters();
}

/** The paths the contents API was asked for, in order. */
function contentRequests(client: GitHubClient, paths: string[]): GitHubClient {
  return {
    request: (route, parameters) => {
      if (route.includes("/contents/")) paths.push(String(parameters?.["path"]));
      return client.request(route, parameters);
    },
  };
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof FormulaError) return error.problems.map(formatFormulaProblem);
    throw error;
  }
  throw new Error("expected a FormulaError");
}

describe("a repository's formulas", () => {
  it("cost one request when the repository has no .beads/formulas: the shipped ones serve", async () => {
    await townWith({});

    const library = await repositoryFormulaLibrary(app, TOWN, ["shiny-enterprise"]);
    const proto = cook("shiny-enterprise", library, { feature: "export", bead: "town-w1" });

    expect(library.searched).toBe(".beads/formulas/ and formulas/");
    expect(library.find("shiny")?.file).toBe("formulas/shiny.formula.yaml");
    expect(proto.file).toBe("formulas/shiny-enterprise.formula.yaml");
    expect(totalRequests(github.counters)).toBe(1);
  });

  it("override a shipped one, even where a shipped formula extends it, fetching only what is used", async () => {
    await townWith({ shiny: OWN_SHINY, unused: "formula: unused\n" });
    const paths: string[] = [];

    const library = await repositoryFormulaLibrary(contentRequests(app, paths), TOWN, ["shiny-enterprise"]);
    const proto = cook("shiny-enterprise", library, { feature: "export", bead: "town-w1" });

    expect(paths).toEqual([".beads/formulas", ".beads/formulas/shiny.formula.yaml"]);
    expect(library.find("shiny")?.file).toBe(".beads/formulas/shiny.formula.yaml");
    expect(proto.file).toBe("formulas/shiny-enterprise.formula.yaml");
    // The repository's implement step, expanded by the shipped rule-of-five; ship follows it.
    expect(proto.steps.map((s) => [s.id, s.title])).toEqual([
      ["implement.draft", "Draft: Build export"],
      ["implement.refine-1", "Refine 1 (correctness): Build export"],
      ["implement.refine-2", "Refine 2 (clarity): Build export"],
      ["implement.refine-3", "Refine 3 (edge cases): Build export"],
      ["implement.refine-4", "Refine 4 (excellence): Build export"],
      ["ship", "Ship export"],
    ]);
  });

  it("follow extends and compose.expand through the repository's own files", async () => {
    await townWith({ "team-work": TEAM_WORK, "team-base": TEAM_BASE, "team-root": TEAM_ROOT, "team-review": TEAM_REVIEW, shiny: OWN_SHINY });
    const paths: string[] = [];

    const library = await repositoryFormulaLibrary(contentRequests(app, paths), { ...TOWN, ref: "main" }, ["team-work"]);
    const proto = cook("team-work", library);

    // team-base and team-review are asked for together, before team-root (which team-base
    // names): one after the other, team-root would come second.
    expect(paths).toEqual([
      ".beads/formulas",
      ".beads/formulas/team-work.formula.yaml",
      ".beads/formulas/team-base.formula.yaml",
      ".beads/formulas/team-review.formula.yaml",
      ".beads/formulas/team-root.formula.yaml",
    ]);
    expect(proto.steps.map((s) => [s.id, s.title, s.needs])).toEqual([
      ["triage", "Triage", []],
      ["work.draft", "Draft Work", ["triage"]],
      ["work.check", "Check Work", ["work.draft"]],
      ["land", "Land", ["work.check"]],
    ]);
  });

  it("surface a broken file's error, with its line and column, when cook comes to it", async () => {
    await townWith({ shiny: "formula: shiny\nsteps:\n  - id: build\n    titel: Build\n" });

    const library = await repositoryFormulaLibrary(app, TOWN, ["shiny-enterprise"]);

    expect(library.find("shiny-enterprise")?.file).toBe("formulas/shiny-enterprise.formula.yaml");
    expect(problemsOf(() => cook("shiny-enterprise", library))).toEqual([
      ".beads/formulas/shiny.formula.yaml:3:5: steps[0]: title is required",
      ".beads/formulas/shiny.formula.yaml:4:5: steps[0].titel: unknown field (a step's fields are id, title, description, acceptance, needs, parallel, gate, interactive, type, children)",
    ]);
  });

  it("refuse a repository file that was not named, rather than fall back to the shipped one", async () => {
    await townWith({ shiny: OWN_SHINY });

    const library = await repositoryFormulaLibrary(app, TOWN, ["mol-polecat-work"]);

    expect(() => library.find("shiny")).toThrow('.beads/formulas/shiny.formula.yaml was not fetched: name "shiny" to repositoryFormulaLibrary');
    expect(library.find("nothing-by-this-name")).toBeUndefined();
    expect(totalRequests(github.counters)).toBe(1);
  });
});
