// The Probot entry (`npm start`, or `probot run build/app/index.js`): the App with its real
// dependencies. Nothing else belongs here.
import { gastownApp } from "./gastown-app.js";

export default gastownApp();
