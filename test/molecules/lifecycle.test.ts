import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Ledger } from "../../app/ledger/ledger.js";
import { loadLedger } from "../../app/ledger/read-ledger.js";
import { serializeLedger } from "../../app/ledger/write-ledger.js";
import { cook } from "../../app/molecules/cook.js";
import { MoleculeError, readMolecule } from "../../app/molecules/molecule.js";
import { progress } from "../../app/molecules/next-steps.js";
import { pour, wisp } from "../../app/molecules/pour.js";
import { burn, evaporate, squash } from "../../app/molecules/squash.js";
import { closeStep } from "../../app/molecules/step-done.js";
import { bead } from "../ledger/ledger-builders.js";
import { memoryLibrary, NOW, RULE_OF_FIVE, SHINY, SHINY_ENTERPRISE } from "./molecule-builders.js";

const library = memoryLibrary({ shiny: SHINY, "rule-of-five": RULE_OF_FIVE, "shiny-enterprise": SHINY_ENTERPRISE });
const OPTIONS = { now: NOW, actor: "gastown", prefix: "gt" };
const work = () => Ledger.of([bead("gt-w1", { title: "Dark mode", priority: 1 })]);
const next = (ledger: Ledger, root: string) => progress(ledger, readMolecule(ledger, root)).next.map((s) => s.step);

describe("pour", () => {
  it("writes a root, one bead per step, and links the work bead", () => {
    const proto = cook("shiny", library, { feature: "dark mode" });
    const { ledger, root, created } = pour(work(), proto, "gt-w1", OPTIONS);
    expect(created).toBe(true);
    expect(root).toMatch(/^gt-mol-[0-9a-z]{3,8}$/);
    const beads = ledger.beads();
    expect(beads.map((b) => b.id)).toEqual(["gt-mol-" + root.slice(7), ...[1, 2, 3, 4, 5].map((n) => `${root}.${n}`), "gt-w1"]);
    const at = "2026-11-24T12:00:00Z";
    expect(ledger.get(root)).toEqual({
      id: root, title: "shiny: Dark mode", description: "Design, implement, review, test, submit.", status: "open",
      priority: 1, issue_type: "molecule", mol_type: "work", created_at: at, created_by: "gastown", updated_at: at,
      source_formula: "formulas/shiny.formula.yaml", bonded_from: [{ source_id: "shiny@1", bond_type: "root" }],
      metadata: { gastown: { bead: "gt-w1", formula: "shiny", vars: { feature: "dark mode", assignee: "" } } },
      dependencies: [{ issue_id: root, depends_on_id: "gt-w1", type: "parent-child", created_at: at, created_by: "gastown" }],
    });
    expect(ledger.get(`${root}.2`)).toEqual({
      id: `${root}.2`, title: "Implement dark mode", description: "Write the code for dark mode.", status: "open",
      priority: 1, issue_type: "task", created_at: at, created_by: "gastown", updated_at: at,
      metadata: { gastown: { step: "implement" } },
      dependencies: [
        { issue_id: `${root}.2`, depends_on_id: root, type: "parent-child", created_at: at, created_by: "gastown" },
        { issue_id: `${root}.2`, depends_on_id: `${root}.1`, type: "blocks", created_at: at, created_by: "gastown" },
      ],
    });
    expect(ledger.get("gt-w1")?.metadata).toEqual({ gastown: { molecule: root, formula: "shiny" } });
    // What it writes, Beads reads back.
    expect(loadLedger(serializeLedger(ledger)).size).toBe(7);
  });

  it("hands back the open molecule when the same formula is poured again, so a re-sling resumes", () => {
    const proto = cook("shiny", library, { feature: "x" });
    const first = pour(work(), proto, "gt-w1", OPTIONS);
    const again = pour(first.ledger, proto, "gt-w1", { ...OPTIONS, now: new Date("2026-11-25T00:00:00Z") });
    expect(again).toEqual({ ledger: first.ledger, root: first.root, created: false });
  });

  it("refuses a different formula while one is open, and says how to abandon it", () => {
    const first = pour(work(), cook("shiny", library, { feature: "x" }), "gt-w1", OPTIONS);
    expect(() => pour(first.ledger, cook("shiny-enterprise", library, { feature: "x" }), "gt-w1", OPTIONS)).toThrow(new MoleculeError(
      `gt-w1 already has molecule ${first.root} (formula shiny) open; to start over with shiny-enterprise, abandon it first: gt mol burn ${first.root}`,
    ));
    const burned = burn(first.ledger, first.root, NOW);
    expect(pour(burned, cook("shiny-enterprise", library, { feature: "x" }), "gt-w1", OPTIONS).created).toBe(true);
  });

  it("refuses beads that are not there or are molecules themselves", () => {
    const proto = cook("shiny", library, { feature: "x" });
    expect(() => pour(work(), proto, "gt-nope", OPTIONS)).toThrow("no bead gt-nope in the ledger to pour shiny onto");
    const { ledger, root } = pour(work(), proto, "gt-w1", OPTIONS);
    expect(() => pour(ledger, proto, root, OPTIONS)).toThrow(`${root} is a molecule; pour onto the work bead it belongs to`);
  });
});

