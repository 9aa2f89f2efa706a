// `author_association`: how the author relates to the repository.
// https://docs.github.com/en/graphql/reference/enums#commentauthorassociation
import type { RepoRecord } from "../state/model.js";

export type AuthorAssociation = "OWNER" | "COLLABORATOR" | "MEMBER" | "CONTRIBUTOR" | "NONE";

export function authorAssociation(repo: RepoRecord, login: string): AuthorAssociation {
  if (login === repo.owner) return "OWNER";
  return repo.collaborators[login] !== undefined ? "COLLABORATOR" : "NONE";
}
