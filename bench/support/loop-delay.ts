// Preloaded into the web process by bench:webhooks (node --import tsx --import ./bench/support/loop-delay.ts):
// the event loop's delay histogram, reset and read by the parent over the IPC channel. A stalled loop
// delays every acknowledgement queued behind it, so this tells a slow process from a slow Redis.
import { monitorEventLoopDelay } from "node:perf_hooks";

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();

const ms = (ns: number) => ns / 1e6;

process.on("message", (message) => {
  if (message === "loop-delay:reset") histogram.reset();
  else if (message === "loop-delay:read") {
    process.send?.({
      kind: "loop-delay",
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    });
  }
});
// The channel must not keep a process alive that would otherwise exit.
process.channel?.unref();
