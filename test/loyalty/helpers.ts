// Shared test helpers: readable dates as day numbers, and a small seeded generator for property tests.
import { dayNumberOf } from "../../app/loyalty/index.ts";

/** "2025-03-15" → local day number (the engine's unit). */
export function day(iso: string): number {
  const [year, month, dayOfMonth] = iso.split("-").map(Number);
  return dayNumberOf(year, month, dayOfMonth);
}

/** Midday UTC of an ISO date, as an instant. */
export function noon(iso: string): number {
  return Date.parse(`${iso}T12:00:00Z`);
}

/** A seeded 32-bit generator (xorshift-multiply), so a failing sequence can be replayed from its seed. */
export class TestRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let x = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
