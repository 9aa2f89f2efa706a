import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  commandsIn, EXITS, gtCommandProblem, gtCommandsIn, RUNNER_COMMANDS, unknownGtCommands,
} from "../../app/molecules/runner-commands.js";

describe("RUNNER_COMMANDS", () => {
  it("lists the runner's commands with their flags", () => {
    expect(RUNNER_COMMANDS.map((c) => [c.path.join(" "), c.flags.map((f) => f.flag).join(" "), c.maxArgs])).toEqual([
      ["prime", "", 0],
      ["step done", "--notes", 0],
      ["done", "--exit --reason --blocker", 0],
      ["bead create", "--title --type --description --parent --discovered-from --blocks", 0],
      ["mail send", "--to --subject --body", 0],
      ["nudges", "", 0],
      ["ledger validate", "--all --json --ledger", 1],
      ["ledger ready", "--json --all --sort --now --ledger", 1],
      ["ledger stats", "--json --ledger", 1],
      ["mol status", "--json --ledger --wisps", 1],
      ["mol next", "--json --ledger --wisps", 1],
    ]);
  });

  it("allows exactly the four exits", () => {
    const exit = RUNNER_COMMANDS.find((c) => c.path.join(" ") === "done")?.flags.find((f) => f.flag === "--exit");
    expect(exit?.values).toEqual(["COMPLETED", "BLOCKED", "REFACTOR", "ESCALATE"]);
    expect(exit?.values).toEqual(EXITS);
  });

  it("lets mail go only to the town's roles, and beads be only work", () => {
    const flag = (path: string, name: string) =>
      RUNNER_COMMANDS.find((c) => c.path.join(" ") === path)?.flags.find((f) => f.flag === name)?.values;
    expect(flag("mail send", "--to")).toEqual(["overseer", "witness", "refinery", "mayor"]);
    expect(flag("bead create", "--type")).toEqual(["bug", "feature", "task", "epic", "chore", "decision", "spike", "story"]);
  });
});

describe("gtCommandsIn", () => {
  it("finds the commands in inline code and fenced blocks, in order, and not labels, ids or mentions", () => {
    const text = [
      "Label the issue `gt:sling`; bead `gt-a1b` is hooked on `polecat/nux/gt-a1b`. The `gt` CLI is on PATH.",
      "First run `gt prime`, then:",
      "",
      "```sh",
      "gt nudges   # what people sent",
      'gt step done --notes "read the issue" && git status',
      "```",
      "",
      'Finish with `gt done --exit COMPLETED --reason "tests pass"`. Prose that says gt done is not code.',
    ].join("\n");
    expect(gtCommandsIn(text)).toEqual([
      "gt prime",
      "gt nudges",
      'gt step done --notes "read the issue"',
      'gt done --exit COMPLETED --reason "tests pass"',
    ]);
  });

  it("splits a code block as a shell does: quotes, substitutions, pipes, redirections, continued lines", () => {
    const text = [
      "```bash",
      'if [ "$n" -gt 3 ]; then echo "later: gt done"; fi',
      'next=$(gt mol next "$GASTOWN_MOLECULE" --json) || true',
      "gt ledger ready --json | head -5; gt ledger stats",
      'gt bead create --title "Flaky: the cache test" \\',
      "  --type bug --discovered-from <work bead> 2>&1 > out.txt",
      "# gt prime, in a comment",
      "echo `gt nudges`",
      "```",
    ].join("\n");
    expect(gtCommandsIn(text)).toEqual([
      'gt mol next "$GASTOWN_MOLECULE" --json',
      "gt ledger ready --json",
      "gt ledger stats",
      'gt bead create --title "Flaky: the cache test" --type bug --discovered-from <work bead>',
      "gt nudges",
    ]);
  });

  it("reads code spans and fences as CommonMark does", () => {
    const text = [
      "Double backticks hold a backtick: `` echo `gt prime` ``.",
      "Escaped backticks are not code: \\`gt nudges\\`. A span may wrap a",
      "line: `gt step done",
      "--notes x`.",
      "",
      "An unclosed ` backtick is text.",
      "",
      "~~~",
      "gt mol status gt-mol-a1b",
      "~~~",
      "````markdown",
      "```",
      "gt done --exit BLOCKED",
      "```",
      "````",
    ].join("\n");
    expect(gtCommandsIn(text)).toEqual([
      "gt prime",
      "gt step done --notes x",
      "gt mol status gt-mol-a1b",
      "gt done --exit BLOCKED",
    ]);
  });

  it("finds any program's commands the same way", () => {
    const text = '```sh\ngit add a.ts && git commit -m "Fix" --trailer "Gastown-Step: implement"\n```\nthen `git status`';
    expect(commandsIn(text, "git")).toEqual([
      "git add a.ts",
      'git commit -m "Fix" --trailer "Gastown-Step: implement"',
      "git status",
    ]);
  });
});

