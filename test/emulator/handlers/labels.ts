// A repository's labels.
import type { Handlers } from "../http/handler.js";
import { paginate } from "../http/pagination.js";
import { empty, failure, json } from "../http/responses.js";
import { createLabel, deleteLabel, findLabel, updateLabel, type LabelInput, type LabelUpdate } from "../state/labels.js";
import { notFound } from "../state/result.js";
import { labelView } from "../views/label.js";
import { body, fullName, repoOf, respond } from "./respond.js";

export const labelHandlers: Handlers = {
  "issues/list-labels-for-repo": (request, core) => {
    const labels = repoOf(core, request).labels.map((label) => labelView(core.view(), fullName(request), label));
    const page = paginate(labels, request.query, request.url);
    return json(200, page.items, page.headers);
  },

  "issues/get-label": (request, core) => {
    const label = findLabel(repoOf(core, request), request.params["name"] ?? "");
    return label ? json(200, labelView(core.view(), fullName(request), label)) : failure(notFound(), request.documentationUrl);
  },

  "issues/create-label": (request, core) =>
    respond(core, request, 201, (state) => createLabel(state, fullName(request), body<LabelInput>(request), request.actor), (label) =>
      labelView(core.view(), fullName(request), label),
    ),

  "issues/update-label": (request, core) =>
    respond(core, request, 200, (state) => updateLabel(state, fullName(request), request.params["name"] ?? "", body<LabelUpdate>(request), request.actor), (label) =>
      labelView(core.view(), fullName(request), label),
    ),

  "issues/delete-label": (request, core) => {
    const result = core.apply((state) => deleteLabel(state, fullName(request), request.params["name"] ?? "", request.actor));
    return result.ok ? empty(204) : failure(result, request.documentationUrl);
  },
};
