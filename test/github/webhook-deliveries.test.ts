// The App's webhook deliveries as GitHub lists them: newest first, page after page by the cursor
// in the `Link` header, read back to the time asked for and no further.
import { Octokit } from "@octokit/core";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { deliveriesSince, nextCursor } from "../../app/github/webhook-deliveries.js";
import { GITHUB_API } from "../fidelity/nock-contract.js";

afterEach(() => nock.cleanAll());

const item = (id: number, at: string, status_code = 200) => ({
  id, guid: `g-${id}`, delivered_at: at, redelivery: false, duration: 0.1, status: status_code === 200 ? "OK" : `Invalid HTTP Response: ${status_code}`,
  status_code, event: "issues", action: "labeled", installation_id: 1, repository_id: 2, throttled_at: null,
});

describe("the App's deliveries since a time", () => {
  it("follows the cursor of each next page and stops at the first attempt older than asked, asking for no page beyond", async () => {
    // Plain nock: the contract mock answers no headers, and the listing pages by its Link header.
    nock.disableNetConnect();
    const first = nock(GITHUB_API).get("/app/hook/deliveries").query({ per_page: "100" })
      .reply(200, [item(9, "2026-12-04T12:09:00Z"), item(8, "2026-12-04T12:08:00Z", 502)], { link: `<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_7>; rel="next"` });
    const second = nock(GITHUB_API).get("/app/hook/deliveries").query({ per_page: "100", cursor: "v1_7" })
      .reply(200, [item(7, "2026-12-04T12:07:00Z"), item(6, "2026-12-04T11:00:00Z")], { link: `<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_5>; rel="next"` });

    const attempts = await deliveriesSince(new Octokit({ baseUrl: GITHUB_API }), new Date("2026-12-04T12:00:00Z"));
    expect(attempts.map((a) => [a.id, a.guid, a.statusCode, a.redelivery])).toEqual([[9, "g-9", 200, false], [8, "g-8", 502, false], [7, "g-7", 200, false]]);
    expect([first.isDone(), second.isDone()]).toEqual([true, true]);
  });

  it("reads the next page's cursor from a Link header, and none from the last page's", () => {
    expect(nextCursor(`<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_3>; rel="next"`)).toBe("v1_3");
    expect(nextCursor(`<${GITHUB_API}/app/hook/deliveries?cursor=v1_1>; rel="prev", <${GITHUB_API}/app/hook/deliveries?cursor=v1_9>; rel="next"`)).toBe("v1_9");
    expect(nextCursor(`<${GITHUB_API}/app/hook/deliveries?cursor=v1_1>; rel="prev"`)).toBeUndefined();
    expect(nextCursor(undefined)).toBeUndefined();
  });
});
