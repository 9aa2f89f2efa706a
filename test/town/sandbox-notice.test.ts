// What the App says when a repository weakens the polecat sandbox, exactly.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { sandboxNotice, sandboxParagraph } from "../../app/town/sandbox-notice.js";

const { network } = defaultConfig().polecat;

describe("the sandbox notice", () => {
  it("says plainly that the sandbox is off, or the network open, and nothing when the sandbox is whole", () => {
    expect(sandboxNotice({ sandbox: "off", network })).toBe(
      "⚠️ **Sandbox off**: the agent runs unisolated, with the model's key and the runner's network (`polecat.sandbox: off`).",
    );
    expect(sandboxNotice({ sandbox: "on", network: "open" })).toBe(
      "⚠️ **Network open**: the agent can reach any public host (`polecat.network: open`).",
    );
    expect(sandboxNotice({ sandbox: "on", network })).toBeUndefined();
    expect(sandboxNotice({ sandbox: "on", network: { allow: [] } })).toBeUndefined();
    expect(sandboxNotice(undefined)).toBeUndefined();
  });

  it("says only that the sandbox is off when the network is open too: no proxy stands in the way then", () => {
    expect(sandboxNotice({ sandbox: "off", network: "open" })).toBe(sandboxNotice({ sandbox: "off", network }));
  });

  it("is a paragraph of its own after the text's first", () => {
    expect(sandboxParagraph({ sandbox: "on", network: "open" })).toEqual(["", sandboxNotice({ sandbox: "on", network: "open" })]);
    expect(sandboxParagraph({ sandbox: "on", network })).toEqual([]);
  });
});
