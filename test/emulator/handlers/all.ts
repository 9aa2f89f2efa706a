// Every handler the emulator has, by operationId. An operation missing here answers 404 and
// is reported (see ../http/api.ts).
import type { Handlers } from "../http/handler.js";
import { actionsHandlers } from "./actions.js";
import { appHandlers } from "./app.js";
import { branchHandlers } from "./branches.js";
import { checkHandlers } from "./checks.js";
import { contentHandlers } from "./contents.js";
import { gitDataHandlers } from "./git-data.js";
import { issueHandlers } from "./issues.js";
import { labelHandlers } from "./labels.js";
import { mergeHandlers } from "./merges.js";
import { pullHandlers } from "./pulls.js";
import { repoHandlers } from "./repos.js";
import { statusHandlers } from "./statuses.js";
import { webhookDeliveryHandlers } from "./webhook-deliveries.js";

export const ALL_HANDLERS: Handlers = {
  ...appHandlers,
  ...webhookDeliveryHandlers,
  ...repoHandlers,
  ...branchHandlers,
  ...mergeHandlers,
  ...statusHandlers,
  ...labelHandlers,
  ...issueHandlers,
  ...gitDataHandlers,
  ...pullHandlers,
  ...checkHandlers,
  ...contentHandlers,
  ...actionsHandlers,
};
