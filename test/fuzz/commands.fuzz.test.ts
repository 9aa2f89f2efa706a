// Fuzzing slash commands, which anyone who may comment writes. Reading a comment never throws
// and is bounded; every command and problem names a line that holds it; and through the App, a
// comment whose commands do not read gets one reply naming each bad line, and changes no ledger
// and no label.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { COMMAND_WORDS, MAX_COMMANDS, MAX_TEXT_CHARS, MAX_VARS, parseCommands } from "../../app/commands/parse-commands.js";
import { withoutMentions } from "../../app/town/fenced-text.js";
import { REPO, type Town } from "../app/app-harness.js";
import { slungTown } from "./fuzz-town.js";
import { FUZZ_TIMEOUT, fuzzRuns, hostileText, liveMentions } from "./fuzz-arbitraries.js";

const LINE_ENDING = /\r\n?|\n/;


/** What may follow a command word: its own options, numbers, quotes, and anything. */
const argument = fc.oneof(
  fc.constantFrom("--var", "--var=", "--abandon", "all", "help", "0", "1000", "1001", "-1", "1e3", "k=v", "'a b'", '"a', "=", "__proto__=x", "@ann", "@octo/admins"),
  fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
  hostileText,
);

const commandLine = fc.record({
  indent: fc.constantFrom("", " ", "   ", "    ", "\t"),
  word: fc.oneof(fc.constantFrom(...COMMAND_WORDS), fc.constantFrom("Sling", "slingshot", "sling:", "")),
  args: fc.array(argument, { maxLength: 4 }),
  glue: fc.constantFrom(" ", "  ", "\t", "\u00a0"),
}).map(({ indent, word, args, glue }) => `${indent}/${word}${args.length > 0 ? glue : ""}${args.join(glue)}`);

/** What surrounds commands in a comment: prose, fences, HTML comments, quotes, lists. */
const otherLine = fc.oneof(
  fc.constantFrom("```", "~~~", "````sh", "- ```", "<!--", "-->", "<!-- /sling -->", "> /sling", "1. /sling", "", "  "),
  hostileText,
);

const commentBody = fc.tuple(
  fc.array(fc.oneof(commandLine, otherLine), { maxLength: 16 }),
  fc.constantFrom("\n", "\r\n", "\r"),
).map(([lines, eol]) => lines.join(eol));

describe("slash commands, fuzzed", { timeout: FUZZ_TIMEOUT }, () => {
  it("are read without throwing, bounded, and each command and problem names the line that holds it", () => {
    fc.assert(fc.property(commentBody, (body) => {
      const lines = body.split(LINE_ENDING);
      const { commands, problems } = parseCommands(body);
      expect(commands.length + problems.length).toBeLessThanOrEqual(MAX_COMMANDS + 1);
      for (const { line, name } of commands) {
        const word = name === "help" ? "gt" : name;
        expect(lines[line - 1]?.trimStart()).toMatch(new RegExp(`^/${word}(\\s|$)`));
      }
      for (const problem of problems) {
        expect(lines[problem.line - 1]?.trimStart().startsWith(`/${problem.word}`)).toBe(true);
        expect(problem.message.startsWith(`/${problem.word}: `)).toBe(true);
        expect(problem.message.length).toBeLessThanOrEqual(300);
      }
      for (const command of commands) {
        if ("text" in command) expect(command.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
        if (command.name === "sling") expect(Object.keys(command.vars).length).toBeLessThanOrEqual(MAX_VARS);
      }
    }), fuzzRuns(1000));
  });

  it("are read in time however long the comment", () => {
    fc.assert(fc.property(fc.constantFrom("/sling ", "/nudge ", "/peek ", "```\n", "<!--"), fc.constantFrom("'", "a ", "--var ", "\n", " "), (head, unit) => {
      const body = head + unit.repeat(60_000);
      expect(() => parseCommands(body)).not.toThrow();
    }), fuzzRuns(10));
  });
});

describe("a comment whose commands do not read, through the App", { timeout: FUZZ_TIMEOUT }, () => {
  // Slung, so there is a ledger for a bad command to leave alone.
  const townOf = slungTown();
  let town: Town;
  beforeEach(() => {
    town = townOf();
  });

  const badComment = commentBody.filter((body) => parseCommands(body).problems.length > 0);

  it("quotes the commenter's words pinging no one (found by fuzzing: `/sling @ann` mentioned ann)", async () => {
    const comments = town.issue(1).comments.length;
    await town.as("mayor", "POST", `/repos/${REPO}/issues/1/comments`, { body: "/sling @ann" });
    await town.deliver();
    expect(town.issue(1).comments.slice(comments).filter((c) => c.user === "gastown[bot]").map((c) => c.body)).toEqual([
      "@mayor, Gas Town could not read that, so it did nothing:\n\n" +
      '- line 1: /sling: "@\u200bann" is not a formula name (lower-case letters, digits, \'.\', \'_\' and \'-\', starting with a letter or digit)',
    ]);
  });

  it("gets one reply naming every bad line, and changes no ledger and no label", async () => {
    const git = town.github.git(REPO);
    const ledgerTip = () => git.resolveRef("refs/heads/gastown/ledger");
    const before = { tip: await ledgerTip(), labels: [...town.issue(1).labels] };
    expect(before.tip).toBeDefined();
    await fc.assert(fc.asyncProperty(badComment, async (body) => {
      const comments = town.issue(1).comments.length;
      await town.as("mayor", "POST", `/repos/${REPO}/issues/1/comments`, { body });
      await town.deliver();
      const added = town.issue(1).comments.slice(comments);
      const replies = added.filter((c) => c.user === "gastown[bot]");
      expect(replies.map((c) => c.body)).toEqual([[
        "@mayor, Gas Town could not read that, so it did nothing:",
        "",
        ...parseCommands(body).problems.map((p) => `- line ${p.line}: ${withoutMentions(p.message)}`),
      ].join("\n")]);
      // The commenter's words are quoted back pinging no one but the commenter.
      expect(replies.flatMap((c) => liveMentions(c.body))).toEqual(["mayor"]);
      expect(await ledgerTip()).toBe(before.tip);
      expect(town.issue(1).labels).toEqual(before.labels);
    }), fuzzRuns(10));
  });
});
