import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMMAND_WORDS, commandUsage, MAX_COMMANDS, MAX_TEXT_CHARS, MAX_VARS, parseCommands, type CommandWord,
} from "../../app/commands/parse-commands.js";

/** The problem messages `body` gives, each with its line. */
function problems(body: string): string[] {
  const parsed = parseCommands(body);
  expect(parsed.commands).toEqual([]);
  return parsed.problems.map((p) => `${p.line}: ${p.message}`);
}

const none = { commands: [], problems: [] };

describe("which lines are commands", () => {
  it("reads one command, with its 1-based line", () => {
    expect(parseCommands("/retry")).toEqual({ commands: [{ name: "retry", line: 1 }], problems: [] });
    expect(parseCommands("Thanks!\n\n/peek\n")).toEqual({ commands: [{ name: "peek", all: false, line: 3 }], problems: [] });
  });

  it("reads several in order, prose between them", () => {
    expect(parseCommands("/unsling\nlet's try another formula\n/sling mol-quick\n/peek all\n")).toEqual({
      commands: [
        { name: "unsling", abandon: false, line: 1 },
        { name: "sling", formula: "mol-quick", vars: {}, line: 3 },
        { name: "peek", all: true, line: 4 },
      ],
      problems: [],
    });
  });

  it("counts lines in \\r\\n bodies from the web editor, and lone \\r", () => {
    expect(parseCommands("Please\r\n\r\n/nudge look at test/unit\r\n/queue\r\n")).toEqual({
      commands: [{ name: "nudge", text: "look at test/unit", line: 3 }, { name: "queue", line: 4 }],
      problems: [],
    });
    expect(parseCommands("a\r/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
  });

  it("allows up to 3 spaces of indentation; 4 spaces or a tab is indented code", () => {
    expect(parseCommands(" /retry\n  /queue\n   /dequeue")).toEqual({
      commands: [{ name: "retry", line: 1 }, { name: "queue", line: 2 }, { name: "dequeue", line: 3 }],
      problems: [],
    });
    expect(parseCommands("    /retry\n\t/retry\n \t/retry\n        /sling")).toEqual(none);
  });

  it("needs the word at the start of the line, then whitespace or the end of the line", () => {
    expect(parseCommands("please /retry\n`/sling`\n/slingshot\n/sling-it\n/peeking\n/gt-help\n/sling.\n/\n")).toEqual(none);
    expect(parseCommands("/retry\t\n/queue ")).toEqual({
      commands: [{ name: "retry", line: 1 }, { name: "queue", line: 2 }],
      problems: [],
    });
  });

  it("matches lower-case words only", () => {
    expect(parseCommands("/Sling\n/PEEK\n/Retry")).toEqual(none);
  });

  it("ignores other bots' commands, reporting nothing", () => {
    expect(parseCommands("/assign @nux\n/label bug\n/lgtm\n/cc @octocat\n/approve\n/retry")).toEqual({
      commands: [{ name: "retry", line: 6 }],
      problems: [],
    });
  });

  it("knows every word DESIGN §7 lists", () => {
    expect(COMMAND_WORDS).toEqual(["sling", "unsling", "peek", "nudge", "retry", "escalate", "queue", "dequeue", "gt"]);
    expect(parseCommands(
      "/sling\n/unsling\n/peek\n/nudge hi\n/retry\n/escalate help\n/queue\n/dequeue\n/gt\n",
    ).commands.map((c) => c.name)).toEqual(["sling", "unsling", "peek", "nudge", "retry", "escalate", "queue", "dequeue", "help"]);
  });
});

describe("code blocks, quotes and HTML comments", () => {
  it("ignores backtick and tilde fences, up to the closing fence", () => {
    expect(parseCommands("```\n/sling\n```\n/retry\n~~~ text\n/peek\n~~~\n/queue")).toEqual({
      commands: [{ name: "retry", line: 4 }, { name: "queue", line: 8 }],
      problems: [],
    });
  });

  it("closes a fence only with the same character, at least as long, with nothing after it", () => {
    const body = [
      "````md", // 1
      "```", // 2: shorter, still inside
      "~~~~", // 3: other character
      "```` not a close", // 4: text after the run
      "/sling", // 5
      "`````", // 6: longer closes
      "/retry", // 7
    ].join("\n");
    expect(parseCommands(body)).toEqual({ commands: [{ name: "retry", line: 7 }], problems: [] });
  });

  it("allows a fence indented up to 3 spaces, and a closing fence too", () => {
    expect(parseCommands("   ```\n/sling\n   ```\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
    // Indented 4, it is indented code, not a fence: the lines after it are prose.
    expect(parseCommands("    ```\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
    // A closing fence indented 4 is content.
    expect(parseCommands("```\n    ```\n/sling\n```\n/retry")).toEqual({ commands: [{ name: "retry", line: 5 }], problems: [] });
  });

  it("runs an unclosed fence to the end of the comment", () => {
    expect(parseCommands("/retry\n```\n/sling\n/peek\n")).toEqual({ commands: [{ name: "retry", line: 1 }], problems: [] });
  });

  it("takes three backticks with a backtick after them for inline code, not a fence", () => {
    expect(parseCommands("```a``` b\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
    // A tilde fence's info string may hold backticks.
    expect(parseCommands("~~~ `x`\n/retry\n~~~")).toEqual(none);
  });

  it("ignores a fence opened after a list marker, until its item ends", () => {
    expect(parseCommands("- ```\n  /sling\n  ```\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
    expect(parseCommands("10. ```\n    /sling\n    ```\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
    // A line indented less than the item's content ends the item, and its fence with it.
    expect(parseCommands("- ```\n  code\n/retry")).toEqual({ commands: [{ name: "retry", line: 3 }], problems: [] });
  });

  it("ignores block quotes, nested or indented", () => {
    expect(parseCommands("> /sling\n>/retry\n>> /peek\n   > /queue\n> > /dequeue\n/gt help")).toEqual({
      commands: [{ name: "help", line: 6 }],
      problems: [],
    });
  });

  it("ends a fence opened in a quote with the quote", () => {
    expect(parseCommands("> ```\n> /sling\n/retry")).toEqual({ commands: [{ name: "retry", line: 3 }], problems: [] });
  });

  it("reads a line after a quote without '>' (no lazy continuation: it looks like a command)", () => {
    expect(parseCommands("> you said\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
  });

  it("ignores HTML comments, on one line or several", () => {
    expect(parseCommands("<!-- /sling -->\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
    expect(parseCommands("<!--\n/sling\n/peek\n-->\n/retry")).toEqual({ commands: [{ name: "retry", line: 5 }], problems: [] });
    expect(parseCommands("note <!-- hidden\n/sling\n--> /peek\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
    expect(parseCommands("<!-- a --> text <!-- b\n/sling\n-->\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
    expect(parseCommands("<!-- a --> <!-- b -->\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
    expect(parseCommands("<!-->\n/retry\n<!--->\n/queue")).toEqual({
      commands: [{ name: "retry", line: 2 }, { name: "queue", line: 4 }],
      problems: [],
    });
  });

  it("opens no comment from `<!--` in code", () => {
    expect(parseCommands("Write `<!--` to start one\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
    expect(parseCommands("``a ` <!-- b``\n/retry")).toEqual({ commands: [{ name: "retry", line: 2 }], problems: [] });
    expect(parseCommands("```\n<!--\n```\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
    // An unmatched backtick is literal, so the comment is real.
    expect(parseCommands("a ` <!--\n/sling\n-->")).toEqual(none);
  });

  it("opens no fence inside an HTML comment", () => {
    expect(parseCommands("<!--\n```\n-->\n/retry")).toEqual({ commands: [{ name: "retry", line: 4 }], problems: [] });
  });

  it("never finds a command in a fence, whatever the fence holds", () => {
    const line = fc.oneof(
      fc.string({ unit: fc.constantFrom("/", "s", "l", "i", "n", "g", " ", ">", "<", "!", "-", "~", "`", "\t", "\r") }),
      fc.constantFrom(...COMMAND_WORDS.map((w) => `/${w}`), "/sling mol-x --var a=b", "<!--", "-->", "~~~", "``", "> /retry"),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), fc.integer({ min: 3, max: 6 }), (lines, length) => {
      // Any line that would close the fence is kept out, so the whole body stays inside it.
      const fence = "`".repeat(length);
      const inside = lines.flatMap((l) => l.split(/\r\n?|\n/)).filter((l) => !/^ {0,3}`{3,}\s*$/.test(l));
      expect(parseCommands([fence, ...inside, fence].join("\n"))).toEqual(none);
    }));
  });

  it("reads the same commands from \\n and \\r\\n bodies", () => {
    const line = fc.constantFrom("/retry", "/peek 5", "```", "> /queue", "<!--", "-->", "", "text", "    /gt", "/sling mol-a");
    fc.assert(fc.property(fc.array(line, { maxLength: 15 }), (lines) => {
      expect(parseCommands(lines.join("\r\n"))).toEqual(parseCommands(lines.join("\n")));
    }));
  });
});

describe("/sling", () => {
  it("takes an optional formula and --var k=v, repeated, also as --var=k=v", () => {
    expect(parseCommands("/sling")).toEqual({ commands: [{ name: "sling", vars: {}, line: 1 }], problems: [] });
    expect(parseCommands("/sling mol-polecat-work --var area=ledger --var=ticket=GT-12 --var empty=")).toEqual({
      commands: [{ name: "sling", formula: "mol-polecat-work", vars: { area: "ledger", ticket: "GT-12", empty: "" }, line: 1 }],
      problems: [],
    });
    expect(parseCommands("/sling --var a=1 mol.v2_x")).toEqual({
      commands: [{ name: "sling", formula: "mol.v2_x", vars: { a: "1" }, line: 1 }],
      problems: [],
    });
  });

  it("keeps spaces in a quoted value, and '=' after the first", () => {
    expect(parseCommands(`/sling --var title="two words" --var 'note=it said "hi"' --var=q=a=b --var "x=y z"`).commands).toEqual([
      { name: "sling", vars: { title: "two words", note: 'it said "hi"', q: "a=b", x: "y z" }, line: 1 },
    ]);
  });

  it("lets the last of a repeated variable win", () => {
    expect(parseCommands("/sling --var a=1 --var b=2 --var a=3").commands).toEqual([
      { name: "sling", vars: { a: "3", b: "2" }, line: 1 },
    ]);
  });

  it("keeps a variable named __proto__ as a plain one", () => {
    const [command] = parseCommands("/sling --var __proto__=x --var constructor=y").commands;
    // Object.fromEntries: a `__proto__` key in an object literal would set the prototype instead.
    expect(command).toEqual({ name: "sling", vars: Object.fromEntries([["__proto__", "x"], ["constructor", "y"]]), line: 1 });
    expect(command?.name === "sling" && Object.keys(command.vars)).toEqual(["__proto__", "constructor"]);
  });

  it("says what is wrong with each bad line", () => {
    expect(problems([
      "/sling --var x",
      "/sling --var",
      "/sling --var=",
      "/sling --var 1x=a",
      "/sling --var =a",
      "/sling --var a.b=c",
      "/sling --formula mol-x",
      "/sling -v a=b",
      "/sling mol-x mol-y",
    ].join("\n"))).toEqual([
      "1: /sling: --var needs k=v (got \"x\")",
      "2: /sling: --var needs k=v",
      "3: /sling: --var needs k=v (got \"\")",
      "4: /sling: \"1x\" is not a variable name (letters, digits, '_' and '-', starting with a letter or '_')",
      "5: /sling: \"\" is not a variable name (letters, digits, '_' and '-', starting with a letter or '_')",
      "6: /sling: \"a.b\" is not a variable name (letters, digits, '_' and '-', starting with a letter or '_')",
      "7: /sling: unknown option \"--formula\" (the only option is --var k=v)",
      "8: /sling: unknown option \"-v\" (the only option is --var k=v)",
      "9: /sling: unexpected \"mol-y\" after the formula \"mol-x\" (one formula; variables go in --var k=v)",
    ]);
    // In a second comment: one comment reads at most 10 commands.
    expect(problems([
      "/sling Mol-X",
      "/sling -mol",
      "/sling .hidden",
      `/sling ""`,
      `/sling --var title="two words`,
      "/sling --var note='it''s",
    ].join("\n"))).toEqual([
      "1: /sling: \"Mol-X\" is not a formula name (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)",
      "2: /sling: unknown option \"-mol\" (the only option is --var k=v)",
      "3: /sling: \".hidden\" is not a formula name (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)",
      "4: /sling: \"\" is not a formula name (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)",
      "5: /sling: unclosed \" quote (a quote mark inside a value goes inside the other kind of quotes)",
      "6: /sling: unclosed ' quote (a quote mark inside a value goes inside the other kind of quotes)",
    ]);
  });

  it("reports the problem with its word and line, and keeps the good commands", () => {
    expect(parseCommands("/retry\n/sling --var x\n/peek")).toEqual({
      commands: [{ name: "retry", line: 1 }, { name: "peek", all: false, line: 3 }],
      problems: [{ word: "sling", line: 2, message: '/sling: --var needs k=v (got "x")' }],
    });
  });

  it("quotes at most 40 characters of a bad argument back", () => {
    expect(problems(`/sling --var ${"x".repeat(100)}`)).toEqual([`1: /sling: --var needs k=v (got "${"x".repeat(40)}…")`]);
  });

  it("caps names, values and the number of variables", () => {
    expect(parseCommands(`/sling ${"a".repeat(100)} --var ${"v".repeat(100)}=${"x".repeat(MAX_TEXT_CHARS)}`).commands).toEqual([
      { name: "sling", formula: "a".repeat(100), vars: { ["v".repeat(100)]: "x".repeat(MAX_TEXT_CHARS) }, line: 1 },
    ]);
    const vars = (n: number) => Array.from({ length: n }, (_, i) => `--var v${i}=${i}`).join(" ");
    expect(parseCommands(`/sling ${vars(MAX_VARS)} --var v0=again`).commands).toEqual([
      { name: "sling", vars: { ...Object.fromEntries(Array.from({ length: MAX_VARS }, (_, i) => [`v${i}`, String(i)])), v0: "again" }, line: 1 },
    ]);
    expect(problems([
      `/sling ${"a".repeat(101)}`,
      `/sling --var ${"v".repeat(101)}=x`,
      `/sling --var v=${"x".repeat(MAX_TEXT_CHARS + 1)}`,
      `/sling ${vars(MAX_VARS + 1)}`,
    ].join("\n"))).toEqual([
      `1: /sling: "${"a".repeat(40)}…" is not a formula name (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)`,
      `2: /sling: "${"v".repeat(40)}…" is not a variable name (letters, digits, '_' and '-', starting with a letter or '_')`,
      "3: /sling: the value of v is 2001 characters; at most 2000",
      "4: /sling: at most 20 --var options",
    ]);
  });
});

describe("/unsling", () => {
  it("takes --abandon and nothing else", () => {
    expect(parseCommands("/unsling\n/unsling --abandon").commands).toEqual([
      { name: "unsling", abandon: false, line: 1 },
      { name: "unsling", abandon: true, line: 2 },
    ]);
    expect(problems("/unsling now\n/unsling --abandon --abandon\n/unsling --force")).toEqual([
      '1: /unsling: unexpected "now" (the only option is --abandon)',
      '2: /unsling: unexpected "--abandon --abandon" (the only option is --abandon)',
      '3: /unsling: unexpected "--force" (the only option is --abandon)',
    ]);
  });
});

describe("/peek", () => {
  it("takes a number of lines from 1 to 1000, or all", () => {
    expect(parseCommands("/peek\n/peek 50\n/peek all\n/peek 1\n/peek 1000\n/peek 007").commands).toEqual([
      { name: "peek", all: false, line: 1 },
      { name: "peek", lines: 50, all: false, line: 2 },
      { name: "peek", all: true, line: 3 },
      { name: "peek", lines: 1, all: false, line: 4 },
      { name: "peek", lines: 1000, all: false, line: 5 },
      { name: "peek", lines: 7, all: false, line: 6 },
    ]);
  });

  it("says what is wrong with anything else", () => {
    const message = "give a number of lines from 1 to 1000, or all";
    expect(problems("/peek 0\n/peek 1001\n/peek -5\n/peek 2.5\n/peek 1e3\n/peek ALL\n/peek 50 all\n/peek some")).toEqual([
      `1: /peek: ${message} (got "0")`,
      `2: /peek: ${message} (got "1001")`,
      `3: /peek: ${message} (got "-5")`,
      `4: /peek: ${message} (got "2.5")`,
      `5: /peek: ${message} (got "1e3")`,
      `6: /peek: ${message} (got "ALL")`,
      `7: /peek: ${message} (got "50 all")`,
      `8: /peek: ${message} (got "some")`,
    ]);
  });
});

describe("/nudge and /escalate", () => {
  it("take the rest of the line, trimmed, and only that line", () => {
    expect(parseCommands("/nudge   the tests live in  test/unit  \nnot part of it\n/escalate needs an API decision")).toEqual({
      commands: [
        { name: "nudge", text: "the tests live in  test/unit", line: 1 },
        { name: "escalate", text: "needs an API decision", line: 3 },
      ],
      problems: [],
    });
  });

  it("need some text", () => {
    expect(problems("/nudge\n/escalate   \n")).toEqual([
      "1: /nudge: needs some text, e.g. /nudge the tests are in test/unit",
      "2: /escalate: needs some text, e.g. /escalate this needs a decision on the API",
    ]);
  });

  it("keep at most 2000 characters: a longer text is a problem, not cut", () => {
    const most = "x".repeat(MAX_TEXT_CHARS);
    expect(parseCommands(`/nudge ${most}`).commands).toEqual([{ name: "nudge", text: most, line: 1 }]);
    expect(problems(`/nudge ${most}y\n/escalate ${most}yz`)).toEqual([
      "1: /nudge: the text is 2001 characters; at most 2000",
      "2: /escalate: the text is 2002 characters; at most 2000",
    ]);
  });

  it("keep quotes and markup as they are, evaluating nothing", () => {
    expect(parseCommands("/nudge use `${process.env.X}` and \"--var\" <b>here</b>").commands).toEqual([
      { name: "nudge", text: "use `${process.env.X}` and \"--var\" <b>here</b>", line: 1 },
    ]);
  });
});

describe("/retry, /queue and /dequeue", () => {
  it("take no arguments", () => {
    expect(problems("/retry now\n/queue please\n/dequeue --force")).toEqual([
      '1: /retry: takes no arguments (got "now")',
      '2: /queue: takes no arguments (got "please")',
      '3: /dequeue: takes no arguments (got "--force")',
    ]);
  });
});

describe("/gt", () => {
  it("is help, alone or as /gt help", () => {
    expect(parseCommands("/gt\n/gt help\n/gt   help  ").commands).toEqual([
      { name: "help", line: 1 },
      { name: "help", line: 2 },
      { name: "help", line: 3 },
    ]);
  });

  it("suggests /gt help for anything else", () => {
    expect(problems("/gt sling\n/gt help me\n/gt HELP")).toEqual([
      '1: /gt: unknown "sling"; try /gt help',
      '2: /gt: unknown "help me"; try /gt help',
      '3: /gt: unknown "HELP"; try /gt help',
    ]);
  });
});

describe("the cap on commands per comment", () => {
  it("reads the first 10 command lines, good or bad, and says how many more were ignored", () => {
    const body = [
      ...Array.from({ length: MAX_COMMANDS - 1 }, () => "/retry"),
      "/peek 0",
      "/assign @nux", // another bot's: not counted
      "/queue",
      "/dequeue",
      "/retry",
    ].join("\n");
    expect(parseCommands(body)).toEqual({
      commands: Array.from({ length: MAX_COMMANDS - 1 }, (_, i) => ({ name: "retry", line: i + 1 })),
      problems: [
        { word: "peek", line: 10, message: '/peek: give a number of lines from 1 to 1000, or all (got "0")' },
        { word: "queue", line: 12, message: "/queue: a comment may hold at most 10 commands; this one and the 2 after it were ignored" },
      ],
    });
  });

  it("says when just one was ignored", () => {
    expect(parseCommands(Array.from({ length: MAX_COMMANDS + 1 }, () => "/retry").join("\n")).problems).toEqual([
      { word: "retry", line: 11, message: "/retry: a comment may hold at most 10 commands; this one was ignored" },
    ]);
  });
});

describe("commandUsage", () => {
  it("has one line for every word", () => {
    const usage = Object.fromEntries(COMMAND_WORDS.map((word: CommandWord) => [word, commandUsage(word)]));
    expect(usage).toEqual({
      sling: "/sling [formula] [--var k=v]... — hook this issue to a polecat, with a formula " +
        "(default: sling.formula in .github/gastown.yml) and its variables; quote a value to include spaces",
      unsling: "/unsling [--abandon] — take the work off its polecat's hook; --abandon also burns its molecule, so a later sling starts over",
      peek: "/peek [n] — show the polecat's health and the last n lines of its output (1 to 1000); /peek all — every polecat of the repository in one table",
      nudge: "/nudge <text> — leave the polecat a message it reads between steps (one line, at most 2000 characters)",
      retry: "/retry — dispatch the polecat again as its next attempt, stopping a stuck run",
      escalate: "/escalate <text> — hand the work to humans, saying why (one line, at most 2000 characters)",
      queue: "/queue — put this pull request in the merge queue",
      dequeue: "/dequeue — take this pull request out of the merge queue",
      gt: "/gt help — list these commands",
    });
  });
});
