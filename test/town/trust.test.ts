import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { mayDrive } from "../../app/town/trust.js";

const trust = defaultConfig().trust;
const person = (login: string) => ({ login, type: "User" });

describe("who may drive the town", () => {
  it("takes the configured permission or more; write by default", () => {
    const verdicts = ["read", "triage", "write", "maintain", "admin"].map((role) => mayDrive(person("ann"), role, trust).allowed);
    expect(verdicts).toEqual([false, false, true, true, true]);
    expect(mayDrive(person("ann"), "triage", trust)).toEqual({
      allowed: false,
      reason: "@ann has triage access to this repository; driving Gas Town here takes write (trust.permission in .github/gastown.yml)",
    });
    expect(mayDrive(person("bob"), undefined, trust)).toEqual({
      allowed: false,
      reason: "@bob has no access to this repository; driving Gas Town here takes write (trust.permission in .github/gastown.yml)",
    });
    expect(mayDrive(person("ann"), "maintain", { ...trust, permission: "admin" }).allowed).toBe(false);
    expect(mayDrive(person("ann"), "custom-role", trust).allowed).toBe(false);
  });

  it("refuses bots unless listed", () => {
    const bot = { login: "renovate[bot]", type: "Bot" };
    expect(mayDrive(bot, "write", trust)).toEqual({
      allowed: false, reason: "@renovate[bot] is a bot; bots drive Gas Town only when listed in trust.allowed_bots",
    });
    expect(mayDrive(bot, undefined, { ...trust, allowed_bots: ["renovate[bot]"] })).toEqual({ allowed: true });
  });
});
