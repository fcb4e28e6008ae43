// An open-loop sender: each request leaves at its scheduled time (request i at start + i/rate), whether or not
// earlier answers have come back, so a slow server shows up as latency instead of slowing the sender down
// (autocannon's closed loop hides it). Latency runs from the scheduled time to the end of the answer.
import { Agent, request, type RequestOptions } from "node:http";
import { quantile } from "./deliveries";

export interface OpenLoopRequest {
  options: RequestOptions;
  body?: string;
}

export interface OpenLoopResult {
  achieved: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers per HTTP status; 0 counts connection errors. */
  statuses: Map<number, number>;
}

export async function sendAtRate<T>(
  port: number,
  items: readonly T[],
  rate: number,
  requestOf: (item: T) => OpenLoopRequest,
): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const send = (item: T, scheduled: number) =>
    new Promise<void>((resolve) => {
      const { options, body } = requestOf(item);
      const req = request({ host: "127.0.0.1", port, agent, ...options }, (res) => {
        res.resume();
        res.on("end", () => {
          latencies.push(performance.now() - scheduled);
          count(res.statusCode ?? 0);
          resolve();
        });
      });
      req.on("error", () => {
        count(0);
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < items.length; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(items[i]!, scheduled));
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - start;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    achieved: (items.length / elapsed) * 1000,
    p50: quantile(latencies, 0.5),
    p90: quantile(latencies, 0.9),
    p99: quantile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    statuses,
  };
}
