// The `gt` commands an agent may run on a polecat's runner (DESIGN §7), and the check that text
// meant for an agent names no other: every `gt …` written in its inline code or fenced code
// blocks is found, parsed as the shell would split it, and compared with the list.

export interface RunnerFlag {
  /** As written, with its dashes: `--notes`. */
  readonly flag: string;
  /** Whether it takes a value (`--notes TEXT`); otherwise it stands alone (`--json`). */
  readonly takesValue: boolean;
  /** The only values allowed, when the set is fixed. */
  readonly values?: readonly string[];
}

export interface RunnerCommand {
  /** The words after `gt`: `["step", "done"]`. */
  readonly path: readonly string[];
  /** What follows the path, as `--help` prints it. */
  readonly usage: string;
  readonly flags: readonly RunnerFlag[];
  /** The most plain arguments (words that are neither flags nor their values) it takes. */
  readonly maxArgs: number;
}

/** How a polecat's run can end (`gt done --exit`). */
export const EXITS = ["COMPLETED", "BLOCKED", "REFACTOR", "ESCALATE"] as const;
export type Exit = (typeof EXITS)[number];

/**
 * The types of work an agent may file (`gt bead create --type`). Messages, molecules, gates,
 * agents and the town's other types are the town's own records: a "message" bead would be mail
 * past the mail cap, a "molecule" one would be read as a workflow.
 */
export const AGENT_BEAD_TYPES = ["bug", "feature", "task", "epic", "chore", "decision", "spike", "story"] as const;
export type AgentBeadType = (typeof AGENT_BEAD_TYPES)[number];

/** Who an agent may write to (`gt mail send --to`, DESIGN §7 Mail): the town's roles, never a person or a bead. */
export const MAIL_ADDRESSES = ["overseer", "witness", "refinery", "mayor"] as const;
export type MailAddress = (typeof MAIL_ADDRESSES)[number];

const valued = (flag: string, values?: readonly string[]): RunnerFlag =>
  values === undefined ? { flag, takesValue: true } : { flag, takesValue: true, values };
const boolean = (flag: string): RunnerFlag => ({ flag, takesValue: false });

const LEDGER = valued("--ledger");
const JSON_FLAG = boolean("--json");
const ALL_FLAG = boolean("--all");

export const RUNNER_COMMANDS: readonly RunnerCommand[] = [
  { path: ["prime"], usage: "", flags: [], maxArgs: 0 },
  { path: ["step", "done"], usage: "[--notes TEXT]", flags: [valued("--notes")], maxArgs: 0 },
  {
    path: ["done"],
    usage: `--exit ${EXITS.join("|")} --reason TEXT [--blocker BEAD]`,
    flags: [valued("--exit", EXITS), valued("--reason"), valued("--blocker")],
    maxArgs: 0,
  },
  {
    path: ["bead", "create"],
    usage: `--title TEXT --type ${AGENT_BEAD_TYPES.join("|")} [--description TEXT] [--parent BEAD] [--discovered-from BEAD] [--blocks BEAD]`,
    flags: [
      valued("--title"), valued("--type", AGENT_BEAD_TYPES), valued("--description"), valued("--parent"),
      valued("--discovered-from"), valued("--blocks"),
    ],
    maxArgs: 0,
  },
  {
    path: ["mail", "send"],
    usage: `--to ${MAIL_ADDRESSES.join("|")} --subject TEXT --body TEXT`,
    flags: [valued("--to", MAIL_ADDRESSES), valued("--subject"), valued("--body")],
    maxArgs: 0,
  },
  { path: ["nudges"], usage: "", flags: [], maxArgs: 0 },
  { path: ["ledger", "validate"], usage: "[FILE] [--all] [--json] [--ledger FILE]", flags: [ALL_FLAG, JSON_FLAG, LEDGER], maxArgs: 1 },
  {
    path: ["ledger", "ready"],
    usage: "[FILE] [--json] [--all] [--sort hybrid|priority|oldest] [--now ISO] [--ledger FILE]",
    flags: [JSON_FLAG, ALL_FLAG, valued("--sort", ["hybrid", "priority", "oldest"]), valued("--now"), LEDGER],
    maxArgs: 1,
  },
  { path: ["ledger", "stats"], usage: "[FILE] [--json] [--ledger FILE]", flags: [JSON_FLAG, LEDGER], maxArgs: 1 },
  {
    path: ["mol", "status"],
    usage: "MOL [--json] [--ledger FILE] [--wisps FILE]",
    flags: [JSON_FLAG, LEDGER, valued("--wisps")],
    maxArgs: 1,
  },
  {
    path: ["mol", "next"],
    usage: "MOL [--json] [--ledger FILE] [--wisps FILE]",
    flags: [JSON_FLAG, LEDGER, valued("--wisps")],
    maxArgs: 1,
  },
];

