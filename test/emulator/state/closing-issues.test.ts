import { describe, expect, it } from "vitest";
import { closedIssueNumbers } from "./closing-issues.js";

describe("closing keywords", () => {
  it("finds each keyword, any case, with or without a colon, in this repository only, once each", () => {
    const body = [
      "close #1, closes #2, Closed #3",
      "FIX #4 fixes: #5 fixed #6",
      "resolve #7 Resolves octo/town#8 RESOLVED: #9",
      "fixes other/repo#10, mentions #11, prefix#12, closes #2 again",
    ].join("\n");

    expect(closedIssueNumbers(body, "octo/town")).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(closedIssueNumbers(null, "octo/town")).toEqual([]);
    expect(closedIssueNumbers("unfixes #3, closesthis #4", "octo/town")).toEqual([]);
  });
});
