import { describe, expect, it } from "vitest";
import { parseGateCommands } from "../../action/gates/gate-commands.js";

describe("the gates' commands input", () => {
  it("is a JSON list of shell commands, kept in order and as written", () => {
    expect(parseGateCommands(' ["npm ci", "npm test -- --reporter dot", "echo \\"$HOME\\""] ')).toEqual(["npm ci", "npm test -- --reporter dot", 'echo "$HOME"']);
  });

  it("says what is wrong with anything else, and how it should look", () => {
    expect(() => parseGateCommands("")).toThrow('The input `commands` is empty: it takes a JSON list of shell commands, such as ["npm ci", "npm test"].');
    expect(() => parseGateCommands("npm test")).toThrow(/^The input `commands` is not JSON \(.+\): it takes a JSON list of shell commands, such as \["npm ci", "npm test"\]\.$/);
    expect(() => parseGateCommands('{"run": "npm test"}')).toThrow('The input `commands` is not a list: it takes a JSON list of shell commands, such as ["npm ci", "npm test"].');
    expect(() => parseGateCommands('["npm ci", 3]')).toThrow('The input `commands` has 3 at index 1: every command must be a non-empty string, such as ["npm ci", "npm test"].');
    expect(() => parseGateCommands('["npm ci", "  "]')).toThrow('The input `commands` has "  " at index 1: every command must be a non-empty string, such as ["npm ci", "npm test"].');
  });

  it("refuses an empty list rather than pass a batch that nothing tested", () => {
    expect(() => parseGateCommands("[]")).toThrow("The input `commands` is an empty list: gates must run at least one command, or a batch would pass untested.");
  });
});
