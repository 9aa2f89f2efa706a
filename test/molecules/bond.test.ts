import { describe, expect, it } from "vitest";
import type { Bead } from "../../app/ledger/bead-schema.js";
import { Ledger } from "../../app/ledger/ledger.js";
import { bondMolecules, bondProtos, bondProtoToMolecule, type BondType } from "../../app/molecules/bond.js";
import { cook } from "../../app/molecules/cook.js";
import { MoleculeError, readMolecule } from "../../app/molecules/molecule.js";
import { progress } from "../../app/molecules/next-steps.js";
import { pour, wisp, type PourOptions } from "../../app/molecules/pour.js";
import type { Proto } from "../../app/molecules/proto.js";
import { burn, squash } from "../../app/molecules/squash.js";
import { bead } from "../ledger/ledger-builders.js";
import { memoryLibrary, NOW, SHINY } from "./molecule-builders.js";

const OPTIONS: PourOptions = { now: NOW, actor: "mayor", prefix: "gt" };
const T = "2026-11-24T12:00:00Z";
const LATER = new Date("2026-11-24T13:00:00Z");
const T_LATER = "2026-11-24T13:00:00Z";

const library = memoryLibrary({
  shiny: SHINY,
  check: `formula: check
description: Check the work.
steps:
  - id: lint
    title: Lint
  - id: report
    title: Report
    needs: [lint]
`,
  hotfix: `formula: hotfix
version: 3
vars:
  feature: hotfix-default
  urgency: high
steps:
  - id: design
    title: Design the fix for {{feature}}
  - id: ship
    title: Ship it
    needs: [design]
    gate: { type: manual }
`,
  fan: `formula: fan
description: Two things at once.
steps:
  - id: left
    title: Left
    parallel: true
  - id: right
    title: Right
    parallel: true
`,
});

const shiny = cook("shiny", library, { feature: "login" });
const check = cook("check", library);

const WORK = bead("gt-work", { title: "Add login", priority: 1 });
const OTHER = bead("gt-other", { title: "Fix logout" });
/** Shiny poured on gt-work (A), check poured on gt-other (B). */
const A = "gt-mol-ejg";
const B = "gt-mol-eg6";
/** The root check gets when bonded to A. */
const BONDED = "gt-mol-3ip";

function twoMolecules(): Ledger {
  const a = pour(Ledger.of([WORK, OTHER]), shiny, WORK.id, OPTIONS);
  const b = pour(a.ledger, check, OTHER.id, OPTIONS);
  expect([a.root, b.root]).toEqual([A, B]);
  return b.ledger;
}

const state = (ledger: Ledger, root: string) => progress(ledger, readMolecule(ledger, root));
const nextSteps = (ledger: Ledger, root: string) => state(ledger, root).next.map((s) => s.step);

/** A root closed with `reason`, as a failed run or a person would close it. */
function closeRoot(ledger: Ledger, root: string, reason: string): Ledger {
  return ledger.update(root, (b) => ({ ...b, status: "closed", closed_at: T_LATER, close_reason: reason, updated_at: T_LATER }));
}

