// The action's post step, bundled into dist/post.js. Do not add logic here: it lives in
// post-runner.ts, where tests can reach it.
import { runPost } from "./post-runner.js";

await runPost();
