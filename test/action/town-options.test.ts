// The action's options: what the runner's variables and the inputs give, and the errors that
// say what to do when they give nothing sound.
import { describe, expect, it } from "vitest";
import { readTownOptions, type ActionSource } from "../../action/town/town-options.js";

const ENV = {
  GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: "/home/runner/work/_temp/_github_workflow/event.json",
  GITHUB_API_URL: "https://api.github.com", GITHUB_RUN_ID: "123456", GITHUB_RUN_ATTEMPT: "2",
};
const WORKFLOW_TOKEN = "ghs_workflow";

const read = (inputs: ActionSource["inputs"], env: ActionSource["env"] = ENV) => readTownOptions({ env, inputs });

describe("readTownOptions", () => {
  it("with the workflow's GITHUB_TOKEN, acts as github-actions[bot]", () => {
    expect(read({ token: WORKFLOW_TOKEN, "github-token": WORKFLOW_TOKEN, "app-slug": "", "bot-login": "" })).toEqual({
      eventName: "issues",
      eventPath: "/home/runner/work/_temp/_github_workflow/event.json",
      deliveryId: "123456-2",
      token: WORKFLOW_TOKEN,
      apiUrl: "https://api.github.com",
      botLogin: "github-actions[bot]",
    });
  });

  it("with the App's token, acts as <app-slug>[bot]", () => {
    expect(read({ token: "ghs_app", "github-token": WORKFLOW_TOKEN, "app-slug": "gastown" }).botLogin).toBe("gastown[bot]");
    expect(read({ token: "ghs_app", "github-token": WORKFLOW_TOKEN, "bot-login": "town-keeper[bot]" }).botLogin).toBe("town-keeper[bot]");
    expect(read({ token: "ghs_app", "app-slug": "gastown", "bot-login": "gastown[bot]" }).botLogin).toBe("gastown[bot]");
  });

  it("takes a GitHub Enterprise Server's API, without a trailing slash", () => {
    expect(read({ token: "t" }, { ...ENV, GITHUB_API_URL: "https://ghe.example.com/api/v3/" }).apiUrl).toBe("https://ghe.example.com/api/v3");
    expect(read({ token: "t" }, { ...ENV, GITHUB_API_URL: undefined }).apiUrl).toBe("https://api.github.com");
  });

  it("refuses another token with no login named, which would answer its own answers", () => {
    expect(() => read({ token: "ghs_app", "github-token": WORKFLOW_TOKEN })).toThrow(
      "The input `token` is not this workflow's GITHUB_TOKEN, so Gas Town cannot tell which events are its own answers: " +
        "pass `app-slug: ${{ steps.<id>.outputs.app-slug }}` from actions/create-github-app-token, or `bot-login`.",
    );
  });

  it("refuses inputs that disagree, an empty token, and a step outside a workflow", () => {
    expect(() => read({ token: "t", "app-slug": "gastown", "bot-login": "other[bot]" })).toThrow(
      "The inputs disagree: app-slug `gastown` acts as gastown[bot], but bot-login is other[bot]. Give one of them.",
    );
    expect(() => read({ token: " " })).toThrow(/^The input `token` is empty: leave it out to use the workflow's GITHUB_TOKEN/);
    expect(() => read({ token: "t" }, {})).toThrow(
      "GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set: the Gas Town action runs as a step of a GitHub Actions workflow.",
    );
  });
});
