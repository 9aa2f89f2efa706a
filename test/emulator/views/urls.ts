// Where the emulator lives: every URL inside a response or payload points back at it, so a
// client that follows one (a run's logs, a PR's diff) reaches the emulator, not GitHub.
export type Urls = {
  /** The REST API's base URL, as `baseUrl` for Octokit and Probot. */
  api: string;
  /** Where html_url points and git is served (`<web>/<owner>/<repo>.git`). */
  web: string;
};

/** A login inside a URL path: bots' logins hold brackets, which a URI path may not. */
export function loginPath(login: string): string {
  return encodeURIComponent(login);
}

export function repoApi(urls: Urls, fullName: string): string {
  return `${urls.api}/repos/${fullName}`;
}

export function repoWeb(urls: Urls, fullName: string): string {
  return `${urls.web}/${fullName}`;
}
