// Everything Redis holds under a key prefix, as text: job hashes (data, failedReason, stacktrace,
// returnvalue), lists, sorted sets, streams (BullMQ's event log) and strings. The GDPR tests search it.
import { Redis } from "ioredis";

export async function redisContents(prefix: string): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const parts: string[] = [];
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        parts.push(key);
        if (type === "hash") parts.push(...Object.entries(await redis.hgetall(key)).flat());
        else if (type === "string") parts.push((await redis.get(key)) ?? "");
        else if (type === "list") parts.push(...(await redis.lrange(key, 0, -1)));
        else if (type === "set") parts.push(...(await redis.smembers(key)));
        else if (type === "zset") parts.push(...(await redis.zrange(key, 0, -1)));
        else if (type === "stream") for (const [, fields] of await redis.xrange(key, "-", "+")) parts.push(...fields);
      }
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return parts.join("\n");
}