export interface UnknownGtCommand {
  /** The invocation as written: `gt mol pour shiny`. */
  readonly command: string;
  /** What is wrong with it, in a sentence. */
  readonly problem: string;
}

/** Every `gt …` invocation in the inline code and fenced code blocks of `text`, in order. */
export function gtCommandsIn(text: string): string[] {
  return commandsIn(text, "gt");
}

/**
 * Every invocation of `program` in the inline code and fenced code blocks of `text`, in order,
 * from the program's name to the end of its command (a newline in a code block, `&&`, `|`,
 * `;`, a redirection, …), with line continuations joined.
 */
export function commandsIn(text: string, program: string): string[] {
  return invocationsIn(text, program).map((i) => i.text);
}

/** The `gt` invocations in `text` that are not runner commands, each with what is wrong. */
export function unknownGtCommands(text: string): UnknownGtCommand[] {
  const unknown: UnknownGtCommand[] = [];
  for (const invocation of invocationsIn(text, "gt")) {
    const problem = argsProblem(invocation.args);
    if (problem !== undefined) unknown.push({ command: invocation.text, problem });
  }
  return unknown;
}

/**
 * What is wrong with one `gt …` command line, or undefined when it is a runner command.
 * Checks the command, its flags, the values of flags with a fixed set, and the number of
 * arguments; what a mention may leave out (a required flag, the molecule of `gt mol next`) is
 * not checked, nor are values written as placeholders (`<id>`, `$VAR`, `{{var}}`, `…`).
 */
