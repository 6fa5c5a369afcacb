// A worker thread of the JavaScript verifier's command line (cli.mjs, --workers): it runs the tasks the main
// thread sends (chunks of papers, decryption shares; js/src/verify/work.js) and answers each with its result.
import { parentPort } from "node:worker_threads";
import { taskReply } from "./verifier.js";

parentPort.on("message", (message) => parentPort.postMessage(taskReply(message)));
