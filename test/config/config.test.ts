import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { configJsonSchemaText } from "../../app/config/json-schema.js";
import { ConfigError, formatConfigProblem, parseConfig } from "../../app/config/read-config.js";
import { allowEntryProblem, DEFAULT_NETWORK_ALLOW } from "../../app/polecat/sandbox/egress-policy.js";

function problems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatConfigProblem);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe(".github/gastown.yml", () => {
  it("is the built-in defaults when empty, as DESIGN §7 lists them", () => {
    expect(parseConfig("")).toEqual(defaultConfig());
    expect(parseConfig("# nothing but a comment\n")).toEqual(defaultConfig());
    expect(defaultConfig()).toEqual({
      sling: { label: "gt:sling", formula: "mol-polecat-work" },
      polecat: {
        workflow: "gastown-polecat.yml", ref: null, agent: "claude", model: null, max_turns: 80, timeout_minutes: 60,
        max_cost_usd: 10, heartbeat_minutes: 2,
        name_pool: ["furiosa", "nux", "slit", "capable", "toast", "ace", "rictus", "dag", "cheedo", "angharad"],
        max_diff_lines: 5000, protected_paths: [".github/**", ".beads/formulas/**", "**/CODEOWNERS"], command: null,
        sandbox: "on", network: { allow: [...DEFAULT_NETWORK_ALLOW] },
      },
      limits: { max_polecats: 3 },
      witness: { stuck_minutes: 20, max_attempts: 3 },
      deacon: { escalation_reminder_hours: 24 },
      trust: { permission: "write", allowed_bots: [] },
      ledger: { branch: "gastown/ledger", prefix: null },
      refinery: { mode: "review", gates: { commands: [], workflow: "gastown-gates.yml", checks: "required" }, batch: 8, merge_method: "merge", retries_for_flakes: 1, timeout_minutes: 120, max_fix_attempts: 2 },
      mirror: { enabled: true, issues: "all", label: "gt:mirror", types: ["task", "bug", "feature", "epic", "chore"] },
    });
  });

  it("fills what a file leaves out, section by section", () => {
    const config = parseConfig("_extends: .github\npolecat:\n  max_turns: 40\nlimits: {max_polecats: 1}\n");
    expect(config._extends).toBe(".github");
    expect(config.polecat).toEqual({ ...defaultConfig().polecat, max_turns: 40 });
    expect(config.limits).toEqual({ max_polecats: 1 });
    expect(config.trust).toEqual(defaultConfig().trust);
  });

  it("names file, line, column and setting of every problem", () => {
    expect(problems("polecat:\n  max_turns: 0\n  colour: red\nlimitz: 1\ntrust: {permission: owner}\n")).toEqual([
      ".github/gastown.yml:2:14: polecat.max_turns: Too small: expected number to be >=1",
      ".github/gastown.yml:3:3: polecat.colour: unknown setting (known here: workflow, ref, agent, model, max_turns, timeout_minutes, max_cost_usd, heartbeat_minutes, name_pool, max_diff_lines, protected_paths, command, sandbox, network)",
      ".github/gastown.yml:4:1: limitz: unknown setting (known here: _extends, sling, polecat, limits, witness, deacon, trust, ledger, refinery, mirror)",
      '.github/gastown.yml:5:21: trust.permission: Invalid option: expected one of "read"|"triage"|"write"|"maintain"|"admin"',
    ]);
    expect(problems("polecat:\n  name_pool: [Furiosa]\n")).toEqual([
      ".github/gastown.yml:2:15: polecat.name_pool[0]: a polecat name is lower-case letters, digits and '-'",
    ]);
    expect(problems("sling:\n  label: go\n")).toEqual([
      ".github/gastown.yml:2:10: sling.label: a trigger label starts with gt: (for example gt:go)",
    ]);
    expect(problems("polecat:\n  agent: command\n")).toEqual([
      ".github/gastown.yml:2:3: polecat.command: agent is command, so command must name the executable to run",
    ]);
    expect(problems("polecat:\n  agent: cursor\n")).toEqual([
      '.github/gastown.yml:2:10: polecat.agent: Invalid option: expected one of "claude"|"codex"|"gemini"|"command"',
    ]);
    expect(problems("[1,2")).toEqual([".github/gastown.yml:1:5: Flow sequence must end with a ]"]);
    expect(problems("- sling\n")).toEqual([".github/gastown.yml:1:1: the file must be a mapping of settings (sling, polecat, limits, …)"]);
  });

  it("takes polecat.sandbox as on or off, YAML's true and false read as on and off", () => {
    const sandbox = (text: string) => parseConfig(`polecat:\n  sandbox: ${text}\n`).polecat.sandbox;
    expect([sandbox("on"), sandbox("off"), sandbox("true"), sandbox("false"), sandbox('"off"')]).toEqual(["on", "off", "on", "off", "off"]);
    expect(problems("polecat:\n  max_turns: 4\n  sandbox: maybe\n")).toEqual([
      ".github/gastown.yml:3:12: polecat.sandbox: sandbox is on or off",
    ]);
    // YAML 1.2 reads `no` as a word, not false: refused rather than guessed.
    expect(problems("polecat: {sandbox: no}\n")).toEqual([".github/gastown.yml:1:20: polecat.sandbox: sandbox is on or off"]);
  });

  it("takes polecat.network as open or an allow-list of hosts and *.suffixes, naming a bad entry by line and index", () => {
    expect(parseConfig("polecat:\n  network: open\n").polecat.network).toBe("open");
    expect(parseConfig("polecat:\n  network:\n    allow: [pypi.org, '*.githubusercontent.com']\n").polecat.network)
      .toEqual({ allow: ["pypi.org", "*.githubusercontent.com"] });
    expect(parseConfig("polecat:\n  network: {allow: []}\n").polecat.network).toEqual({ allow: [] });
    expect(problems("polecat:\n  network:\n    allow:\n      - pypi.org\n      - https://example.com\n      - 10.0.0.1\n")).toEqual([
      `.github/gastown.yml:5:9: polecat.network.allow[1]: "https://example.com" ${allowEntryProblem("https://example.com")}`,
      `.github/gastown.yml:6:9: polecat.network.allow[2]: "10.0.0.1" ${allowEntryProblem("10.0.0.1")}`,
    ]);
    expect(problems("polecat:\n  network: closed\n")).toEqual([
      ".github/gastown.yml:2:12: polecat.network: network is open, or { allow: [host, *.suffix, …] }",
    ]);
    expect(problems("polecat:\n  network: {deny: [pypi.org]}\n")).toEqual([
      ".github/gastown.yml:2:12: polecat.network: network is open, or { allow: [host, *.suffix, …] }",
    ]);
  });

  it("takes the refinery's settings, and refuses gates that test nothing, by line", () => {
    expect(parseConfig("refinery:\n  mode: direct\n  gates:\n    commands: [npm test]\n    checks: none\n  batch: 4\n").refinery).toEqual({
      mode: "direct", gates: { commands: ["npm test"], workflow: "gastown-gates.yml", checks: "none" }, batch: 4, merge_method: "merge", retries_for_flakes: 1, timeout_minutes: 120, max_fix_attempts: 2,
    });
    expect(problems("refinery:\n  gates:\n    checks: none\n  batch: 0\n  merge_method: octopus\n")).toEqual([
      ".github/gastown.yml:3:13: refinery.gates.checks: with no commands, checks must be required: the refinery lands nothing untested",
      ".github/gastown.yml:4:10: refinery.batch: Too small: expected number to be >=1",
      '.github/gastown.yml:5:17: refinery.merge_method: Invalid option: expected one of "merge"|"squash"|"rebase"',
    ]);
  });

  it("takes the mirror's settings, and refuses a trigger label without gt: and Gas Town's own types, by line", () => {
    expect(parseConfig("mirror:\n  issues: labelled\n  types: [task, bug, spike]\n").mirror).toEqual({
      enabled: true, issues: "labelled", label: "gt:mirror", types: ["task", "bug", "spike"],
    });
    expect(parseConfig("mirror: {enabled: false}\n").mirror).toEqual({ ...defaultConfig().mirror, enabled: false });
    expect(problems("mirror:\n  issues: some\n  label: mirrored\n  types:\n    - task\n    - convoy\n    - molecule\n  colour: red\n")).toEqual([
      '.github/gastown.yml:2:11: mirror.issues: Invalid option: expected one of "all"|"labelled"',
      ".github/gastown.yml:3:10: mirror.label: a trigger label starts with gt: (for example gt:mirror)",
      ".github/gastown.yml:6:7: mirror.types[1]: convoy beads are Gas Town's own and never mirrored",
      ".github/gastown.yml:7:7: mirror.types[2]: molecule beads are Gas Town's own and never mirrored",
      ".github/gastown.yml:8:3: mirror.colour: unknown setting (known here: enabled, issues, label, types)",
    ]);
  });

  it("has its JSON schema committed, up to date, accepting what the zod schema accepts", () => {
    const committed = readFileSync(new URL("../../schemas/gastown.schema.json", import.meta.url), "utf8");
    expect(committed, "schemas/gastown.schema.json is out of date: run `npm run schema`").toBe(configJsonSchemaText());
    const validate = new Ajv2020.default({ strict: false }).compile(JSON.parse(committed) as object);
    expect(validate({ polecat: { max_turns: 40 }, trust: { allowed_bots: ["renovate[bot]"] } })).toBe(true);
    expect(validate({ polecat: { colour: "red" } })).toBe(false);
    expect(validate({ limits: { max_polecats: 0 } })).toBe(false);
    expect(validate({ polecat: { sandbox: false, network: "open" } })).toBe(true);
    expect(validate({ polecat: { sandbox: "on", network: { allow: ["pypi.org"] } } })).toBe(true);
    expect(validate({ polecat: { sandbox: "maybe" } })).toBe(false);
    expect(validate({ polecat: { network: "closed" } })).toBe(false);
    expect(validate({ mirror: { issues: "labelled", types: ["task", "spike"] } })).toBe(true);
    expect(validate({ mirror: { issues: "some" } })).toBe(false);
    expect(validate({ mirror: { types: ["task", "convoy"] } })).toBe(false);
    expect(validate({ mirror: { colour: "red" } })).toBe(false);
  });
});