export function gtCommandProblem(command: string): string | undefined {
  const [invocation] = invocationsIn(`\`${command.replaceAll("`", " ")}\``, "gt");
  if (invocation === undefined) return `"${command}" is not a gt command`;
  return argsProblem(invocation.args);
}

// ---------------------------------------------------------------------------------------------
// Checking one invocation

const ELLIPSIS = new Set(["…", "...", "[…]", "[...]"]);
const GROUPS = new Map<string, string[]>();
for (const command of RUNNER_COMMANDS) {
  if (command.path.length < 2) continue;
  const [group, sub] = command.path as [string, string];
  GROUPS.set(group, [...(GROUPS.get(group) ?? []), sub]);
}

/** `gt prime, gt step done, …, gt mol status|next`: the list, for messages. */
const RUNNER_LIST = (() => {
  const names: string[] = [];
  for (const command of RUNNER_COMMANDS) {
    const [first] = command.path as [string];
    const subs = GROUPS.get(first);
    if (subs === undefined || subs.length === 1) names.push(`gt ${command.path.join(" ")}`);
    else if (subs[0] === command.path[1]) names.push(`gt ${first} ${subs.join("|")}`);
  }
  return names.join(", ");
})();

/** A value written as a stand-in for the real one, which cannot be checked here. */
function isPlaceholder(value: string): boolean {
  return /<[^>]*>|\$|\{\{|…|\.\.\./.test(value);
}

function argsProblem(args: readonly string[]): string | undefined {
  const command = RUNNER_COMMANDS.find((c) => c.path.every((word, i) => args[i] === word));
  if (command === undefined) return unknownCommandProblem(args);
  const name = `gt ${command.path.join(" ")}`;
  let plain = 0;
  let optionsEnded = false;
  for (let i = command.path.length; i < args.length; i++) {
    const word = args[i] as string;
    if (ELLIPSIS.has(word)) continue;
    if (optionsEnded || !word.startsWith("-") || word === "-") {
      plain++;
      if (plain > command.maxArgs) {
        const max = command.maxArgs;
        const takes = max === 0 ? "takes no arguments" : `takes at most ${max} argument${max === 1 ? "" : "s"}`;
        return `${name} ${takes} (got "${word}")`;
      }
      continue;
    }
    if (word === "--") {
      optionsEnded = true;
      continue;
    }
    const equals = word.indexOf("=");
    const flagName = equals > 0 ? word.slice(0, equals) : word;
    const flag = command.flags.find((f) => f.flag === flagName);
    if (flag === undefined) {
      const known = command.flags.length === 0 ? "it takes no flags" : `its flags: ${command.flags.map((f) => f.flag).join(", ")}`;
      return `${name} has no flag ${flagName} (${known})`;
    }
    if (!flag.takesValue) {
      if (equals > 0) return `${flag.flag} takes no value`;
      continue;
    }
    let value: string | undefined;
    if (equals > 0) value = word.slice(equals + 1);
    else {
      value = args[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-")) return `${flag.flag} needs a value`;
      i++;
    }
    if (flag.values !== undefined && !isPlaceholder(value) && !flag.values.includes(value)) {
      return `${flag.flag} must be one of ${flag.values.join(", ")} (got "${value}")`;
    }
  }
  return undefined;
}

function unknownCommandProblem(args: readonly string[]): string {
  const [first, second] = args;
  const subs = first === undefined ? undefined : GROUPS.get(first);
  if (subs !== undefined) {
    if (second === undefined || second.startsWith("-") || ELLIPSIS.has(second)) {
      return `gt ${first} needs a command: ${subs.join(" or ")}`;
    }
    return `gt ${first} ${second} is not a runner command (gt ${first} has ${subs.join(", ")})`;
  }
  return `gt ${first ?? ""} is not a runner command (they are ${RUNNER_LIST})`;
}

// ---------------------------------------------------------------------------------------------
// Finding code in markdown

interface Code {
  readonly code: string;
  /** A fenced block: newlines end commands and `#` starts a comment, as in a shell script. */
  readonly fenced: boolean;
}

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

/** The inline code spans and fenced code blocks of markdown `text`, in order. */
function codeIn(text: string): Code[] {
  const code: Code[] = [];
  const lines = text.split(/\r?\n/);
  let prose: string[] = [];
  const flushProse = () => {
    // A code span never crosses a blank line.
    for (const paragraph of prose.join("\n").split(/\n[ \t]*\n/)) {
      for (const span of inlineCodeIn(paragraph)) code.push({ code: span, fenced: false });
    }
    prose = [];
  };
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    const open = FENCE.exec(line);
    const fence = open?.[1];
    if (fence === undefined || (fence.startsWith("`") && (open?.[2] ?? "").includes("`"))) {
      prose.push(line);
      continue;
    }
    flushProse();
    const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    const body: string[] = [];
    for (k++; k < lines.length && !close.test(lines[k] as string); k++) body.push(lines[k] as string);
    code.push({ code: body.join("\n"), fenced: true });
  }
  flushProse();
  return code;
}

/** The contents of the `code spans` of one paragraph, as CommonMark reads them. */
function* inlineCodeIn(paragraph: string): Generator<string> {
  const runAt = (i: number) => {
    let end = i;
    while (paragraph[end] === "`") end++;
    return end - i;
  };
  let i = 0;
  while (i < paragraph.length) {
    const c = paragraph[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c !== "`") {
      i++;
      continue;
    }
    const run = runAt(i);
    let close = -1;
    for (let j = i + run; j < paragraph.length;) {
      if (paragraph[j] !== "`") {
        j++;
        continue;
      }
      const length = runAt(j);
      if (length === run) {
        close = j;
        break;
      }
      j += length;
    }
    if (close < 0) {
      i += run;
      continue;
    }
    yield paragraph.slice(i + run, close);
    i = close + run;
  }
}

// ---------------------------------------------------------------------------------------------
// Splitting code into commands and words, as a shell would

interface Word {
  /** The word with its quotes removed and escapes applied. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

interface Invocation {
  readonly text: string;
  /** The words after the program's name. */
  readonly args: readonly string[];
}

function invocationsIn(text: string, program: string): Invocation[] {
  const found: Invocation[] = [];
  for (const { code, fenced } of codeIn(text)) {
    for (const words of commandWords(code, fenced)) {
      const at = words.findIndex((w) => w.text === program);
      // The program's name alone is a mention, not an invocation.
      if (at < 0 || at === words.length - 1) continue;
      const first = words[at] as Word;
      const last = words[words.length - 1] as Word;
      found.push({
        text: code.slice(first.start, last.end).replace(/[ \t]*\\?\r?\n[ \t]*/g, " "),
        args: words.slice(at + 1).map((w) => w.text),
      });
    }
  }
  return found;
}

const OPERATORS = new Set([";", "&", "|", "(", ")", "`"]);
const BLANK = new Set([" ", "\t", "\r"]);

/** `code` split into simple commands (at `;`, `&&`, `|`, `$(`, `)`, redirections, …), each a list of words. */
function commandWords(code: string, fenced: boolean): Word[][] {
  const commands: Word[][] = [];
  let current: Word[] = [];
  const end = () => {
    if (current.length > 0) commands.push(current);
    current = [];
  };
  let i = 0;
  while (i < code.length) {
    const c = code[i] as string;
    if (BLANK.has(c)) i++;
    else if (c === "\n") {
      if (fenced) end();
      i++;
    } else if (c === "\\" && code[i + 1] === "\n") i += 2;
    else if (fenced && c === "#") {
      while (i < code.length && code[i] !== "\n") i++;
    } else if (OPERATORS.has(c) || (c === "$" && code[i + 1] === "(")) {
      end();
      i += c === "$" ? 2 : 1;
    } else if (c === ">" || (c === "<" && placeholderEnd(code, i) < 0)) {
      // A redirection: what follows is a file, not the command's.
      end();
      i++;
      while (code[i] === ">" || code[i] === "&") i++;
    } else {
      const word = readWord(code, i, fenced);
      i = word.end;
      // `2>&1`: the number belongs to the redirection.
      if (code[i] === ">" && /^\d+$/.test(word.text)) continue;
      current.push(word);
    }
  }
  end();
  return commands;
}

/** Where a `<placeholder>` starting at `i` ends (after its `>`), or -1 when `<` is a redirection. */
function placeholderEnd(code: string, i: number): number {
  if (!/[\p{L}\p{N}_.…-]/u.test(code[i + 1] ?? "")) return -1;
  for (let j = i + 1; j < code.length; j++) {
    const c = code[j];
    if (c === ">") return j + 1;
    if (c === "\n" || c === "<" || c === "`") return -1;
  }
  return -1;
}

function readWord(code: string, start: number, fenced: boolean): Word {
  let text = "";
  let i = start;
  while (i < code.length) {
    const c = code[i] as string;
    if (BLANK.has(c) || c === "\n" || OPERATORS.has(c) || c === ">") break;
    if (c === "$" && code[i + 1] === "(") break;
    if (c === "<") {
      const close = placeholderEnd(code, i);
      if (close < 0) break;
      text += code.slice(i, close);
      i = close;
    } else if (c === "'") {
      const close = code.indexOf("'", i + 1);
      const stop = close < 0 ? code.length : close;
      text += code.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      i++;
      while (i < code.length && code[i] !== '"') {
        if (code[i] === "\\" && i + 1 < code.length && '"\\$`\n'.includes(code[i + 1] as string)) {
          if (code[i + 1] !== "\n") text += code[i + 1];
          i += 2;
        } else {
          text += code[i];
          i++;
        }
      }
      i++;
    } else if (c === "\\" && fenced && i + 1 < code.length) {
      if (code[i + 1] !== "\n") text += code[i + 1];
      i += 2;
    } else if (c === "$" && code[i + 1] === "{") {
      const close = code.indexOf("}", i);
      const stop = close < 0 ? code.length : close + 1;
      text += code.slice(i, stop);
      i = stop;
    } else {
      text += c;
      i++;
    }
  }
  return { text, start, end: Math.min(i, code.length) };
}