describe("next steps, closing steps and squash", () => {
  it("offers the steps whose needs are closed, and never a closed step", () => {
    const { ledger, root } = pour(work(), cook("shiny-enterprise", library, { feature: "x" }), "gt-w1", OPTIONS);
    expect(next(ledger, root)).toEqual(["design"]);
    const after = closeStep(closeStep(ledger, root, "design", NOW), root, "implement.draft", NOW, "drafted");
    expect(next(after, root)).toEqual(["implement.refine-1"]);
    expect(readMolecule(after, root).steps[1]?.bead).toMatchObject({ status: "closed", close_reason: "done", metadata: { gastown: { step: "implement.draft", notes: "drafted" } } });
    expect(() => closeStep(after, root, "design", NOW)).toThrow(`step "design" of ${root} is already closed`);
    expect(() => closeStep(after, root, "test", NOW)).toThrow(`step "test" of ${root} cannot close yet: it needs review first`);
    expect(() => closeStep(after, root, "deploy", NOW)).toThrow(`${root} has no step "deploy"`);
  });

  it("squashes a finished molecule into a digest that counts the steps", () => {
    const proto = cook("shiny", library, { feature: "x" });
    const poured = pour(work(), proto, "gt-w1", OPTIONS);
    const root = poured.root;
    let ledger = poured.ledger;
    for (const step of proto.steps) ledger = closeStep(ledger, root, step.id, NOW);
    expect(progress(ledger, readMolecule(ledger, root)).state).toBe("finished");
    const later = new Date("2026-11-24T13:30:00Z");
    const { ledger: squashed, digest } = squash(ledger, root, { now: later });
    expect(digest).toEqual({
      id: `work:${root}`, kind: "work", molecule: root, formula: "shiny@1", bead: "gt-w1", agent: null, rig: null,
      started_at: "2026-11-24T12:00:00Z", finished_at: "2026-11-24T13:30:00Z", exit: "COMPLETED",
      steps_total: 5, steps_done: 5, attempts: 0, commits: null, files_changed: null, lines_added: null,
      lines_removed: null, pr: null, merged_at: null, cost_usd: null, turns: null, summary: "5/5 steps done",
    });
    expect(squashed.get(root)).toMatchObject({ status: "closed", close_reason: "squashed", closed_at: "2026-11-24T13:30:00Z" });
    expect(progress(squashed, readMolecule(squashed, root)).state).toBe("closed");
    // Asked again (a retry whose digest was never written): nothing changes, the same digest.
    expect(squash(squashed, root, { now: new Date("2026-12-02T00:00:00Z") })).toEqual({ ledger: squashed, digest });
    expect(() => squash(burn(ledger, root, later), root, { now: later })).toThrow(`${root} is already closed (burned): nothing to squash`);
  });

  it("squashes an unfinished molecule only when told to abandon it, closing the rest as squashed", () => {
    const { ledger, root } = pour(work(), cook("shiny", library, { feature: "x" }), "gt-w1", OPTIONS);
    const half = closeStep(ledger, root, "design", NOW);
    expect(() => squash(half, root, { now: NOW })).toThrow(
      `${root} has steps still open (implement, review, test, submit): finish them, or squash with --abandon to close them as squashed`,
    );
    const { ledger: squashed, digest } = squash(half, root, { now: NOW, abandon: true });
    expect(digest).toMatchObject({ steps_total: 5, steps_done: 1, exit: "ABANDONED", summary: "1/5 steps done" });
    expect(readMolecule(squashed, root).steps.map((s) => s.bead.close_reason)).toEqual(["done", "squashed", "squashed", "squashed", "squashed"]);
    expect(squashed.get(root)).toMatchObject({ status: "closed", close_reason: "abandoned" });
  });

  it("burns a molecule with no digest and lets the work bead go", () => {
    const { ledger, root } = pour(work(), cook("shiny", library, { feature: "x" }), "gt-w1", OPTIONS);
    const burned = burn(ledger, root, NOW);
    expect(burned.get(root)).toMatchObject({ status: "closed", close_reason: "burned" });
    expect(burned.get("gt-w1")?.metadata).toEqual({ gastown: {} });
    expect(burned.size).toBe(ledger.size);
  });
});