describe("unknownGtCommands", () => {
  it("reports wrong commands, flags, values and arguments, and passes placeholders", () => {
    const text = [
      "`gt prime`, `gt sling gt-a1b`, `gt mol pour shiny`, `gt mol`, `gt step done --note x`,",
      "`gt done --exit DONE --reason x`, `gt done --exit <exit> --reason …`, `gt nudges --all`,",
      "`gt ledger ready --json=yes`, `gt mail send --to --subject hi`, `gt prime extra`,",
      "`gt mol status a b`, `gt ledger ready --sort=newest`, `gt done --exit=ESCALATE --reason \"why\"`,",
      "`gt bead create --title x --type bug --parent {{issue}} --discovered-from $GASTOWN_BEAD`,",
      "`gt step done --notes`, `gt ledger validate -- -odd-name.jsonl`, `gt mol next \"$GASTOWN_MOLECULE\" …`",
    ].join("\n");
    expect(unknownGtCommands(text)).toEqual([
      {
        command: "gt sling gt-a1b",
        problem: "gt sling is not a runner command (they are gt prime, gt step done, gt done, gt bead create, " +
          "gt mail send, gt nudges, gt ledger validate|ready|stats, gt mol status|next)",
      },
      { command: "gt mol pour shiny", problem: "gt mol pour is not a runner command (gt mol has status, next)" },
      { command: "gt mol", problem: "gt mol needs a command: status or next" },
      { command: "gt step done --note x", problem: "gt step done has no flag --note (its flags: --notes)" },
      {
        command: "gt done --exit DONE --reason x",
        problem: '--exit must be one of COMPLETED, BLOCKED, REFACTOR, ESCALATE (got "DONE")',
      },
      { command: "gt nudges --all", problem: "gt nudges has no flag --all (it takes no flags)" },
      { command: "gt ledger ready --json=yes", problem: "--json takes no value" },
      { command: "gt mail send --to --subject hi", problem: "--to needs a value" },
      { command: "gt prime extra", problem: 'gt prime takes no arguments (got "extra")' },
      { command: "gt mol status a b", problem: 'gt mol status takes at most 1 argument (got "b")' },
      { command: "gt ledger ready --sort=newest", problem: '--sort must be one of hybrid, priority, oldest (got "newest")' },
      { command: "gt step done --notes", problem: "--notes needs a value" },
    ]);
  });
});

describe("gtCommandProblem", () => {
  it("checks one command line", () => {
    expect(gtCommandProblem('gt done --exit COMPLETED --reason "All green"')).toBeUndefined();
    expect(gtCommandProblem("gt hook")).toBe(
      "gt hook is not a runner command (they are gt prime, gt step done, gt done, gt bead create, " +
        "gt mail send, gt nudges, gt ledger validate|ready|stats, gt mol status|next)",
    );
    expect(gtCommandProblem("gt bead create --title x --type task --priority 1")).toBe(
      "gt bead create has no flag --priority (its flags: --title, --type, --description, --parent, --discovered-from, --blocks)",
    );
    expect(gtCommandProblem("git status")).toBe('"git status" is not a gt command');
  });
});

// ---------------------------------------------------------------------------------------------
// The shipped formulas

interface RawStep {
  readonly id: string;
  readonly title?: string;
  readonly description?: string;
  readonly acceptance?: string;
  readonly needs?: readonly string[];
}

interface RawFormula {
  readonly formula: string;
  readonly description?: string;
  readonly type?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly steps?: readonly RawStep[];
  readonly template?: readonly RawStep[];
  readonly extends?: string | readonly string[];
  readonly compose?: { readonly expand?: readonly { readonly target: string; readonly with: string }[] };
}

const FORMULA_DIR = fileURLToPath(new URL("../../formulas/", import.meta.url));
const SUFFIX = ".formula.yaml";
const files = readdirSync(FORMULA_DIR).filter((f) => f.endsWith(SUFFIX)).sort();
const formulas = new Map(files.map((file) => [
  file.slice(0, -SUFFIX.length),
  parse(readFileSync(join(FORMULA_DIR, file), "utf8")) as RawFormula,
]));
const names = [...formulas.keys()].sort();

function formulaNamed(name: string): RawFormula {
  const formula = formulas.get(name);
  if (formula === undefined) throw new Error(`no formulas/${name}${SUFFIX}`);
  return formula;
}

const parentsOf = (f: RawFormula): readonly string[] =>
  f.extends === undefined ? [] : typeof f.extends === "string" ? [f.extends] : f.extends;

/** Every step in a formula, with where it is: `steps[2]`, `template[0]`. */
function stepsOf(f: RawFormula): { where: string; step: RawStep }[] {
  return [
    ...(f.steps ?? []).map((step, i) => ({ where: `steps[${i}]`, step })),
    ...(f.template ?? []).map((step, i) => ({ where: `template[${i}]`, step })),
  ];
}

const TEXT_FIELDS = ["title", "description", "acceptance"] as const;

