// Pools that run the verifier's tasks (work.js): in this thread, or spread over workers — Web Workers in a
// browser, worker_threads under node. This module uses neither API itself: the caller spawns the workers (the
// CLI and the browser's worker entry do) and hands them over; each worker answers taskReply(message).
//
//   pool = {size, run(name, ctx, payload): Promise<result>, close()}
import { runTask } from "./work.js";
import { clearPointCache } from "./group.js";

// Runs every task here, one after the other.
export function inlinePool() {
  return {
    size: 1,
    run: async (name, ctx, payload) => runTask(name, ctx, payload),
    close() {},
  };
}

// What a worker answers to a task message {id, name, ctx, payload}: {id, result} or {id, error}.
export function taskReply(message) {
  const { id, name, ctx, payload } = message;
  try {
    return { id, result: runTask(name, ctx, payload) };
  } catch (e) {
    return { id, error: `${e && e.message ? e.message : e}` };
  } finally {
    clearPointCache(); // a worker's points are not met again
  }
}

// A pool over workers already started: each has postMessage(message) and delivers replies either through
// on("message", f) (node) or addEventListener("message", e => f(e.data)) (browser). Tasks wait in a queue
// and go to the first idle worker.
export function workerPool(workers) {
  const idle = [...workers];
  const queue = [];
  const pending = new Map();
  let next = 1;
  let broken = null;
  const dispatch = () => {
    while (idle.length && queue.length) {
      const w = idle.pop();
      const job = queue.shift();
      pending.set(job.message.id, { ...job, worker: w });
      w.postMessage(job.message);
    }
  };
  const failAll = (why) => {
    broken = why;
    for (const job of [...pending.values(), ...queue]) job.reject(new Error(why));
    pending.clear();
    queue.length = 0;
  };
  for (const w of workers) {
    const onReply = (reply) => {
      const job = pending.get(reply.id);
      if (job === undefined) return;
      pending.delete(reply.id);
      idle.push(w);
      if (reply.error !== undefined) job.reject(new Error(reply.error));
      else job.resolve(reply.result);
      dispatch();
    };
    const onError = (e) => failAll(`a verifier worker failed: ${e && e.message ? e.message : e}`);
    if (typeof w.on === "function") {
      w.on("message", onReply);
      w.on("error", onError);
    } else {
      w.addEventListener("message", (e) => onReply(e.data));
      w.addEventListener("error", onError);
    }
  }
  return {
    size: workers.length,
    run(name, ctx, payload) {
      if (broken) return Promise.reject(new Error(broken));
      return new Promise((resolve, reject) => {
        queue.push({ message: { id: next++, name, ctx, payload }, resolve, reject });
        dispatch();
      });
    },
    close() {
      for (const w of workers) w.terminate();
    },
  };
}

// Runs `name` over `items` in chunks of `chunk`, keeping a few chunks per worker in flight, and hands each
// chunk's result to `take(result, offset)` in order (so the first failure found is the first in the list,
// whatever the pool). `take` may throw to stop; the chunks already sent are then left to finish unread.
export async function mapChunks(pool, name, ctx, items, chunk, take) {
  const starts = [];
  for (let at = 0; at < items.length; at += chunk) starts.push(at);
  const inFlight = [];
  const window = Math.max(2, pool.size * 2);
  let sent = 0;
  const send = () => {
    const at = starts[sent++];
    const p = pool.run(name, ctx, { offset: at, items: items.slice(at, at + chunk) });
    p.catch(() => {}); // read in order below
    inFlight.push(p);
  };
  while (sent < starts.length && inFlight.length < window) send();
  for (let c = 0; c < starts.length; c++) {
    const result = await inFlight.shift();
    if (sent < starts.length) send();
    await take(result, starts[c]);
  }
}