describe("wisps", () => {
  it("are ephemeral, held apart from the ledger, and evaporate", () => {
    const committed = work();
    const { ledger: wisps, root } = wisp(Ledger.empty(), committed, cook("shiny", library, { feature: "x" }), OPTIONS);
    expect(root).toMatch(/^gt-wisp-/);
    expect(wisps.beads().every((b) => b.ephemeral === true)).toBe(true);
    expect(wisps.size).toBe(6);
    expect(evaporate(wisps, root).size).toBe(0);
  });
});

describe("crash and restart", () => {
  it("never repeats a closed step, whatever the order of work and crashes", () => {
    const proto = cook("shiny-enterprise", library, { feature: "x" });
    const poured = pour(work(), proto, "gt-w1", OPTIONS);
    // Each action: work on the n-th next step (a polecat may take any of them), or crash, which
    // loses everything not written to the ledger: the restarted polecat re-reads the text.
    fc.assert(fc.property(fc.array(fc.oneof(fc.nat(3), fc.constant("crash" as const)), { maxLength: 40 }), (actions) => {
      let text = serializeLedger(poured.ledger);
      let ledger = loadLedger(text);
      const closedOnce = new Set<string>();
      for (const action of actions) {
        if (action === "crash") {
          ledger = loadLedger(text);
          continue;
        }
        const candidates = next(ledger, poured.root);
        if (candidates.length === 0) break;
        const step = candidates[action % candidates.length] as string;
        expect(closedOnce.has(step)).toBe(false);
        ledger = closeStep(ledger, poured.root, step, NOW);
        closedOnce.add(step);
        text = serializeLedger(ledger);
      }
      const molecule = readMolecule(ledger, poured.root);
      expect(molecule.steps.filter((s) => s.closed).map((s) => s.step).sort()).toEqual([...closedOnce].sort());
    }), { numRuns: 200 });
  });
});

describe("pour then squash", () => {
  // Values meant to trip substitution up: empty, repeated, overlapping, holding braces or
  // other vars' placeholders.
  const value = fc.constantFrom("", "x", "xx", "{{", "}}", "{{feature}}", "{{assignee}}", "a{{b", "dark mode");
  it("gives a digest that counts every step, whatever the vars hold", () => {
    fc.assert(fc.property(value, value, fc.constantFrom("shiny", "shiny-enterprise"), (feature, assignee, name) => {
      const proto = cook(name, library, { feature, assignee });
      const poured = pour(work(), proto, "gt-w1", OPTIONS);
      let ledger = poured.ledger;
      for (let left = next(ledger, poured.root); left.length > 0; left = next(ledger, poured.root)) {
        ledger = closeStep(ledger, poured.root, left[0] as string, NOW);
      }
      const { digest } = squash(ledger, poured.root, { now: NOW });
      expect(digest).toMatchObject({ steps_total: proto.steps.length, steps_done: proto.steps.length, exit: "COMPLETED" });
      expect(readMolecule(ledger, poured.root).steps.map((s) => s.bead.title)).toEqual(proto.steps.map((s) => s.title));
    }), { numRuns: 100 });
  });
});

