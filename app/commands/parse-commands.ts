// The slash commands in an issue or pull-request comment (DESIGN §7): a line of prose that starts
// with one of our words. Pure, and careful with the text, which anyone who may comment wrote:
// nothing is evaluated, and what is kept is capped. Whether the author may drive the town is the
// caller's question (app/town/trust.ts).
import { isCommandWord, MAX_PEEK_LINES, MAX_TEXT_CHARS, type CommandWord } from "./command-words.js";
import { proseLines } from "./prose-lines.js";

export { COMMAND_WORDS, commandUsage, MAX_PEEK_LINES, MAX_TEXT_CHARS, type CommandWord } from "./command-words.js";

export type Command =
  | { readonly name: "sling"; readonly formula?: string; readonly vars: Readonly<Record<string, string>>; readonly line: number }
  | { readonly name: "unsling"; readonly abandon: boolean; readonly line: number }
  /** `/peek` (lines undefined, the App's default), `/peek 50`, `/peek all`. */
  | { readonly name: "peek"; readonly lines?: number; readonly all: boolean; readonly line: number }
  | { readonly name: "nudge"; readonly text: string; readonly line: number }
  | { readonly name: "retry"; readonly line: number }
  | { readonly name: "escalate"; readonly text: string; readonly line: number }
  | { readonly name: "queue"; readonly line: number }
  | { readonly name: "dequeue"; readonly line: number }
  /** `/gt` and `/gt help`. */
  | { readonly name: "help"; readonly line: number };

/** A command line we could not read, e.g. `/sling: --var needs k=v (got "x")`. */
export interface CommandProblem {
  readonly word: CommandWord;
  readonly line: number;
  readonly message: string;
}

export interface ParsedComment {
  /** In the order they appear. */
  commands: Command[];
  /** In the order they appear. */
  problems: CommandProblem[];
}

/**
 * The most command lines read from one comment, good or bad. Past it the rest are ignored and
 * one problem, at the first ignored line, says how many: a comment cannot fan out into
 * unbounded work, nor into an unbounded reply.
 */
export const MAX_COMMANDS = 10;
/** The most `--var`s one `/sling` takes: formulas use a handful. */
export const MAX_VARS = 20;
/** The longest formula or variable name: they are file names and identifiers, not prose. */
export const MAX_NAME_CHARS = 100;
/** How much of a bad argument a problem quotes back, so a reply stays short. */
const QUOTED_CHARS = 40;

// The word runs to the first whitespace, so `/slingshot` and `/sling-it` are other words, not
// ours. Words are matched lower-case only: GitHub's commands and bots' are conventionally
// lower-case, and `/Sling` at the start of a sentence is more likely prose than a command.
const COMMAND_LINE = /^\/(\S+)(.*)$/s;
const FORMULA_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

type LineResult = { readonly command: Command } | { readonly problem: string };

export function parseCommands(body: string): ParsedComment {
  const parsed: ParsedComment = { commands: [], problems: [] };
  let seen = 0;
  let firstIgnored: { word: CommandWord; line: number } | undefined;
  for (const { line, text } of proseLines(body)) {
    const match = COMMAND_LINE.exec(text);
    const word = match?.[1] ?? "";
    if (!isCommandWord(word)) continue;
    seen++;
    if (seen > MAX_COMMANDS) {
      firstIgnored ??= { word, line };
      continue;
    }
    const result = parseCommand(word, match?.[2] ?? "", line);
    if ("command" in result) parsed.commands.push(result.command);
    else parsed.problems.push({ word, line, message: `/${word}: ${result.problem}` });
  }
  if (firstIgnored) {
    const more = seen - MAX_COMMANDS - 1;
    parsed.problems.push({
      ...firstIgnored,
      message: `/${firstIgnored.word}: a comment may hold at most ${MAX_COMMANDS} commands; ` +
        (more === 0 ? "this one was ignored" : `this one and the ${more} after it were ignored`),
    });
  }
  return parsed;
}

function parseCommand(word: CommandWord, args: string, line: number): LineResult {
  switch (word) {
    case "sling": return parseSling(args, line);
    case "unsling": return parseUnsling(args, line);
    case "peek": return parsePeek(args, line);
    case "nudge":
    case "escalate": return parseText(word, args, line);
    case "retry":
    case "queue":
    case "dequeue": return parseBare(word, args, line);
    case "gt": return parseGt(args, line);
  }
}

