// Accounts as GitHub renders them (`simple-user`), in responses and as webhooks' `sender`.
import type { Account } from "../state/model.js";
import { loginPath, type Urls } from "./urls.js";

export type SimpleUser = Record<string, unknown> & { login: string; id: number };

export function simpleUser(urls: Urls, account: Account): SimpleUser {
  const api = `${urls.api}/users/${loginPath(account.login)}`;
  return {
    login: account.login,
    id: account.id,
    node_id: account.nodeId,
    avatar_url: `${urls.web}/avatars/u/${account.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: account.type === "Bot" ? `${urls.web}/apps/${loginPath(account.login.replace(/\[bot\]$/, ""))}` : `${urls.web}/${loginPath(account.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
  };
}
