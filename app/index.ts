// The Probot entry (`npm start`, or `probot run build/app/index.js`): the App with its real
// dependencies and, since a server runs for good, its own patrol clock: every
// GASTOWN_PATROL_MINUTES (5 unless set; 0 switches it off, for a replica that should not patrol).
import { gastownApp } from "./gastown-app.js";
import { realDependencies } from "./handlers/app-dependencies.js";
import { patrolEveryMs } from "./handlers/patrol-clock.js";

export default gastownApp(realDependencies, { ...patrolEveryMs(process.env["GASTOWN_PATROL_MINUTES"]) });
