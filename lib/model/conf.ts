/**
 * Reading StarRocks config files (fe.conf, cn.conf, be.conf) for the few keys that change what is rendered:
 * the ports (`ports.ts` holds what each port key means) and `run_mode`. The files are Java-properties style
 * `key = value` lines; `#` starts a comment.
 */

import { memoByText } from './memo';

/** The parsed file: keys in the order they first appear; a later duplicate wins, as in StarRocks. */
export type ConfFile = ReadonlyMap<string, string>;

/** Parses once per text: a synth reads the FE config for every component, the checks and the restore form. */
export function parseConf(text: string | undefined): ConfFile {
  return parseConfText(text ?? '');
}

const parseConfText = memoByText((text: string): ConfFile => {
  const entries = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.search(/[=:]/);
    if (eq <= 0) continue;
    entries.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return entries;
});

/** True when the FE config runs the cluster in shared-data mode (the operator's `IsRunInSharedDataMode`). */
export function isSharedData(conf: ConfFile): boolean {
  return (conf.get('run_mode') ?? '').includes('shared_data');
}