describe("bondProtos", () => {
  const checkAfterShiny = (type: BondType): Proto => ({
    formula: "shiny+check",
    version: 1,
    file: "formulas/shiny.formula.yaml+formulas/check.formula.yaml",
    description: "Design, implement, review, test, submit.\n\nCheck the work.",
    type: "workflow",
    vars: { feature: "login", assignee: "" },
    steps: [
      ...shiny.steps,
      {
        id: "lint", title: "Lint", description: "", acceptance: "", parallel: false,
        needs: type === "parallel" ? [] : ["submit"],
        ...(type === "conditional" ? { gate: { type: "conditional", condition: "shiny failed" } } : {}),
      },
      { id: "report", title: "Report", description: "", acceptance: "", needs: ["lint"], parallel: false },
    ],
  });

  it("sequential: B's first steps need A's last", () => {
    expect(bondProtos(shiny, check, "sequential")).toEqual(checkAfterShiny("sequential"));
  });

  it("conditional: the same, gated on A's failure", () => {
    expect(bondProtos(shiny, check, "conditional")).toEqual(checkAfterShiny("conditional"));
  });

  it("parallel: side by side, no new needs", () => {
    expect(bondProtos(shiny, check, "parallel")).toEqual(checkAfterShiny("parallel"));
  });

  it("renames B's steps that clash with A's, keeps A's vars on a clash, and needs every last step of A", () => {
    const fan = cook("fan", library);
    const hotfix = cook("hotfix", library, { feature: "logout" });
    const compound = bondProtos(bondProtos(shiny, fan, "parallel"), hotfix, "conditional");
    expect(compound).toEqual({
      formula: "shiny+fan+hotfix",
      version: 1,
      file: "formulas/shiny.formula.yaml+formulas/fan.formula.yaml+formulas/hotfix.formula.yaml",
      description: "Design, implement, review, test, submit.\n\nTwo things at once.",
      type: "workflow",
      vars: { feature: "login", assignee: "", urgency: "high" },
      steps: [
        ...shiny.steps,
        { id: "left", title: "Left", description: "", acceptance: "", needs: [], parallel: true },
        { id: "right", title: "Right", description: "", acceptance: "", needs: [], parallel: true },
        {
          id: "hotfix.design", title: "Design the fix for logout", description: "", acceptance: "",
          needs: ["submit", "left", "right"], parallel: false,
          gate: { type: "conditional", condition: "shiny+fan failed" },
        },
        { id: "ship", title: "Ship it", description: "", acceptance: "", needs: ["hotfix.design"], parallel: false, gate: { type: "manual" } },
      ],
    });
  });

  it("bonds a proto to itself by renaming every step of the second", () => {
    const twice = bondProtos(check, check, "sequential");
    expect(twice.steps.map((s) => [s.id, s.needs])).toEqual([
      ["lint", []], ["report", ["lint"]], ["check.lint", ["report"]], ["check.report", ["check.lint"]],
    ]);
  });

  it("gives B's steps nothing to need when A has no steps", () => {
    const empty: Proto = { ...check, formula: "empty", steps: [] };
    expect(bondProtos(empty, check, "sequential").steps).toEqual(check.steps);
  });

  it("refuses when a renamed step still clashes", () => {
    const a: Proto = { ...check, steps: [...check.steps, { ...(check.steps[0] as Proto["steps"][number]), id: "check.lint" }] };
    expect(() => bondProtos(a, check, "parallel")).toThrow(new MoleculeError(
      `cannot bond check and check: step "check.lint" would be there twice, even with check's clashing ids ` +
        "prefixed by its name; rename the step in one of the formulas",
    ));
  });
});

