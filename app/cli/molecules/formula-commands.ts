// `gt formula list | show NAME | cook NAME`: the formulas a repository can pour, read-only.
import { cook } from "../../molecules/cook.js";
import { resolveFormula } from "../../molecules/resolve-formula.js";
import type { Proto } from "../../molecules/proto.js";
import type { Command } from "../command.js";
import { explained, formulaLibrary, VAR_OPTION, varsOption } from "./molecule-cli.js";

/** Rows of columns, each padded to its widest cell; trailing spaces trimmed. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd() + "\n").join("");
}

/** A description's first sentence: a list shows one short line per formula. */
function firstSentence(text: string | undefined): string {
  const line = (text ?? "").trim().split("\n")[0] ?? "";
  const end = line.search(/[.!?](\s|$)/);
  return end < 0 ? line : line.slice(0, end + 1);
}

export const formulaListCommand: Command = {
  name: "list",
  usage: "",
  summary: "list the formulas: the repository's .beads/formulas/ first, then the shipped ones",
  options: {},
  positionals: { min: 0, max: 0 },
  async run(_args, io) {
    const library = formulaLibrary(io);
    const listed = library.list();
    if (listed.length === 0) {
      io.stdout(`No formulas in ${library.searched}.\n`);
      return 0;
    }
    const rows = await explained(() => listed.map((f) => {
      const { formula } = library.find(f.name) ?? { formula: undefined };
      return [f.name, formula?.type ?? "workflow", f.file, firstSentence(formula?.description)];
    }));
    io.stdout(table(rows));
    return 0;
  },
};

export const formulaShowCommand: Command = {
  name: "show",
  usage: "NAME",
  summary: "show a formula's vars and steps, with extends and expansions worked out",
  options: {},
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const name = args.positionals[0] as string;
    const resolved = await explained(() => resolveFormula(name, formulaLibrary(io)));
    const { formula, file } = resolved.source;
    let text = `${formula.formula} (${formula.type ?? "workflow"}, version ${formula.version ?? 1}): ${file}\n`;
    if (formula.description) text += `${formula.description.trimEnd()}\n`;
    if (resolved.vars.size > 0) {
      text += "\nvars:\n" + table([...resolved.vars].map(([varName, v]) => [
        `  ${varName}`, v.required ? "required" : `default ${JSON.stringify(v.default ?? "")}`, v.description,
      ]));
    }
    text += "\nsteps:\n" + table(resolved.steps.map((s, i) => [
      `  ${i + 1}.`, s.step.id, s.step.title, s.needs.length > 0 ? `needs ${s.needs.join(", ")}` : "",
    ]));
    io.stdout(text);
    return 0;
  },
};

export function protoText(proto: Proto): string {
  const head = `${proto.formula}@${proto.version}: ${proto.steps.length} steps\n`;
  return head + table(proto.steps.map((s, i) => [
    `  ${i + 1}.`, s.id, s.title, s.needs.length > 0 ? `needs ${s.needs.join(", ")}` : "",
  ]));
}

export const formulaCookCommand: Command = {
  name: "cook",
  usage: "NAME [--var name=value]... [--json]",
  summary: "cook a formula into its steps with the vars given (nothing is written)",
  options: { ...VAR_OPTION, json: { type: "boolean" } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const proto = await explained(() => cook(args.positionals[0] as string, formulaLibrary(io), varsOption(args)));
    io.stdout(args.values.json ? JSON.stringify(proto, null, 2) + "\n" : protoText(proto));
    return 0;
  },
};

export const FORMULA_COMMANDS: readonly Command[] = [formulaListCommand, formulaShowCommand, formulaCookCommand];
