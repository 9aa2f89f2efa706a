// Who the commits the action makes itself are by: the work ref's first, empty commit and the
// `Gastown-Closed` markers. The name is a bot's, and the address is a GitHub noreply address no
// account can own (a GitHub user name cannot hold a dot), so GitHub links these commits to nobody.
// An agent commit under this identity is refused (commit-rules.ts), and the marker reader
// believes a marker only from a commit made under it.

export interface GitPerson {
  readonly name: string;
  readonly email: string;
}

export const ACTION_IDENTITY: GitPerson = {
  name: "gastown[bot]",
  email: "gastown.bot@users.noreply.github.com",
};

/** The variables `git commit-tree` takes its author, committer and date from. */
export function actionCommitEnvironment(at: Date, identity: GitPerson = ACTION_IDENTITY): Record<string, string> {
  const date = `@${Math.floor(at.getTime() / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_COMMITTER_DATE: date,
  };
}
