// A worker thread for the pool tests in verify.test.js: runs the verifier's tasks from the sources.
import { parentPort } from "node:worker_threads";
import { taskReply } from "../src/verify/pool.js";

parentPort.on("message", (message) => parentPort.postMessage(taskReply(message)));