/** Every piece of text an agent may read in a formula, with where it is. */
function textsOf(f: RawFormula): { where: string; text: string }[] {
  const texts = [{ where: "description", text: f.description ?? "" }];
  for (const { where, step } of stepsOf(f)) {
    for (const field of TEXT_FIELDS) texts.push({ where: `${where}.${field}`, text: step[field] ?? "" });
  }
  return texts;
}

/** The step ids a formula's needs may name: its own, its parents', and those its expansions make. */
function stepIdsOf(name: string): Set<string> {
  const f = formulaNamed(name);
  const ids = new Set(stepsOf(f).map((s) => s.step.id));
  for (const parent of parentsOf(f)) for (const id of stepIdsOf(parent)) ids.add(id);
  for (const { target, with: expansion } of f.compose?.expand ?? []) {
    for (const step of formulaNamed(expansion).template ?? []) ids.add(step.id.replaceAll("{target}", target));
  }
  return ids;
}

function varsOf(name: string): Set<string> {
  const f = formulaNamed(name);
  const vars = new Set(Object.keys(f.vars ?? {}));
  for (const parent of parentsOf(f)) for (const v of varsOf(parent)) vars.add(v);
  return vars;
}

/** Patrols are run by the App and the actions, not by an agent. */
const isPatrol = (name: string) => name.endsWith("-patrol");

describe("the formulas in formulas/", () => {
  it("are all there", () => {
    expect(names).toEqual([
      "mol-deacon-patrol", "mol-polecat-conflict-resolve", "mol-polecat-fix", "mol-polecat-work",
      "mol-refinery-patrol", "mol-witness-patrol", "rule-of-five", "shiny", "shiny-enterprise",
    ]);
  });

  it.each(names)("%s is named as its file is", (name) => {
    expect(formulaNamed(name).formula).toBe(name);
  });

  it.each(names)("%s names only the runner's gt commands", (name) => {
    const unknown = textsOf(formulaNamed(name)).flatMap(({ where, text }) =>
      unknownGtCommands(text).map((u) => `${where}: ${u.command}: ${u.problem}`));
    expect(unknown).toEqual([]);
  });

  it.each(names)("%s needs only steps that exist", (name) => {
    const ids = stepIdsOf(name);
    const missing = stepsOf(formulaNamed(name)).flatMap(({ where, step }) =>
      (step.needs ?? []).filter((need) => !ids.has(need)).map((need) => `${where}.needs: ${need}`));
    expect(missing).toEqual([]);
  });

  it.each(names)("%s uses only declared vars, each written {{name}}", (name) => {
    const declared = varsOf(name);
    const wrong = textsOf(formulaNamed(name)).flatMap(({ where, text }) => {
      const problems: string[] = [];
      for (const match of text.matchAll(/\{\{([^}]*)\}\}/g)) {
        const var_ = match[1] ?? "";
        if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(var_)) problems.push(`${where}: malformed ${match[0]}`);
        else if (!declared.has(var_)) problems.push(`${where}: {{${var_}}} is not declared`);
      }
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  const agentFormulas = names.filter((name) => !isPatrol(name) && stepsOf(formulaNamed(name)).length > 0);
  const patrols = names.filter(isPatrol);

  it.each(agentFormulas)("%s closes every step with gt step done", (name) => {
    const open = stepsOf(formulaNamed(name))
      .filter(({ step }) => !gtCommandsIn(step.description ?? "").some((c) => c.startsWith("gt step done")))
      .map(({ step }) => step.id);
    expect(open).toEqual([]);
  });

  it.each(agentFormulas)("%s has every commit carry the bead and its own step as trailers", (name) => {
    const bad = stepsOf(formulaNamed(name)).flatMap(({ step }) =>
      commandsIn(step.description ?? "", "git")
        .filter((c) => /^git commit\b/.test(c))
        .filter((c) => !/--trailer "Gastown-Bead: (\{\{bead\}\}|\$GASTOWN_BEAD)"/.test(c) ||
          !(c.includes(`--trailer "Gastown-Step: ${step.id}"`) || c.includes('--trailer "Gastown-Step: <step id>"')))
        .map((c) => `${step.id}: ${c}`));
    expect(bad).toEqual([]);
  });

  it.each(agentFormulas.filter((name) => formulaNamed(name).type !== "expansion"))(
    "%s ends every path through it with gt done --exit COMPLETED",
    (name) => {
      const steps = formulaNamed(name).steps ?? [];
      const needed = new Set(steps.flatMap((s) => s.needs ?? []));
      const last = steps.filter((s) => !needed.has(s.id));
      expect(last.length).toBeGreaterThan(0);
      for (const step of last) {
        expect(gtCommandsIn(step.description ?? "").filter((c) => c.startsWith("gt done ")), step.id)
          .toEqual([expect.stringMatching(/^gt done --exit COMPLETED --reason "[^"]+"$/)]);
      }
    },
  );

  it.each(patrols)("%s, run by the App, tells no agent to run gt", (name) => {
    expect(textsOf(formulaNamed(name)).flatMap(({ text }) => gtCommandsIn(text))).toEqual([]);
  });
});
