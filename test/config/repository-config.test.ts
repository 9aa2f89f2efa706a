import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../app/config/config-schema.js";
import { ConfigError, formatConfigProblem } from "../../app/config/read-config.js";
import { repositoryConfig } from "../../app/config/repository-config.js";

const ORG = "polecat:\n  max_turns: 40\n  protected_paths: [secrets/**]\ntrust: {allowed_bots: [renovate]}\n";
const orgFile = "octo/.github:.github/gastown.yml";

describe("which repositories are switched on, and with what", () => {
  it("needs the repository's own file: an organisation's file alone switches nothing on", () => {
    expect(repositoryConfig({ repository: undefined, organisation: undefined }))
      .toEqual({ enabled: false, reason: "the repository has no .github/gastown.yml of its own" });
    expect(repositoryConfig({ repository: undefined, organisation: ORG, organisationFile: orgFile }).enabled).toBe(false);
  });

  it("takes an empty file as the built-in defaults, ignoring the organisation's unless extended", () => {
    expect(repositoryConfig({ repository: "", organisation: ORG })).toEqual({ enabled: true, config: defaultConfig() });
  });

  it("with _extends: .github, puts the repository's settings over the organisation's, lists replaced whole", () => {
    const result = repositoryConfig({
      repository: "_extends: .github\npolecat:\n  protected_paths: [db/**]\nlimits: {max_polecats: 1}\n",
      organisation: ORG,
      organisationFile: orgFile,
    });
    expect(result.enabled && result.config.polecat).toEqual({ ...defaultConfig().polecat, max_turns: 40, protected_paths: ["db/**"] });
    expect(result.enabled && result.config.trust).toEqual({ permission: "write", allowed_bots: ["renovate"] });
    expect(result.enabled && result.config.limits).toEqual({ max_polecats: 1 });
  });

  it("says which file is wrong, and where", () => {
    const error = (run: () => unknown) => {
      try {
        run();
      } catch (caught) {
        if (caught instanceof ConfigError) return caught.problems.map(formatConfigProblem);
      }
      throw new Error("expected a ConfigError");
    };
    expect(error(() => repositoryConfig({ repository: "_extends: .github\n", organisation: "limits: {max_polecats: none}\n", organisationFile: orgFile })))
      .toEqual([`${orgFile}:1:24: limits.max_polecats: Invalid input: expected number, received string`]);
    expect(error(() => repositoryConfig({ repository: "_extends: other-repo\n", organisation: undefined })))
      .toEqual(['.github/gastown.yml:1:11: _extends: only ".github" (the organisation\'s .github repository) can be extended (got "other-repo")']);
  });
});