function parseSling(args: string, line: number): LineResult {
  const tokens = shellWords(args);
  if (typeof tokens === "string") return { problem: tokens };
  let formula: string | undefined;
  // A Map, not an object, so a variable named `__proto__` is kept like any other.
  const vars = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    let pair: string | undefined;
    if (token === "--var") {
      pair = tokens[++i];
      if (pair === undefined) return { problem: "--var needs k=v" };
    } else if (token.startsWith("--var=")) {
      pair = token.slice("--var=".length);
    } else if (token.startsWith("-")) {
      return { problem: `unknown option ${quoted(token)} (the only option is --var k=v)` };
    } else if (formula === undefined) {
      if (!FORMULA_NAME.test(token) || token.length > MAX_NAME_CHARS) {
        return { problem: `${quoted(token)} is not a formula name (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)` };
      }
      formula = token;
      continue;
    } else {
      return { problem: `unexpected ${quoted(token)} after the formula ${quoted(formula)} (one formula; variables go in --var k=v)` };
    }
    const problem = addVar(vars, pair);
    if (problem) return { problem };
  }
  const command: Command = { name: "sling", vars: Object.fromEntries(vars), line };
  return { command: formula === undefined ? command : { ...command, formula } };
}

/** The problem with `k=v`, or undefined once it is in `vars` (a repeated name: the last wins). */
function addVar(vars: Map<string, string>, pair: string): string | undefined {
  const eq = pair.indexOf("=");
  if (eq < 0) return `--var needs k=v (got ${quoted(pair)})`;
  const name = pair.slice(0, eq);
  const value = pair.slice(eq + 1);
  if (!VAR_NAME.test(name) || name.length > MAX_NAME_CHARS) {
    return `${quoted(name)} is not a variable name (letters, digits, '_' and '-', starting with a letter or '_')`;
  }
  if (value.length > MAX_TEXT_CHARS) return `the value of ${name} is ${value.length} characters; at most ${MAX_TEXT_CHARS}`;
  vars.delete(name);
  if (vars.size >= MAX_VARS) return `at most ${MAX_VARS} --var options`;
  vars.set(name, value);
  return undefined;
}

/**
 * `text` split into words at whitespace, as a shell would: single or double quotes keep spaces
 * in a word (`title="two words"`) and are dropped; there are no escapes, so a double quote goes
 * inside single quotes and the other way round. A string is the problem (an unclosed quote).
 */
function shellWords(text: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= "";
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote !== undefined) return `unclosed ${quote} quote (a quote mark inside a value goes inside the other kind of quotes)`;
  if (word !== undefined) words.push(word);
  return words;
}

function parseUnsling(args: string, line: number): LineResult {
  const words = bareWords(args);
  if (words.length === 0) return { command: { name: "unsling", abandon: false, line } };
  if (words.length === 1 && words[0] === "--abandon") return { command: { name: "unsling", abandon: true, line } };
  return { problem: `unexpected ${quoted(args.trim())} (the only option is --abandon)` };
}

function parsePeek(args: string, line: number): LineResult {
  const words = bareWords(args);
  const [word] = words;
  if (word === undefined) return { command: { name: "peek", all: false, line } };
  if (words.length === 1 && word === "all") return { command: { name: "peek", all: true, line } };
  const lines = Number(word);
  if (words.length === 1 && /^\d+$/.test(word) && lines >= 1 && lines <= MAX_PEEK_LINES) {
    return { command: { name: "peek", lines, all: false, line } };
  }
  return { problem: `give a number of lines from 1 to ${MAX_PEEK_LINES}, or all (got ${quoted(args.trim())})` };
}

/** The rest of the line only: a command is one line, so the lines after it stay the comment's. */
function parseText(word: "nudge" | "escalate", args: string, line: number): LineResult {
  const text = args.trim();
  if (text === "") return { problem: `needs some text, e.g. /${word} ${word === "nudge" ? "the tests are in test/unit" : "this needs a decision on the API"}` };
  if (text.length > MAX_TEXT_CHARS) return { problem: `the text is ${text.length} characters; at most ${MAX_TEXT_CHARS}` };
  return { command: { name: word, text, line } };
}

function parseBare(word: "retry" | "queue" | "dequeue", args: string, line: number): LineResult {
  if (args.trim() !== "") return { problem: `takes no arguments (got ${quoted(args.trim())})` };
  return { command: { name: word, line } };
}

function parseGt(args: string, line: number): LineResult {
  const text = args.trim();
  if (text === "" || text === "help") return { command: { name: "help", line } };
  return { problem: `unknown ${quoted(text)}; try /gt help` };
}

function bareWords(args: string): string[] {
  const text = args.trim();
  return text === "" ? [] : text.split(/\s+/);
}

/** `text` in double quotes for a problem message, cut short: it is the commenter's, not ours. */
function quoted(text: string): string {
  return JSON.stringify(text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text);
}
