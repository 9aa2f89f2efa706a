// The App and its installations as GitHub renders them (`integration`, `installation`).
import type { InstallationRecord } from "../state/model.js";
import { ACTIONS_APP_ID } from "../state/accounts.js";
import { accountFor, userView, type ViewContext } from "./context.js";
import { simpleUser } from "./users.js";

export function integrationView(view: ViewContext): Record<string, unknown> {
  const app = view.state.app;
  return {
    id: app.id,
    slug: app.slug,
    node_id: Buffer.from(`03:App${app.id}`).toString("base64"),
    client_id: app.clientId,
    owner: userView(view, app.owner),
    name: app.name,
    description: null,
    external_url: `${view.urls.web}/apps/${app.slug}`,
    html_url: `${view.urls.web}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { ...app.permissions, metadata: "read" },
    events: app.events,
    installations_count: view.state.installations.length,
  };
}

/**
 * GitHub Actions' own App, which owns what a workflow's GITHUB_TOKEN makes (its check runs).
 * Its id, slug and owner are the real ones, so readers can filter by them as they would on GitHub.
 */
export function actionsIntegrationView(view: ViewContext): Record<string, unknown> {
  return {
    id: ACTIONS_APP_ID,
    slug: "github-actions",
    node_id: "MDM6QXBwMTUzNjg=",
    owner: { ...userView(view, "github"), id: 9919, node_id: "MDEyOk9yZ2FuaXphdGlvbjk5MTk=", type: "Organization" },
    name: "GitHub Actions",
    description: "Automate your workflow from idea to production",
    external_url: "https://help.github.com/en/actions",
    html_url: `${view.urls.web}/apps/github-actions`,
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2024-04-10T20:33:16Z",
    permissions: { actions: "write", checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write", statuses: "write" },
    events: ["check_run", "check_suite", "push", "pull_request", "workflow_dispatch"],
  };
}

export function installationView(view: ViewContext, installation: InstallationRecord): Record<string, unknown> {
  const account = accountFor(view, installation.account);
  return {
    id: installation.id,
    account: simpleUser(view.urls, account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${view.urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${view.urls.api}/installation/repositories`,
    html_url: `${view.urls.web}/organizations/${account.login}/settings/installations/${installation.id}`,
    app_id: view.state.app.id,
    app_slug: view.state.app.slug,
    target_id: account.id,
    target_type: account.type,
    permissions: { ...installation.permissions, metadata: "read" },
    events: installation.events,
    created_at: installation.createdAt,
    updated_at: installation.updatedAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** The `installation` every App delivery carries (schema `simple-installation`). */
export function simpleInstallation(installation: InstallationRecord): Record<string, unknown> {
  return { id: installation.id, node_id: Buffer.from(`012:Installation${installation.id}`).toString("base64") };
}