describe("bondProtoToMolecule", () => {
  const dep = (issue: string, on: string, type: string) =>
    ({ issue_id: issue, depends_on_id: on, type, created_at: T, created_by: "mayor" });
  const bondedRoot = (id: string, type: BondType, depType: string, extra: Partial<Bead> = {}): Bead => ({
    id,
    title: "check",
    description: "Check the work.",
    status: "open",
    priority: 1,
    issue_type: "molecule",
    mol_type: "work",
    created_at: T,
    created_by: "mayor",
    updated_at: T,
    source_formula: "formulas/check.formula.yaml",
    bonded_from: [{ source_id: "check@1", bond_type: "root" }, { source_id: A, bond_type: type }],
    metadata: { gastown: { formula: "check", vars: {} } },
    dependencies: [dep(id, A, depType)],
    ...extra,
  });
  const bondedSteps = (root: string, extra: Partial<Bead> = {}): Bead[] => [
    {
      id: `${root}.1`, title: "Lint", status: "open", priority: 1, issue_type: "task",
      created_at: T, created_by: "mayor", updated_at: T,
      metadata: { gastown: { step: "lint" } },
      dependencies: [dep(`${root}.1`, root, "parent-child")],
      ...extra,
    },
    {
      id: `${root}.2`, title: "Report", status: "open", priority: 1, issue_type: "task",
      created_at: T, created_by: "mayor", updated_at: T,
      metadata: { gastown: { step: "report" } },
      dependencies: [dep(`${root}.2`, root, "parent-child"), dep(`${root}.2`, `${root}.1`, "blocks")],
      ...extra,
    },
  ];

  function bondedTo(type: BondType) {
    const ledger = twoMolecules();
    const bonded = bondProtoToMolecule(ledger, check, A, type, OPTIONS);
    expect(bonded.root).toBe(BONDED);
    return { before: ledger, ...bonded };
  }

  it("sequential: pours B after A and waits until A's root closes", () => {
    const { before, ledger } = bondedTo("sequential");
    expect(ledger.beads()).toEqual(
      [...before.beads(), bondedRoot(BONDED, "sequential", "blocks"), ...bondedSteps(BONDED)]
        .sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect(state(ledger, BONDED)).toMatchObject({ state: "waiting", next: [], waitingOn: [A] });
    const squashed = squash(ledger, A, { now: LATER, abandon: true }).ledger;
    expect(state(squashed, BONDED).state).toBe("running");
    expect(nextSteps(squashed, BONDED)).toEqual(["lint"]);
  });

  it("conditional: B runs only if A's root closed as failed, burned or abandoned", () => {
    const { ledger } = bondedTo("conditional");
    expect(ledger.get(BONDED)).toEqual(bondedRoot(BONDED, "conditional", "conditional-blocks"));
    expect(state(ledger, BONDED)).toMatchObject({ state: "waiting", waitingOn: [A] });
    // Squashed with steps still open, A was abandoned: that is failure too.
    expect(nextSteps(squash(ledger, A, { now: LATER, abandon: true }).ledger, BONDED)).toEqual(["lint"]);
    expect(state(closeRoot(ledger, A, "done"), BONDED).state).toBe("skipped");
    expect(nextSteps(closeRoot(ledger, A, "failed"), BONDED)).toEqual(["lint"]);
    expect(nextSteps(burn(ledger, A, LATER), BONDED)).toEqual(["lint"]);
  });

  it("parallel: B is related to A and runs at once", () => {
    const { ledger } = bondedTo("parallel");
    expect(ledger.get(BONDED)).toEqual(bondedRoot(BONDED, "parallel", "related"));
    expect(state(ledger, BONDED).state).toBe("running");
    expect(nextSteps(ledger, BONDED)).toEqual(["lint"]);
  });

  it("pours in the target's phase: a wisp gets a wisp", () => {
    const wisps = wisp(Ledger.empty(), Ledger.of([WORK]), shiny, { ...OPTIONS, on: WORK.id });
    expect(wisps.root).toBe("gt-wisp-ejg");
    const bonded = bondProtoToMolecule(wisps.ledger, check, wisps.root, "sequential", OPTIONS);
    expect(bonded.root).toBe("gt-wisp-3ip");
    const root = bondedRoot("gt-wisp-3ip", "sequential", "blocks", { ephemeral: true });
    expect(bonded.ledger.beads().filter((b) => b.id.startsWith("gt-wisp-3ip"))).toEqual([
      {
        ...root,
        bonded_from: [{ source_id: "check@1", bond_type: "root" }, { source_id: "gt-wisp-ejg", bond_type: "sequential" }],
        dependencies: [dep("gt-wisp-3ip", "gt-wisp-ejg", "blocks")],
      },
      ...bondedSteps("gt-wisp-3ip", { ephemeral: true }),
    ]);
    expect(state(bonded.ledger, "gt-wisp-3ip").state).toBe("waiting");
  });

  it("refuses a target that is not a molecule", () => {
    expect(() => bondProtoToMolecule(twoMolecules(), check, WORK.id, "sequential", OPTIONS))
      .toThrow(new MoleculeError("gt-work is not a molecule (its type is task)"));
  });
});

describe("bondMolecules", () => {
  const rootOfB = (ledger: Ledger) => ledger.get(B) as Bead;

  it("links B's root to A's: the dependency, the bonded_from entry, and nothing else", () => {
    const ledger = twoMolecules();
    const bonded = bondMolecules(ledger, A, B, "sequential", LATER);
    expect(rootOfB(bonded)).toEqual({
      ...rootOfB(ledger),
      updated_at: T_LATER,
      dependencies: [
        { issue_id: B, depends_on_id: OTHER.id, type: "parent-child", created_at: T, created_by: "mayor" },
        { issue_id: B, depends_on_id: A, type: "blocks", created_at: T_LATER },
      ],
      bonded_from: [{ source_id: "check@1", bond_type: "root" }, { source_id: A, bond_type: "sequential" }],
    });
    expect(bonded.beads().filter((b) => b.id !== B)).toEqual(ledger.beads().filter((b) => b.id !== B));
  });

  it("sequential: B waits until A's root closes", () => {
    const bonded = bondMolecules(twoMolecules(), A, B, "sequential", LATER);
    expect(state(bonded, B)).toMatchObject({ state: "waiting", waitingOn: [A] });
    expect(nextSteps(squash(bonded, A, { now: LATER, abandon: true }).ledger, B)).toEqual(["lint"]);
  });

  it("conditional: B runs when A failed, and is skipped when A succeeded", () => {
    const bonded = bondMolecules(twoMolecules(), A, B, "conditional", LATER);
    expect(rootOfB(bonded).dependencies?.at(-1)).toEqual({ issue_id: B, depends_on_id: A, type: "conditional-blocks", created_at: T_LATER });
    expect(rootOfB(bonded).bonded_from?.at(-1)).toEqual({ source_id: A, bond_type: "conditional" });
    expect(state(bonded, B).state).toBe("waiting");
    expect(nextSteps(closeRoot(bonded, A, "failed"), B)).toEqual(["lint"]);
    expect(state(closeRoot(bonded, A, "squashed"), B).state).toBe("skipped");
    expect(nextSteps(squash(bonded, A, { now: LATER, abandon: true }).ledger, B)).toEqual(["lint"]);
  });

  it("parallel: B is related to A and runs at once", () => {
    const bonded = bondMolecules(twoMolecules(), A, B, "parallel", LATER);
    expect(rootOfB(bonded).dependencies?.at(-1)).toEqual({ issue_id: B, depends_on_id: A, type: "related", created_at: T_LATER });
    expect(nextSteps(bonded, B)).toEqual(["lint"]);
  });

  it("bonding twice adds nothing, and completes a bond half recorded", () => {
    const once = bondMolecules(twoMolecules(), A, B, "sequential", LATER);
    expect(bondMolecules(once, A, B, "sequential", new Date("2026-11-25T00:00:00Z"))).toBe(once);
    const half = once.update(B, (b) => ({ ...b, bonded_from: b.bonded_from?.slice(0, 1) }));
    expect(rootOfB(bondMolecules(half, A, B, "sequential", LATER))).toEqual(rootOfB(once));
  });

  it("refuses a molecule bonded to itself, a second kind of bond, and roots waiting on each other", () => {
    const ledger = twoMolecules();
    expect(() => bondMolecules(ledger, A, A, "sequential", LATER))
      .toThrow(new MoleculeError(`cannot bond molecule ${A} to itself`));
    const bonded = bondMolecules(ledger, A, B, "sequential", LATER);
    expect(() => bondMolecules(bonded, A, B, "conditional", LATER)).toThrow(new MoleculeError(
      `${B} is already bonded to ${A} by a blocks dependency; remove that bond before bonding them as conditional`,
    ));
    expect(() => bondMolecules(bonded, B, A, "conditional", LATER)).toThrow(new MoleculeError(
      `cannot bond ${A} after ${B}: ${B} waits on ${A}, so each would wait on the other`,
    ));
    // Related molecules do not wait on each other.
    expect(bondMolecules(bonded, B, A, "parallel", LATER).get(A)?.dependencies?.at(-1))
      .toEqual({ issue_id: A, depends_on_id: B, type: "related", created_at: T_LATER });
  });

  it("refuses a cycle through a third molecule", () => {
    const ledger = twoMolecules();
    const third = bondProtoToMolecule(ledger, check, B, "sequential", OPTIONS);
    const chained = bondMolecules(third.ledger, A, B, "conditional", LATER);
    expect(() => bondMolecules(chained, third.root, A, "sequential", LATER)).toThrow(new MoleculeError(
      `cannot bond ${A} after ${third.root}: ${third.root} waits on ${B} waits on ${A}, so each would wait on the other`,
    ));
  });

  it("refuses a bead that is not a molecule", () => {
    expect(() => bondMolecules(twoMolecules(), A, OTHER.id, "sequential", LATER))
      .toThrow(new MoleculeError("gt-other is not a molecule (its type is task)"));
  });
});
