/** `--timeout` values: `90s`, `15m`, `1h30m`, or plain seconds. */
import { InvalidArgumentError } from 'commander';

export function parseDuration(text: string): number {
  const plain = /^\d+$/.test(text) ? Number(text) * 1000 : undefined;
  if (plain !== undefined) return plain;
  const re = /(\d+)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    matched = re.lastIndex;
  }
  if (matched !== text.length || text.length === 0 || total <= 0) {
    throw new InvalidArgumentError(`"${text}" is not a duration; use e.g. 90s, 15m or 1h30m`);
  }
  return total;
}
